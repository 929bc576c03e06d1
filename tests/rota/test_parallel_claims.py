"""Many claims at once, from separate processes, on SQLite and PostgreSQL."""

from datetime import timedelta

from sqlalchemy import func, select

from coop.limits import service as limits
from coop.rota import service as rota
from coop.rota.models import Assignment
from tests import factories
from tests.parallel import run_parallel


def claim(session, member_id, shift_id):
    rota.claim(session, member_id, shift_id)


def held(session, **where):
    stmt = select(func.count()).select_from(Assignment).where(Assignment.status == "accepted")
    for k, v in where.items():
        stmt = stmt.where(getattr(Assignment, k) == v)
    return session.scalar(stmt)


def test_many_members_claim_the_last_slots_exactly_fill(db_url, session):
    skill = factories.skill(session, "Cleaning")
    shift = factories.shift(session, service_=factories.service(session, skill), slots=3)
    members = [factories.member(session, skills=[skill]) for _ in range(10)]
    results = run_parallel(db_url, claim, [(m.id, shift.id) for m in members])
    assert [r for r in results if r[0] == "error"] == []
    assert sum(r[0] == "ok" for r in results) == 3
    assert all("just taken" in msg for status, msg in results if status == "refused")
    session.refresh(shift)
    assert shift.filled == 3 and held(session, shift_id=shift.id) == 3


def test_one_member_cannot_hold_two_overlapping_shifts_claimed_at_once(db_url, session):
    skill = factories.skill(session, "Cleaning")
    svc = factories.service(session, skill)
    shifts = [
        factories.shift(session, service_=svc, starts_in=timedelta(days=3, minutes=15 * i)) for i in range(6)
    ]
    m = factories.member(session, skills=[skill])
    results = run_parallel(db_url, claim, [(m.id, s.id) for s in shifts])
    assert [r for r in results if r[0] == "error"] == []
    assert sum(r[0] == "ok" for r in results) == 1
    assert held(session, member_id=m.id) == 1


def test_parallel_claims_by_one_member_stop_exactly_at_the_limit(db_url, session):
    skill = factories.skill(session, "Cleaning")
    svc = factories.service(session, skill, pay=1400)
    # Shifts on one day each (well apart), 2 hours each: pay 2 × £14 + 12.07% holiday = £31.38
    shifts = [
        factories.shift(session, service_=svc, starts_in=timedelta(days=1 + i), hours=2) for i in range(8)
    ]
    m = factories.member(session, skills=[skill])
    per_shift = limits.shift_pay_pence(session, shifts[0])
    # a monthly limit starting on the first shift's period day with room for exactly 3 shifts
    from coop.timeutil import to_london

    start_day = min(to_london(shifts[0].starts_at).day, 28)
    limits.set_limit(
        session,
        m,
        limits.LimitData(per_shift * 3 + per_shift // 2, None, "monthly", start_day),
        actor_id=m.user_id,
        by_coordinator=False,
    )
    planner = limits.Planner.for_member(session, m)
    same_period = [
        s
        for s in shifts
        if planner.period_of(to_london(s.starts_at).date())
        == planner.period_of(to_london(shifts[0].starts_at).date())
    ]
    assert len(same_period) >= 4
    results = run_parallel(db_url, claim, [(m.id, s.id) for s in same_period])
    assert [r for r in results if r[0] == "error"] == []
    assert sum(r[0] == "ok" for r in results) == 3
    assert all("over your limit" in msg for status, msg in results if status == "refused")
