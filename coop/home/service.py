"""What the home pages summarise, and whether the service is healthy."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from sqlalchemy import Engine, ScalarSelect, exists, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from coop.bookings.changes import pending as pending_changes
from coop.bookings.models import Booking, BookingStatus, Service, Shift, ShiftStatus
from coop.cache import cached
from coop.db import bucket, minutes_between
from coop.enquiries.followup import waiting_counts
from coop.governance.service import open_proposals
from coop.invoicing import service as invoicing
from coop.invoicing.models import Invoice, InvoiceStatus
from coop.invoicing.service import overdue_count
from coop.limits import service as limits
from coop.limits.models import BenefitLimit
from coop.limits.service import Period, Totals
from coop.members.models import Member, MemberStatus
from coop.migrate import current_revision, head_revision
from coop.rota import service as rota
from coop.rota.models import (
    Assignment,
    AssignmentStatus,
    Availability,
    MemberFeed,
    Offer,
    RotaPreferences,
)
from coop.rota.offers import offers_and_lapsed
from coop.skillshare.service import upcoming
from coop.timesheets.models import TimesheetEntry, TimesheetStatus
from coop.timesheets.taps import Taps, taps_for
from coop.timeutil import london_to_utc, today_london, utcnow


@dataclass(frozen=True)
class CoordinatorSummary:
    active_members: int
    paused_members: int
    requests_waiting: int
    unfilled_this_week: int
    unfilled_next_week: int
    timesheets_waiting: int = 0
    overdue_invoices: int = 0
    changes_waiting: int = 0
    enquiries_waiting: int = 0  # people who asked about joining, not contacted yet
    enquiries_late: int = 0  # of those, past the working days to contact them


def coordinator_summary(session: Session, business_ids: Collection[int] | None = None) -> CoordinatorSummary:
    """The coordinator's figures; with `business_ids` (a lead's), requests, unfilled places and
    overdue invoices are those businesses' only."""
    theirs = select(Service.id).where(Service.business_id.in_(business_ids or []))
    now = utcnow()
    waiting = (
        select(func.count())
        .select_from(Booking)
        .where(
            Booking.status == BookingStatus.REQUESTED,
            *([Booking.service_id.in_(theirs)] if business_ids is not None else []),
        )
    )

    def unfilled(lo_days: int, hi_days: int) -> ScalarSelect[int]:
        return (
            select(func.coalesce(func.sum(Shift.slots - Shift.filled), 0))
            .where(
                Shift.status == ShiftStatus.SCHEDULED,
                Shift.filled < Shift.slots,
                Shift.starts_at >= max(now, now + timedelta(days=lo_days)),
                Shift.starts_at < now + timedelta(days=hi_days),
                *([Shift.service_id.in_(theirs)] if business_ids is not None else []),
            )
            .scalar_subquery()
        )

    sheets = (
        select(func.count())
        .select_from(TimesheetEntry)
        .where(TimesheetEntry.status == TimesheetStatus.SUBMITTED)
    )
    # The six counts in one statement: each is a quick index count, and a round trip to the
    # database costs more than most of them (issue 43). The members are counted by status in
    # one pass over them (two passes took 1.9 ms at 10,000 members).
    active, paused, requests, this_week, next_week, sheets_waiting = session.execute(
        select(
            func.count().filter(Member.status == MemberStatus.ACTIVE),
            func.count().filter(Member.status == MemberStatus.PAUSED),
            waiting.scalar_subquery(),
            unfilled(0, 7),
            unfilled(7, 14),
            sheets.scalar_subquery(),
        ).select_from(Member)
    ).one()
    return CoordinatorSummary(
        active or 0,
        paused or 0,
        requests or 0,
        this_week or 0,
        next_week or 0,
        sheets_waiting or 0,
        overdue_count(session, today_london(), business_ids),
        len(pending_changes(session)),
        *waiting_counts(session, today_london()),
    )


@dataclass(frozen=True)
class MemberHome:
    offers: list[tuple[Offer, limits.Fit]]
    lapsed: list[Offer]
    asked: list[Assignment]  # places a coordinator asked them about, not answered yet
    next_shifts: list[Assignment]
    taps: dict[int, Taps]  # "I've arrived" / "I've finished" for those on the day
    limit: BenefitLimit | None
    period: Period | None
    totals: Totals | None


def member_home(session: Session, member: Member) -> MemberHome:
    """A member's offers, next shifts and, if they set a limit, where they stand this period."""

    planner = limits.Planner.for_member(session, member)
    period = totals = None
    if planner.limit is not None:
        period = planner.period_of(today_london())
        totals = planner.totals(period)
    now = utcnow()
    coming = rota.coming_places(session, member, now=now)
    next_shifts = [a for a in coming if a.status == AssignmentStatus.ACCEPTED][:5]
    offers, lapsed = offers_and_lapsed(session, member, planner, now=now)
    return MemberHome(
        offers,
        lapsed,
        rota.still_asked(coming, now),
        next_shifts,
        taps_for(session, next_shifts, now=now),
        planner.limit,
        period,
        totals,
    )


@dataclass(frozen=True)
class FirstSteps:
    """What a new member has done of the four first steps, and the swaps waiting for them. The
    limit is only for members whose benefits depend on what they earn, so the panel goes once
    the other three are done."""

    availability: bool
    limit: bool
    reminders: bool
    calendar: bool
    exchanges: int  # two-way swaps other members offered them
    offered: int  # shifts other members are offering

    @property
    def done(self) -> bool:
        return self.availability and self.reminders and self.calendar


def first_steps(session: Session, member: Member, *, has_limit: bool) -> FirstSteps:
    """One statement (the member's Home is a page people open all day)."""

    def has(model: type[Availability | RotaPreferences | MemberFeed]) -> Any:
        return exists().where(model.member_id == member.id)

    exchanges, offered = rota.swap_counts(member.id, utcnow())
    row = session.execute(
        select(has(Availability), has(RotaPreferences), has(MemberFeed), exchanges, offered)
    ).one()
    return FirstSteps(bool(row[0]), has_limit, bool(row[1]), bool(row[2]), int(row[3]), int(row[4]))


def health(engine: Engine) -> tuple[bool, str]:
    """Healthy when the database answers and its schema is at the latest migration."""
    try:
        current = current_revision(engine)
    except SQLAlchemyError:
        return False, "database unreachable"
    head = head_revision()
    if current != head:
        return False, f"schema at {current}, expected {head}: run 'coop db upgrade'"
    return True, f"schema at {head}"


def hours_this_month(session: Session, today: date, limit: int = 20) -> list[tuple[int, int]]:
    """Minutes of held shifts per member id in this calendar month (London), most first."""
    first = today.replace(day=1)
    lo = london_to_utc(first, time(0))
    hi = london_to_utc((first + timedelta(days=32)).replace(day=1), time(0))
    minutes = func.sum(minutes_between(Shift.starts_at, Shift.ends_at))
    rows = session.execute(
        select(Member.id, minutes)
        .join(Assignment, Assignment.member_id == Member.id)
        .join(Shift, Shift.id == Assignment.shift_id)
        .where(
            Assignment.held(),
            Shift.status == ShiftStatus.SCHEDULED,
            Shift.starts_at >= lo,
            Shift.starts_at < hi,
        )
        .group_by(Member.id)
        .order_by(minutes.desc(), Member.id)
        .limit(limit)
    ).all()
    return [(member_id, round(total)) for member_id, total in rows]


def money_by_month(session: Session, today: date, months: int = 6) -> list[tuple[date, int, int]]:
    """(first day of the month, invoiced income before VAT, approved member pay) for the last
    `months` months, summed by the database. The month is named where it is shown: this is
    kept for every reader, whatever their language."""

    starts = []
    first = today.replace(day=1)
    for _ in range(months):
        starts.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    starts.reverse()
    next_month = (starts[-1] + timedelta(days=32)).replace(day=1)
    income_key = bucket(Invoice.issue_date, [*starts, next_month])
    income = dict.fromkeys(range(months), 0)
    for key, net in session.execute(
        select(income_key, func.sum(Invoice.net_pence))
        .where(
            Invoice.status == InvoiceStatus.ISSUED,
            Invoice.issue_date >= starts[0],
            Invoice.issue_date < next_month,
        )
        .group_by(income_key)
    ):
        income[key] = int(net or 0)
    # Pay by the month the work was done (the timesheet's start), from one indexed range scan.
    edges = [london_to_utc(m, time(0)) for m in [*starts, next_month]]
    pay_key = bucket(TimesheetEntry.actual_start, edges)
    pay = dict.fromkeys(range(months), 0)
    earned = func.coalesce(TimesheetEntry.pay_pence, 0) + func.coalesce(TimesheetEntry.holiday_pence, 0)
    for key, amount in session.execute(
        select(pay_key, func.sum(earned))
        .where(
            TimesheetEntry.status == TimesheetStatus.APPROVED,
            TimesheetEntry.actual_start >= edges[0],
            TimesheetEntry.actual_start < edges[-1],
        )
        .group_by(pay_key)
    ):
        pay[key] = int(amount or 0)
    return [(m, income[i], pay[i]) for i, m in enumerate(starts)]


CHART_SECONDS = 300  # the money chart adds up six months of pay: kept five minutes per process
HOURS_SECONDS = 60  # the month's hours per member: a minute old at most


def coordinator_charts(
    session: Session, today: date
) -> tuple[list[tuple[str, int]], list[tuple[date, int, int]]]:
    money = cached(
        ("money_by_month", str(session.get_bind().engine.url), today),
        CHART_SECONDS,
        lambda: money_by_month(session, today),
    )
    by_id = cached(
        ("hours_this_month", str(session.get_bind().engine.url), today),
        HOURS_SECONDS,
        lambda: hours_this_month(session, today),
    )
    # Names are read now, never cached: a member erased a moment ago is already a placeholder.
    names = {
        member_id: name
        for member_id, name in session.execute(
            select(Member.id, Member.display_name).where(Member.id.in_([i for i, _ in by_id]))
        )
    }
    hours = [(names.get(member_id, ""), minutes) for member_id, minutes in by_id]
    return hours, money


def community(session: Session) -> dict[str, list[object]]:
    """Open proposals and coming skill-sharing sessions, for a member's home page."""

    return {"proposals": list(open_proposals(session)[:3]), "sessions": list(upcoming(session)[:3])}


def invoices_due(session: Session, client_id: int) -> list[object]:

    return [
        i
        for i in invoicing.list_invoices(session, client_id=client_id, issued_only=True)
        if invoicing.balance_pence(i) > 0
    ]
