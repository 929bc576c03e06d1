"""What each shift earns towards a limit: held shifts at their estimated pay, approved hours at
their fixed pay, and pay adjustments on the day they are paid."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    Integer,
    Select,
    and_,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from coop.bookings.models import Service, Shift, ShiftStatus
from coop.db import UTCDateTime, among, union_part
from coop.limits.periods import pay_schedule
from coop.pay import rates
from coop.pay.models import PayAdjustment, PayLine, PayRun, PayStatement
from coop.pay.rates import RateRules
from coop.pay.rules import pay_for
from coop.rota.models import Assignment
from coop.timesheets.models import TimesheetEntry, TimesheetStatus, worked_minutes
from coop.timeutil import london_to_utc, to_london


def pay_rules(session: Session, day: date) -> RateRules:
    """The pay figures (floor, statutory minimum, holiday rate) in force on a day."""
    return rates.rules_on(session, day)


def estimate_pay(minutes: int, rate: int, rules: RateRules, chosen: int | None = None) -> int:
    """Estimated pay for time not yet approved, holiday pay included, at the rate the one rate
    rule gives (`chosen` is an involvement member's own lower rate, or 0)."""
    return pay_for(minutes, rates.hourly_rate(rules, rate, chosen), holiday_bp=rules.holiday_bp).total_pence


def shift_pay_pence(session: Session, shift: Shift) -> int:
    """Estimated pay for one slot of a shift, holiday pay included."""
    day = to_london(shift.starts_at).date()
    return estimate_pay(shift.minutes, shift.service.pay_pence_per_hour, pay_rules(session, day))


@dataclass(frozen=True)
class WorkRow:
    work_day: date
    minutes: int
    pay_pence: int
    paid_on: bool = False  # work_day is the day it is paid (pay adjustments such as a surplus share)


Span = tuple[date, date]  # first and last day, inclusive


def work_rows(session: Session, member_id: int, first_day: date, last_day: date) -> list[WorkRow]:
    """The member's held shifts worked between two days (London), and their pay adjustments paid
    between them."""
    return rows_in(session, member_id, [(first_day, last_day)], [(first_day, last_day)])


def rows_in(
    session: Session, member_id: int, work_spans: Sequence[Span], pay_spans: Sequence[Span]
) -> list[WorkRow]:
    """The member's held shifts worked on a day in any of `work_spans` (estimated pay, or the
    approved timesheet's hours and pay once there is one), and their pay adjustments paid on a
    day in any of `pay_spans`: one statement each, however many spans and wherever they lie."""
    return rows_by_member(session, [member_id], work_spans, pay_spans).get(member_id, [])


def rows_by_member(
    session: Session, member_ids: Sequence[int], work_spans: Sequence[Span], pay_spans: Sequence[Span]
) -> dict[int, list[WorkRow]]:
    """`rows_in` for several members at once (a page that judges many members' limits): the
    work and the pay in one statement (a UNION ALL, each part's other columns null), one round
    trip however many members and spans."""
    out: dict[int, list[WorkRow]] = {m: [] for m in member_ids}
    if not member_ids or not (work_spans or pay_spans):
        return out
    work_in = tuple((first, last) for first, last in work_spans)
    pay_in = tuple((first, last) for first, last in pay_spans)
    rows = session.execute(_work_and_pay(tuple(member_ids), work_in, pay_in)).all()
    work = [r for r in rows if not r.paid]
    pay = [r for r in rows if r.paid]
    for member_id, row in _shift_work(session, work):
        out[member_id].append(row)
    if pay_spans:  # the pay schedule is read whether or not there are any (the same statements)
        for member_id, row in _adjustment_work(session, pay, pay_spans):
            out[member_id].append(row)
    return out


@lru_cache(maxsize=256)
def _work_and_pay(
    member_ids: tuple[int, ...], work_spans: tuple[Span, ...], pay_spans: tuple[Span, ...]
) -> Any:
    """`rows_by_member`'s statement. Kept: a member's pages ask for the same periods request
    after request, and building the statement took longer than PostgreSQL took to answer it."""
    parts = []
    if work_spans:
        parts.append(_shift_select(member_ids, work_spans))
    if pay_spans:
        parts.append(_adjustment_select(member_ids, pay_spans))
    return parts[0] if len(parts) == 1 else union_all(*parts)


# The columns of a held shift's row and of a pay adjustment's, which come back from one statement
# (`_shift_select` fills the shift's, `_adjustment_select` the adjustment's; `paid` tells them apart).
WORK_SHAPE = (
    ("paid", Boolean),
    ("member_id", Integer),
    ("at", UTCDateTime),  # the shift's start, or when the adjustment was added
    ("ends_at", UTCDateTime),
    ("pence", Integer),  # the service's pay an hour, or the adjustment's amount
    ("actual_start", UTCDateTime),
    ("actual_end", UTCDateTime),
    ("break_minutes", Integer),
    ("pay_pence", Integer),
    ("holiday_pence", Integer),
    ("chosen_pay_pence_per_hour", Integer),
    ("pay_on", Date),
    ("run_pay_date", Date),
)
FEW_MEMBERS = 25  # up to this many, each member's held places are looked up one by one


def _shift_select(member_ids: Sequence[int], spans: Sequence[Span]) -> Select[*tuple[Any, ...]]:
    """The member's held shifts starting on a day in any of the spans, with the approved
    timesheet's hours and pay once there is one. Its columns are `_adjustment_select`'s too.
    For a few members their held places are found first and each shift looked up (`among`):
    otherwise PostgreSQL read every shift in the spans to find a member's two."""
    held = Assignment.member_id.in_(member_ids)
    few = (
        [among(Shift.id, select(Assignment.shift_id).where(held, Assignment.held()))]
        if len(member_ids) <= FEW_MEMBERS
        else []
    )
    between = [
        and_(
            Shift.starts_at >= london_to_utc(first, datetime.min.time()),
            Shift.starts_at < london_to_utc(last + timedelta(days=1), datetime.min.time()),
        )
        for first, last in spans
    ]
    return (
        select(
            *union_part(
                WORK_SHAPE,
                paid=literal(False),
                member_id=Assignment.member_id,
                at=Shift.starts_at,
                ends_at=Shift.ends_at,
                pence=Service.pay_pence_per_hour,
                actual_start=TimesheetEntry.actual_start,
                actual_end=TimesheetEntry.actual_end,
                break_minutes=TimesheetEntry.break_minutes,
                pay_pence=TimesheetEntry.pay_pence,
                holiday_pence=TimesheetEntry.holiday_pence,
                chosen_pay_pence_per_hour=Assignment.chosen_pay_pence_per_hour,
            )
        )
        .select_from(Shift)
        .join(Assignment, Assignment.shift_id == Shift.id)
        .join(Service, Service.id == Shift.service_id)
        .outerjoin(
            TimesheetEntry,
            (TimesheetEntry.assignment_id == Assignment.id)
            & (TimesheetEntry.status == TimesheetStatus.APPROVED),
        )
        .where(
            *few,
            held,
            Assignment.held(),
            Shift.status == ShiftStatus.SCHEDULED,
            or_(*between),
        )
    )


def estimated_started(service_id: int, now: datetime) -> Select[int]:
    """The ids of a service's shifts that have started and that someone holds whose pay still
    counts as an estimate at the service's rate (no approved hours yet): a change to the service's
    pay changes what they count towards a limit as much as it does for coming shifts."""
    return (
        select(Shift.id)
        .join(Assignment, Assignment.shift_id == Shift.id)
        .where(
            Shift.service_id == service_id,
            Shift.status == ShiftStatus.SCHEDULED,
            Shift.starts_at <= now,
            Assignment.held(),
            ~select(TimesheetEntry.id)
            .where(
                TimesheetEntry.assignment_id == Assignment.id,
                TimesheetEntry.status == TimesheetStatus.APPROVED,
            )
            .exists(),
        )
        .distinct()
    )


def _shift_work(session: Session, rows: Sequence[Any]) -> list[tuple[int, WorkRow]]:
    """Each shift's row: its approved hours and pay, else its length and estimated pay."""
    rules_on: dict[date, RateRules] = {}  # the rules in force on each shift's own day
    out = []
    for r in rows:
        starts_at, ends_at = r.at, r.ends_at
        day = to_london(starts_at).date()
        if r.pay_pence is not None:
            worked = worked_minutes(r.actual_start, r.actual_end, r.break_minutes)
            out.append((r.member_id, WorkRow(day, worked, r.pay_pence + (r.holiday_pence or 0))))
            continue
        minutes = int((ends_at - starts_at).total_seconds() // 60)
        if day not in rules_on:
            rules_on[day] = pay_rules(session, day)
        pay = estimate_pay(minutes, r.pence, rules_on[day], r.chosen_pay_pence_per_hour)
        out.append((r.member_id, WorkRow(day, minutes, pay)))
    return out


def adjustment_rows(session: Session, member_id: int, spans: Sequence[Span]) -> list[WorkRow]:
    """The member's pay adjustments paid on a day in any of the spans (see `_adjustment_rows`)."""
    return [row for _m, row in _adjustment_rows(session, [member_id], spans)]


def _adjustment_rows(
    session: Session, member_ids: Sequence[int], spans: Sequence[Span]
) -> list[tuple[int, WorkRow]]:
    """The members' pay adjustments paid on a day in any of the spans (see `_adjustment_select`)."""
    rows = session.execute(_adjustment_select(member_ids, spans)).all()
    return _adjustment_work(session, rows, spans)


def _adjustment_select(member_ids: Sequence[int], spans: Sequence[Span]) -> Select[*tuple[Any, ...]]:
    """Other earnings paid through pay (a surplus share, a correction) count on the day they are
    paid: the pay date of the run that pays them, else the pay day chosen for them, else the
    next pay day after they were added. Those that may be paid on a day in any of the spans
    (`_adjustment_work` keeps those that are). Its columns are `_shift_select`'s."""
    paid_day = func.coalesce(PayRun.pay_date, PayAdjustment.pay_on)
    last = max(end for _, end in spans)
    undated = and_(  # paid on the next pay day after they were added: added by the last day
        PayRun.pay_date.is_(None),
        PayAdjustment.pay_on.is_(None),
        PayAdjustment.created_at < london_to_utc(last + timedelta(days=1), datetime.min.time()),
    )
    return (
        select(
            *union_part(
                WORK_SHAPE,
                paid=literal(True),
                member_id=PayAdjustment.member_id,
                at=PayAdjustment.created_at,
                pence=PayAdjustment.amount_pence,
                pay_on=PayAdjustment.pay_on,
                run_pay_date=PayRun.pay_date,
            )
        )
        .select_from(PayAdjustment)
        .outerjoin(PayLine, PayLine.adjustment_id == PayAdjustment.id)
        .outerjoin(PayStatement, PayStatement.id == PayLine.statement_id)
        .outerjoin(PayRun, PayRun.id == PayStatement.pay_run_id)
        .where(
            PayAdjustment.member_id.in_(member_ids),
            PayAdjustment.counts_as_earnings.is_(True),
            or_(undated, *(paid_day.between(first, end) for first, end in spans)),
        )
    )


def _adjustment_work(
    session: Session, rows: Sequence[Any], spans: Sequence[Span]
) -> list[tuple[int, WorkRow]]:
    """Each adjustment's row, on the day it is paid, if that day is in one of the spans."""
    schedule = pay_schedule(session)
    out = []
    for r in rows:  # `at` is when the adjustment was added, `pence` its amount
        day = r.run_pay_date or r.pay_on or schedule.next_payday(to_london(r.at).date())
        if any(first <= day <= end for first, end in spans):
            out.append((r.member_id, WorkRow(day, 0, r.pence, paid_on=True)))
    return out
