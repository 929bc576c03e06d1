"""One pool of members: a member sees which business each shift is for and can choose by it,
but their limit and their pay count all their work together, whichever business it is for."""

from datetime import time, timedelta

import pytest

from coop.errors import DomainError
from coop.pay import service as pay
from coop.rota import service as rota
from coop.timeutil import london_to_utc, today_london, utcnow, week_start
from tests import factories


def next_week(day: int, hour: int = 10) -> timedelta:
    monday = week_start(today_london()) + timedelta(days=7)
    return london_to_utc(monday + timedelta(days=day), time(hour)) - utcnow()


@pytest.fixture
def two(session):
    gardens = factories.business(session, "Green Gardens", "GG-")
    skill = factories.skill(session, "Outdoor work")
    ours = factories.service(session, skill, name="Litter picking", pay=1500)
    theirs = factories.service(session, skill, name="Hedges", pay=1500, business_id=gardens.id)
    member = factories.member(session, name="Sam Two", email="sam@example.org", skills=[skill])
    return gardens, ours, theirs, member


def test_work_for_two_businesses_in_one_week_counts_together_against_the_limit(session, two):
    _gardens, ours, theirs, member = two
    # 3 hours at £15 with holiday pay is £50.43 a shift: one fits £80 a week, both do not.
    factories.limit(session, member, 8000)
    monday = factories.shift(session, service_=ours, starts_in=next_week(0))
    tuesday = factories.shift(session, service_=theirs, starts_in=next_week(1))
    rota.claim(session, member.id, monday.id)
    with pytest.raises(DomainError, match="limit"):
        rota.claim(session, member.id, tuesday.id)
    # The week after, the other business's shift fits on its own.
    later = factories.shift(session, service_=theirs, starts_in=next_week(8))
    assert rota.claim(session, member.id, later.id).shift_id == later.id


def test_work_for_two_businesses_is_paid_on_one_statement(session, two):
    _gardens, ours, theirs, member = two
    factories.approved_timesheet(session, member, service_=ours, days_ago=10)
    factories.approved_timesheet(session, member, service_=theirs, days_ago=9)
    today = today_london()
    run = pay.build_pay_run(
        session, today - timedelta(days=30), today - timedelta(days=1), actor_id=1, today=today
    )
    [statement] = run.statements
    assert statement.member_id == member.id
    assert sorted(line.kind for line in statement.lines) == ["holiday", "holiday", "work", "work"]


def test_open_shifts_say_which_business_and_can_be_chosen_by_it(web, session, two):
    gardens, ours, theirs, _member = two
    factories.shift(session, service_=ours, starts_in=next_week(0))
    factories.shift(session, service_=theirs, starts_in=next_week(1))
    web.login("sam@example.org")
    page = web.get("/shifts/open").get_data(as_text=True)
    assert "Litter picking" in page and "Hedges" in page
    assert "<dt>Business</dt><dd>Green Gardens</dd>" in page and "<dd>Co-op Works</dd>" in page
    only = web.get(f"/shifts/open?business={gardens.id}").get_data(as_text=True)
    assert "Hedges" in only and "Litter picking:" not in only
