"""A member's limit periods (weekly from their benefit week's first day, or monthly from a day
of the month) and the co-op's pay dates."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import takewhile

from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from coop.i18n import gettext as _
from coop.limits.models import LimitPeriod
from coop.settings import service as settings
from coop.settings.keys import K
from coop.timeutil import bank_holiday, format_date


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def label(self) -> str:
        if self.start.year == self.end.year:
            return _(
                "%(start)s to %(end)s",
                start=format_date(self.start, "d MMM"),
                end=format_date(self.end, "d MMM y"),
            )
        return _(
            "%(start)s to %(end)s",
            start=format_date(self.start, "d MMM y"),
            end=format_date(self.end, "d MMM y"),
        )


def _month_start(year: int, month: int, start_day: int) -> date:
    """The period's first day in a month: the chosen day, or the month's last day when the month
    is shorter (a claim made on the 31st starts on 30 April, 28 or 29 February)."""
    first = date(year, month, 1)
    last = (first + relativedelta(months=1) - timedelta(days=1)).day
    return first.replace(day=min(start_day, last))


def period_for(period: str, start_day: int, day: date, week_start_day: int = 0) -> Period:
    """Weekly periods start on the member's benefit week day (0 = Monday); monthly ones (an
    assessment period) start on the chosen day of each month, 1 to 31."""
    if period == LimitPeriod.WEEKLY:
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
    for _i in range(count):
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

    # Pay dates only move forward with the work they pay for (the working day on or before a
    # date that only moves forward), so the pay days near any day are found by stepping one
    # unit of work (a week or a month) at a time from the unit holding it: exact wherever the
    # day lies, with no range to search.
    def _unit(self, day: date) -> date:
        """The first day of the unit of work (a week from Monday, or a calendar month) holding a day."""
        if self.frequency == "weekly":
            return day - timedelta(days=day.weekday())
        return day.replace(day=1)

    def _step(self, unit: date, by: int) -> date:
        return unit + (timedelta(days=7 * by) if self.frequency == "weekly" else relativedelta(months=by))

    def _first_unit_paid_from(self, day: date) -> date:
        """The earliest unit of work paid on or after a day."""
        unit = self._unit(day)
        while self.pay_date(self._step(unit, -1)) >= day:
            unit = self._step(unit, -1)
        while self.pay_date(unit) < day:
            unit = self._step(unit, 1)
        return unit

    def paydays_from(self, day: date) -> Iterator[date]:
        """Every pay day on or after a day, in order (without end: the caller stops)."""
        unit, last = self._first_unit_paid_from(day), None
        while True:
            paid = self.pay_date(unit)
            if paid != last:
                yield paid
                last = paid
            unit = self._step(unit, 1)

    def next_payday(self, day: date) -> date:
        """The first pay day on or after a day."""
        return next(self.paydays_from(day))

    def paydays_between(self, start: date, end: date) -> list[date]:
        return list(takewhile(lambda d: d <= end, self.paydays_from(start)))

    def work_paid_between(self, start: date, end: date) -> tuple[date, date] | None:
        """The first and last day of the work paid on a pay day between two days (inclusive),
        or None when no pay day falls between them."""
        first = self._first_unit_paid_from(start)
        if self.pay_date(first) > end:
            return None
        last = first
        while self.pay_date(self._step(last, 1)) <= end:
            last = self._step(last, 1)
        return first, self._step(last, 1) - timedelta(days=1)


def pay_schedule(session: Session) -> PaySchedule:
    return PaySchedule(settings.get(session, K.PAY_FREQUENCY), settings.get(session, K.PAY_DAY_OF_MONTH))
