"""How each business is doing, and the co-op as a whole: income, hours worked, members working,
unfilled places and overdue invoices, for a month and a year.

Hours and members working are about people, so like the impact report they are shown only when
at least 5 members worked (otherwise "fewer than 5"); income, unfilled places and overdue
invoices are about the business and its clients, and are always shown."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coop.bookings.models import Service, Shift, ShiftStatus
from coop.businesses.models import Business
from coop.db import minutes_between
from coop.i18n import gettext as _
from coop.i18n.formats import number_text
from coop.invoicing.models import Invoice, InvoiceStatus
from coop.invoicing.reports import overdue_by_business
from coop.onward.impact import MIN_PEOPLE, fewer
from coop.rota.models import Assignment
from coop.timesheets.models import TimesheetEntry, TimesheetStatus
from coop.timeutil import format_date, london_days_utc

ALL = 0  # the key of the co-op's own row


@dataclass(frozen=True)
class Figures:
    name: str
    income_pence: int  # issued invoices' net, by issue date
    minutes: int  # approved hours worked (less breaks), by the day the work started
    members: int  # members who worked
    unfilled: int  # places never filled on shifts in the period
    overdue: int  # invoices overdue today

    @property
    def shown(self) -> bool:
        """Whether the figures about people (hours, members) may be shown."""
        return self.members >= MIN_PEOPLE

    @property
    def hours_text(self) -> str:
        return number_text(round(self.minutes / 60)) if self.shown else fewer()

    @property
    def members_text(self) -> str:
        return number_text(self.members) if self.shown else fewer()


@dataclass(frozen=True)
class Span:
    label: str
    first: date
    last: date


def spans(today: date) -> list[Span]:
    """This month so far, and the twelve months to today (the year)."""
    month = today.replace(day=1)
    year = month
    for _month in range(11):
        year = (year - timedelta(days=1)).replace(day=1)
    return [
        Span(_("This month (%(month)s)", month=format_date(month, "MMMM y")), month, today),
        Span(
            _(
                "The last 12 months (%(first)s to %(last)s)",
                first=format_date(year, "MMM y"),
                last=format_date(today, "MMM y"),
            ),
            year,
            today,
        ),
    ]


def figures(session: Session, first: date, last: date, today: date) -> list[Figures]:
    """One row per business, in id order, then the co-op's (key ALL) with everyone counted once."""
    lo, hi = london_days_utc(first, last)
    businesses = list(session.execute(select(Business.id, Business.name).order_by(Business.id)))
    income: dict[int, int] = dict(
        session.execute(
            select(Invoice.business_id, func.sum(Invoice.net_pence))
            .where(
                Invoice.status == InvoiceStatus.ISSUED,
                Invoice.issue_date >= first,
                Invoice.issue_date <= last,
            )
            .group_by(Invoice.business_id)
        ).all()
    )
    worked = (
        minutes_between(TimesheetEntry.actual_start, TimesheetEntry.actual_end) - TimesheetEntry.break_minutes
    )
    work_rows = session.execute(
        select(Service.business_id, TimesheetEntry.member_id, func.sum(worked))
        .join(Assignment, Assignment.id == TimesheetEntry.assignment_id)
        .join(Shift, Shift.id == Assignment.shift_id)
        .join(Service, Service.id == Shift.service_id)
        .where(
            TimesheetEntry.status == TimesheetStatus.APPROVED,
            TimesheetEntry.actual_start >= lo,
            TimesheetEntry.actual_start < hi,
        )
        .group_by(Service.business_id, TimesheetEntry.member_id)
    ).all()
    unfilled: dict[int, int] = dict(
        session.execute(
            select(Service.business_id, func.sum(Shift.slots - Shift.filled))
            .join(Service, Service.id == Shift.service_id)
            .where(
                Shift.status == ShiftStatus.SCHEDULED,
                Shift.filled < Shift.slots,
                Shift.starts_at >= lo,
                Shift.starts_at < hi,
            )
            .group_by(Service.business_id)
        ).all()
    )
    overdue = overdue_by_business(session, today)
    minutes: Counter[int] = Counter()
    members: dict[int, set[int]] = {}
    for business_id, member_id, total in work_rows:
        for key in (business_id, ALL):
            minutes[key] += int(total or 0)
            members.setdefault(key, set()).add(member_id)
    rows = [
        Figures(
            name,
            int(income.get(bid) or 0),
            minutes[bid],
            len(members.get(bid, ())),
            int(unfilled.get(bid) or 0),
            overdue.get(bid, 0),
        )
        for bid, name in businesses
    ]
    rows.append(
        Figures(
            _("The whole co-op"),
            sum(r.income_pence for r in rows),
            minutes[ALL],
            len(members.get(ALL, ())),
            sum(r.unfilled for r in rows),
            sum(r.overdue for r in rows),
        )
    )
    return rows
