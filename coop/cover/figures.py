"""Cover figures per month, for the co-op and for each business (shift -> service -> business):
places let go close to the start, covered in time (before the client had to be told), covered
late (after), not covered, and the median time to cover. Never per member: a case does not even
record who let the place go. A count under 5 is shown as "fewer than 5" (as in the impact
report), for each business as for the co-op. Both come from one grouped query."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from statistics import median

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.bookings.models import Service, Shift
from coop.businesses.models import Business
from coop.charts import bar_chart
from coop.cover.models import CaseStatus, CoverCase
from coop.i18n import gettext as _
from coop.i18n.formats import number_text
from coop.timeutil import format_date, london_to_utc, to_london, whole_minutes

MIN_SHOWN = 5
CO_OP = 0  # the group of co-op wide figures (the others are business ids)


def shown(n: int) -> str:
    """A count in words, or "fewer than 5" for 1 to 4."""
    return _("fewer than %(num)s", num=MIN_SHOWN) if 0 < n < MIN_SHOWN else number_text(n)


@dataclass
class MonthFigures:
    month: date  # the first day of the month (London)
    group: int = CO_OP
    dropped: int = 0
    in_time: int = 0
    late: int = 0
    uncovered: int = 0
    minutes_to_cover: list[int] | None = None

    @property
    def label(self) -> str:
        return format_date(self.month, "MMM y")

    @property
    def short_label(self) -> str:
        return format_date(self.month, "MMM")

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
    for _step in range(count - 1):
        first = (first - timedelta(days=1)).replace(day=1)
        out.append(first)
    return list(reversed(out))


@dataclass(frozen=True)
class BusinessCover:
    """One business's cover figures, month by month."""

    id: int
    name: str
    months: list[MonthFigures]


@dataclass(frozen=True)
class Cover:
    coop: list[MonthFigures]
    businesses: list[BusinessCover]  # in the order of the names asked for


def by_business(
    session: Session, *, last: date, months: int = 6, names: Sequence[tuple[int, str]] | None = None
) -> Cover:
    """The `months` months up to and including the one holding `last`, oldest first, for the co-op
    and for each business in `names` ((id, name) pairs; all businesses by id when None, read in
    one more statement). The cases come in one query, each with its business, however many
    businesses there are."""
    firsts = _months(last, months)
    end = (firsts[-1] + timedelta(days=32)).replace(day=1)
    if names is None:
        names = [(b, n) for b, n in session.execute(select(Business.id, Business.name).order_by(Business.id))]
    rows = session.execute(
        select(
            Service.business_id,
            CoverCase.opened_at,
            CoverCase.status,
            CoverCase.closed_at,
            CoverCase.client_told_at,
        )
        .join(Shift, Shift.id == CoverCase.shift_id)
        .join(Service, Service.id == Shift.service_id)
        .where(
            CoverCase.opened_at >= london_to_utc(firsts[0], time(0)),
            CoverCase.opened_at < london_to_utc(end, time(0)),
        )
    )
    groups = [CO_OP, *(bid for bid, _ in names)]
    figures = {(m, g): MonthFigures(m, g) for m in firsts for g in groups}
    minutes: dict[tuple[date, int], list[int]] = defaultdict(list)
    for business_id, opened_at, status, closed_at, told_at in rows:
        month = to_london(opened_at).date().replace(day=1)
        for key in ((month, CO_OP), (month, business_id)):
            f = figures.get(key)
            if f is None:
                continue  # a business not asked about
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
    return Cover(
        [figures[(m, CO_OP)] for m in firsts],
        [BusinessCover(bid, name, [figures[(m, bid)] for m in firsts]) for bid, name in names],
    )


def monthly(session: Session, *, last: date, months: int = 6) -> list[MonthFigures]:
    """The co-op's figures for the `months` months up to the one holding `last`, oldest first."""
    return by_business(session, last=last, months=months, names=()).coop


def months_in(first: date, last: date) -> int:
    """How many calendar months a period touches (at most 12 are shown)."""
    return min(12, (last.year - first.year) * 12 + last.month - first.month + 1)


def chart(months: list[MonthFigures]) -> Markup:
    """Places let go close to the start (and, beside them, covered in time) by month; a count
    under 5 is not drawn (the table beside it says "fewer than 5")."""
    return bar_chart(
        _("Places let go close to the start (dark) and covered in time (light), by month"),
        [m.short_label for m in months],
        [m.chart_value(m.dropped) for m in months],
        second=[m.chart_value(m.in_time) for m in months],
        value_label=_("places"),
    )
