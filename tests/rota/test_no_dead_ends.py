"""A member's day without dead ends: swaps offered to them show on Home and Open shifts, My
shifts shows what is coming first, the claim message promises a calendar only when there is one,
and a new member's Home shows first steps until they are done."""

from __future__ import annotations

from datetime import timedelta

from coop.rota import service as rota
from coop.rota.models import Assignment
from tests import factories


def _skilled(session, email):
    svc = factories.service(session)
    return svc, factories.member(session, email=email, skills=[svc.skill])


def test_a_swap_offered_by_another_member_shows_on_home_and_open_shifts(session, make_web):
    svc, _taker = _skilled(session, "taker@example.org")
    giver = factories.member(session, skills=[svc.skill])
    shift = factories.shift(session, service_=svc)
    held = rota.claim(session, giver.id, shift.id)
    rota.offer_swap(session, giver.id, held.id)
    web = make_web()
    web.login("taker@example.org")
    for path in ("/home", "/shifts/open"):
        page = web.get(path).get_data(as_text=True)
        assert "Other members are offering 1 shift." in page and 'href="/shifts/mine#others"' in page
    mine = web.get("/shifts/mine").get_data(as_text=True)
    assert 'id="others"' in mine and "Take it over" in mine and svc.name in mine


def test_a_two_way_swap_offered_to_a_member_shows_on_home_and_open_shifts(session, make_web):
    svc, me = _skilled(session, "me@example.org")
    other = factories.member(session, skills=[svc.skill])
    mine = rota.claim(session, me.id, factories.shift(session, service_=svc).id)
    theirs = rota.claim(
        session, other.id, factories.shift(session, service_=svc, starts_in=timedelta(days=5)).id
    )
    rota.propose_exchange(session, other.id, theirs.id, mine.id)
    web = make_web()
    web.login("me@example.org")
    for path in ("/home", "/shifts/open"):
        assert "1 member would like to swap shifts with you" in web.get(path).get_data(as_text=True)


def test_my_shifts_shows_what_is_coming_first(session, make_web):
    svc, member = _skilled(session, "sam@example.org")
    past = factories.shift(session, service_=svc, starts_in=timedelta(days=2))
    rota.claim(session, member.id, past.id)
    past.starts_at -= timedelta(days=5)  # claimed while ahead, then moved into last week
    past.ends_at -= timedelta(days=5)
    session.commit()
    coming = factories.shift(session, service_=factories.service(session, svc.skill, name="Later one"))
    rota.claim(session, member.id, coming.id)
    web = make_web()
    web.login("sam@example.org")
    page = web.get("/shifts/mine").get_data(as_text=True)
    assert page.index("Coming up") < page.index("Later one") < page.index("In the last two weeks")
    assert page.index("In the last two weeks") < page.index(f'id="a-{_held(session, past.id)}"')


def _held(session, shift_id):
    return session.query(Assignment.id).filter(Assignment.shift_id == shift_id).scalar()


def test_the_claim_message_names_the_calendar_only_when_there_is_one(session, make_web):
    svc, member = _skilled(session, "sam@example.org")
    web = make_web()
    web.login("sam@example.org")
    first = factories.shift(session, service_=svc)
    page = web.post(f"/shifts/{first.id}/claim", follow_redirects=True).get_data(as_text=True)
    assert "It&#39;s yours" in page and "in your calendar" not in page
    rota.regenerate_feed(session, member)
    second = factories.shift(session, service_=svc, starts_in=timedelta(days=6))
    page = web.post(f"/shifts/{second.id}/claim", follow_redirects=True).get_data(as_text=True)
    assert "in your calendar" in page


def test_first_steps_show_until_done(session, make_web):
    member = factories.member(session, email="new@example.org")
    web = make_web()
    web.login("new@example.org")
    home = web.get("/home").get_data(as_text=True)
    assert "First steps" in home and home.count("tag-ok") == 0
    factories.limit(session, member, 5000)
    rota.regenerate_feed(session, member)
    home = web.get("/home").get_data(as_text=True)
    assert "First steps" in home and home.count('<span class="tag tag-ok">done</span>') == 2
    web.post(
        "/availability",
        {"when": "chosen", "day-0": "y", "allday-0": "y", "reminder_hour": "18", "preferred_hours_week": ""},
    )
    assert "First steps" not in web.get("/home").get_data(as_text=True)
