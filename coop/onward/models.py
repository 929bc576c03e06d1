"""Onward: members' verified work records, references, interest in opportunities, and help."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coop.db import Base, UTCDateTime
from coop.directory.models import DirectoryEntry
from coop.members.models import Member
from coop.timeutil import utcnow


class WorkRecord(Base):
    """What a member chose to share about their co-op work, frozen as it was when made, with a
    code an employer can check at /verify/<code> until it expires or the member withdraws it."""

    __tablename__ = "work_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    person_name: Mapped[str] = mapped_column(String(80))
    coop_name: Mapped[str] = mapped_column(String(200))  # as the member chose it to be named
    content: Mapped[str] = mapped_column(Text)  # JSON: the chosen sections, figures as they were

    __table_args__ = (CheckConstraint("expires_at > created_at", name="expires_after_made"),)


class ReferenceStatement(Base):
    """A coordinator's short reference for a member; it goes on a record only once they approve."""

    __tablename__ = "reference_statement"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    written_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default="waiting")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint("status IN ('waiting', 'approved', 'declined')", name="status_known"),
        CheckConstraint("length(text) BETWEEN 1 AND 1500", name="text_length"),
    )


INTEREST_STATUSES = {
    "interested": "Interested",
    "applied": "Applied or signed up",
    "started": "Started",
    "finished": "Finished",
    "not_for_me": "Not for me",
}
TAKEN_UP = ("started", "finished")


class OpportunityInterest(Base):
    """A member's "I'm interested" in a directory opportunity, with their own notes."""

    __tablename__ = "opportunity_interest"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("directory_entry.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(12), default="interested")
    note: Mapped[str] = mapped_column(Text, default="")

    entry: Mapped[DirectoryEntry] = relationship(lazy="joined")
    member: Mapped[Member] = relationship(lazy="joined")
    messages: Mapped[list[HelpMessage]] = relationship(
        lazy="selectin", order_by="HelpMessage.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        UniqueConstraint("member_id", "entry_id"),
        CheckConstraint(
            "status IN ('interested', 'applied', 'started', 'finished', 'not_for_me')", name="status_known"
        ),
    )


class HelpMessage(Base):
    """A message in the conversation between a member and the coordinators about one opportunity."""

    __tablename__ = "help_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    interest_id: Mapped[int] = mapped_column(
        ForeignKey("opportunity_interest.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    from_coordinator: Mapped[bool] = mapped_column(Boolean, default=False)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (CheckConstraint("length(body) BETWEEN 1 AND 2000", name="body_length"),)
