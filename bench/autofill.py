"""Benchmark: auto-fill on 2,000 open slots and 1,000 members against OR-Tools CP-SAT (an exact
solver, used here only as the reference): time, slots filled, and fairness (Gini)."""

from __future__ import annotations

import time as clock
from collections import defaultdict

from coop.rota.autofill import Proposal, Result, eligible_members, fairness, propose, week_of
from coop.rota.instances import make_instance
from coop.rota.rules import RotaRules, clash, london_day


def solve_exact(shifts, candidates, rules: RotaRules, seconds: float = 90.0) -> Result:  # type: ignore[no-untyped-def]
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    by_skill = defaultdict(list)
    for c in candidates:
        if c.facts.active:
            for s in c.facts.skill_ids:
                by_skill[s].append(c)
    x = {}
    per_member = defaultdict(list)
    for s in shifts:
        for m in eligible_members(s, by_skill.get(s.skill_id, []), rules):
            x[s.shift_id, m] = model.NewBoolVar(f"x{s.shift_id}_{m}")
            per_member[m].append(s)
    slot_vars = defaultdict(list)
    for (sid, _m), var in x.items():
        slot_vars[sid].append(var)
    for s in shifts:
        if slot_vars[s.shift_id]:
            model.Add(sum(slot_vars[s.shift_id]) <= s.open_slots)
    by_id = {c.facts.member_id: c for c in candidates}
    origin = min(s.starts_at for s in shifts)
    buffer = int(rules.travel_buffer.total_seconds() // 60)

    def minute(moment):  # type: ignore[no-untyped-def]
        return int((moment - origin).total_seconds() // 60)

    for m, mine in per_member.items():
        mine.sort(key=lambda s: s.starts_at)
        # travel buffer: no two of a member's shifts overlap once each is stretched by the buffer
        intervals = [
            model.NewOptionalFixedSizeIntervalVar(
                minute(s.starts_at), s.minutes + buffer, x[s.shift_id, m], f"i{s.shift_id}_{m}"
            )
            for s in mine
        ]
        model.AddNoOverlap(intervals)
        # rest between working days: pairs on different days that are too close
        for i, a in enumerate(mine):
            for b in mine[i + 1 :]:
                if b.starts_at - a.ends_at >= rules.reach:
                    break
                if (
                    london_day(a.starts_at) != london_day(b.starts_at)
                    and clash([(a.starts_at, a.ends_at)], b.starts_at, b.ends_at, rules) is not None
                ):
                    model.AddBoolOr([x[a.shift_id, m].Not(), x[b.shift_id, m].Not()])
        limit = by_id[m].limit
        if limit is not None:
            periods = defaultdict(list)
            for s in mine:
                periods[limit.period_of(london_day(s.starts_at))].append(s)
            for period, group in periods.items():
                earn, mins = limit.earnings_left(period), limit.minutes_left(period)
                if earn is not None:
                    model.Add(sum(s.pay_pence * x[s.shift_id, m] for s in group) <= earn)
                if mins is not None:
                    model.Add(sum(s.minutes * x[s.shift_id, m] for s in group) <= mins)
    model.Maximize(sum(x.values()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 2
    status = solver.Solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError(f"the solver found no solution ({solver.StatusName(status)})")
    proposals = [Proposal(sid, m) for (sid, m), var in x.items() if solver.Value(var)]
    weeks = {week_of(s.starts_at) for s in shifts}
    before = {c.facts.member_id: 0 for c in candidates}
    after = dict(before)
    minutes = {s.shift_id: s.minutes for s in shifts}
    for p in proposals:
        after[p.member_id] += minutes[p.shift_id]
    assert weeks
    return Result(proposals, {}, before, after)


def run(seed: int = 7) -> dict[str, float]:
    shifts, candidates = make_instance(slots=2000, members=1000, seed=seed)
    rules = RotaRules()
    started = clock.perf_counter()
    ours = propose(shifts, candidates, rules)
    elapsed = clock.perf_counter() - started
    started = clock.perf_counter()
    exact = solve_exact(shifts, candidates, rules)
    solver_seconds = clock.perf_counter() - started
    return {
        "slots": sum(s.open_slots for s in shifts),
        "filled": ours.filled,
        "seconds": elapsed,
        "solver_filled": exact.filled,
        "solver_seconds": solver_seconds,
        "solver_status": exact.unfilled and 0,
        "fill_ratio": ours.filled / exact.filled if exact.filled else 1.0,
        "gini": fairness(ours, candidates),
        "solver_gini": fairness(exact, candidates),
    }


if __name__ == "__main__":
    print(run())
