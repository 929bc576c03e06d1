"""Cover figures per month, co-op wide: places let go close to the start, covered in time (before
the client had to be told), covered late (after), not covered, and the median time to cover.
Never per member: a case does not even record who let the place go. A count under 5 is shown
as "fewer than 5" (as in the impact report). Rows are grouped by a key (today one group, the
co-op), so figures per business can be added as another key."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, time, timedelta
from statistics import median

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.charts import bar_chart
from coop.cover.models import CaseStatus, CoverCase
from coop.timeutil import london_to_utc, to_london, whole_minutes

MIN_SHOWN = 5
CO_OP = ""  # the group of co-op wide figures


def shown(n: int) -> str:
    """A count in words, or "fewer than 5" for 1 to 4."""
    return f"fewer than {MIN_SHOWN}" if 0 < n < MIN_SHOWN else str(n)


@dataclass
class MonthFigures:
    month: date  # the first day of the month (London)
    group: str = CO_OP
    dropped: int = 0
    in_time: int = 0
    late: int = 0
    uncovered: int = 0
    minutes_to_cover: list[int] | None = None

    @property
    def label(self) -> str:
        return self.month.strftime("%b %Y")

    def median_minutes(self) -> int | None:
        """Median minutes to cover, only when at least 5 places were covered."""
        m = self.minutes_to_cover or []
        return int(median(m)) if len(m) >= MIN_SHOWN else None

    def chart_value(self, n: int) -> int:
        """What a chart may draw: nothing for a suppressed count."""
        return n if n == 0 or n >= MIN_SHOWN else 0


def _months(last: date, count: int) -> list[date]:
    first = last.replace(day=1)
    out = [first]
    for _ in range(count - 1):
        first = (first - timedelta(days=1)).replace(day=1)
        out.append(first)
    return list(reversed(out))


def monthly(session: Session, *, last: date, months: int = 6) -> list[MonthFigures]:
    """The `months` months up to and including the one holding `last`, oldest first (one query)."""
    firsts = _months(last, months)
    end = (firsts[-1] + timedelta(days=32)).replace(day=1)
    rows = session.execute(
        select(CoverCase.opened_at, CoverCase.status, CoverCase.closed_at, CoverCase.client_told_at).where(
            CoverCase.opened_at >= london_to_utc(firsts[0], time(0)),
            CoverCase.opened_at < london_to_utc(end, time(0)),
        )
    )
    figures: dict[tuple[date, str], MonthFigures] = {(m, CO_OP): MonthFigures(m) for m in firsts}
    minutes: dict[tuple[date, str], list[int]] = defaultdict(list)
    for opened_at, status, closed_at, told_at in rows:
        key = (to_london(opened_at).date().replace(day=1), CO_OP)
        f = figures[key]
        f.dropped += 1
        if status == CaseStatus.COVERED and closed_at is not None:
            if told_at is None or closed_at < told_at:
                f.in_time += 1
            else:
                f.late += 1
            minutes[key].append(whole_minutes(opened_at, closed_at))
        elif status == CaseStatus.UNCOVERED:
            f.uncovered += 1
    for key, values in minutes.items():
        figures[key].minutes_to_cover = sorted(values)
    return [figures[(m, CO_OP)] for m in firsts]


def months_in(first: date, last: date) -> int:
    """How many calendar months a period touches (at most 12 are shown)."""
    return min(12, (last.year - first.year) * 12 + last.month - first.month + 1)


def chart(months: list[MonthFigures]) -> Markup:
    """Places let go close to the start (and, beside them, covered in time) by month; a count
    under 5 is not drawn (the table beside it says "fewer than 5")."""
    return bar_chart(
        "Places let go close to the start (dark) and covered in time (light), by month",
        [m.label[:3] for m in months],
        [m.chart_value(m.dropped) for m in months],
        second=[m.chart_value(m.in_time) for m in months],
        value_label="places",
    )
