"""Times are stored in UTC and entered and shown in Europe/London."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    return datetime.now(UTC)


def today_london() -> date:
    return utcnow().astimezone(LONDON).date()


def week_start(day: date) -> date:
    """The Monday of the week a day falls in (weeks run Monday to Sunday)."""
    return day - timedelta(days=day.weekday())


def whole_weeks_utc(first_day: date, last_day: date) -> tuple[datetime, datetime]:
    """The UTC span of the whole weeks (Monday to Sunday, London) holding two days."""
    return london_to_utc(week_start(first_day), time(0)), london_to_utc(
        week_start(last_day) + timedelta(days=7), time(0)
    )


def london_to_utc(day: date, at: time) -> datetime:
    """The UTC instant of a wall-clock time in London (the first one, if a clock change repeats it)."""
    return datetime.combine(day, at, tzinfo=LONDON).astimezone(UTC)


def missing_time(day: date, at: time) -> str:
    """A sentence if this wall-clock time does not exist in London that day (the hour skipped when
    the clocks go forward in March), else ''."""
    moment = datetime.combine(day, at, tzinfo=LONDON)
    back = moment.astimezone(UTC).astimezone(LONDON)
    if (back.hour, back.minute) == (at.hour, at.minute):
        return ""
    return (
        f"{at.strftime('%H:%M')} does not exist on {day.strftime('%a %-d %b %Y')}: the clocks go "
        "forward an hour that night. Choose another time."
    )


def to_london(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LONDON)


def local_span_to_utc(day: date, start: time, end: time) -> tuple[datetime, datetime]:
    """UTC start and end of a shift entered as a London date and wall-clock times.

    An end at or before the start means the shift runs past midnight into the next day.
    Durations are real elapsed time, so 22:00-06:00 across the October clock change is 9 hours.
    """
    start_utc = london_to_utc(day, start)
    end_day = day if end > start else day + timedelta(days=1)
    end_utc = london_to_utc(end_day, end)
    return start_utc, end_utc


def format_dt(moment: datetime | None, fmt: str = "%a %-d %b %Y, %H:%M") -> str:
    if moment is None:
        return ""
    return to_london(moment).strftime(fmt)


def format_date(day: date | datetime | None, fmt: str = "%a %-d %b %Y") -> str:
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = to_london(day).date()
    return day.strftime(fmt)


def whole_minutes(start: datetime, end: datetime) -> int:
    """Whole minutes from one moment to another, exactly (seconds left over are dropped); the
    database's twin for sums in SQL is `db.minutes_between`."""
    return (end - start) // timedelta(minutes=1)


def format_minutes(minutes: int) -> str:
    """90 -> '1 hour 30 minutes', 120 -> '2 hours'."""
    hours, mins = divmod(int(minutes), 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if mins or not hours:
        parts.append(f"{mins} minute{'s' if mins != 1 else ''}")
    return " ".join(parts)


@lru_cache(maxsize=8)
def _bank_holidays(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=year).items())


def bank_holiday(day: date) -> str:
    """The England-and-Wales bank holiday on this day, or ''."""
    return _bank_holidays(day.year).get(day, "")


def is_working_day(day: date) -> bool:
    """Monday to Friday, and not an England-and-Wales bank holiday."""
    return day.weekday() < 5 and not bank_holiday(day)


def working_days_after(day: date, n: int) -> date:
    """The nth working day after `day` (3 working days after a Friday is the Wednesday)."""
    while n > 0:
        day += timedelta(days=1)
        n -= is_working_day(day)
    return day
