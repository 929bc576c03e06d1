"""Members (the co-op's workers and owners) and the skills they offer.

There are no health, diagnosis or benefit-type fields here, and there never will be.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, String, Table, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coop.auth.models import User
from coop.datamap import ACTOR, DELETE, WHILE_MEMBER, Personal, declare, keep, neutral, placeholder_name
from coop.db import Base, UTCDateTime, partial_index
from coop.i18n import N_
from coop.timeutil import today_london, utcnow


class MemberStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    LEFT = "left"


member_skill = Table(
    "member_skill",
    Base.metadata,
    Column("member_id", ForeignKey("member.id", ondelete="CASCADE"), primary_key=True),
    Column("skill_id", ForeignKey("skill.id", ondelete="CASCADE"), primary_key=True),
)


LEAVING_REASONS = {
    "job": N_("I have a job elsewhere"),
    "study": N_("I am studying or training"),
    "volunteering": N_("I am volunteering"),
    "caring": N_("Caring for someone"),
    "health": N_("My health"),
    "moving": N_("I am moving away"),
    "other": N_("Something else"),
}
MOVED_ON = ("job", "study")  # counted (at least 5 at a time) in the impact report


class Skill(Base):
    __tablename__ = "skill"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")


def first_name(display_name: str) -> str:
    """The first word of a name as a member gave it ("" for a blank one)."""
    words = display_name.split()
    return words[0] if words else ""


class Member(Base):
    __tablename__ = "member"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    pronouns: Mapped[str] = mapped_column(String(40), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(10), default=MemberStatus.ACTIVE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Why they are leaving, if they chose to say (LEAVING_REASONS), and the day they left.
    leaving_reason: Mapped[str] = mapped_column(String(20), default="")
    left_on: Mapped[date | None] = mapped_column(Date)

    user: Mapped[User] = relationship(lazy="select")  # from the identity map when loaded
    skills: Mapped[list[Skill]] = relationship(
        secondary=member_skill, lazy="select", order_by=Skill.name
    )  # lists of members ask for them with selectinload(Member.skills)

    __table_args__ = (
        CheckConstraint("status IN ('active', 'paused', 'left')", name="status_known"),
        # Lists of members come in pages by name (the week grid, the members list): with this the
        # first page is read from the index rather than sorting every member.
        Index("ix_member_name_order", text("lower(display_name)"), "id"),
    )

    @property
    def first_name(self) -> str:
        return first_name(self.display_name)


class ErasureStatus(StrEnum):
    REQUESTED = "requested"
    WITHDRAWN = "withdrawn"
    ERASED = "erased"


class ErasureRequest(Base):
    """A member asks for their personal data to be erased. A coordinator carries it out: the
    person's details become a placeholder, and the financial records about their work and pay
    are kept (anonymised) until `retain_until`, six years on, then deleted."""

    __tablename__ = "erasure_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default="requested")
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    processed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    retain_until: Mapped[date | None] = mapped_column(Date)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    member: Mapped[Member] = relationship(lazy="joined")

    __table_args__ = (
        CheckConstraint("status IN ('requested', 'withdrawn', 'erased')", name="status_known"),
        CheckConstraint("status != 'erased' OR retain_until IS NOT NULL", name="erased_has_retention"),
        partial_index("ix_erasure_request_one_open", "member_id", where="status = 'requested'", unique=True),
    )


declare(
    member_skill,
    Personal(
        what="The skills each member offers",
        why="to offer them the shifts they can do",
        kept=WHILE_MEMBER,
        owner="member_id",
        columns={"member_id": keep("deleted with the row")},
        rows=DELETE,
    ),
)
declare(
    Member,
    Personal(
        what="Members' names, pronouns, phone numbers, status and why they left (if they said)",
        why="to run the rota and the co-op with them",
        kept=WHILE_MEMBER + "; the row stays as 'Former member N' for the records kept",
        owner="id",
        columns={
            "user_id": keep("the closed placeholder account"),
            "display_name": neutral(lambda row: placeholder_name(row["id"]), "Former member N"),
            "pronouns": neutral(""),
            "phone": neutral(""),
            "leaving_reason": neutral(""),
            "status": neutral(MemberStatus.LEFT),
            "left_on": neutral(lambda row: row["left_on"] or today_london()),
        },
        export=("display_name", "pronouns", "phone", "status", "created_at", "left_on", "skills=skills.name"),
        export_as="profile",
    ),
)
declare(
    ErasureRequest,
    Personal(
        what="Requests for erasure: when asked, when carried out and by whom",
        why="to show the request was carried out, and when kept records are due to go",
        kept="until the kept records are deleted, six years after the erasure",
        owner="member_id",
        columns={"member_id": keep("the placeholder"), "processed_by_id": ACTOR},
        rows=keep("the proof that the erasure was done"),
    ),
)
