"""Times are stored in UTC and entered and shown in Europe/London."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from coop.i18n import gettext as _
from coop.i18n import ngettext
from coop.i18n.formats import date_text, datetime_text, time_text

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
    return london_days_utc(week_start(first_day), week_start(last_day) + timedelta(days=6))


def london_days_utc(first: date, last: date) -> tuple[datetime, datetime]:
    """The UTC moments at which London's first day starts and the day after the last starts: the
    span of those days, whatever the clocks did in between."""
    return london_to_utc(first, time(0)), london_to_utc(last + timedelta(days=1), time(0))


def london_to_utc(day: date, at: time, near: datetime | None = None) -> datetime:
    """The UTC instant of a wall-clock time in London. When the clocks going back repeat it (01:10
    that night is 00:10 or 01:10 UTC): the first, or the one nearer `near` if the caller knows
    roughly when (the times tapped or booked for work being recorded)."""
    local = datetime.combine(day, at, tzinfo=LONDON)
    earlier = local.astimezone(UTC)
    if near is None:
        return earlier
    later = local.replace(fold=1).astimezone(UTC)
    if to_london(later).time() != at:  # not repeated: the hour the clocks skip has no second one
        return earlier
    return earlier if abs(earlier - near) <= abs(later - near) else later


def missing_time(day: date, at: time) -> str:
    """A sentence if this wall-clock time does not exist in London that day (the hour skipped when
    the clocks go forward in March), else ''."""
    moment = datetime.combine(day, at, tzinfo=LONDON)
    back = moment.astimezone(UTC).astimezone(LONDON)
    if (back.hour, back.minute) == (at.hour, at.minute):
        return ""
    return _(
        "%(time)s does not exist on %(day)s: the clocks go forward an hour that night. Choose another time.",
        time=format_time(at),
        day=format_date(day),
    )


def to_london(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LONDON)


def local_span_to_utc(
    day: date, start: time, end: time, near: tuple[datetime, datetime] | None = None
) -> tuple[datetime, datetime]:
    """UTC start and end of work entered as a London date and wall-clock times (`near`: what is
    known of when it was, for a time the clocks going back repeat: see `london_to_utc`).

    An end at or before the start means the shift runs past midnight into the next day.
    Durations are real elapsed time, so 22:00-06:00 across the October clock change is 9 hours.
    """
    start_utc = london_to_utc(day, start, near and near[0])
    end_day = day if end > start else day + timedelta(days=1)
    end_utc = london_to_utc(end_day, end, near and near[1])
    return start_utc, end_utc


# Dates and times are shown by CLDR patterns (https://unicode.org/reports/tr35/tr35-dates.html),
# formatted by Babel for the reader's language: "EEE d MMM y" is "Thu 3 Dec 2026" in English.
DAY = "EEE d MMM y"
LONG_DAY = "EEEE d MMMM y"
CLOCK = "HH:mm"


def format_dt(moment: datetime | date | None, fmt: str = f"{DAY}, {CLOCK}") -> str:
    """A moment in London time by a CLDR pattern: 'Thu 3 Dec 2026, 14:00' (a day: by its date)."""
    if moment is None:
        return ""
    if not isinstance(moment, datetime):
        return date_text(moment, fmt)
    return datetime_text(to_london(moment), fmt)


def format_date(day: date | datetime | None, fmt: str = DAY) -> str:
    """A day (a moment: its London day) by a CLDR pattern: 'Thu 3 Dec 2026'."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = to_london(day).date()
    return date_text(day, fmt)


def format_time(at: time | datetime | None, fmt: str = CLOCK) -> str:
    """A wall-clock time (a moment: in London) by a CLDR pattern: '14:00'."""
    if at is None:
        return ""
    if isinstance(at, datetime):
        return datetime_text(to_london(at), fmt)
    return time_text(at, fmt)


def whole_minutes(start: datetime, end: datetime) -> int:
    """Whole minutes from one moment to another, exactly (seconds left over are dropped); the
    database's twin for sums in SQL is `db.minutes_between`."""
    return (end - start) // timedelta(minutes=1)


def format_minutes(minutes: int) -> str:
    """90 -> '1 hour 30 minutes', 120 -> '2 hours'."""
    hours, mins = divmod(int(minutes), 60)
    parts = []
    if hours:
        parts.append(ngettext("%(num)s hour", "%(num)s hours", hours))
    if mins or not hours:
        parts.append(ngettext("%(num)s minute", "%(num)s minutes", mins))
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


def last_month(today: date) -> tuple[date, date]:
    """The first and last days of the calendar month before the one `today` is in."""
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last
