"""A member's limit periods (weekly from their benefit week's first day, or monthly from a day
of the month) and the co-op's pay dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from coop.settings import service as settings
from coop.timeutil import bank_holiday


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
