"""The printable directory: local vocational opportunities coordinators curate."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from coop.db import Base
from coop.i18n import N_

CATEGORIES = {
    "course": N_("Courses and learning"),
    "volunteering": N_("Volunteering"),
    "job_club": N_("Job clubs"),
    "advice": N_("Benefits and work advice"),
    "job": N_("Jobs"),
}


class DirectoryEntry(Base):
    __tablename__ = "directory_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(Text, default="")
    hours: Mapped[str] = mapped_column(String(200), default="")
    accessibility: Mapped[str] = mapped_column(Text, default="")
    review_date: Mapped[date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (
        CheckConstraint(
            "category IN ('course', 'volunteering', 'job_club', 'advice', 'job')", name="category_known"
        ),
    )
