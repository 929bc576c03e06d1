"""Benefit-safe earnings: each member's own limit on earnings and/or hours per period, the
headroom they have left, and the check that runs inside every claim.

Rules (shown to members in plain words on the limits page):
- Earnings in a period are the pay of the shifts the member holds, estimated from the shift's
  times and pay rate plus holiday pay (which is paid with wages), until a timesheet is approved,
  when the approved hours replace the estimate. Expenses never count.
- A shift counts in the period where it starts (Europe/London). With "count by pay date"
  (monthly periods, like Universal Credit) it counts in the period its pay is paid, using the
  co-op's pay schedule.
- Benefit limits are on net pay; we compare gross pay, which is never less than net, so the
  check errs on the member's side.
- Changing the limit or its period takes effect at once for every check from then on, and for
  the whole of the current period (nothing already held is taken away).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.audit.models import AuditEntry
from coop.audit.service import record
from coop.bookings.models import Service, Shift, ShiftStatus
from coop.caps.models import BenefitCap
from coop.db import lock, write_transaction
from coop.errors import DomainError
from coop.mail import service as mail
from coop.members.models import Member
from coop.money import format_pence
from coop.pay.models import PayAdjustment, PayLine, PayRun, PayStatement
from coop.pay.rules import pay_for
from coop.rota.models import Assignment, AssignmentStatus
from coop.settings import service as settings
from coop.timesheets.models import TimesheetEntry, TimesheetStatus, worked_minutes
from coop.timeutil import bank_holiday, format_minutes, london_to_utc, to_london, utcnow

PRESETS = ("esa", "carers", "uc", "uc_no_housing")


class CapWarning(DomainError):
    """The shift goes over a 'warn' limit: the member may still take it if they confirm."""


# --- periods and pay dates -------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def label(self) -> str:
        if self.start.year == self.end.year:
            return f"{self.start.strftime('%-d %b')} to {self.end.strftime('%-d %b %Y')}"
        return f"{self.start.strftime('%-d %b %Y')} to {self.end.strftime('%-d %b %Y')}"


def _month_start(year: int, month: int, start_day: int) -> date:
    """The period's first day in a month: the chosen day, or the month's last day when the month
    is shorter (a claim made on the 31st starts on 30 April, 28 or 29 February)."""
    first = date(year, month, 1)
    last = (first + relativedelta(months=1) - timedelta(days=1)).day
    return first.replace(day=min(start_day, last))


def period_for(period: str, start_day: int, day: date, week_start_day: int = 0) -> Period:
    """Weekly periods start on the member's benefit week day (0 = Monday); monthly ones (an
    assessment period) start on the chosen day of each month, 1 to 31."""
    if period == "weekly":
        start = day - timedelta(days=(day.weekday() - week_start_day) % 7)
        return Period(start, start + timedelta(days=6))
    start = _month_start(day.year, day.month, start_day)
    if day < start:
        prev = day.replace(day=1) - relativedelta(months=1)
        start = _month_start(prev.year, prev.month, start_day)
    following = start.replace(day=1) + relativedelta(months=1)
    return Period(start, _month_start(following.year, following.month, start_day) - timedelta(days=1))


def previous_periods(
    period: str, start_day: int, day: date, count: int, week_start_day: int = 0
) -> list[Period]:
    """This period and the `count` before it, oldest first."""
    periods = [period_for(period, start_day, day, week_start_day)]
    for _ in range(count):
        periods.append(period_for(period, start_day, periods[-1].start - timedelta(days=1), week_start_day))
    return list(reversed(periods))


def _working_day_on_or_before(day: date) -> date:
    while day.weekday() >= 5 or bank_holiday(day):
        day -= timedelta(days=1)
    return day


@dataclass(frozen=True)
class PaySchedule:
    frequency: str  # weekly | monthly
    pay_day_of_month: int = 7

    def pay_date(self, work_day: date) -> date:
        """Weekly: work Monday-Sunday is paid the Friday after. Monthly: a calendar month is paid
        on the pay day of the next month. A pay day on a weekend or bank holiday moves earlier."""
        if self.frequency == "weekly":
            sunday = work_day + timedelta(days=6 - work_day.weekday())
            return _working_day_on_or_before(sunday + timedelta(days=5))
        next_month = (work_day.replace(day=1) + relativedelta(months=1)).replace(day=self.pay_day_of_month)
        return _working_day_on_or_before(next_month)

    def next_payday(self, day: date) -> date:
        """The first pay day on or after a day."""
        return self.paydays_between(day, day + timedelta(days=70))[0]

    def paydays_between(self, start: date, end: date) -> list[date]:
        days = set()
        probe = start - timedelta(days=62)
        while probe <= end:
            days.add(self.pay_date(probe))
            probe += timedelta(days=7 if self.frequency == "weekly" else 28)
        return sorted(d for d in days if start <= d <= end)


def pay_schedule(session: Session) -> PaySchedule:
    return PaySchedule(settings.get(session, "pay_frequency"), settings.get(session, "pay_day_of_month"))


# --- what each shift earns ---------------------------------------------------------------------


def pay_rules(session: Session, day: date) -> tuple[int, int]:
    """(pay floor, holiday rate in basis points) in force on a day."""
    return settings.pay_floor(session, day), settings.get(session, "holiday_pay_percent_bp", day)


def estimate_pay(minutes: int, rate: int, rules: tuple[int, int], chosen: int | None = None) -> int:
    """Estimated pay for time not yet approved, holiday pay included. `chosen` is an involvement
    member's own lower rate (or 0), which the pay floor does not lift."""
    floor, holiday_bp = rules
    if chosen is not None:
        return pay_for(minutes, chosen, holiday_bp=holiday_bp).total_pence
    return pay_for(minutes, rate, floor_pence=floor, holiday_bp=holiday_bp).total_pence


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


def work_rows(session: Session, member_id: int, first_day: date, last_day: date) -> list[WorkRow]:
    """The member's held shifts between two days (London): estimated pay, or the approved
    timesheet's hours and pay once there is one."""

    lo = london_to_utc(first_day, datetime.min.time())
    hi = london_to_utc(last_day + timedelta(days=1), datetime.min.time())
    rows = session.execute(
        select(
            Shift.starts_at,
            Shift.ends_at,
            Service.pay_pence_per_hour,
            TimesheetEntry.actual_start,
            TimesheetEntry.actual_end,
            TimesheetEntry.break_minutes,
            TimesheetEntry.pay_pence,
            TimesheetEntry.holiday_pence,
            Assignment.chosen_pay_pence_per_hour,
        )
        .join(Assignment, Assignment.shift_id == Shift.id)
        .join(Service, Service.id == Shift.service_id)
        .outerjoin(
            TimesheetEntry,
            (TimesheetEntry.assignment_id == Assignment.id)
            & (TimesheetEntry.status == TimesheetStatus.APPROVED),
        )
        .where(
            Assignment.member_id == member_id,
            Assignment.status == AssignmentStatus.ACCEPTED,
            Shift.status == ShiftStatus.SCHEDULED,
            Shift.starts_at >= lo,
            Shift.starts_at < hi,
        )
    ).all()
    rules_on: dict[date, tuple[int, int]] = {}  # the rules in force on each shift's own day
    out = []
    for starts_at, ends_at, rate, actual_start, actual_end, break_minutes, paid, holiday, chosen in rows:
        day = to_london(starts_at).date()
        if paid is not None:
            worked = worked_minutes(actual_start, actual_end, break_minutes)
            out.append(WorkRow(day, worked, paid + (holiday or 0)))
            continue
        minutes = int((ends_at - starts_at).total_seconds() // 60)
        if day not in rules_on:
            rules_on[day] = pay_rules(session, day)
        out.append(WorkRow(day, minutes, estimate_pay(minutes, rate, rules_on[day], chosen)))
    out.extend(adjustment_rows(session, member_id, first_day, last_day))
    return out


def adjustment_rows(session: Session, member_id: int, first_day: date, last_day: date) -> list[WorkRow]:
    """Other earnings paid through pay (a surplus share, a correction) count on the day they are
    paid: the pay date of the run that pays them, else the pay day chosen for them, else the
    next pay day after they were added."""

    schedule = pay_schedule(session)
    rows = session.execute(
        select(PayAdjustment.created_at, PayAdjustment.pay_on, PayAdjustment.amount_pence, PayRun.pay_date)
        .outerjoin(PayLine, PayLine.adjustment_id == PayAdjustment.id)
        .outerjoin(PayStatement, PayStatement.id == PayLine.statement_id)
        .outerjoin(PayRun, PayRun.id == PayStatement.pay_run_id)
        .where(PayAdjustment.member_id == member_id, PayAdjustment.counts_as_earnings.is_(True))
    ).all()
    out = []
    for created_at, pay_on, amount, run_pay_date in rows:
        day = run_pay_date or pay_on or schedule.next_payday(to_london(created_at).date())
        if first_day <= day <= last_day:
            out.append(WorkRow(day, 0, amount, paid_on=True))
    return out


# --- the member's limit ---------------------------------------------------------------------------


def cap_for(session: Session, member_id: int) -> BenefitCap | None:
    return session.scalar(select(BenefitCap).where(BenefitCap.member_id == member_id))


@dataclass(frozen=True)
class Totals:
    pay_pence: int
    minutes: int


@dataclass(frozen=True)
class Fit:
    """How a shift sits against the member's limit. Figures are for the member's eyes only."""

    pay_pence: int
    minutes: int
    has_cap: bool
    fits: bool
    mode: str = "block"
    period: Period | None = None
    earnings_left_after: int | None = None  # pence; negative when over
    minutes_left_after: int | None = None
    reason: str = ""

    @property
    def summary(self) -> str:
        """What the member reads next to the shift."""
        if not self.has_cap:
            return "You have not set an earnings limit."
        words = left_words(self.earnings_left_after, self.minutes_left_after, earnings_after=" after this")
        return words + f" ({self.period.label})." if self.period else ""


def left_words(earnings_left: int | None, minutes_left: int | None, *, earnings_after: str = "") -> str:
    """What is left of (or over) each part of a limit, in the words members read."""
    parts = []
    if earnings_left is not None:
        parts.append(
            f"{format_pence(earnings_left)} left of your earnings limit{earnings_after}"
            if earnings_left >= 0
            else f"{format_pence(-earnings_left)} over your earnings limit"
        )
    if minutes_left is not None:
        parts.append(
            f"{format_minutes(minutes_left)} left of your hours limit"
            if minutes_left >= 0
            else f"{format_minutes(-minutes_left)} over your hours limit"
        )
    return "; ".join(parts)


class Planner:
    """Works out the fit of many shifts for one member with one query for their work."""

    def __init__(self, session: Session, member_id: int, cap: BenefitCap | None, rows: list[WorkRow]) -> None:
        self.session = session
        self.member_id = member_id
        self.cap = cap
        self.rows = rows
        self.schedule = pay_schedule(session) if cap is not None and cap.count_by == "paid" else None

    @classmethod
    def for_member(
        cls, session: Session, member: Member, *, now: datetime | None = None, days_ahead: int = 120
    ) -> Planner:
        now = now or utcnow()
        cap = cap_for(session, member.id)
        rows: list[WorkRow] = []
        if cap is not None:
            today = to_london(now).date()
            rows = work_rows(
                session, member.id, today - timedelta(days=100), today + timedelta(days=days_ahead)
            )
        return cls(session, member.id, cap, rows)

    def key_day(self, work_day: date) -> date:
        return self.schedule.pay_date(work_day) if self.schedule else work_day

    def row_day(self, row: WorkRow) -> date:
        """The day a row counts on: the pay day for pay adjustments and for 'count by pay date'."""
        return row.work_day if row.paid_on else self.key_day(row.work_day)

    def period_of(self, work_day: date) -> Period:
        assert self.cap is not None
        return self.period_on(self.key_day(work_day))

    def period_on(self, day: date) -> Period:
        assert self.cap is not None
        return period_for(self.cap.period, self.cap.period_start_day, day, self.cap.week_start_day)

    def totals(self, period: Period, rows: Iterable[WorkRow] | None = None) -> Totals:
        chosen = [r for r in (self.rows if rows is None else rows) if self.row_day(r) in period]
        return Totals(sum(r.pay_pence for r in chosen), sum(r.minutes for r in chosen))

    def by_period(self, rows: Iterable[WorkRow]) -> dict[Period, Totals]:
        out: dict[Period, Totals] = {}
        for r in rows:
            p = self.period_on(self.row_day(r))
            t = out.get(p, Totals(0, 0))
            out[p] = Totals(t.pay_pence + r.pay_pence, t.minutes + r.minutes)
        return out

    def fit(self, shift: Shift, chosen: int | None = None) -> Fit:
        """How one slot of the shift sits against the limit, at the full rate or (involvement
        work) at the member's own chosen lower rate."""
        day = to_london(shift.starts_at).date()
        if chosen is None:
            pay = shift_pay_pence(self.session, shift)
        else:
            pay = estimate_pay(
                shift.minutes, shift.service.pay_pence_per_hour, pay_rules(self.session, day), chosen
            )
        if self.cap is None:
            return Fit(pay, shift.minutes, has_cap=False, fits=True)
        return self.fit_amount(day, shift.minutes, pay)

    def headroom(self, shift: Shift) -> str:
        """What is left of the limit in the period this (held) shift counts in, for the member."""
        if self.cap is None:
            return ""
        period = self.period_of(to_london(shift.starts_at).date())
        held = self.totals(period)
        cap = self.cap
        words = left_words(
            None if cap.earnings_cap_pence is None else cap.earnings_cap_pence - held.pay_pence,
            None if cap.hours_cap_minutes is None else cap.hours_cap_minutes - held.minutes,
        )
        return words + f" ({period.label}), with this shift."

    def uc_keep(self, shift: Shift, pay: int, *, held: bool) -> int | None:
        """For a member on Universal Credit (the UC limits): about how much of this shift's pay
        they keep once UC is reduced by the taper on earnings over the work allowance, both as in
        force in the period. None for anyone else. `held`: the shift is already counted."""
        if self.cap is None or self.cap.preset not in ("uc", "uc_no_housing"):
            return None
        period = self.period_of(to_london(shift.starts_at).date())
        key = "uc_work_allowance_pence" if self.cap.preset == "uc" else "uc_work_allowance_no_housing_pence"
        allowance = int(settings.get(self.session, key, period.start))
        taper = int(settings.get(self.session, "uc_taper_bp", period.start))
        others = self.totals(period).pay_pence - (pay if held else 0)
        over = max(0, others + pay - allowance) - max(0, others - allowance)
        return pay - (over * taper + 5000) // 10000

    def rate_that_fits(self, shift: Shift) -> int | None:
        """For involvement work that does not fit at the full rate: the most pence an hour at
        which it fits (0 is unpaid), or None when even unpaid it does not (an hours limit)."""
        if self.cap is None or not shift.service.involvement or self.fit(shift).fits:
            return None
        if not self.fit(shift, 0).fits:
            return None
        lo, hi = 0, shift.service.pay_pence_per_hour
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.fit(shift, mid).fits:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def fit_amount(self, work_day: date, minutes: int, pay: int) -> Fit:
        cap = self.cap
        assert cap is not None
        period = self.period_of(work_day)
        held = self.totals(period)
        earnings_left = minutes_left = None
        reasons = []
        if cap.earnings_cap_pence is not None:
            earnings_left = cap.earnings_cap_pence - held.pay_pence - pay
            if earnings_left < 0:
                reasons.append("it would take your earnings over your limit")
        if cap.hours_cap_minutes is not None:
            minutes_left = cap.hours_cap_minutes - held.minutes - minutes
            if minutes_left < 0:
                reasons.append("it would take your hours over your limit")
        return Fit(
            pay,
            minutes,
            True,
            not reasons,
            cap.mode,
            period,
            earnings_left,
            minutes_left,
            " and ".join(reasons),
        )

    def worsened(self, before: list[WorkRow], after: list[WorkRow]) -> list[Fit]:
        """Every period a change takes over the limit (or further over it), earliest first. A
        period already over the limit that the change leaves as it was, or lowers, is no breach."""
        cap = self.cap
        if cap is None:
            return []
        old, new = self.by_period(before), self.by_period(after)
        out = []
        for period in sorted(new, key=lambda p: p.start):
            was, now = old.get(period, Totals(0, 0)), new[period]
            reasons = []
            earnings_left = minutes_left = None
            if cap.earnings_cap_pence is not None:
                earnings_left = cap.earnings_cap_pence - now.pay_pence
                if earnings_left < 0 and now.pay_pence > was.pay_pence:
                    reasons.append("it would take your earnings over your limit")
            if cap.hours_cap_minutes is not None:
                minutes_left = cap.hours_cap_minutes - now.minutes
                if minutes_left < 0 and now.minutes > was.minutes:
                    reasons.append("it would take your hours over your limit")
            if reasons:
                out.append(
                    Fit(
                        now.pay_pence - was.pay_pence,
                        now.minutes - was.minutes,
                        True,
                        False,
                        cap.mode,
                        period,
                        earnings_left,
                        minutes_left,
                        " and ".join(reasons),
                    )
                )
        return out


def enforce(
    session: Session,
    member: Member,
    shift: Shift,
    *,
    accept_warning: bool,
    member_is_asking: bool,
    chosen: int | None = None,
) -> None:
    """Refuse a shift that breaks the member's limit. Called inside the claim transaction after
    the member's row is locked, so parallel claims cannot together break it. A coordinator can
    never override it, and is told only that it does not fit. `chosen` is an involvement
    member's own lower rate."""
    cap = cap_for(session, member.id)
    if cap is None:
        return
    fit = Planner.for_member(session, member).fit(shift, chosen)
    if fit.fits:
        return
    if not member_is_asking:
        raise DomainError(
            f"This shift does not fit {member.display_name}'s limit, so it cannot be given to them. "
            "Only they can see or change their limit."
        )
    if cap.mode == "warn":
        if accept_warning:
            return
        raise CapWarning(f"Before you take this shift: {fit.reason}. {fit.summary}")
    raise DomainError(
        f"You can't take this shift because {fit.reason}. {fit.summary} "
        "You can change your limit on the 'My limit' page."
    )


def fits_for_coordinator(session: Session, member: Member, shift: Shift) -> bool:
    """Only yes or no: never the figures or why."""
    cap = cap_for(session, member.id)
    return cap is None or Planner.for_member(session, member).fit(shift).fits


class Guard:
    """The limit rule for every change to work or pay that is not a new claim: a coordinator's
    edit of a shift or a service, hours recorded, a pay choice, a surplus share. Build it (after
    locking the members) before the change, flush the change, then ask `broken()`: the members
    for whom the change takes a period over their limit, each with the first such period (for
    their eyes only: every period it breaks). Nothing else decides this."""

    def __init__(self, session: Session, member_ids: Iterable[int], first_day: date, last_day: date) -> None:
        self.session = session
        self.window = (first_day - timedelta(days=75), last_day + timedelta(days=75))
        self.caps = {m: c for m in sorted(set(member_ids)) if (c := cap_for(session, m)) is not None}
        self.before = {m: work_rows(session, m, *self.window) for m in self.caps}

    def broken(self) -> dict[int, list[Fit]]:
        self.session.flush()
        out = {}
        for member_id in self.caps:
            after = work_rows(self.session, member_id, *self.window)
            fits = self.planner(member_id, after).worsened(self.before[member_id], after)
            if fits:
                out[member_id] = fits
        return out

    def planner(self, member_id: int, rows: list[WorkRow] | None = None) -> Planner:
        """The member's planner (their limit and period rules) over the given rows."""
        return Planner(self.session, member_id, self.caps[member_id], rows or [])


def check_own_change(guard: Guard, member_id: int, *, accept_warning: bool, doing: str) -> None:
    """A member's own change to their work or pay (made, not committed): refused when it breaks
    a 'block' limit, and needs their yes when it breaks a 'warn' one. The message is for them."""
    fits = guard.broken().get(member_id)
    if not fits:
        return
    fit = fits[0]
    if fit.mode == "warn":
        if accept_warning:
            return
        raise CapWarning(f"Before you go ahead: {fit.reason}. {fit.summary}")
    raise DomainError(f"{doing} is not possible because {fit.reason}. {fit.summary}")


# --- setting a limit ----------------------------------------------------------------------------


@dataclass
class CapData:
    earnings_cap_pence: int | None
    hours_cap_minutes: int | None
    period: str = "weekly"
    period_start_day: int = 1
    mode: str = "block"
    count_by: str = "worked"
    preset: str = ""
    week_start_day: int = 0


def preset_data(session: Session, preset: str, *, start_day: int = 1, week_start_day: int = 0) -> CapData:
    """One-click limits from the co-op's reference figures (settings with effective dates)."""
    if preset == "esa":
        hours = settings.get(session, "esa_weekly_hours_limit")
        return CapData(
            settings.get(session, "esa_weekly_earnings_limit_pence"),
            hours * 60 - 1,
            "weekly",
            1,
            "block",
            "worked",
            "esa",
            week_start_day,
        )
    if preset == "carers":
        return CapData(
            settings.get(session, "carers_weekly_earnings_limit_pence"),
            None,
            "weekly",
            1,
            "block",
            "worked",
            "carers",
            week_start_day,
        )
    if preset in ("uc", "uc_no_housing"):
        key = "uc_work_allowance_pence" if preset == "uc" else "uc_work_allowance_no_housing_pence"
        return CapData(settings.get(session, key), None, "monthly", start_day, "warn", "paid", preset)
    raise DomainError("Choose one of the limits listed.", field="preset")


def validate(data: CapData) -> None:
    if data.earnings_cap_pence is None and data.hours_cap_minutes is None:
        raise DomainError("Set an earnings limit, an hours limit, or both.", field="earnings_cap")
    if data.earnings_cap_pence is not None and not 0 <= data.earnings_cap_pence <= 1_000_000:
        raise DomainError("Enter an earnings limit between £0 and £10,000.", field="earnings_cap")
    if data.hours_cap_minutes is not None and not 0 <= data.hours_cap_minutes <= 7 * 24 * 60:
        raise DomainError("Enter an hours limit between 0 and 168 hours.", field="hours_cap")
    if data.period not in ("weekly", "monthly"):
        raise DomainError("Choose weekly or monthly.", field="period")
    if not 1 <= data.period_start_day <= 31:
        raise DomainError("The period must start on a day from 1 to 31.", field="period_start_day")
    if not 0 <= data.week_start_day <= 6:
        raise DomainError("Choose the day your benefit week starts.", field="week_start_day")
    if data.mode not in ("block", "warn"):
        raise DomainError("Choose what should happen at the limit.", field="mode")
    if data.count_by not in ("worked", "paid") or (data.count_by == "paid" and data.period != "monthly"):
        raise DomainError("Counting by pay date works with monthly periods only.", field="count_by")


def set_cap(
    session: Session, member: Member, data: CapData, *, actor_id: int, by_coordinator: bool
) -> BenefitCap:
    """Save the member's limit. A coordinator may do it at the member's request: the audit log
    records who changed it and when, never the figures or the benefit, and the member is told."""
    validate(data)
    member_id = member.id
    with write_transaction(session):
        member = lock(session, Member, member_id)  # type: ignore[assignment]
        if member is None:
            raise DomainError("No such member.")
        cap = cap_for(session, member.id)
        if cap is None:
            cap = BenefitCap(member_id=member.id)
            session.add(cap)
        cap.earnings_cap_pence = data.earnings_cap_pence
        cap.hours_cap_minutes = data.hours_cap_minutes
        cap.period = data.period
        cap.period_start_day = data.period_start_day if data.period == "monthly" else 1
        cap.week_start_day = data.week_start_day if data.period == "weekly" else 0
        cap.mode = data.mode
        cap.count_by = data.count_by
        cap.preset = data.preset
        cap.updated_at = utcnow()
        if by_coordinator:
            _changed_by_coordinator(session, member, actor_id, "cap.set_by_coordinator")
    return cap


def remove_cap(session: Session, member: Member, *, actor_id: int, by_coordinator: bool) -> None:
    member_id = member.id
    with write_transaction(session):
        member = lock(session, Member, member_id)  # type: ignore[assignment]
        cap = cap_for(session, member_id)
        if cap is None or member is None:
            return
        if by_coordinator:
            _changed_by_coordinator(session, member, actor_id, "cap.removed_by_coordinator")
        session.delete(cap)


CAP_ACTIONS = ("cap.set_by_coordinator", "cap.removed_by_coordinator")


def _changed_by_coordinator(session: Session, member: Member, actor_id: int, action: str) -> None:
    """That, who and when: never the figures or the benefit (the audit log is open to every
    coordinator). The member is told at once, and sees it on their limit and earnings pages."""

    record(session, actor_id, action, ("member", member.id))
    mail.queue(
        session,
        member.user.email,
        "limit_changed",
        name=member.first_name,
        removed=action.startswith("cap.removed"),
    )


@dataclass(frozen=True)
class CoordinatorChange:
    at: datetime
    by: str
    removed: bool


def last_coordinator_change(session: Session, member_id: int) -> CoordinatorChange | None:
    """The latest time a coordinator set or removed this member's limit (for the member's eyes)."""

    row = session.execute(
        select(AuditEntry.at, AuditEntry.action, Member.display_name)
        .outerjoin(Member, Member.user_id == AuditEntry.actor_id)
        .where(
            AuditEntry.action.in_(CAP_ACTIONS),
            AuditEntry.object_type == "member",
            AuditEntry.object_id == str(member_id),
        )
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    at, action, name = row
    return CoordinatorChange(at, name or "a coordinator", action == CAP_ACTIONS[1])


# --- the member's earnings page ---------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodEarnings:
    period: Period
    pay_pence: int
    minutes: int
    paydays: tuple[date, ...] = ()


def earnings_history(
    session: Session, member: Member, cap: BenefitCap | None, *, today: date, count: int = 12
) -> list[PeriodEarnings]:
    """This period and the `count` before it, with earnings and hours in each."""
    period, start_day = (cap.period, cap.period_start_day) if cap else ("weekly", 1)
    periods = previous_periods(period, start_day, today, count, cap.week_start_day if cap else 0)
    rows = work_rows(session, member.id, periods[0].start - timedelta(days=62), periods[-1].end)
    planner = Planner(session, member.id, cap, rows) if cap else None
    schedule = pay_schedule(session)
    out = []
    for p in periods:
        if planner is not None:
            t = planner.totals(p)
        else:
            chosen = [r for r in rows if r.work_day in p]
            t = Totals(sum(r.pay_pence for r in chosen), sum(r.minutes for r in chosen))
        paydays = tuple(schedule.paydays_between(p.start, p.end)) if cap and cap.period == "monthly" else ()
        out.append(PeriodEarnings(p, t.pay_pence, t.minutes, paydays))
    return out


def payday_warnings(
    session: Session, cap: BenefitCap | None, *, today: date, ahead: int = 12
) -> list[Period]:
    """Coming monthly assessment periods that hold two or more of the co-op's paydays."""
    if cap is None or cap.period != "monthly":
        return []
    schedule = pay_schedule(session)
    if schedule.frequency != "monthly":
        return []
    out = []
    p = period_for("monthly", cap.period_start_day, today)
    for _ in range(ahead):
        if len(schedule.paydays_between(p.start, p.end)) >= 2:
            out.append(p)
        p = period_for("monthly", cap.period_start_day, p.end + timedelta(days=1))
    return out
