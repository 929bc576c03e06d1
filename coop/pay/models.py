"""Expenses, pay runs and pay statements. A finalised pay run never changes; corrections are
adjustment lines in a later run."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coop.datamap import ACTOR, HMRC, SIX_YEARS, Personal, declare, keep
from coop.db import Base, UTCDateTime, partial_index
from coop.members.models import Member
from coop.timeutil import utcnow


class ExpenseKind(StrEnum):
    TRAVEL = "travel"
    MATERIALS = "materials"


class ExpenseStatus(StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"


class Expense(Base):
    """Travel or materials a member paid for. Paid back on its own line; never earnings."""

    __tablename__ = "expense"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # travel | materials
    spent_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text)
    amount_pence: Mapped[int] = mapped_column(Integer)
    receipt_path: Mapped[str] = mapped_column(String(200), default="")
    receipt_type: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(10), default="submitted")  # submitted | approved | rejected
    decision_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    member: Mapped[Member] = relationship(lazy="joined")

    __table_args__ = (
        CheckConstraint("kind IN ('travel', 'materials')", name="kind_known"),
        CheckConstraint("amount_pence > 0 AND amount_pence <= 100000", name="amount_range"),
        CheckConstraint("status IN ('submitted', 'approved', 'rejected')", name="status_known"),
    )


class PayAdjustment(Base):
    """A correction to carry into the next pay run (positive or negative)."""

    __tablename__ = "pay_adjustment"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    amount_pence: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    counts_as_earnings: Mapped[bool] = mapped_column(default=True)
    # Paid in the run whose pay day is on or after this day (a surplus share split over pay days).
    pay_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    __table_args__ = (CheckConstraint("amount_pence != 0", name="non_zero"),)


class PayRunStatus(StrEnum):
    DRAFT = "draft"
    FINALISED = "finalised"


class PayRun(Base):
    __tablename__ = "pay_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    pay_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="draft")  # draft | finalised
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finalised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finalised_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # pay.service.fingerprint of the statements when finalised; `coop verify` checks it.
    frozen_sha256: Mapped[str] = mapped_column(String(64), default="")

    statements: Mapped[list[PayStatement]] = relationship(
        back_populates="pay_run", cascade="all, delete-orphan", order_by="PayStatement.id"
    )

    __table_args__ = (
        CheckConstraint("period_end >= period_start", name="period_order"),
        CheckConstraint("status IN ('draft', 'finalised')", name="status_known"),
        # One draft per period: parallel builds cannot leave two.
        partial_index(
            "uq_pay_run_draft_period", "period_start", "period_end", where="status = 'draft'", unique=True
        ),
    )


class PayStatement(Base):
    __tablename__ = "pay_statement"

    id: Mapped[int] = mapped_column(primary_key=True)
    pay_run_id: Mapped[int] = mapped_column(ForeignKey("pay_run.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    minutes: Mapped[int] = mapped_column(Integer, default=0)
    earnings_pence: Mapped[int] = mapped_column(Integer, default=0)  # work + holiday + adjustments
    expenses_pence: Mapped[int] = mapped_column(Integer, default=0)
    total_pence: Mapped[int] = mapped_column(Integer, default=0)

    pay_run: Mapped[PayRun] = relationship(back_populates="statements")
    member: Mapped[Member] = relationship(lazy="joined")
    lines: Mapped[list[PayLine]] = relationship(
        back_populates="statement", cascade="all, delete-orphan", order_by="PayLine.id", lazy="selectin"
    )

    __table_args__ = (
        CheckConstraint("total_pence = earnings_pence + expenses_pence", name="total_is_sum"),
        Index("uq_pay_statement_run_member", "pay_run_id", "member_id", unique=True),
    )


class PayLineKind(StrEnum):
    WORK = "work"
    HOLIDAY = "holiday"
    EXPENSE = "expense"  # never earnings
    ADJUSTMENT = "adjustment"  # surplus shares, corrections


class PayLine(Base):
    __tablename__ = "pay_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("pay_statement.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # work | holiday | expense | adjustment
    description: Mapped[str] = mapped_column(Text)
    minutes: Mapped[int] = mapped_column(Integer, default=0)
    rate_pence: Mapped[int] = mapped_column(Integer, default=0)
    amount_pence: Mapped[int] = mapped_column(Integer)
    # Each source is paid once: the database refuses a second line for it.
    timesheet_id: Mapped[int | None] = mapped_column(ForeignKey("timesheet_entry.id"), unique=True)
    expense_id: Mapped[int | None] = mapped_column(ForeignKey("expense.id"), unique=True)
    adjustment_id: Mapped[int | None] = mapped_column(ForeignKey("pay_adjustment.id"), unique=True)
    holiday_for_timesheet_id: Mapped[int | None] = mapped_column(
        ForeignKey("timesheet_entry.id"), unique=True
    )

    statement: Mapped[PayStatement] = relationship(back_populates="lines")

    __table_args__ = (
        CheckConstraint("kind IN ('work', 'holiday', 'expense', 'adjustment')", name="kind_known"),
    )


declare(
    Expense,
    Personal(
        what="Expenses a member claimed, with receipts",
        why="to pay expenses back",
        kept=SIX_YEARS,
        owner="member_id",
        columns={
            "member_id": keep(HMRC),
            "description": keep(HMRC),
            "decision_note": keep(HMRC),
            "decided_by_id": ACTOR,
            "receipt_path": keep(HMRC + "; the file is deleted with the row"),
        },
        rows=keep(HMRC),
        purge=True,
        files=("receipt_path",),
        export=("kind", "spent_on", "description", "amount_pence", "status", "decision_note"),
        export_as="expenses",
    ),
)
declare(
    PayAdjustment,
    Personal(
        what="Corrections and extra payments such as surplus shares",
        why="to pay members right",
        kept=SIX_YEARS,
        owner="member_id",
        columns={"member_id": keep(HMRC), "reason": keep(HMRC), "created_by_id": ACTOR},
        rows=keep(HMRC),
        purge=True,
        export=("amount_pence", "reason", "pay_on", "created_at"),
        export_as="pay_adjustments",
    ),
)
declare(
    PayRun,
    Personal(
        what="Pay runs and who finalised them",
        why="to pay members",
        kept="six years (HMRC)",
        owner="",
        columns={"finalised_by_id": ACTOR},
    ),
)
declare(
    PayStatement,
    Personal(
        what="Each member's pay statement",
        why="to pay members and report to HMRC",
        kept=SIX_YEARS,
        owner="member_id",
        columns={"member_id": keep(HMRC)},
        rows=keep(HMRC),
        purge=True,
        export=(
            "id",
            "minutes",
            "earnings_pence",
            "expenses_pence",
            "total_pence",
            "period_start=pay_run.period_start",
            "period_end=pay_run.period_end",
            "status=pay_run.status",
        ),
        export_as="pay_statements",
    ),
)
declare(
    PayLine,
    Personal(
        what="The lines of each pay statement",
        why="to pay members and report to HMRC",
        kept=SIX_YEARS,
        owner="statement_id",
        columns={
            "statement_id": keep(HMRC),
            "description": keep(HMRC),
            "timesheet_id": keep(HMRC),
            "expense_id": keep(HMRC),
            "adjustment_id": keep(HMRC),
            "holiday_for_timesheet_id": keep(HMRC),
        },
        rows=keep(HMRC),
        purge=True,
        export=("statement_id", "kind", "description", "minutes", "rate_pence", "amount_pence"),
        export_as="pay_lines",
    ),
)
