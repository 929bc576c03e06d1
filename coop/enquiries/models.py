"""Enquiries: people who asked about working with the co-op, by the web form or by phone, and
what was done to follow each one up. No question about health, diagnosis or benefits, ever."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coop.auth.models import User
from coop.datamap import ACTOR, DELETE, Personal, declare, keep
from coop.db import Base, UTCDateTime
from coop.directory.models import DirectoryEntry
from coop.i18n import N_
from coop.timeutil import utcnow


class EnquirySource(StrEnum):
    """How they heard about the co-op (the impact report counts enquiries by this)."""

    GP = "gp"
    WARD = "ward"
    DAY_CENTRE = "day_centre"
    COLLEGE = "college"
    FRIEND = "friend"
    MEMBER = "member"
    OTHER = "other"


SOURCES = {
    EnquirySource.GP: N_("A GP surgery"),
    EnquirySource.WARD: N_("A hospital ward"),
    EnquirySource.DAY_CENTRE: N_("A day centre"),
    EnquirySource.COLLEGE: N_("A college"),
    EnquirySource.FRIEND: N_("A friend"),
    EnquirySource.MEMBER: N_("A member of the co-op"),
    EnquirySource.OTHER: N_("Somewhere else"),
}


class EnquiryChannel(StrEnum):
    WEB = "web"
    PHONE = "phone"


CHANNELS = {EnquiryChannel.WEB: N_("Web form"), EnquiryChannel.PHONE: N_("Phone call")}


class EnquiryStatus(StrEnum):
    NEW = "new"
    CONTACTED = "contacted"
    INVITED = "invited"
    POINTED = "pointed"
    CLOSED = "closed"


STATUSES = {
    EnquiryStatus.NEW: N_("Not contacted yet"),
    EnquiryStatus.CONTACTED: N_("Contacted"),
    EnquiryStatus.INVITED: N_("Invited to join"),
    EnquiryStatus.POINTED: N_("Pointed to an opportunity"),
    EnquiryStatus.CLOSED: N_("Closed at their wish"),
}
ENDED = (EnquiryStatus.INVITED, EnquiryStatus.POINTED, EnquiryStatus.CLOSED)


class NoteKind(StrEnum):
    """What a note on an enquiry records: a call, a note, who it went to, or how it ended."""

    CALL = "call"
    NOTE = "note"
    ASSIGNED = "assigned"
    CONTACTED = "contacted"
    INVITED = "invited"
    POINTED = "pointed"
    CLOSED = "closed"


# What each kind of note is called where people read it (translated where shown: `_(label)`).
NOTE_KINDS: dict[str, str] = {
    NoteKind.CALL: N_("call"),
    NoteKind.NOTE: N_("note"),
    NoteKind.ASSIGNED: N_("assigned"),
    NoteKind.CONTACTED: N_("contacted"),
    NoteKind.INVITED: N_("invited"),
    NoteKind.POINTED: N_("pointed"),
    NoteKind.CLOSED: N_("closed"),
}


def _in(column: str, values: Iterable[str]) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class Enquiry(Base):
    """Someone who said they are interested in working with the co-op."""

    __tablename__ = "enquiry"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    channel: Mapped[str] = mapped_column(String(5))
    name: Mapped[str] = mapped_column(String(80))  # the name they want to be called
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    good_time: Mapped[str] = mapped_column(String(200), default="")
    work_interests: Mapped[str] = mapped_column(Text, default="")
    would_help: Mapped[str] = mapped_column(Text, default="")
    heard_from: Mapped[str] = mapped_column(String(12))
    # Who answered the phone (a coordinator, or a member on a helpline shift); none for the web.
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="new")
    contacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("directory_entry.id", ondelete="SET NULL"))
    # The member this enquiry became (invited to join): then it is theirs, kept while they are.
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    # Coordinators were emailed that nobody had contacted them in time (once).
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The SHA-256 of the link in their acknowledgement email that lets them delete it sooner.
    forget_digest: Mapped[str | None] = mapped_column(String(64), unique=True)

    taken_by: Mapped[User | None] = relationship(foreign_keys=[taken_by_id], lazy="select")
    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id], lazy="select")
    entry: Mapped[DirectoryEntry | None] = relationship(lazy="select")
    notes: Mapped[list[EnquiryNote]] = relationship(
        lazy="select", order_by="EnquiryNote.id", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        CheckConstraint(_in("channel", EnquiryChannel), name="channel_known"),
        CheckConstraint(_in("heard_from", EnquirySource), name="heard_from_known"),
        CheckConstraint(_in("status", EnquiryStatus), name="status_known"),
        CheckConstraint("email <> '' OR phone <> ''", name="has_contact"),
        CheckConstraint("length(name) BETWEEN 1 AND 80", name="name_length"),
        CheckConstraint("channel = 'web' OR taken_by_id IS NOT NULL", name="call_taken_by"),
        CheckConstraint("status <> 'invited' OR member_id IS NOT NULL", name="invited_member"),
        CheckConstraint("status <> 'pointed' OR ended_at IS NOT NULL", name="pointed_ended"),
    )

    @property
    def contact(self) -> str:
        return " / ".join(x for x in (self.email, self.phone) if x)


class EnquiryNote(Base):
    """What happened in following an enquiry up: a call, a note, who it went to, how it ended."""

    __tablename__ = "enquiry_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    enquiry_id: Mapped[int] = mapped_column(ForeignKey("enquiry.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(String(10))
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship(lazy="select")

    @property
    def kind_label(self) -> str:
        """The kind's word, for `_()` where it is shown."""
        return NOTE_KINDS.get(self.kind, self.kind)

    __table_args__ = (
        CheckConstraint(_in("kind", NoteKind), name="kind_known"),
        CheckConstraint("length(body) <= 2000", name="body_length"),
    )


class EnquiryTally(Base):
    """How many enquiries came from each source in a month, and how many of them became members:
    kept, without anything about anyone, when the enquiries themselves are deleted, so the impact
    report can still count how people found the co-op."""

    __tablename__ = "enquiry_tally"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(Date)  # the first day of the month it came in
    heard_from: Mapped[str] = mapped_column(String(12))
    enquiries: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        UniqueConstraint("month", "heard_from"),
        CheckConstraint(_in("heard_from", EnquirySource), name="heard_from_known"),
        CheckConstraint("enquiries >= 0", name="enquiries_non_negative"),
    )


GONE = "deleted with the enquiry"
KEPT = (
    "6 months from when they asked (a setting), unless they became a member, then while they are one; "
    "sooner if they ask through the link in their email"
)

declare(
    Enquiry,
    Personal(
        what="Enquiries from people interested in working with the co-op: name, how to reach them, "
        "what interests them and how they heard",
        why="to answer them and help them join or find other work",
        kept=KEPT,
        owner="member_id",
        columns={
            "member_id": keep(GONE),
            "name": keep(GONE),
            "email": keep(GONE),
            "phone": keep(GONE),
            "good_time": keep(GONE),
            "work_interests": keep(GONE),
            "would_help": keep(GONE),
            "taken_by_id": ACTOR,
            "assigned_to_id": ACTOR,
            "entry_id": keep(GONE),
            "forget_digest": keep(GONE),
        },
        rows=DELETE,
        export=(
            "created_at",
            "channel",
            "name",
            "email",
            "phone",
            "good_time",
            "work_interests",
            "would_help",
            "heard_from",
            "status",
        ),
        export_as="enquiry",
    ),
)
declare(
    EnquiryNote,
    Personal(
        what="Notes on following up an enquiry (calls, what was said and agreed)",
        why="so whoever follows it up knows what has happened",
        kept="as long as the enquiry",
        owner="enquiry_id",
        columns={"enquiry_id": keep(GONE), "author_id": ACTOR, "body": keep(GONE)},
        rows=DELETE,
        export=("kind", "body", "created_at"),
        export_as="enquiry_notes",
    ),
)
