"""Settings with effective dates: reference figures (pay floor, benefit limits, holiday rate)
change every year, so each value applies from a date and history is kept."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coop.db import Base, UTCDateTime
from coop.timeutil import utcnow


class Setting(Base):
    __tablename__ = "setting"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60))
    effective_from: Mapped[date] = mapped_column(Date)
    value: Mapped[str] = mapped_column(Text)  # JSON
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("key", "effective_from"),)
