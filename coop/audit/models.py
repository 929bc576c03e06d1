"""Audit log of money, permission and limit changes and data exports. Append-only: the database
refuses UPDATE and DELETE on it (triggers in the migration)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coop.auth.models import User
from coop.datamap import ACTOR, Personal, declare, keep
from coop.db import Base, UTCDateTime
from coop.timeutil import utcnow


class AuditEntry(Base):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(40), default="")
    before: Mapped[str] = mapped_column(Text, default="{}")
    after: Mapped[str] = mapped_column(Text, default="{}")

    actor: Mapped[User | None] = relationship(lazy="joined")

    __table_args__ = (Index("ix_audit_entry_at", "at"),)


declare(
    AuditEntry,
    Personal(
        what="The audit log: who changed money, permissions and limits, and when",
        why="so every change of money or permission can be checked",
        kept="always (the database refuses changes); it holds no member's personal details",
        owner="",
        columns={
            "actor_id": ACTOR,
            "before": keep("ids and settings, never names or contact details"),
            "after": keep("ids and settings, never names or contact details"),
        },
    ),
)
