"""The words of a pay statement's lines, for the person reading them.

A line keeps the English description written when its run was built (payroll's file and the
audit read it as it was). People read it composed again, in their language, from what the line
pays for: the shift's service and day, the expense, the correction. A line whose source cannot
be found reads as it was stored."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.bookings.models import Service, Shift
from coop.i18n import N_
from coop.i18n import gettext as _
from coop.pay.models import Expense, PayAdjustment, PayLine, PayLineKind
from coop.rota.models import Assignment
from coop.timesheets.models import TimesheetEntry
from coop.timeutil import format_dt

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
