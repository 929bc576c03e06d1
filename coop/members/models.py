"""Members (the co-op's workers and owners) and the skills they offer.

There are no health, diagnosis or benefit-type fields here, and there never will be.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coop.auth.models import User
from coop.db import Base, UTCDateTime
from coop.timeutil import utcnow


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


class Skill(Base):
    __tablename__ = "skill"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")


class Member(Base):
    __tablename__ = "member"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    pronouns: Mapped[str] = mapped_column(String(40), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(10), default=MemberStatus.ACTIVE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")
    skills: Mapped[list[Skill]] = relationship(secondary=member_skill, lazy="selectin", order_by=Skill.name)

    __table_args__ = (CheckConstraint("status IN ('active', 'paused', 'left')", name="status_known"),)

    @property
    def first_name(self) -> str:
        return self.display_name.split()[0] if self.display_name.strip() else ""
