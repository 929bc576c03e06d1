"""A member's own benefit-safe limit on earnings and/or hours. Only the member sees the figures."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from coop.datamap import DELETE, WHILE_MEMBER, Personal, declare, keep
from coop.db import Base, UTCDateTime
from coop.timeutil import utcnow


class LimitPeriod(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"


class LimitMode(StrEnum):
    BLOCK = "block"  # a claim over the limit is refused
    WARN = "warn"  # the member may go over after confirming


class CountBy(StrEnum):
    WORKED = "worked"  # earnings count in the period the work was done
    PAID = "paid"  # in the period they are paid (Universal Credit)


class Preset(StrEnum):
    NONE = ""
    ESA = "esa"
    CARERS = "carers"
    UC = "uc"
    UC_NO_HOUSING = "uc_no_housing"


class BenefitLimit(Base):
    __tablename__ = "benefit_cap"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), unique=True)
    earnings_limit_pence: Mapped[int | None] = mapped_column("earnings_cap_pence", Integer)
    hours_limit_minutes: Mapped[int | None] = mapped_column("hours_cap_minutes", Integer)
    period: Mapped[str] = mapped_column(String(8), default="weekly")  # weekly | monthly
    period_start_day: Mapped[int] = mapped_column(Integer, default=1)  # monthly periods, 1-31
    week_start_day: Mapped[int] = mapped_column(Integer, default=0)  # weekly periods: 0 = Monday
    mode: Mapped[str] = mapped_column(String(5), default="block")  # block | warn
    count_by: Mapped[str] = mapped_column(String(6), default="worked")  # worked | paid
    preset: Mapped[str] = mapped_column(String(20), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint(
            "earnings_cap_pence IS NULL OR earnings_cap_pence BETWEEN 0 AND 1000000", name="earnings_range"
        ),
        CheckConstraint(
            "hours_cap_minutes IS NULL OR hours_cap_minutes BETWEEN 0 AND 10080", name="hours_range"
        ),
        CheckConstraint("period IN ('weekly', 'monthly')", name="period_known"),
        CheckConstraint("period_start_day BETWEEN 1 AND 31", name="start_day_range"),
        CheckConstraint("week_start_day BETWEEN 0 AND 6", name="week_start_day_range"),
        CheckConstraint("mode IN ('block', 'warn')", name="mode_known"),
        CheckConstraint("count_by IN ('worked', 'paid')", name="count_by_known"),
        CheckConstraint("period = 'monthly' OR count_by = 'worked'", name="paid_basis_monthly_only"),
    )


declare(
    BenefitLimit,
    Personal(
        what="A member's own earnings or hours limit",
        why="so no shift takes them over a benefit limit",
        kept=WHILE_MEMBER,
        owner="member_id",
        columns={"member_id": keep("deleted with the row")},
        rows=DELETE,
        export=(
            "earnings_limit_pence",
            "hours_limit_minutes",
            "period",
            "period_start_day",
            "week_start_day",
            "mode",
            "count_by",
            "preset",
            "updated_at",
        ),
        export_as="earnings_limit",
    ),
)
