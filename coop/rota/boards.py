"""What people read: open shifts for a member, my shifts, the coordinator's day and member views,
and the candidates for a place."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, false, func, or_, select
from sqlalchemy.orm import Session, contains_eager, defaultload, selectinload

from coop.bookings.models import Client, Service, Shift, ShiftStatus
from coop.businesses.models import Business
from coop.db import bucket, plan_once, two_lists
from coop.i18n import N_
from coop.i18n import gettext as _
from coop.limits import service as limits
from coop.members.models import Member, MemberStatus, member_skill
from coop.rota.availability import preferences
from coop.rota.eligibility import _window, member_facts, rules_from_settings, shift_facts
from coop.rota.models import (
    Assignment,
    AssignmentStatus,
    RotaPreferences,
    ShiftHold,
    SwapOffer,
    SwapStatus,
)
from coop.rota.places import holders_of
from coop.rota.rules import blocking_reasons
from coop.timeutil import london_days_utc, london_to_utc, to_london, utcnow, week_start


@dataclass
class OpenShiftCard:
    shift: Shift
    pay_pence: int
    fit: limits.Fit
    rate_that_fits: int | None = None  # involvement work: the most an hour at which it fits
    uc_keep: int | None = None  # Universal Credit: about how much of the pay the member keeps


@dataclass
class ShiftFilter:
    service_id: int | None = None
    business_id: int | None = None
    weekday: int | None = None
    area: str = ""


def open_shifts_for(
    session: Session,
    member: Member,
    *,
    now: datetime | None = None,
    filters: ShiftFilter | None = None,
    days: int = 42,
    limit: int = 100,
    prefs: RotaPreferences | None = None,
    after: datetime | None = None,
) -> list[OpenShiftCard]:
    """Shifts with a free slot that this member could take, soonest first (starting at or after
    `after`, for a later page), with the pay and what each would leave of their limit.
    Paused members see none unless they chose to."""
    now = now or utcnow()
    filters = filters or ShiftFilter()
    prefs = prefs or preferences(session, member)
    if member.status == MemberStatus.LEFT or (
        member.status == MemberStatus.PAUSED and not prefs.show_open_when_paused
    ):
        return []
    my_skills = select(member_skill.c.skill_id).where(member_skill.c.member_id == member.id)
    horizon = now + timedelta(days=days)
    stmt = (
        select(Shift)
        .join(Service, Service.id == Shift.service_id)
        # The cards show the service's name and business, never its skill object (its id is a
        # column): one joined table fewer on every row.
        .options(defaultload(Shift.service).lazyload(Service.skill))
        .where(
            Shift.status == ShiftStatus.SCHEDULED,
            (Shift.starts_at >= after) & (Shift.starts_at > now) if after else Shift.starts_at > now,
            Shift.starts_at < horizon,
            Shift.filled < Shift.slots,
            Service.skill_id.in_(my_skills),
        )
        .order_by(Shift.starts_at)
    )
    if filters.service_id:
        stmt = stmt.where(Shift.service_id == filters.service_id)
    if filters.business_id:
        stmt = stmt.where(Service.business_id == filters.business_id)
    if filters.area:
        stmt = stmt.where(Shift.site_address.ilike(f"%{filters.area}%"))
    if filters.weekday is not None:
        stmt = stmt.where(_on_weekday(filters.weekday, max(now, after) if after else now, horizon))
    rules = rules_from_settings(session)
    planner = limits.Planner.for_member(
        session, member, between=(to_london(now).date(), to_london(horizon).date())
    )
    # Planned afresh for the time now on every request, the open shifts' join took longer to plan
    # than to run at ten times the co-op, and the member's availability was faster planned once
    # too, at either size. Asked after the member's earnings, whose best plan depends on them.
    plan_once(session)
    # The member's skills are learnt from the shifts as they are read: the query asked only for
    # shifts needing one of them. (A held shift clashes with itself, so it drops out.)
    facts = member_facts(
        session, [member], (now - rules.reach, horizon + rules.reach), skills={member.id: frozenset()}
    )[member.id]
    # Open to a paused member who asked to see shifts: judge them as if active.
    facts.active = True
    held_for_me: set[int] | None = None  # fair release: the shifts held for this member, if needed
    result: list[OpenShiftCard] = []
    # Read the shifts a batch at a time and stop at `limit`: a page needs the first few dozen
    # that pass the rules, not every open shift in six weeks. Each batch is a plain LIMIT/OFFSET
    # read, one round trip (a streamed server-side cursor costs PostgreSQL three: DECLARE,
    # FETCH, CLOSE); the id orders shifts that start together, so no batch repeats or skips one.
    # A batch is a little more than a page: few of the soonest shifts clash with the member's own.
    batch = limit + max(16, limit // 2)
    stmt = stmt.order_by(Shift.id).limit(batch)
    offset = 0
    while len(result) < limit:
        rows = session.scalars(stmt.offset(offset) if offset else stmt).all()
        offset += batch
        for s in rows:
            if s.open_to_all_at is not None and s.open_to_all_at > now:
                # Fair release: a shift still held for some members shows only to them until it opens.
                if held_for_me is None:
                    held_for_me = set(
                        session.scalars(
                            select(ShiftHold.shift_id)
                            .join(Shift, Shift.id == ShiftHold.shift_id)
                            .where(
                                ShiftHold.member_id == member.id,
                                Shift.open_to_all_at > now,
                                Shift.starts_at < horizon,
                            )
                        )
                    )
                if s.id not in held_for_me:
                    continue
            if s.service.skill_id not in facts.skill_ids:
                facts.skill_ids = facts.skill_ids | {s.service.skill_id}
            if blocking_reasons(facts, shift_facts(s), rules):
                continue
            fit = planner.fit(s)
            keep = planner.uc_keep(s, fit.pay_pence, held=False)
            result.append(OpenShiftCard(s, fit.pay_pence, fit, planner.rate_that_fits(s), keep))
            if len(result) >= limit:
                break
        if len(rows) < batch:
            break
    return result


def _on_weekday(weekday: int, first: datetime, last: datetime) -> ColumnElement[bool]:
    """Starting on that day of the week in London (0 Monday), between the two moments: each such
    day's range of starts, so the database finds them (read in Python, a filter by day read
    batch after batch of the other days' shifts: seven reads at ten times the co-op)."""
    day, end = to_london(first).date(), to_london(last).date()
    day += timedelta(days=(weekday - day.weekday()) % 7)
    ranges = []
    while day <= end:
        lo, hi = london_days_utc(day, day)
        ranges.append(and_(Shift.starts_at >= lo, Shift.starts_at < hi))
        day += timedelta(days=7)
    return or_(*ranges) if ranges else false()


def filter_choices(session: Session) -> tuple[list[Any], list[Any]]:
    """The open shifts page's filter lists in one statement: the active services by name and
    every business by id, each row's id and name."""
    services, businesses = two_lists(
        session,
        select(Service.id, Service.name).where(Service.active.is_(True)),
        select(Business.id, Business.name),
    )
    return sorted(services, key=lambda r: (r.name, r.id)), sorted(businesses, key=lambda r: r.id)


def my_shifts(
    session: Session, member: Member, *, now: datetime | None = None, past_days: int = 14
) -> list[Assignment]:
    now = now or utcnow()
    return list(
        session.scalars(
            select(Assignment)
            .join(Shift, Shift.id == Assignment.shift_id)
            .options(contains_eager(Assignment.shift))  # the join is the eager load
            .where(
                Assignment.member_id == member.id,
                Assignment.held(),
                Shift.ends_at > now - timedelta(days=past_days),
            )
            .order_by(Shift.starts_at)
        )
    )


def my_open_swap_offers(session: Session, member: Member) -> dict[int, SwapOffer]:
    offers = session.scalars(
        select(SwapOffer)
        .join(Assignment, Assignment.id == SwapOffer.assignment_id)
        .where(Assignment.member_id == member.id, SwapOffer.status == SwapStatus.OPEN)
    )
    return {o.assignment_id: o for o in offers}


DAY_PAGE = 50  # shifts a page of the rota day: a day of a large co-op holds thousands


@dataclass
class RotaDay:
    """One day of the rota in detail, a page of its shifts at a time (all of them, or only those
    with a free place), with a line per day of its week (shifts, open places): a co-op with
    hundreds of clients has too many shifts in a day to show on one page."""

    monday: date
    day: date
    days: list[tuple[date, int, int]]
    shifts: list[Any]  # rows: id, starts_at, ends_at, filled, slots, site_address, service_name, client_name
    names: dict[int, str]  # shift id -> who holds it, and who has been asked
    open_only: bool = False
    page: int = 1
    total: int = 0  # shifts on the day (with a free place, if open_only)
    gaps: int = 0  # shifts on the day with a free place
    per_page: int = DAY_PAGE

    def who(self, shift_id: int) -> str:
        return self.names.get(shift_id, "")

    @property
    def first(self) -> int:
        """The number of the page's first shift in the day's list (1-based)."""
        return (self.page - 1) * self.per_page + 1

    @property
    def more(self) -> bool:
        return self.page * self.per_page < self.total

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _day_edges(first: date, count: int) -> list[datetime]:

    return [london_to_utc(first + timedelta(days=i), time(0, 0)) for i in range(count + 1)]


def rota_day(
    session: Session,
    day: date,
    business_ids: Collection[int] | None = None,
    *,
    open_only: bool = False,
    page: int = 1,
    per_page: int | None = DAY_PAGE,
) -> RotaDay:
    """A day of the rota in detail, a page of `per_page` shifts in time order (None: all of them,
    for paper), with the week's counts; with `open_only`, only the shifts with a free place; with
    `business_ids`, only the shifts of those businesses' services."""
    theirs = (
        [Shift.service_id.in_(select(Service.id).where(Service.business_id.in_(business_ids)))]
        if business_ids is not None
        else []
    )
    monday = week_start(day)
    edges = _day_edges(monday, 7)
    key = bucket(Shift.starts_at, edges)
    per_day = {
        k: (n, open_places or 0, gaps or 0)
        for k, n, open_places, gaps in session.execute(
            select(
                key,
                func.count(),
                func.sum(Shift.slots - Shift.filled),
                func.sum(case((Shift.filled < Shift.slots, 1), else_=0)),
            )
            .where(
                Shift.starts_at >= edges[0],
                Shift.starts_at < edges[-1],
                Shift.status == ShiftStatus.SCHEDULED,
                *theirs,
            )
            .group_by(key)
        )
    }
    days = [(monday + timedelta(days=i), *per_day.get(i, (0, 0, 0))[:2]) for i in range(7)]
    count, _open_places, gaps = per_day.get((day - monday).days, (0, 0, 0))
    page = max(1, page)
    lo, hi = _day_edges(day, 1)
    # A day can hold thousands of shifts: read a page of the columns the page shows, in time order
    # (an index range on shift (starts_at)), and the names on that page only.
    on_day = [Shift.starts_at >= lo, Shift.starts_at < hi, Shift.status == ShiftStatus.SCHEDULED, *theirs]
    if open_only:
        on_day.append(Shift.filled < Shift.slots)
    listed = (
        select(
            Shift.id,
            Shift.starts_at,
            Shift.ends_at,
            Shift.filled,
            Shift.slots,
            Shift.site_address,
            Service.name.label("service_name"),
            Client.name.label("client_name"),
        )
        .join(Service, Service.id == Shift.service_id)
        .join(Client, Client.id == Shift.client_id)
        .where(*on_day)
        .order_by(Shift.starts_at, Shift.id)
    )
    if per_page is not None:
        listed = listed.offset((page - 1) * per_page).limit(per_page)
    shifts = session.execute(listed).all()
    held: dict[int, list[str]] = defaultdict(list)
    asked: dict[int, list[str]] = defaultdict(list)
    for shift_id, status, name in session.execute(
        select(Assignment.shift_id, Assignment.status, Member.display_name)
        .join(Member, Member.id == Assignment.member_id)
        .where(
            Assignment.shift_id.in_([s.id for s in shifts]),
            Assignment.status.in_((AssignmentStatus.ACCEPTED, AssignmentStatus.ASKED)),
        )
        .order_by(Member.display_name)
    ):
        if status == AssignmentStatus.ACCEPTED:
            held[shift_id].append(name)
        else:
            asked[shift_id].append(_("%(name)s (asked, no answer yet)", name=name))
    names = {i: ", ".join(held.get(i, []) + asked.get(i, [])) for i in held.keys() | asked.keys()}
    return RotaDay(
        monday,
        day,
        days,
        list(shifts),
        names,
        open_only=open_only,
        page=page,
        total=gaps if open_only else count,
        gaps=gaps,
        per_page=per_page or max(1, len(shifts)),
    )


def rota_by_member(
    session: Session, monday: date, *, page: int = 1, per_page: int = 40
) -> tuple[list[tuple[Member, list[Shift]]], bool]:
    """Who works which shifts in a week, a page of members at a time (by name). Returns the page
    and whether there is another."""
    edges = _day_edges(monday, 7)
    in_week = (
        Assignment.held(),
        Shift.status == ShiftStatus.SCHEDULED,
        Shift.starts_at >= edges[0],
        Shift.starts_at < edges[-1],
    )
    members = list(
        session.scalars(
            select(Member)
            .join(Assignment, Assignment.member_id == Member.id)
            .join(Shift, Shift.id == Assignment.shift_id)
            .where(*in_week)
            .group_by(Member.id)
            .order_by(func.lower(Member.display_name), Member.id)
            .offset((page - 1) * per_page)
            .limit(per_page + 1)
        )
    )
    more = len(members) > per_page
    members = members[:per_page]
    shifts: dict[int, list[Shift]] = defaultdict(list)
    if members:
        for member_id, shift in session.execute(
            select(Assignment.member_id, Shift)
            .join(Shift, Shift.id == Assignment.shift_id)
            .where(Assignment.member_id.in_([m.id for m in members]), *in_week)
            .order_by(Shift.starts_at)
        ):
            shifts[member_id].append(shift)
    return [(m, shifts[m.id]) for m in members], more


def unfilled_shifts(session: Session, *, now: datetime | None = None, days: int = 14) -> list[Shift]:
    now = now or utcnow()
    return list(
        session.scalars(
            select(Shift)
            .where(
                Shift.status == ShiftStatus.SCHEDULED,
                Shift.starts_at > now,
                Shift.starts_at < now + timedelta(days=days),
                Shift.filled < Shift.slots,
            )
            .order_by(Shift.starts_at)
        )
    )


@dataclass
class FillCandidate:
    member: Member
    problems: list[str]
    fits_limit: bool


def candidates_for(session: Session, shift: Shift, *, now: datetime | None = None) -> list[FillCandidate]:
    """Members with the skill, and for each whether they can take the shift and, if not, why.
    Coordinators see only whether a shift fits a member's limit, never the figures."""
    now = now or utcnow()
    members = list(
        session.scalars(
            select(Member)
            .options(selectinload(Member.skills))
            .join(member_skill, member_skill.c.member_id == Member.id)
            .where(member_skill.c.skill_id == shift.service.skill_id, Member.status != MemberStatus.LEFT)
            .order_by(Member.display_name)
        )
    )
    rules = rules_from_settings(session)
    facts = member_facts(session, members, _window(shift, rules))
    held = holders_of(session, [shift.id]).get(shift.id, []) + holders_of(
        session, [shift.id], asked=True
    ).get(shift.id, [])
    held_ids = {m.id for m in held}
    out = []
    for m in members:
        if m.id in held_ids:
            continue
        problems = blocking_reasons(facts[m.id], shift_facts(shift), rules)
        fits = limits.fits_for_coordinator(session, m, shift)
        if not fits:
            problems.append(N_("would go over their earnings or hours limit"))
        out.append(FillCandidate(m, problems, fits))
    return out
