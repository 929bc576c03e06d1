"""Cover when someone can't come: a case per place let go close to its start, the offers sent
to members who could take it, and each member's own choices about being asked.

A case never records who let the place go: saying "I can't make it" is never held against
anyone, so there is nothing to count."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coop.bookings.models import Shift
from coop.datamap import DELETE, WHILE_MEMBER, Personal, declare, keep
from coop.db import Base, UTCDateTime
from coop.members.models import Member
from coop.timeutil import utcnow


class CaseStatus(StrEnum):
    OPEN = "open"  # still looking
    COVERED = "covered"  # someone took the place
    UNCOVERED = "uncovered"  # the visit started (or the client chose) without it


class ClientChoice(StrEnum):
    FEWER = "fewer"  # go ahead with fewer people, charged for those who come
    MOVE = "move"  # the client would like another time (a coordinator arranges it)
    CANCEL = "cancel"  # cancelled without a fee


class CoverOfferStatus(StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"  # said no: never a reason, never counted
    CLOSED = "closed"  # someone else took it, or the case ended


class CoverCase(Base):
    """One place on a shift that needs cover."""

    __tablename__ = "cover_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shift.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=CaseStatus.OPEN)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    waves: Mapped[int] = mapped_column(Integer, default=0)
    widened: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the answers to the latest wave are due (the next wave goes then).
    wave_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    client_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    client_choice: Mapped[str] = mapped_column(String(10), default="")
    client_chose_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    shift: Mapped[Shift] = relationship(lazy="joined")

    __table_args__ = (
        CheckConstraint("status IN ('open', 'covered', 'uncovered')", name="status_known"),
        CheckConstraint("client_choice IN ('', 'fewer', 'move', 'cancel')", name="choice_known"),
        CheckConstraint("waves >= 0", name="waves_non_negative"),
        CheckConstraint("(status = 'open') = (closed_at IS NULL)", name="closed_when_not_open"),
        Index("ix_cover_case_status_opened", "status", "opened_at"),
    )


class CoverOffer(Base):
    """A cover place offered to one member; yes goes through the claim rule, no is always fine."""

    __tablename__ = "cover_offer"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cover_case.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    wave: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default=CoverOfferStatus.OFFERED)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[CoverCase] = relationship(lazy="joined")
    member: Mapped[Member] = relationship()

    __table_args__ = (
        CheckConstraint("status IN ('offered', 'accepted', 'declined', 'closed')", name="status_known"),
        CheckConstraint("wave >= 1", name="wave_positive"),
        UniqueConstraint("case_id", "member_id"),
    )


class CoverPreferences(Base):
    """A member's own choices about cover requests (without a row: asked any day, any notice)."""

    __tablename__ = "cover_preferences"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), unique=True)
    requests_on: Mapped[bool] = mapped_column(Boolean, default=True)
    weekdays: Mapped[str] = mapped_column(String(20), default="0,1,2,3,4,5,6")  # 0 = Monday
    min_notice_hours: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (CheckConstraint("min_notice_hours BETWEEN 0 AND 72", name="notice_range"),)

    def days(self) -> set[int]:
        return {int(d) for d in self.weekdays.split(",") if d.strip().isdigit()}


class LateNotice(Base):
    """That a member said they are running late for a shift: only so they are not asked to say it
    twice (the client and the coordinators were told once). Gone with the shift or the member."""

    __tablename__ = "cover_late_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shift.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    told_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("shift_id", "member_id"),)


declare(
    LateNotice,
    Personal(
        what="That a member told us they are running late for a shift, and when",
        why="so the client and the coordinators are told once, not again and again",
        kept=WHILE_MEMBER,
        owner="member_id",
        columns={"member_id": keep("deleted with the row")},
        rows=DELETE,
        export=("shift_id", "told_at"),
        export_as="running_late",
    ),
)
declare(
    CoverOffer,
    Personal(
        what="Places a member was asked to cover, and their answer",
        why="to find cover quickly and not ask anyone twice",
        kept=WHILE_MEMBER,
        owner="member_id",
        columns={"member_id": keep("deleted with the row")},
        rows=DELETE,
        export=("case_id", "wave", "status", "sent_at", "answered_at"),
        export_as="cover_offers",
    ),
)
declare(
    CoverPreferences,
    Personal(
        what="Whether, which days and at how short notice a member is asked to cover",
        why="to ask only as they chose",
        kept=WHILE_MEMBER,
        owner="member_id",
        columns={"member_id": keep("deleted with the row")},
        rows=DELETE,
        export=("requests_on", "weekdays", "min_notice_hours"),
        export_as="cover_preferences",
    ),
)
