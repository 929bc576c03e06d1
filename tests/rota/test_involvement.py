"""Involvement work: the member chooses how much of the rate to take, and it counts for limits."""

from datetime import timedelta

import pytest

from coop.errors import DomainError
from coop.limits import service as limits
from coop.rota import service as rota
from coop.settings import service as settings
from coop.timesheets import service as timesheets
from coop.timeutil import to_london
from tests import factories


def test_involvement_pay_can_be_reduced_or_declined_and_counts_for_limits(session):
    skill = factories.skill(session, "Interview panels")
    svc = factories.service(session, skill, name="Interview panel", pay=2000)
    svc.involvement = True
    session.commit()
    shift = factories.shift(session, service_=svc, hours=2, starts_in=timedelta(days=1))
    m = factories.member(session, skills=[skill])
    a = rota.claim(session, m.id, shift.id)
    rota.set_pay_choice(session, m.id, a.id, 0)
    limits.set_limit(
        session, m, limits.LimitData(100_000, None, "monthly", 1), actor_id=m.user_id, by_coordinator=False
    )
    assert (
        limits.Planner.for_member(session, m)
        .totals(limits.Planner.for_member(session, m).period_of(shift.starts_at.date()))
        .pay_pence
        == 0
    )
    with pytest.raises(DomainError, match="up to the full rate"):
        rota.set_pay_choice(session, m.id, a.id, 99_999)
    lowest = settings.get(session, "statutory_minimum_pence", to_london(shift.starts_at).date())
    rota.set_pay_choice(session, m.id, a.id, lowest)
    shift.starts_at -= timedelta(days=3)
    shift.ends_at -= timedelta(days=3)
    session.commit()
    e = timesheets.submit(session, a.id, timesheets.Hours(shift.starts_at, shift.ends_at, 0), actor_id=1)
    timesheets.approve(session, [e.id], actor_id=1)
    session.refresh(e)
    assert (e.pay_rate_pence, e.pay_pence) == (lowest, 2 * lowest)
    other = factories.shift(session, hours=2)
    b = rota.claim(session, factories.member(session, skills=[other.service.skill]).id, other.id)
    with pytest.raises(DomainError, match="Only involvement work"):
        rota.set_pay_choice(session, b.member_id, b.id, 0)
