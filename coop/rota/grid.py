"""The coordinator's week grid: members down the side (a page at a time, searchable), the seven
days across, each cell the member's shifts with client, service, times and pay; a first row of
unfilled places; hours per member and per day. A fixed number of queries whatever the size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from itertools import islice

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, selectinload

from coop.bookings.models import Client, Service, Shift, ShiftStatus
from coop.db import bucket, minutes_between
from coop.limits import service as limits
from coop.limits.models import BenefitLimit
from coop.members.models import Member, MemberStatus, member_skill
from coop.pay.rates import RateRules
from coop.rota.eligibility import member_facts, rules_from_settings
from coop.rota.models import Assignment
from coop.rota.rules import ShiftFacts, can_take
from coop.timeutil import london_to_utc, to_london, utcnow, whole_minutes

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


OFFER_CHOICES = 8  # unfilled shifts offered in a cell's drop-down


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


@dataclass
class Row:
    member: Member
    days: dict[int, list[Cell]] = field(default_factory=dict)
    minutes: int = 0
    offerable: dict[int, list[OpenPlace]] = field(default_factory=dict)  # day -> unfilled they could take


@dataclass
class Grid:
    monday: date
    days: list[date]
    unfilled: dict[int, list[OpenPlace]]
    rows: list[Row]
    day_minutes: list[int]
    page: int
    more: bool


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


def week_grid(
    session: Session, monday: date, f: GridFilter | None = None, *, page: int = 1, now: datetime | None = None
) -> Grid:
    f = f or GridFilter()
    days = [monday + timedelta(days=i) for i in range(7)]
    lo, hi = london_to_utc(monday, time(0)), london_to_utc(monday + timedelta(days=7), time(0))
    in_week = [
        Shift.status == ShiftStatus.SCHEDULED,
        Shift.starts_at >= lo,
        Shift.starts_at < hi,
        *_shift_filters(f),
    ]

    # Each member with their own limit, if they keep one (read with them: one statement fewer).
    people = (
        select(Member, BenefitLimit)
        .outerjoin(BenefitLimit, BenefitLimit.member_id == Member.id)
        .where(Member.status != MemberStatus.LEFT)
    )
    if f.search:
        people = people.where(Member.display_name.ilike(f"%{f.search.strip()}%"))
    if f.skill_id:
        people = people.where(
            Member.id.in_(select(member_skill.c.member_id).where(member_skill.c.skill_id == f.skill_id))
        )
    found = session.execute(
        people.options(selectinload(Member.skills))
        .order_by(func.lower(Member.display_name), Member.id)
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE + 1)
    ).all()
    more, found = len(found) > PER_PAGE, found[:PER_PAGE]
    members = [m for m, _limit in found]
    their_limits = {m.id: limit for m, limit in found}
    rows = {m.id: Row(m) for m in members}
    # Start from the week's shifts (an index range) rather than each member's every assignment:
    # SQLite otherwise walks a year of assignments per member (9 ms against 1.4 ms at 1,000 members).
    week_shifts = select(Shift.id).where(*in_week).scalar_subquery()
    held = session.execute(
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
            Assignment.shift_id.in_(week_shifts),
            Assignment.member_id.in_(list(rows)),
            Assignment.held(),
            *in_week,
        )
        .order_by(Shift.starts_at)
    ).all()
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
    unfilled: dict[int, list[OpenPlace]] = defaultdict(list)
    for place in session.execute(
        select(
            Shift.id,
            Shift.starts_at,
            Shift.ends_at,
            Shift.slots - Shift.filled,
            Service.name,
            Client.name,
            Service.skill_id,
            Service.pay_pence_per_hour,
        )
        .join(Service, Service.id == Shift.service_id)
        .join(Client, Client.id == Shift.client_id)
        .where(*in_week, Shift.filled < Shift.slots)
        .order_by(Shift.starts_at, Shift.id)
    ):
        open_place = OpenPlace(*place)
        unfilled[(to_london(open_place.starts_at).date() - monday).days].append(open_place)
    # What each member could be offered each day: the unfilled shifts they could take by the
    # claim's own rule (rules.can_take), judged from facts loaded once for the page (skills,
    # pattern, time off, other shifts, teaching). Equal lists are one object, so the page makes
    # each list of options once (coordinator_views._offer_options).
    rota_rules = rules_from_settings(session)
    reach = rota_rules.reach + timedelta(days=1)
    active = [r.member for r in rows.values() if r.member.status == MemberStatus.ACTIVE]
    facts = member_facts(
        session,
        active,
        (lo - reach, hi + reach),
        skills={a.id: frozenset(sk.id for sk in a.skills) for a in active},
    )
    now = now or utcnow()
    to_judge: dict[
        int, tuple[list[tuple[OpenPlace, ShiftFacts]], tuple[datetime, datetime]]
    ] = {}  # day -> (its places, with their facts; the span around them other work can matter in)
    for i, day_places in unfilled.items():
        judged = [
            (p, ShiftFacts(p.id, p.skill_id, p.starts_at, p.ends_at)) for p in day_places if p.starts_at > now
        ]
        if judged:
            span = (min(p.starts_at for p, _ in judged) - reach, max(p.ends_at for p, _ in judged) + reach)
            to_judge[i] = (judged, span)
    # Their own limits too, as the claim's last check (limits.enforce): read for every member of the
    # page at once, for the days with places to offer; a coordinator sees only yes or no.
    planners = limits.planners_for(
        session,
        [m.id for m in active],
        (monday + timedelta(days=i) for i in to_judge),
        limits={m.id: their_limits[m.id] for m in active},
    )
    slot_pay = {
        p.id: limits.estimate_pay(
            whole_minutes(p.starts_at, p.ends_at),
            p.pay_pence_per_hour,
            limits.pay_rules(session, to_london(p.starts_at).date()),
        )
        for judged, _span in to_judge.values()
        for p, _sf in judged
    }

    def fits(planner: limits.Planner, p: OpenPlace) -> bool:
        if planner.limit is None:
            return True
        day = to_london(p.starts_at).date()
        return planner.fit_amount(day, whole_minutes(p.starts_at, p.ends_at), slot_pay[p.id]).fits

    shared: dict[tuple[int, ...], list[OpenPlace]] = {}
    for m in active:
        mf = facts[m.id]
        for i, (judged, (a, b)) in to_judge.items():
            near = replace(  # only the member's work near that day: the rule reads fewer shifts
                mf,
                busy=[w for w in mf.busy if w[1] > a and w[0] < b],
                teaching=[w for w in mf.teaching if w[1] > a and w[0] < b],
            )
            could = (
                p
                for p, sf in judged
                if sf.skill_id in mf.skill_ids and can_take(near, sf, rota_rules) and fits(planners[m.id], p)
            )
            if mine := list(islice(could, OFFER_CHOICES)):
                rows[m.id].offerable[i] = shared.setdefault(tuple(p.id for p in mine), mine)
    day_minutes = [0] * 7
    key = bucket(Shift.starts_at, [london_to_utc(d, time(0)) for d in [*days, days[-1] + timedelta(days=1)]])
    # Places taken times their length: `filled` is the count of members holding each shift (kept
    # in step by every claim and drop, and checked by `coop verify`), so no join to assignments.
    for i, minutes in session.execute(
        select(key, func.sum(Shift.filled * minutes_between(Shift.starts_at, Shift.ends_at)))
        .where(*in_week, Shift.filled > 0)
        .group_by(key)
    ):
        if i is not None:
            day_minutes[int(i)] = int(minutes or 0)
    return Grid(monday, days, dict(unfilled), list(rows.values()), day_minutes, page, more)
