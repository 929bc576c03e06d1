"""Auto-fill proposals never break a rule (property-based, on generated instances)."""

from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from coop.rota.autofill import fairness, gini, propose
from coop.rota.instances import make_instance
from coop.rota.rules import RotaRules, clash, fits_pattern, london_day, on_time_off


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), slots=st.integers(1, 120), members=st.integers(1, 60))
def test_proposals_break_no_rule(seed, slots, members):
    shifts, candidates = make_instance(slots=slots, members=members, seed=seed)
    rules = RotaRules()
    result = propose(shifts, candidates, rules)
    by_shift = {s.shift_id: s for s in shifts}
    by_member = {c.facts.member_id: c for c in candidates}
    taken = defaultdict(list)
    per_shift = defaultdict(list)
    for p in result.proposals:
        taken[p.member_id].append(by_shift[p.shift_id])
        per_shift[p.shift_id].append(p.member_id)
    for shift_id, holders in per_shift.items():
        assert len(holders) <= by_shift[shift_id].open_slots
        assert len(set(holders)) == len(holders)  # one slot of a shift per member
    for member_id, mine in taken.items():
        c = by_member[member_id]
        assert c.facts.active  # never a paused member
        mine.sort(key=lambda s: s.starts_at)
        for i, s in enumerate(mine):
            assert s.skill_id in c.facts.skill_ids
            assert fits_pattern(c.facts.windows, s.starts_at, s.ends_at)
            assert not on_time_off(c.facts.time_off, s.starts_at, s.ends_at)
            assert (
                clash(
                    [(o.starts_at, o.ends_at) for o in mine[:i] + mine[i + 1 :]],
                    s.starts_at,
                    s.ends_at,
                    rules,
                )
                is None
            )
        if c.limit is not None:
            spent = defaultdict(lambda: [0, 0])
            for s in mine:
                period = c.limit.period_of(london_day(s.starts_at))
                spent[period][0] += s.pay_pence
                spent[period][1] += s.minutes
            for period, (pay, minutes) in spent.items():
                earn, mins = c.limit.earnings_left(period), c.limit.minutes_left(period)
                assert earn is None or pay <= earn
                assert mins is None or minutes <= mins
    assert result.filled + sum(left for left, _ in result.unfilled.values()) == sum(
        s.open_slots for s in shifts
    )
    assert 0 <= fairness(result, candidates) <= 1


def test_gini():
    assert gini([1, 1, 1, 1]) == 0
    assert abs(gini([0, 0, 0, 1]) - 0.75) < 1e-9
