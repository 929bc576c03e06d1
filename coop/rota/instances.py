"""Synthetic auto-fill instances (for the benchmark and property tests): seeded and repeatable."""

from __future__ import annotations

import random
from collections.abc import Callable, Hashable
from datetime import UTC, date, datetime, time, timedelta

from coop.rota.autofill import Candidate, LimitBudget, OpenShift
from coop.rota.rules import MemberFacts
from coop.timeutil import week_start

SKILLS = 9


def _constant(value: int | None) -> Callable[[Hashable], int | None]:
    return lambda _period: value


def make_instance(
    *, slots: int, members: int, seed: int, start: date = date(2027, 3, 1), days: int = 5
) -> tuple[list[OpenShift], list[Candidate]]:
    rng = random.Random(seed)
    shifts: list[OpenShift] = []
    total = 0
    sid = 0
    while total < slots:
        sid += 1
        day = start + timedelta(days=rng.randrange(days))
        hour = rng.choice([7, 8, 9, 9, 10, 13, 18])
        length = rng.choice([2, 3, 3, 4, 4, 6])
        n = min(rng.choice([1, 2, 3, 4]), slots - total)
        starts = datetime.combine(day, time(hour), tzinfo=UTC)
        shifts.append(
            OpenShift(
                sid,
                rng.randrange(SKILLS),
                starts,
                starts + timedelta(hours=length),
                n,
                length * 1500 + length * 181,
            )
        )
        total += n
    candidates = []
    for mid in range(1, members + 1):
        skills = frozenset(rng.sample(range(SKILLS), rng.choice([1, 1, 1, 2])))
        windows = {}
        if rng.random() < 0.9:  # most members say when they can work
            for wd in rng.sample(range(7), rng.randint(1, 3)):
                begin = rng.choice([6, 7, 8, 9, 12])
                windows[wd] = [(time(begin), time(min(begin + rng.choice([4, 6, 8, 10]), 23)))]
        time_off = []
        if rng.random() < 0.1:
            first = start + timedelta(days=rng.randrange(days))
            time_off.append((first, first + timedelta(days=rng.randint(0, 4))))
        facts = MemberFacts(mid, rng.random() > 0.05, skills, windows, time_off, [])
        preferred = rng.choice([None, 4, 8, 12, 16, 20, 30]) if rng.random() < 0.9 else None
        limit = None
        if rng.random() < 0.3:
            earnings = rng.choice([19550, 19600, 8000, 12000])
            hours = rng.choice([None, 15 * 60 + 59])
            limit = LimitBudget(
                period_of=week_start, earnings_left=_constant(earnings), minutes_left=_constant(hours)
            )
        candidates.append(Candidate(facts, preferred * 60 if preferred else None, {}, limit))
    return shifts, candidates
