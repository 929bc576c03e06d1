"""The coordinator's week grid: members down the side (a page at a time, searchable), the seven
days across, each cell the member's shifts with client, service, times and pay; a first row of
unfilled places; hours per member and per day. A fixed number of queries whatever the size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from itertools import pairwise
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    String,
    bindparam,
    cast,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import Session, selectinload

from coop.bookings.models import Client, Service, Shift, ShiftStatus
from coop.cache import cached
from coop.db import UTCDateTime, minutes_between, two_lists, union_part, written
from coop.limits import service as limits
from coop.members.models import Member, MemberStatus, Skill, member_skill
from coop.pay.rates import RateRules
from coop.rota.eligibility import member_facts, rules_from_settings
from coop.rota.models import Assignment
from coop.rota.rules import ShiftFacts, can_take
from coop.timeutil import london_days_utc, london_to_utc, to_london, utcnow, whole_minutes

PER_PAGE = 25  # members a page: 175 cells, each with its own "Offer" list, is already a long page


@dataclass(frozen=True)
class GridFilter:
    search: str = ""
    service_id: int | None = None
    skill_id: int | None = None
    area: str = ""
    business_ids: tuple[int, ...] | None = None  # a lead's businesses; None: all


@dataclass(frozen=True, slots=True)
class Cell:
    """A shift a member holds, as the grid shows it (read as a row of columns)."""

    shift_id: int
    starts_at: datetime
    ends_at: datetime
    service_name: str
    client_name: str
    pay_pence: int


OFFER_CHOICES = 30  # places listed on a cell's offer page (a day rarely has more for one member)


@dataclass(frozen=True, slots=True)
class OpenPlace:
    """An unfilled shift as the grid shows it: read as one row of columns, not an object graph
    (a busy week has hundreds)."""

    id: int
    starts_at: datetime
    ends_at: datetime
    free: int
    service_name: str
    client_name: str
    skill_id: int
    pay_pence_per_hour: int


@dataclass(frozen=True, slots=True)
class Person:
    """A member as the grid shows them: read as columns, not as an object with its relations."""

    id: int
    display_name: str
    status: str


@dataclass
class Row:
    member: Person
    days: dict[int, list[Cell]] = field(default_factory=dict)
    minutes: int = 0
    may_offer: set[int] = field(default_factory=set)  # days with a place needing a skill they have


@dataclass
class Grid:
    monday: date
    days: list[date]
    unfilled: dict[int, list[OpenPlace]]
    rows: list[Row]
    day_minutes: list[int]
    page: int
    more: bool
    unfilled_count: dict[int, int] = field(default_factory=dict)  # day -> its unfilled places, all of them


def _scheduled_between(lo: Any, hi: Any, f: GridFilter) -> list[ColumnElement[bool]]:
    """Scheduled shifts starting from `lo` to before `hi`, within the grid's filters."""
    return [
        Shift.status == ShiftStatus.SCHEDULED,
        Shift.starts_at >= lo,
        Shift.starts_at < hi,
        *_shift_filters(f),
    ]


def _shift_filters(f: GridFilter) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if f.service_id:
        out.append(Shift.service_id == f.service_id)
    if f.skill_id:
        out.append(Shift.service_id.in_(select(Service.id).where(Service.skill_id == f.skill_id)))
    if f.area:
        out.append(Shift.site_address.ilike(f"%{f.area}%"))
    if f.business_ids is not None:
        out.append(Shift.service_id.in_(select(Service.id).where(Service.business_id.in_(f.business_ids))))
    return out


# An OpenPlace's columns, by its fields' names, in its order.
PLACE_COLUMNS: dict[str, Any] = {
    "id": Shift.id,
    "starts_at": Shift.starts_at,
    "ends_at": Shift.ends_at,
    "free": Shift.slots - Shift.filled,
    "service_name": Service.name,
    "client_name": Client.name,
    "skill_id": Service.skill_id,
    "pay_pence_per_hour": Service.pay_pence_per_hour,
}
# The rows of the week's statement (_week_by_day): a day, an OpenPlace's columns, and the count of
# a skill's places.
WEEK_ROW = (
    ("day", Integer),
    *((name, column.type) for name, column in PLACE_COLUMNS.items()),
    ("of", Integer),
)
# The hours held each day across the co-op (the grid's last row) are a figure like the home's
# hours per member: kept a minute per process. At ten times the co-op they add up 18,000 shifts
# a week (5 ms), more than the rest of the page's statements together; a page of members, the
# next page or the printout then need not add them up again. A member's own hours are never kept.
DAY_HOURS_SECONDS = 60


def _unfilled(session: Session, where: list[ColumnElement[bool]]) -> list[OpenPlace]:
    """Shifts with a place free, soonest first, each as one row of columns."""
    return [
        OpenPlace(*place)
        for place in session.execute(
            select(*PLACE_COLUMNS.values())
            .join(Service, Service.id == Shift.service_id)
            .join(Client, Client.id == Shift.client_id)
            .where(*where, Shift.filled < Shift.slots)
            .order_by(Shift.starts_at, Shift.id)
        )
    ]


UNFILLED_SHOWN = 10  # unfilled places a day on screen; the rest are a link to that day's gaps


def _week_by_day(day_where: list[list[ColumnElement[bool]]], shown: int | None) -> Any:
    """The statement of the week's unfilled places by day, one round trip: for each day its first
    `shown` unfilled places (None: all), and each skill its places need with how many and the
    latest start. Rows of a UNION ALL, each with the columns of an `OpenPlace` and `day` and `of`,
    the columns a kind of row does not have null.

    Each day is read by its own range of ix_shift_starts_at (which carries what these reads need
    on PostgreSQL): at ten times the co-op a week holds 18,000 shifts and 1,700 unfilled places,
    and numbering them all by day (window functions over a computed day) took 19 ms; the days'
    arms take about 5."""
    arms = []
    for i, where in enumerate(day_where):
        day = literal(i)
        places = (
            select(*union_part(WEEK_ROW, day=day, **PLACE_COLUMNS))
            .join(Service, Service.id == Shift.service_id)
            .join(Client, Client.id == Shift.client_id)
            .where(*where, Shift.filled < Shift.slots)
            .order_by(Shift.starts_at, Shift.id)
            .limit(None if shown is None else written(shown, Integer))
            .subquery()
        )
        arms.append(select(places))
        skills = union_part(
            WEEK_ROW, day=day, starts_at=func.max(Shift.starts_at), skill_id=Service.skill_id, of=func.count()
        )
        arms.append(
            select(*skills)
            .join(Service, Service.id == Shift.service_id)
            .where(*where, Shift.filled < Shift.slots)
            .group_by(Service.skill_id)
        )
    return union_all(*arms)


def _held_by_day(day_where: list[list[ColumnElement[bool]]]) -> Any:
    """The statement of the minutes of places held each day: rows of `day` and `held_minutes`.
    Places taken times their length: `filled` is the count of members holding each shift (kept in
    step by every claim and drop, and checked by `coop verify`): no join."""
    minutes = func.sum(Shift.filled * minutes_between(Shift.starts_at, Shift.ends_at))
    return union_all(
        *(
            select(literal(i).label("day"), minutes.label("held_minutes")).where(*where, Shift.filled > 0)
            for i, where in enumerate(day_where)
        )
    )


def _day_minutes(session: Session, statement: Any) -> list[int]:
    day_minutes = [0] * 7
    for day, held in session.execute(statement):
        day_minutes[int(day)] = int(held or 0)
    return day_minutes


def _by_day(
    rows: Any, now: datetime
) -> tuple[dict[int, list[OpenPlace]], dict[int, int], dict[int, set[int]]]:
    """`_week_by_day`'s rows by day: the unfilled places shown (soonest first), how many each
    day has, and the skills each day's places still to come need."""
    unfilled: dict[int, list[OpenPlace]] = defaultdict(list)
    counts: dict[int, int] = defaultdict(int)
    skills: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        day = int(row.day)
        if row.id is not None:  # a place
            unfilled[day].append(OpenPlace(*row[1:9]))
        else:  # a skill that day's places need
            counts[day] += int(row.of)
            if row.starts_at > now:
                skills[day].add(row.skill_id)
    for places in unfilled.values():
        places.sort(key=lambda p: (p.starts_at, p.id))
    return dict(unfilled), dict(counts), dict(skills)


# The grid's statements are built once for each week, filter and page and kept: building them
# (window functions over a subquery, a UNION ALL) took longer than PostgreSQL took to run them.
# The page's members are bound when the held places are read.


@lru_cache(maxsize=64)
def _people(search: str, skill_id: int | None, page: int) -> Any:
    """A page of members by name (one more than a page, to know if there are more), with the ids
    of their skills, for which cells have a place to offer (one statement fewer than loading
    their skills: the grid shows none)."""
    their_skills = (
        select(func.aggregate_strings(cast(member_skill.c.skill_id, String), ","))
        .where(member_skill.c.member_id == Member.id)
        .scalar_subquery()
    )
    people = select(Member.id, Member.display_name, Member.status, their_skills).where(
        # written: bound, PostgreSQL's kept plan took it to match one member and sorted them all
        Member.status != written(MemberStatus.LEFT, Member.status.type)
    )
    if search:
        people = people.where(Member.display_name.ilike(f"%{search}%"))
    if skill_id:
        people = people.where(
            Member.id.in_(select(member_skill.c.member_id).where(member_skill.c.skill_id == skill_id))
        )
    return (
        people.order_by(func.lower(Member.display_name), Member.id)
        .offset(written((page - 1) * PER_PAGE, Integer))
        .limit(written(PER_PAGE + 1, Integer))
    )


@lru_cache(maxsize=64)
def _week(monday: date, f: GridFilter, shown: int | None) -> tuple[Any, Any, Any]:
    """The week's statements: the held places of the members bound as `members`, `_week_by_day`
    and `_held_by_day`."""
    days = [monday + timedelta(days=i) for i in range(8)]
    # The week's edges are written into the statement's text (db.written): bound, PostgreSQL
    # planned the 21 arms of the days afresh each request (2.8 ms).
    edges = [written(london_to_utc(d, time(0)), UTCDateTime) for d in days]
    held = (
        select(
            Assignment.member_id,
            Shift.id,
            Shift.starts_at,
            Shift.ends_at,
            Service.name,
            Client.name,
            Service.pay_pence_per_hour,
            Assignment.chosen_pay_pence_per_hour,
        )
        .join(Shift, Shift.id == Assignment.shift_id)
        .join(Service, Service.id == Shift.service_id)
        .join(Client, Client.id == Shift.client_id)
        .where(
            # The members' places in the week, by the start each carries (ix_assignment_member_starts):
            # 50 places at ten times the co-op, where finding them by shift read the members'
            # 5,500 places of two years and the week's 18,000 shifts (6 ms).
            Assignment.member_id.in_(bindparam("members", expanding=True)),
            Assignment.shift_starts_at >= edges[0],
            Assignment.shift_starts_at < edges[-1],
            Assignment.held(),
            *_scheduled_between(edges[0], edges[-1], f),
        )
        .order_by(Shift.starts_at)
    )
    day_where = [_scheduled_between(lo, hi, f) for lo, hi in pairwise(edges)]
    return held, _week_by_day(day_where, shown), _held_by_day(day_where)


def filter_choices(session: Session) -> tuple[list[Any], list[Any]]:
    """The grid's filter lists in one statement: every service and every skill by name, each
    row's id and name."""
    services, skills = two_lists(session, select(Service.id, Service.name), select(Skill.id, Skill.name))
    return sorted(services, key=lambda r: (r.name, r.id)), sorted(skills, key=lambda r: (r.name, r.id))


def week_grid(
    session: Session,
    monday: date,
    f: GridFilter | None = None,
    *,
    page: int = 1,
    now: datetime | None = None,
    shown: int | None = UNFILLED_SHOWN,
) -> Grid:
    """The grid for the week from `monday`, a page of members; `shown` unfilled places a day
    (None: all of them, for paper)."""
    f = f or GridFilter()
    days = [monday + timedelta(days=i) for i in range(7)]
    shifts_f = replace(f, search="")  # the name picks members, not shifts
    held_stmt, week_stmt, hours_stmt = _week(monday, shifts_f, shown)
    found = session.execute(_people(f.search.strip(), f.skill_id, page)).all()
    more, found = len(found) > PER_PAGE, found[:PER_PAGE]
    rows = {m_id: Row(Person(m_id, name, status)) for m_id, name, status, _skills in found}
    skill_ids = {m_id: {int(i) for i in (skills or "").split(",") if i} for m_id, _n, _s, skills in found}
    held = session.execute(held_stmt, {"members": list(rows)}).all()
    rules: dict[date, RateRules] = {}
    for member_id, shift_id, starts_at, ends_at, service_name, client_name, rate, chosen in held:
        day = to_london(starts_at).date()
        if day not in rules:
            rules[day] = limits.pay_rules(session, day)
        minutes = whole_minutes(starts_at, ends_at)
        pay = limits.estimate_pay(minutes, rate, rules[day], chosen)
        cell = Cell(shift_id, starts_at, ends_at, service_name, client_name, pay)
        row = rows[member_id]
        row.days.setdefault((day - monday).days, []).append(cell)
        row.minutes += minutes
    # A cell links to a small page of the places that member could take that day (offer_choices,
    # by the claim's rule and their limit): the grid only marks the days with a place in the future
    # needing a skill they have (docs/DECISIONS.md, issue 43).
    now = now or utcnow()
    unfilled, unfilled_count, skills_by_day = _by_day(session.execute(week_stmt), now)
    day_minutes = cached(
        ("grid_day_minutes", str(session.get_bind().engine.url), monday, shifts_f),
        DAY_HOURS_SECONDS,
        lambda: _day_minutes(session, hours_stmt),
    )
    for row in rows.values():
        if row.member.status == MemberStatus.ACTIVE:
            row.may_offer = {i for i, needed in skills_by_day.items() if needed & skill_ids[row.member.id]}
    return Grid(monday, days, unfilled, list(rows.values()), day_minutes, page, more, unfilled_count)


@dataclass
class OfferChoices:
    member: Member
    day: date
    places: list[OpenPlace]  # the unfilled places that day they could take, soonest first
    more: bool  # more than OFFER_CHOICES could


def offer_choices(
    session: Session, member_id: int, day: date, f: GridFilter | None = None, *, now: datetime | None = None
) -> OfferChoices | None:
    """What a cell of the grid may offer a member on a day: the unfilled places (within the grid's
    filters) they could take by the claim's own rule (rules.can_take, from `member_facts`) and their
    own limit (the claim's last check, limits.enforce). None if there is no such member. The offer
    itself is judged again when it is made (offers.offer_one)."""
    f = f or GridFilter()
    member = session.scalars(
        select(Member)
        .where(Member.id == member_id, Member.status != MemberStatus.LEFT)
        .options(selectinload(Member.skills))
    ).one_or_none()
    if member is None:
        return None
    now = now or utcnow()
    if member.status != MemberStatus.ACTIVE:
        return OfferChoices(member, day, [], False)
    lo, hi = london_days_utc(day, day)
    skill_ids = frozenset(sk.id for sk in member.skills)
    judged = [
        (p, ShiftFacts(p.id, p.skill_id, p.starts_at, p.ends_at))
        for p in _unfilled(session, _scheduled_between(lo, hi, f))
        if p.starts_at > now and p.skill_id in skill_ids
    ]
    if not judged:
        return OfferChoices(member, day, [], False)
    rota_rules = rules_from_settings(session)
    reach = rota_rules.reach + timedelta(days=1)
    span = (min(p.starts_at for p, _ in judged) - reach, max(p.ends_at for p, _ in judged) + reach)
    facts = member_facts(session, [member], span, skills={member.id: skill_ids})[member.id]
    planner = limits.planners_for(session, [member.id], [day])[member.id]
    rates = limits.pay_rules(session, day)

    def fits(p: OpenPlace) -> bool:
        if planner.limit is None:
            return True
        minutes = whole_minutes(p.starts_at, p.ends_at)
        return planner.fit_amount(
            day, minutes, limits.estimate_pay(minutes, p.pay_pence_per_hour, rates)
        ).fits

    could = [p for p, sf in judged if can_take(facts, sf, rota_rules) and fits(p)]
    return OfferChoices(member, day, could[:OFFER_CHOICES], len(could) > OFFER_CHOICES)
