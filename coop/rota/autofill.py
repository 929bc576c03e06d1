"""Fair auto-fill: propose which member to offer each open slot to. Pure Python, no database,
no Flask, so it can be tested on its own and benchmarked against an exact solver.

Rules (the same as claiming, from coop.rota.rules): the member is active (never paused), has the
skill, the shift fits their weekly pattern and is not on time off, it keeps clear of their other
shifts (travel buffer, rest between working days), and it stays within their earnings and hours
limits. A member gets at most one slot of a shift.

Method: shifts are taken in order of when they end (as in interval scheduling, which leaves the
most room for later ones); each slot goes to the possible member furthest below their preferred
weekly hours (members without a preference come after those with one). Repair passes then fill
unfilled slots by moving other proposals: one member moving out of one or two shifts, then
longer chains (m1 moves to the empty slot, m2 takes m1's old slot, ...) found breadth first."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

from coop.i18n import N_
from coop.rota.rules import MemberFacts, RotaRules, ShiftFacts, can_take, clash, london_day
from coop.timeutil import week_start


@dataclass(frozen=True)
class OpenShift:
    shift_id: int
    skill_id: int
    starts_at: datetime
    ends_at: datetime
    open_slots: int
    pay_pence: int  # one slot's pay, holiday pay included

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


@dataclass
class LimitBudget:
    """What is left of a member's limit in each period (None: no limit of that kind)."""

    period_of: Callable[[date], Hashable]
    earnings_left: Callable[[Hashable], int | None]
    minutes_left: Callable[[Hashable], int | None]


@dataclass
class Candidate:
    facts: MemberFacts
    preferred_minutes_week: int | None = None
    worked_minutes_week: dict[date, int] = field(default_factory=dict)  # week start -> minutes already held
    limit: LimitBudget | None = None


@dataclass(frozen=True)
class Proposal:
    shift_id: int
    member_id: int


@dataclass
class Result:
    proposals: list[Proposal]
    unfilled: dict[int, tuple[int, str]]  # shift -> (slots left, reason)
    minutes_before: dict[int, int]  # member -> minutes in the weeks touched, before
    minutes_after: dict[int, int]

    @property
    def filled(self) -> int:
        return len(self.proposals)


@lru_cache(maxsize=65536)
def week_of(moment: datetime) -> date:
    return week_start(london_day(moment))


class _State:
    def __init__(self, candidates: Sequence[Candidate], rules: RotaRules) -> None:
        self.by_id = {c.facts.member_id: c for c in candidates}
        self.rules = rules
        self.reach = rules.reach + timedelta(days=1)  # a day more: rest rules count whole days
        self.proposed: dict[int, list[OpenShift]] = defaultdict(list)
        self.week_minutes: dict[tuple[int, date], int] = {}
        self.spent: dict[tuple[int, Hashable], list[int]] = {}

    def minutes_in_week(self, member_id: int, week: date) -> int:
        key = (member_id, week)
        if key not in self.week_minutes:
            self.week_minutes[key] = self.by_id[member_id].worked_minutes_week.get(week, 0)
        return self.week_minutes[key]

    def score(self, member_id: int, shift: OpenShift) -> tuple[int, float, int]:
        c = self.by_id[member_id]
        have = self.minutes_in_week(member_id, week_of(shift.starts_at))
        if c.preferred_minutes_week:
            return (0, (have + shift.minutes) / c.preferred_minutes_week, member_id)
        return (1, float(have), member_id)

    def fits_limit(self, member_id: int, shift: OpenShift, ignoring: OpenShift | None = None) -> bool:
        limit = self.by_id[member_id].limit
        if limit is None:
            return True
        period = limit.period_of(london_day(shift.starts_at))
        spent_pay, spent_min = self.spent.get((member_id, period), [0, 0])
        if ignoring is not None and limit.period_of(london_day(ignoring.starts_at)) == period:
            spent_pay, spent_min = spent_pay - ignoring.pay_pence, spent_min - ignoring.minutes
        earn, mins = limit.earnings_left(period), limit.minutes_left(period)
        return (earn is None or spent_pay + shift.pay_pence <= earn) and (
            mins is None or spent_min + shift.minutes <= mins
        )

    def conflicts(self, member_id: int, shift: OpenShift) -> list[OpenShift]:
        """The member's proposed shifts in the way of `shift` (the same shift, or too close to
        it); shifts further away than the rules' reach are skipped without asking the rules."""
        lo, hi = shift.starts_at - self.reach, shift.ends_at + self.reach
        return [
            o
            for o in self.proposed[member_id]
            if o.shift_id == shift.shift_id
            or (
                o.starts_at < hi
                and o.ends_at > lo
                and clash([(o.starts_at, o.ends_at)], shift.starts_at, shift.ends_at, self.rules) is not None
            )
        ]

    def can_take(self, member_id: int, shift: OpenShift) -> bool:
        return not self.conflicts(member_id, shift) and self.fits_limit(member_id, shift)

    def give(self, member_id: int, shift: OpenShift) -> None:
        self.proposed[member_id].append(shift)
        week = (member_id, week_of(shift.starts_at))
        self.week_minutes[week] = self.minutes_in_week(*week) + shift.minutes
        limit = self.by_id[member_id].limit
        if limit is not None:
            spent = self.spent.setdefault((member_id, limit.period_of(london_day(shift.starts_at))), [0, 0])
            spent[0] += shift.pay_pence
            spent[1] += shift.minutes

    def take_back(self, member_id: int, shift: OpenShift) -> None:
        self.proposed[member_id].remove(shift)
        week = (member_id, week_of(shift.starts_at))
        self.week_minutes[week] -= shift.minutes
        limit = self.by_id[member_id].limit
        if limit is not None:
            spent = self.spent[(member_id, limit.period_of(london_day(shift.starts_at)))]
            spent[0] -= shift.pay_pence
            spent[1] -= shift.minutes


def eligible_members(shift: OpenShift, candidates: Iterable[Candidate], rules: RotaRules) -> list[int]:
    """Members who could take the shift before anything else is proposed: the claim's own rule
    (rules.can_take), from the same facts."""
    facts = ShiftFacts(shift.shift_id, shift.skill_id, shift.starts_at, shift.ends_at)
    return [c.facts.member_id for c in candidates if can_take(c.facts, facts, rules)]


def propose(
    shifts: Sequence[OpenShift], candidates: Sequence[Candidate], rules: RotaRules, *, repair_rounds: int = 1
) -> Result:
    state = _State(candidates, rules)
    by_skill: dict[int, list[Candidate]] = defaultdict(list)
    for c in candidates:
        if c.facts.active:
            for skill in c.facts.skill_ids:
                by_skill[skill].append(c)
    eligible = {s.shift_id: eligible_members(s, by_skill.get(s.skill_id, []), rules) for s in shifts}
    holders: dict[int, list[int]] = defaultdict(list)
    # Earliest end first, as in interval scheduling: it leaves the most room for later shifts.
    order = sorted(shifts, key=lambda s: (s.ends_at, len(eligible[s.shift_id]), s.shift_id))
    for shift in order:
        pool = eligible[shift.shift_id]
        for _ in range(shift.open_slots):
            best = min(
                (m for m in pool if state.can_take(m, shift)),
                key=lambda m: state.score(m, shift),
                default=None,
            )
            if best is None:
                break
            state.give(best, shift)
            holders[shift.shift_id].append(best)
    by_id = {s.shift_id: s for s in shifts}
    latest_first = order[::-1]  # repairs start from the end of the period, where greedy left gaps
    for _ in range(repair_rounds):
        if not _repair(state, latest_first, eligible, holders, by_id):
            break
    proposals = [Proposal(sid, m) for sid, ms in holders.items() for m in ms]
    unfilled = {}
    for s in shifts:
        left = s.open_slots - len(holders.get(s.shift_id, []))
        if left > 0:
            reason = (
                N_("Nobody has the skill and is free at that time.")
                if not eligible[s.shift_id]
                else N_("Everyone who could do it is already busy close to it, or at their limit.")
            )
            unfilled[s.shift_id] = (left, reason)
    weeks = {week_of(s.starts_at) for s in shifts}
    before = {c.facts.member_id: sum(c.worked_minutes_week.get(w, 0) for w in weeks) for c in candidates}
    after = dict(before)
    for p in proposals:
        after[p.member_id] += by_id[p.shift_id].minutes
    return Result(proposals, unfilled, before, after)


class _Moves:
    """Tentative changes to the proposals that can be undone as a whole."""

    def __init__(self, state: _State, holders: dict[int, list[int]]) -> None:
        self.state, self.holders, self.log = state, holders, []  # type: ignore[var-annotated]

    def give(self, member_id: int, shift: OpenShift) -> None:
        self.state.give(member_id, shift)
        self.holders[shift.shift_id].append(member_id)
        self.log.append(("give", member_id, shift))

    def take(self, member_id: int, shift: OpenShift) -> None:
        self.state.take_back(member_id, shift)
        self.holders[shift.shift_id].remove(member_id)
        self.log.append(("take", member_id, shift))

    def mark(self) -> int:
        return len(self.log)

    def undo(self, mark: int) -> None:
        while len(self.log) > mark:
            op, member_id, shift = self.log.pop()
            if op == "give":
                self.state.take_back(member_id, shift)
                self.holders[shift.shift_id].remove(member_id)
            else:
                self.state.give(member_id, shift)
                self.holders[shift.shift_id].append(member_id)


def _place(
    moves: _Moves, shift: OpenShift, eligible: dict[int, list[int]], busy: set[int], depth: int
) -> bool:
    """Find someone for one slot of `shift`, moving up to `depth` other proposals to make room.
    Members in `busy` are being moved already and are left alone."""
    state, holders = moves.state, moves.holders
    pool = [m for m in eligible[shift.shift_id] if m not in busy and m not in holders[shift.shift_id]]
    for m in pool:
        if state.can_take(m, shift):
            moves.give(m, shift)
            return True
    if depth == 0:
        return False
    for m in pool:
        blocking = state.conflicts(m, shift)
        if not blocking or len(blocking) > 2 or any(b.shift_id == shift.shift_id for b in blocking):
            continue
        mark = moves.mark()
        for b in blocking:
            moves.take(m, b)
        if state.can_take(m, shift):
            moves.give(m, shift)
            if all(_place(moves, b, eligible, busy | {m}, depth - 1) for b in blocking):
                return True
        moves.undo(mark)
    return False


def _repair(
    state: _State,
    shifts: Sequence[OpenShift],
    eligible: dict[int, list[int]],
    holders: dict[int, list[int]],
    by_id: dict[int, OpenShift],
) -> bool:
    """Fill unfilled slots by moving other proposals: short moves first (one member moves to
    make room, possibly out of two shifts), then longer chains found breadth first."""
    moves = _Moves(state, holders)
    improved = False
    for u in shifts:
        while len(holders.get(u.shift_id, [])) < u.open_slots and _place(moves, u, eligible, set(), 1):
            improved = True
        moves.log.clear()
    for u in shifts:
        while len(holders.get(u.shift_id, [])) < u.open_slots and _chain(moves, u, eligible, by_id, set()):
            improved = True
        moves.log.clear()
    return improved


def _chain(
    moves: _Moves,
    u: OpenShift,
    eligible: dict[int, list[int]],
    by_id: dict[int, OpenShift],
    fixed: set[int],
    max_shifts: int = 200,
) -> bool:
    """An augmenting chain for one slot of `u`, found breadth first: member m1 moves from shift
    Y1 to u, m2 from Y2 to Y1, ... and the last member takes the last shift outright. Each shift
    and member appears once, so every check made on the current proposals stays true when the
    chain is carried out. Members in `fixed` are left alone. Gives up after `max_shifts` shifts."""
    state, holders = moves.state, moves.holders
    parent: dict[int, tuple[int, int]] = {}  # shift Y -> (member moving out of Y, shift they go to)
    seen_shifts = {u.shift_id}
    used = set(fixed)
    queue = [u]
    for x in queue:
        if len(seen_shifts) > max_shifts:
            return False
        for m in eligible[x.shift_id]:
            if m in used or m in holders[x.shift_id]:
                continue
            blocking = state.conflicts(m, x)
            if not blocking and state.fits_limit(m, x):
                moves.give(m, x)
                while x.shift_id in parent:  # carry out the chain, from its end back to u
                    mover, target_id = parent[x.shift_id]
                    moves.take(mover, x)
                    x = by_id[target_id]
                    moves.give(mover, x)
                return True
            # m could take x by giving up one shift y: the one in the way, or (when only their
            # limit is in the way) one that frees enough of it.
            options = blocking if len(blocking) == 1 else [] if blocking else state.proposed[m]
            y = next(
                (y for y in options if y.shift_id not in seen_shifts and state.fits_limit(m, x, ignoring=y)),
                None,
            )
            if y is None:
                continue
            seen_shifts.add(y.shift_id)
            used.add(m)
            parent[y.shift_id] = (m, x.shift_id)
            queue.append(y)
    return False


def gini(values: Sequence[float]) -> float:
    """Inequality of hours relative to preferred hours: 0 is perfectly even."""
    xs = sorted(v for v in values if v >= 0)
    n = len(xs)
    if n == 0 or sum(xs) == 0:
        return 0.0
    cumulative = sum((i + 1) * x for i, x in enumerate(xs))
    return (2 * cumulative) / (n * sum(xs)) - (n + 1) / n


def fairness(result: Result, candidates: Sequence[Candidate]) -> float:
    """Gini of (hours after) / (preferred hours) over members who stated a preference."""
    ratios = [
        result.minutes_after[c.facts.member_id] / c.preferred_minutes_week
        for c in candidates
        if c.preferred_minutes_week and c.facts.active
    ]
    return gini(ratios)
