"""The pool and the rota: who holds which slot, members' availability, time off and swaps."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    ColumnElement,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from coop.bookings.models import Shift
from coop.datamap import DELETE, HMRC, WHILE_MEMBER, Personal, declare, keep
from coop.db import Base, UTCDateTime, partial_index
from coop.members.models import Member
from coop.timeutil import utcnow


class AssignmentStatus(StrEnum):
    ACCEPTED = "accepted"  # the member holds the slot
    ASKED = "asked"  # a coordinator asked the member (a new place, or a changed shift): the slot
    # is kept for them, but it is not theirs, nor counted as their work, until they say yes
    DROPPED = "dropped"  # the member let it go (never held against them)
    SWAPPED = "swapped"  # handed to another member through a swap
    CANCELLED = "cancelled"  # the shift was cancelled


class SwapStatus(StrEnum):
    OPEN = "open"
    TAKEN = "taken"
    WITHDRAWN = "withdrawn"
    DECLINED = "declined"  # a two-way swap the other member said no to (or could no longer do)


class OfferStatus(StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    LAPSED = "lapsed"


class AssignmentSource(StrEnum):
    CLAIM = "claim"
    ASSIGN = "assign"
    OFFER = "offer"
    SWAP = "swap"


class Assignment(Base):
    """A member holding one slot of a shift."""

    __tablename__ = "assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shift.id", ondelete="CASCADE"))
    # The shift's start, carried so a member's places in a range are read from an index on the
    # member (the week grid: 25 members' places of a week at ten times the co-op). The database
    # keeps it true: (shift_id, shift_starts_at) is a foreign key to the shift's (id, starts_at)
    # that follows a change of the shift's start (ON UPDATE CASCADE), so a wrong or missing value
    # cannot be saved.
    shift_starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    status: Mapped[str] = mapped_column(String(10), default=AssignmentStatus.ACCEPTED)
    source: Mapped[str] = mapped_column(String(10), default="claim")  # claim | assign | offer | swap
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Involvement work only: the member's choice to take less pay per hour (0 = decline payment).
    chosen_pay_pence_per_hour: Mapped[int | None] = mapped_column(Integer)
    # When the member was reminded of this shift the day before (set once: never sent twice).
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    shift: Mapped[Shift] = relationship(lazy="joined", foreign_keys=[shift_id])
    member: Mapped[Member] = relationship(lazy="joined")

    @validates("shift")
    def _carry_start(self, _key: str, shift: Shift) -> Shift:
        """Made with its shift (not only its id), a place takes the shift's start from it."""
        self.shift_starts_at = shift.starts_at
        return shift

    @classmethod
    def held(cls) -> ColumnElement[bool]:
        """The condition for a place a member holds (not dropped, cancelled or only asked about)."""
        return cls.status == AssignmentStatus.ACCEPTED

    __table_args__ = (
        CheckConstraint(
            "status IN ('accepted', 'asked', 'dropped', 'swapped', 'cancelled')", name="status_known"
        ),
        CheckConstraint("source IN ('claim', 'assign', 'offer', 'swap')", name="source_known"),
        ForeignKeyConstraint(
            ["shift_id", "shift_starts_at"],
            ["shift.id", "shift.starts_at"],
            name="fk_assignment_shift_start",
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        # A member holds at most one slot of a shift.
        partial_index(
            "uq_assignment_active_member_shift",
            "shift_id",
            "member_id",
            where="status IN ('accepted', 'asked')",
            unique=True,
        ),
        Index("ix_assignment_member_status", "member_id", "status"),
        Index("ix_assignment_shift_status", "shift_id", "status"),
        # The shifts a few members hold (the week grid, their other work near a shift), read from
        # the index alone and joined to the shifts in range: at ten times the co-op 25 members
        # hold 5,500 places in two years, which a heap read and a look-up per shift made 30 ms.
        # It carries the status so that "held" (accepted, not only asked) needs no table read.
        partial_index(
            "ix_assignment_held_member",
            "member_id",
            "shift_id",
            where="status IN ('accepted', 'asked')",
            postgresql_include=["id", "chosen_pay_pence_per_hour", "status"],
        ),
        # A few members' places in a range of time, from the index alone on PostgreSQL (0043).
        Index(
            "ix_assignment_member_starts",
            "member_id",
            "shift_starts_at",
            postgresql_include=["shift_id", "status", "chosen_pay_pence_per_hour"],
            # whole on SQLite, which cannot tell that status = 'accepted' is one of these
            postgresql_where=text("status IN ('accepted', 'asked')"),
        ),
    )


class Availability(Base):
    """A weekly window when a member is happy to work (Europe/London wall clock)."""

    __tablename__ = "availability"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)

    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("end_time > start_time", name="ends_after_start"),
    )


class TimeOff(Base):
    """Days a member is away (inclusive)."""

    __tablename__ = "time_off"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(200), default="")

    __table_args__ = (CheckConstraint("last_day >= first_day", name="order"),)


class SwapOffer(Base):
    """A member offering their slot to another eligible member."""

    __tablename__ = "swap_offer"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(10), default=SwapStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A two-way swap: the shift the offering member would take in exchange (its holder decides).
    wanted_assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"))
    # The two shifts' times when the exchange was proposed: a change since closes it.
    terms: Mapped[str] = mapped_column(String(200), default="")

    assignment: Mapped[Assignment] = relationship(foreign_keys=[assignment_id], lazy="selectin")
    wanted: Mapped[Assignment | None] = relationship(foreign_keys=[wanted_assignment_id], lazy="selectin")

    __table_args__ = (
        CheckConstraint("status IN ('open', 'taken', 'withdrawn', 'declined')", name="status_known"),
        partial_index("uq_swap_offer_open_assignment", "assignment_id", where="status = 'open'", unique=True),
    )


class MemberFeed(Base):
    """A member's secret calendar address (regenerate to revoke): only its SHA-256 is kept."""

    __tablename__ = "member_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), unique=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)


DEFAULT_REMINDER_HOUR = 18  # members who never chose are reminded of tomorrow's shifts at 18:00


class RotaPreferences(Base):
    """A member's preferences for work: hours a week, open shifts while paused, the digest."""

    __tablename__ = "rota_preferences"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), unique=True)
    preferred_hours_week: Mapped[int | None] = mapped_column(Integer)
    show_open_when_paused: Mapped[bool] = mapped_column(default=False)
    daily_digest: Mapped[bool] = mapped_column(default=False)
    # The hour (London) to be reminded of tomorrow's shifts, or None for no reminders. Members who
    # never chose are reminded at 18:00 (rows from before: the migration's default).
    reminder_hour: Mapped[int | None] = mapped_column(Integer)
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Emails about new proposals and their results: None until the member chooses, which means
    # yes, unless they asked for fewer emails by turning shift reminders off.
    proposal_emails: Mapped[bool | None] = mapped_column()

    __table_args__ = (
        CheckConstraint("preferred_hours_week BETWEEN 0 AND 60", name="preferred_hours_range"),
        CheckConstraint("reminder_hour BETWEEN 0 AND 23", name="reminder_hour_range"),
    )


class Offer(Base):
    """A proposal from auto-fill, sent to a member, who accepts or declines (no penalty either
    way). Accepting claims the slot with the same rules and limits as claiming."""

    __tablename__ = "offer"

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shift.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    status: Mapped[str] = mapped_column(String(10), default=OfferStatus.OFFERED)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    shift: Mapped[Shift] = relationship(lazy="joined")

    __table_args__ = (
        CheckConstraint("status IN ('offered', 'accepted', 'declined', 'lapsed')", name="status_known"),
        partial_index(
            "uq_offer_open_shift_member", "shift_id", "member_id", where="status = 'offered'", unique=True
        ),
        Index("ix_offer_member_status", "member_id", "status"),
    )


class ShiftHold(Base):
    """Fair release: while a new shift is held, only these members (furthest below their
    preferred hours) can claim it."""

    __tablename__ = "shift_hold"

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shift.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))

    __table_args__ = (UniqueConstraint("shift_id", "member_id"),)


for _model, _what, _why, _as, _fields in (
    (
        Availability,
        "Each member's weekly pattern of when they can work",
        "to offer shifts that fit",
        "availability",
        ("weekday", "start_time", "end_time"),
    ),
    (
        RotaPreferences,
        "Preferred hours and email choices",
        "to share work fairly and email as they chose",
        "preferences",
        ("preferred_hours_week", "show_open_when_paused", "daily_digest", "reminder_hour", "proposal_emails"),
    ),
    (
        MemberFeed,
        "The secret address of a member's calendar feed",
        "so their calendar shows their shifts",
        "",
        (),
    ),
    (
        Offer,
        "Shifts offered to a member by auto-fill",
        "to share open work fairly",
        "offers",
        ("shift_id", "status", "created_at", "expires_at", "decided_at"),
    ),
    (ShiftHold, "Who a new shift is held for first", "to share new work fairly", "", ()),
):
    declare(
        _model,
        Personal(
            what=_what,
            why=_why,
            kept=WHILE_MEMBER,
            owner="member_id",
            columns={"member_id": keep("deleted with the row")}
            | ({"token_sha256": keep("deleted with the row")} if _model is MemberFeed else {}),
            rows=DELETE,
            export=_fields,
            export_as=_as,
        ),
    )
declare(
    TimeOff,
    Personal(
        what="Days a member is away, with their own note",
        why="so they are not offered work then",
        kept=WHILE_MEMBER,
        owner="member_id",
        columns={"member_id": keep("deleted with the row"), "note": keep("deleted with the row")},
        rows=DELETE,
        export=("first_day", "last_day", "note"),
        export_as="time_off",
    ),
)
declare(
    Assignment,
    Personal(
        what="Who held which shift, and when they took or let it go",
        why="to run the rota and pay for the work",
        kept="six years (HMRC: hours worked are pay records); future shifts are let go at erasure",
        owner="member_id",
        columns={"member_id": keep(HMRC)},
        rows=keep(HMRC),
        export=(
            "id",
            "status",
            "source",
            "created_at",
            "ended_at",
            "chosen_pay_pence_per_hour",
            "service=shift.service.name",
            "starts_at=shift.starts_at",
            "ends_at=shift.ends_at",
            "site_address=shift.site_address",
        ),
        export_as="shifts",
    ),
)
declare(
    SwapOffer,
    Personal(
        what="Shifts a member offered to swap, and who took them",
        why="to let members swap work",
        kept="with the shift",
        owner="assignment_id",
        columns={
            "assignment_id": keep("the shift's record"),
            "wanted_assignment_id": keep("the other member's shift"),
            "taken_by_id": keep("the other member's record of taking it"),
            "terms": keep("the shifts' times, nothing about the person"),
        },
        rows=keep("part of the rota's history"),
        export=("assignment_id", "status", "created_at", "closed_at", "taken_by_id", "wanted_assignment_id"),
        export_as="swap_offers",
    ),
)
