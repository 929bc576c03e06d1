"""A member's own pay page: statements, holiday pay and days off this leave year; and the words
of a statement's lines for whoever reads them.

A line keeps the English description written when its run was built (payroll's file and the
audit read it as it was). People read it composed again, in their language, from what the line
pays for: the shift's service and day, the expense, the correction. A line whose source cannot
be found reads as it was stored."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.bookings.models import Service, Shift
from coop.i18n import N_
from coop.i18n import gettext as _
from coop.members.models import Member
from coop.pay.models import Expense, PayAdjustment, PayLine, PayLineKind, PayRun, PayRunStatus, PayStatement
from coop.rota.models import Assignment, TimeOff
from coop.timesheets.models import TimesheetEntry
from coop.timeutil import format_date, format_dt


@dataclass(frozen=True)
class MyPay:
    statements: list[PayStatement]
    months: list[tuple[str, int, int]]  # label, minutes, earnings pence
    holiday_hours_accrued: float
    holiday_pay_paid: int
    leave_year_start: date
    days_off_taken: int


def leave_year_start(today: date) -> date:
    """Leave years run from 1 April."""
    return date(today.year if today >= date(today.year, 4, 1) else today.year - 1, 4, 1)


def days_off_taken(session: Session, member: Member, since: date, today: date) -> int:
    """Days of time off from `since` up to today (holiday is paid as it accrues, with wages)."""

    days = 0
    for t in session.scalars(
        select(TimeOff).where(
            TimeOff.member_id == member.id, TimeOff.last_day >= since, TimeOff.first_day <= today
        )
    ):
        days += (min(t.last_day, today) - max(t.first_day, since)).days + 1
    return days


def my_pay(session: Session, member: Member, holiday_bp: int, today: date) -> MyPay:
    statements = list(
        session.scalars(
            select(PayStatement)
            .join(PayRun)
            .where(PayStatement.member_id == member.id, PayRun.status == PayRunStatus.FINALISED)
            .order_by(PayRun.period_end.desc())
        )
    )
    months: dict[str, list[int]] = {}
    for st in sorted(statements, key=lambda s: s.pay_run.period_end):
        label = format_date(st.pay_run.period_end, "MMM y")
        months.setdefault(label, [0, 0])
        months[label][0] += st.minutes
        months[label][1] += st.earnings_pence
    worked = sum(st.minutes for st in statements)
    holiday_paid = sum(
        line.amount_pence for st in statements for line in st.lines if line.kind == PayLineKind.HOLIDAY
    )
    since = leave_year_start(today)
    return MyPay(
        statements,
        [(k, v[0], v[1]) for k, v in months.items()][-12:],
        round(worked / 60 * holiday_bp / 10000, 2),
        holiday_paid,
        since,
        days_off_taken(session, member, since, today),
    )


EXPENSE_KINDS = {"travel": N_("travel"), "materials": N_("materials")}


def line_words(session: Session, lines: Iterable[PayLine]) -> dict[int, str]:
    """Each line's description (by line id) in the reader's words: three statements at most,
    however many lines."""
    lines = list(lines)
    sheet_ids = {i for line in lines for i in (line.timesheet_id, line.holiday_for_timesheet_id) if i}
    expense_ids = {line.expense_id for line in lines if line.expense_id}
    adjustment_ids = {line.adjustment_id for line in lines if line.adjustment_id}
    shifts = {
        entry_id: f"{name}, {format_dt(starts_at, 'EEE d MMM y')}"
        for entry_id, name, starts_at in (
            session.execute(
                select(TimesheetEntry.id, Service.name, Shift.starts_at)
                .join(Assignment, Assignment.id == TimesheetEntry.assignment_id)
                .join(Shift, Shift.id == Assignment.shift_id)
                .join(Service, Service.id == Shift.service_id)
                .where(TimesheetEntry.id.in_(sheet_ids))
            )
            if sheet_ids
            else []
        )
    }
    expenses = (
        {
            i: (kind, what)
            for i, kind, what in session.execute(
                select(Expense.id, Expense.kind, Expense.description).where(Expense.id.in_(expense_ids))
            )
        }
        if expense_ids
        else {}
    )
    reasons = (
        dict(
            session.execute(
                select(PayAdjustment.id, PayAdjustment.reason).where(PayAdjustment.id.in_(adjustment_ids))
            ).tuples()
        )
        if adjustment_ids
        else {}
    )
    words: dict[int, str] = {}
    for line in lines:
        text = line.description
        if line.kind == PayLineKind.WORK and line.timesheet_id in shifts:
            text = shifts[line.timesheet_id]
        elif line.kind == PayLineKind.HOLIDAY and line.holiday_for_timesheet_id in shifts:
            text = _("Holiday pay: %(shift)s", shift=shifts[line.holiday_for_timesheet_id])
        elif line.kind == PayLineKind.EXPENSE and line.expense_id in expenses:
            kind, what = expenses[line.expense_id]
            text = _("Expense (%(kind)s): %(what)s", kind=_(EXPENSE_KINDS.get(kind, kind)), what=what)
        elif line.kind == PayLineKind.ADJUSTMENT and line.adjustment_id in reasons:
            text = _("Correction: %(reason)s", reason=reasons[line.adjustment_id])
        words[line.id] = text
    return words
