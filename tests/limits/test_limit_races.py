"""Two changes at once that each fit a member's limit alone but not together, from separate
processes (real row-lock races on PostgreSQL): exactly one wins, the other is refused with a
message, and the member's periods stay within their limit."""

from __future__ import annotations

import time as clock
from datetime import time, timedelta

import pytest
from sqlalchemy import select

from coop.bookings import service as bookings
from coop.bookings.models import Shift
from coop.governance.models import Proposal, SurplusShare
from coop.governance.service import take_share
from coop.limits import service as limits
from coop.members.models import Member
from coop.pay import service as pay
from coop.rota import service as rota
from coop.rota.models import Assignment
from coop.timeutil import london_to_utc, to_london, today_london, utcnow
from tests import factories
from tests.limits import checks
from tests.parallel import run_parallel


@pytest.fixture(autouse=True)
def slow_checks(monkeypatch):
    """Widen the window between checking the limit and committing, in every process (they are
    forked from this one), so that without the member's lock both changes would pass the check."""
    enforce, broken = limits.enforce, limits.Guard.broken

    def slow_enforce(*args, **kw):
        enforce(*args, **kw)
        clock.sleep(0.4)

    def slow_broken(self):
        result = broken(self)
        clock.sleep(0.4)
        return result

    monkeypatch.setattr(limits, "enforce", slow_enforce)
    monkeypatch.setattr(limits.Guard, "broken", slow_broken)


def _op(session, kind, *args):
    if kind == "claim":
        rota.claim(session, *args)
    elif kind == "longer":
        shift = session.get(Shift, args[0])
        start, end = to_london(shift.starts_at), to_london(shift.ends_at + timedelta(hours=args[1]))
        change = bookings.ShiftChange(
            start.date(), start.time(), end.time(), shift.site_address, "", shift.slots
        )
        bookings.edit_shifts(session, shift, change, scope="one", actor_id=1)
    elif kind == "pay_rise":
        svc = bookings.get_service(session, args[0])
        data = bookings.ServiceData(svc.name, "", svc.skill_id, 3000, args[1], 2000, 60)
        bookings.save_service(session, data, actor_id=1, service=svc)
    elif kind == "correction":
        member = session.get(Member, args[0])
        pay.add_adjustment(session, member, args[1], "Correction", actor_id=1)
    elif kind == "share":
        take_share(session, session.get(Member, args[0]), args[1], today=today_london())
    elif kind == "answer":
        rota.answer(session, args[0], args[1], yes=True)
    else:
        raise AssertionError(kind)


def within_limit(session, member) -> None:
    session.rollback()
    session.expire_all()
    checks.within_limit(session, member.id)


def one_wins(results) -> None:
    statuses = sorted(status for status, _ in results)
    assert statuses == ["ok", "refused"], results
    [refusal] = [message for status, message in results if status == "refused"]
    assert "limit" in refusal, refusal  # refused for the limit, not for some other reason


def setup(session, limit_pence, *, hours=(3, 3)):
    """A member with a weekly limit and two shifts, on the first two days of their benefit week,
    each £15 an hour."""
    skill = factories.skill(session)
    svc = factories.service(session, skill, pay=1500)
    first = today_london() + timedelta(days=2)
    shifts = [
        factories.shift(
            session,
            service_=svc,
            hours=h,
            starts_in=london_to_utc(first + timedelta(days=i), time(9)) - utcnow(),
        )
        for i, h in enumerate(hours)
    ]
    m = factories.member(session, skills=[skill])
    data = limits.LimitData(limit_pence, None, week_start_day=first.weekday())
    limits.set_limit(session, m, data, actor_id=m.user_id, by_coordinator=False)
    return svc, shifts, m


def test_a_shift_extended_while_the_member_claims_another(db_url, session):
    _svc, (a, b), m = setup(session, 12_000)  # each shift £50.43; extended by 2 h it is £84.05
    rota.claim(session, m.id, a.id)
    one_wins(run_parallel(db_url, _op, [("longer", a.id, 2), ("claim", m.id, b.id)]))
    within_limit(session, m)


def test_a_pay_rise_while_the_member_claims_another_shift(db_url, session):
    svc, (a, b), m = setup(session, 10_500)  # £50.43 each; at £16 an hour £53.80 each
    rota.claim(session, m.id, a.id)
    one_wins(run_parallel(db_url, _op, [("pay_rise", svc.id, 1600), ("claim", m.id, b.id)]))
    within_limit(session, m)


def test_two_corrections_at_once(db_url, session):
    m = factories.member(session)
    limits.set_limit(session, m, limits.LimitData(10_000, None), actor_id=m.user_id, by_coordinator=False)
    one_wins(run_parallel(db_url, _op, [("correction", m.id, 6_000), ("correction", m.id, 6_000)]))
    within_limit(session, m)


def test_a_surplus_share_taken_while_a_correction_is_added(db_url, session):
    m = factories.member(session)
    limits.set_limit(session, m, limits.LimitData(10_000, None), actor_id=m.user_id, by_coordinator=False)
    proposal = Proposal(
        title="Surplus",
        text="x",
        kind="distribute_surplus",
        created_by_id=m.id,
        closes_at=utcnow(),
        surplus_pence=6_000,
        surplus_year=2026,
    )
    session.add(proposal)
    session.flush()
    share = SurplusShare(proposal_id=proposal.id, member_id=m.id, minutes=60, amount_pence=6_000)
    session.add(share)
    session.commit()
    one_wins(run_parallel(db_url, _op, [("share", m.id, share.id), ("correction", m.id, 6_000)]))
    within_limit(session, m)


def test_a_yes_to_a_coordinators_question_while_claiming_another(db_url, session):
    _svc, (a, b), m = setup(session, 9_000)  # one shift fits, two do not
    asked = rota.ask(session, m.id, a.id)
    one_wins(run_parallel(db_url, _op, [("answer", m.id, asked.id), ("claim", m.id, b.id)]))
    within_limit(session, m)
    session.rollback()
    held = session.scalars(select(Assignment).where(Assignment.status == "accepted")).all()
    assert len(held) == 1
