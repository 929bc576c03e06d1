"""Members teach each other: sessions, sign-ups with a waiting list, attendance."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coop.datamap import Personal, declare, keep, neutral
from coop.db import Base, UTCDateTime
from coop.members.models import Member, Skill
from coop.timeutil import utcnow


class SkillSession(Base):
    __tablename__ = "skill_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    skill_id: Mapped[int] = mapped_column(ForeignKey("skill.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int] = mapped_column(Integer)
    booked: Mapped[int] = mapped_column(Integer, default=0)
    # The co-op can decide to pay teaching time as a service (a booked, paid shift).
    paid_shift_id: Mapped[int | None] = mapped_column(ForeignKey("shift.id"))
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    teacher: Mapped[Member] = relationship(lazy="joined")
    skill: Mapped[Skill] = relationship(lazy="joined")

    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity BETWEEN 1 AND 200", name="capacity_range"),
        CheckConstraint("booked >= 0 AND booked <= capacity", name="never_overbooked"),
    )


class SignUpStatus(StrEnum):
    BOOKED = "booked"
    WAITING = "waiting"
    CANCELLED = "cancelled"


class SignUp(Base):
    __tablename__ = "skill_signup"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("skill_session.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    status: Mapped[str] = mapped_column(String(10), default="booked")  # booked | waiting | cancelled
    attended: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    member: Mapped[Member] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("session_id", "member_id"),
        CheckConstraint("status IN ('booked', 'waiting', 'cancelled')", name="status_known"),
    )


declare(
    SkillSession,
    Personal(
        what="Skill-sharing sessions and who teaches them",
        why="members teaching members",
        kept="while the co-op runs sessions; the teacher's own description goes at erasure",
        owner="teacher_id",
        columns={
            "teacher_id": keep("the session happened; shown as Former member N"),
            "description": neutral(""),
            "place": keep("where the session was"),
        },
        export=("id", "title", "description", "place", "starts_at", "ends_at", "capacity", "cancelled"),
        export_as="sessions_taught",
    ),
)
declare(
    SignUp,
    Personal(
        what="Who signed up for and attended skill sessions",
        why="to share places fairly and add skills learnt",
        kept="with the session; future places are given up at erasure",
        owner="member_id",
        columns={
            "member_id": keep("the session's numbers stay right"),
            "session_id": keep("the session"),
        },
        export=("session_id", "status", "attended", "created_at"),
        export_as="skill_sessions",
    ),
)
