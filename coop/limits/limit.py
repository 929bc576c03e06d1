"""The member's own limit: how work and pay sit against it, period by period (`Planner`). The
rule that decides on changes is in `rule.py`. Members see whether a shift fits; coordinators only
ever yes or no, never a figure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.bookings.models import Shift
from coop.errors import DomainError
from coop.i18n import gettext as _
from coop.limits.earnings import (
    Span,
    WorkRow,
    estimate_pay,
    pay_rules,
    rows_by_member,
    rows_in,
    shift_pay_pence,
)
from coop.limits.models import BenefitLimit, CountBy, Preset
from coop.limits.periods import Period, pay_schedule, period_for
from coop.members.models import Member
from coop.money import format_pence
from coop.settings import service as settings
from coop.settings.keys import K
from coop.timeutil import format_minutes, to_london


class LimitWarning(DomainError):
    """The shift goes over a 'warn' limit: the member may still take it if they confirm."""

    confirmable = True


def limit_for(session: Session, member_id: int) -> BenefitLimit | None:
    return session.scalar(select(BenefitLimit).where(BenefitLimit.member_id == member_id))


@dataclass(frozen=True)
class Totals:
    pay_pence: int
    minutes: int


@dataclass(frozen=True)
class Fit:
    """How a shift sits against the member's limit. Figures are for the member's eyes only."""

    pay_pence: int
    minutes: int
    has_limit: bool
    fits: bool
    mode: str = "block"
    period: Period | None = None
    earnings_left_after: int | None = None  # pence; negative when over
    minutes_left_after: int | None = None
    reason: str = ""

    @property
    def summary(self) -> str:
        """What the member reads next to the shift."""
        if not self.has_limit:
            return _("You have not set an earnings limit.")
        words = left_words(self.earnings_left_after, self.minutes_left_after, after_this=True)
        return _("%(left)s (%(period)s).", left=words, period=self.period.label) if self.period else ""


def left_words(earnings_left: int | None, minutes_left: int | None, *, after_this: bool = False) -> str:
    """What is left of (or over) each part of a limit, in the words members read."""
    parts = []
    if earnings_left is not None:
        if earnings_left < 0:
            parts.append(_("%(amount)s over your earnings limit", amount=format_pence(-earnings_left)))
        elif after_this:
            parts.append(
                _("%(amount)s left of your earnings limit after this", amount=format_pence(earnings_left))
            )
        else:
            parts.append(_("%(amount)s left of your earnings limit", amount=format_pence(earnings_left)))
    if minutes_left is not None:
        parts.append(
            _("%(time)s left of your hours limit", time=format_minutes(minutes_left))
            if minutes_left >= 0
            else _("%(time)s over your hours limit", time=format_minutes(-minutes_left))
        )
    return "; ".join(parts)


def over_reason(earnings: bool, hours: bool) -> str:
    """Why a change does not fit, as the end of a sentence ("... because <reason>")."""
    if earnings and hours:
        return _("it would take your earnings over your limit and it would take your hours over your limit")
    if earnings:
        return _("it would take your earnings over your limit")
    return _("it would take your hours over your limit") if hours else ""


class Planner:
    """Works out the fit of shifts for one member. It reads the member's work and pay period by
    period, only for the periods it is asked about, wherever they lie (a past correction, a
    visit two years ahead), each period at most once: its limit is judged against everything in
    the period, and the cost does not grow with how far away the period is. `load` reads many
    periods in one go (for a page that shows many shifts)."""

    def __init__(self, session: Session, member_id: int, limit: BenefitLimit | None) -> None:
        self.session = session
        self.member_id = member_id
        self.limit = limit
        self.schedule = (
            pay_schedule(session) if limit is not None and limit.count_by == CountBy.PAID else None
        )
        self._loaded: dict[Period, list[WorkRow]] = {}

    @classmethod
    def for_member(cls, session: Session, member: Member, *, between: Span | None = None) -> Planner:
        """The member's planner; `between` (first and last work day shown on a page) reads the
        periods of those days at once rather than one by one as they are asked about."""
        planner = cls(session, member.id, limit_for(session, member.id))
        if between is not None and planner.limit is not None:
            first, last = between
            planner.load_days(first + timedelta(days=i) for i in range((last - first).days + 1))
        return planner

    def periods_for(self, work_days: Iterable[date] = (), pay_days: Iterable[date] = ()) -> set[Period]:
        """The periods that work on these days, and pay on these pay days, count in."""
        return {self.period_of(d) for d in set(work_days)} | {self.period_on(d) for d in set(pay_days)}

    def load_days(self, work_days: Iterable[date]) -> None:
        """Read the periods that work on these days counts in, in one go."""
        if self.limit is not None:
            self.load(self.periods_for(work_days))

    def load(self, periods: Iterable[Period]) -> None:
        """Read every row of the member's work and pay that counts in these periods (those not
        read yet), with one statement for the work and one for the pay, however many periods."""
        missing, work_spans, pay_spans = self._to_read(periods)
        if missing:
            self._take(missing, rows_in(self.session, self.member_id, work_spans, pay_spans))

    def _to_read(self, periods: Iterable[Period]) -> tuple[set[Period], list[Span], list[Span]]:
        """The periods not read yet, and the spans of work days and pay days that count in them."""
        missing = {p for p in periods if p not in self._loaded}
        pay_spans = _merged((p.start, p.end) for p in missing)
        if self.schedule is None:
            work_spans = pay_spans
        else:  # counted by pay date: the work paid on a pay day in the period
            paid = (self.schedule.work_paid_between(p.start, p.end) for p in missing)
            work_spans = _merged(s for s in paid if s is not None)
        return missing, work_spans, pay_spans

    def _take(self, missing: set[Period], rows: Iterable[WorkRow]) -> None:
        """Keep the rows read for these periods (rows of other periods are passed over)."""
        found: dict[Period, list[WorkRow]] = {p: [] for p in missing}
        for row in rows:
            period = self.period_on(self.row_day(row))
            if period in found:
                found[period].append(row)
        self._loaded.update(found)

    def rows_in(self, periods: Iterable[Period]) -> list[WorkRow]:
        """Everything that counts in these periods."""
        periods = set(periods)
        self.load(periods)
        return [r for p in sorted(periods, key=lambda p: p.start) for r in self._loaded[p]]

    def key_day(self, work_day: date) -> date:
        return self.schedule.pay_date(work_day) if self.schedule else work_day

    def row_day(self, row: WorkRow) -> date:
        """The day a row counts on: the pay day for pay adjustments and for 'count by pay date'."""
        return row.work_day if row.paid_on else self.key_day(row.work_day)

    def period_of(self, work_day: date) -> Period:
        assert self.limit is not None
        return self.period_on(self.key_day(work_day))

    def period_on(self, day: date) -> Period:
        assert self.limit is not None
        return period_for(self.limit.period, self.limit.period_start_day, day, self.limit.week_start_day)

    def totals(self, period: Period) -> Totals:
        """The member's earnings and hours that count in a period."""
        chosen = self.rows_in([period])
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
        if self.limit is None:
            return Fit(pay, shift.minutes, has_limit=False, fits=True)
        return self.fit_amount(day, shift.minutes, pay)

    def headroom(self, shift: Shift) -> str:
        """What is left of the limit in the period this (held) shift counts in, for the member."""
        if self.limit is None:
            return ""
        period = self.period_of(to_london(shift.starts_at).date())
        held = self.totals(period)
        limit = self.limit
        words = left_words(
            None if limit.earnings_limit_pence is None else limit.earnings_limit_pence - held.pay_pence,
            None if limit.hours_limit_minutes is None else limit.hours_limit_minutes - held.minutes,
        )
        return _("%(left)s (%(period)s), with this shift.", left=words, period=period.label)

    def uc_keep(self, shift: Shift, pay: int, *, held: bool) -> int | None:
        """For a member on Universal Credit (the UC limits): about how much of this shift's pay
        they keep once UC is reduced by the taper on earnings over the work allowance, both as in
        force in the period. None for anyone else. `held`: the shift is already counted."""
        if self.limit is None or self.limit.preset not in (Preset.UC, Preset.UC_NO_HOUSING):
            return None
        period = self.period_of(to_london(shift.starts_at).date())
        key = (
            K.UC_WORK_ALLOWANCE_PENCE
            if self.limit.preset == Preset.UC
            else K.UC_WORK_ALLOWANCE_NO_HOUSING_PENCE
        )
        allowance = settings.get(self.session, key, period.start)
        taper = settings.get(self.session, K.UC_TAPER_BP, period.start)
        others = self.totals(period).pay_pence - (pay if held else 0)
        over = max(0, others + pay - allowance) - max(0, others - allowance)
        return pay - (over * taper + 5000) // 10000

    def rate_that_fits(self, shift: Shift) -> int | None:
        """For involvement work that does not fit at the full rate: the most pence an hour at
        which it fits, never below the statutory minimum (0 is unpaid), or None when even unpaid
        it does not (an hours limit)."""
        if self.limit is None or not shift.service.involvement or self.fit(shift).fits:
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
        # Paid less than the legal minimum is no choice the rate rule allows: then only unpaid fits.
        lowest = pay_rules(self.session, to_london(shift.starts_at).date()).statutory_pence
        return lo if lo >= lowest else 0

    def fit_exchange(self, given: Shift, taken: Shift, given_rate: int | None = None) -> Fit:
        """How taking `taken` in exchange for `given` (held, at `given_rate` if the member chose
        one) sits against the limit: as the swap judges it, with `given` let go first."""
        fit = self.fit(taken)
        if self.limit is None:
            return fit
        day = to_london(taken.starts_at).date()
        if self.period_of(to_london(given.starts_at).date()) != self.period_of(day):
            return fit
        freed = self.fit(given, given_rate)
        return self.fit_amount(day, fit.minutes - freed.minutes, fit.pay_pence - freed.pay_pence)

    def fit_amount(self, work_day: date, minutes: int, pay: int) -> Fit:
        limit = self.limit
        assert limit is not None
        period = self.period_of(work_day)
        held = self.totals(period)
        earnings_left = minutes_left = None
        over_earnings = over_hours = False
        if limit.earnings_limit_pence is not None:
            earnings_left = limit.earnings_limit_pence - held.pay_pence - pay
            over_earnings = earnings_left < 0
        if limit.hours_limit_minutes is not None:
            minutes_left = limit.hours_limit_minutes - held.minutes - minutes
            over_hours = minutes_left < 0
        return Fit(
            pay,
            minutes,
            True,
            not (over_earnings or over_hours),
            limit.mode,
            period,
            earnings_left,
            minutes_left,
            over_reason(over_earnings, over_hours),
        )

    def adding(self, rows: list[WorkRow]) -> list[Fit]:
        """Every period these new rows (pay not made yet) would take over the limit."""
        held = self.rows_in({self.period_on(self.row_day(r)) for r in rows})
        return self.worsened(held, held + rows)

    def worsened(self, before: list[WorkRow], after: list[WorkRow]) -> list[Fit]:
        """Every period a change takes over the limit (or further over it), earliest first. A
        period already over the limit that the change leaves as it was, or lowers, is no breach."""
        limit = self.limit
        if limit is None:
            return []
        old, new = self.by_period(before), self.by_period(after)
        out = []
        for period in sorted(new, key=lambda p: p.start):
            was, now = old.get(period, Totals(0, 0)), new[period]
            over_earnings = over_hours = False
            earnings_left = minutes_left = None
            if limit.earnings_limit_pence is not None:
                earnings_left = limit.earnings_limit_pence - now.pay_pence
                over_earnings = earnings_left < 0 and now.pay_pence > was.pay_pence
            if limit.hours_limit_minutes is not None:
                minutes_left = limit.hours_limit_minutes - now.minutes
                over_hours = minutes_left < 0 and now.minutes > was.minutes
            if over_earnings or over_hours:
                out.append(
                    Fit(
                        now.pay_pence - was.pay_pence,
                        now.minutes - was.minutes,
                        True,
                        False,
                        limit.mode,
                        period,
                        earnings_left,
                        minutes_left,
                        over_reason(over_earnings, over_hours),
                    )
                )
        return out


def planners_for(
    session: Session,
    member_ids: Iterable[int],
    work_days: Iterable[date],
    *,
    limits: dict[int, BenefitLimit | None] | None = None,
) -> dict[int, Planner]:
    """Planners for many members, with the periods these work days count in read for all of
    them at once: one statement for the limits (none if the caller read them: `limits`), one for
    the work and one for the pay, however many members (a page that offers shifts to many
    people, such as the week grid)."""
    ids = sorted(set(member_ids))
    days = set(work_days)
    if limits is None:
        limits = {
            c.member_id: c
            for c in session.scalars(select(BenefitLimit).where(BenefitLimit.member_id.in_(ids)))
        }
    planners = {m: Planner(session, m, limits.get(m)) for m in ids}
    wanted = {m: p._to_read(p.periods_for(days)) for m, p in planners.items() if p.limit is not None}
    if wanted:
        rows = rows_by_member(
            session,
            list(wanted),
            _merged(s for _m, work, _p in wanted.values() for s in work),
            _merged(s for _m, _w, pay in wanted.values() for s in pay),
        )
        for m, (missing, _w, _p) in wanted.items():
            planners[m]._take(missing, rows[m])
    return planners


def _merged(spans: Iterable[Span]) -> list[Span]:
    """Spans of days, sorted, with overlapping and touching ones joined."""
    out: list[Span] = []
    for first, last in sorted(spans):
        if out and first <= out[-1][1] + timedelta(days=1):
            out[-1] = (out[-1][0], max(out[-1][1], last))
        else:
            out.append((first, last))
    return out
