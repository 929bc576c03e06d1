"""Onward: members' verified work records, references, interest in opportunities, and help."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coop.datamap import ACTOR, WHILE_MEMBER, Personal, declare, keep, neutral
from coop.db import Base, UTCDateTime
from coop.directory.models import DirectoryEntry
from coop.i18n import N_
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


class ReferenceStatus(StrEnum):
    WAITING = "waiting"
    APPROVED = "approved"
    DECLINED = "declined"


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
    "interested": N_("Interested"),
    "applied": N_("Applied or signed up"),
    "started": N_("Started"),
    "finished": N_("Finished"),
    "not_for_me": N_("Not for me"),
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


ERASED_TEXT = "(Removed at the person's request.)"
ERASED_NAME = ""  # a work record without a name was withdrawn by erasure

declare(
    WorkRecord,
    Personal(
        what="Work records a member made, with the code an employer checks",
        why="so members can show their work to others",
        kept="until the member withdraws it or it expires; at erasure it is withdrawn and emptied",
        owner="member_id",
        columns={
            "member_id": keep("the code keeps saying it was withdrawn"),
            "code": keep("the code says the record was withdrawn at the person's request"),
            "person_name": neutral(ERASED_NAME),
            "coop_name": keep("the co-op's own name"),
            "content": neutral("[]"),
            "withdrawn_at": neutral(lambda row: row["withdrawn_at"] or utcnow()),
        },
        export=("code", "created_at", "expires_at", "withdrawn_at", "person_name", "coop_name", "content"),
        export_as="work_records",
    ),
)
declare(
    ReferenceStatement,
    Personal(
        what="References coordinators wrote for a member",
        why="so members can show their work to others",
        kept=WHILE_MEMBER,
        owner="member_id",
        columns={
            "member_id": keep("the placeholder"),
            "written_by_id": ACTOR,
            "text": neutral(ERASED_TEXT),
        },
        export=("text", "created_at", "status", "decided_at"),
        export_as="references",
    ),
)
declare(
    OpportunityInterest,
    Personal(
        what="Opportunities a member is interested in, with their own notes",
        why="to help members move on to other work and learning",
        kept=WHILE_MEMBER + "; the status stays, without notes, for the impact report (no names)",
        owner="member_id",
        columns={"member_id": keep("counted, never named, in the impact report"), "note": neutral("")},
        export=("entry_id", "entry_name=entry.name", "status", "note", "created_at", "updated_at"),
        export_as="opportunity_interest",
    ),
)
declare(
    HelpMessage,
    Personal(
        what="Help conversations between a member and the coordinators",
        why="to help members move on",
        kept=WHILE_MEMBER,
        owner="interest_id",
        columns={"interest_id": keep("the conversation"), "author_id": ACTOR, "body": neutral(ERASED_TEXT)},
        export=("interest_id", "from_coordinator", "body", "created_at"),
        export_as="help_messages",
    ),
)
