"""Members and coordinators using the rota through HTTP."""

from datetime import timedelta

import icalendar
from sqlalchemy import select

from coop.rota.models import Assignment, Availability
from tests import factories
from tests.factories import fresh


def test_member_sees_eligible_open_shifts_with_pay_and_claims_one(web, session):
    skill = factories.skill(session, "Gardening")
    svc = factories.service(session, skill, name="Gardening", pay=1500)
    other = factories.service(session, factories.skill(session, "Catering"), name="Catering")
    shift = factories.shift(session, service_=svc, hours=2)
    factories.shift(session, service_=other)
    factories.member(session, email="m@example.org", skills=[skill])
    web.login("m@example.org")
    page = web.get("/shifts/open").get_data(as_text=True)
    # 2 h × £15 = £30.00 + 12.07% holiday pay (£3.62) = £33.62
    assert "Gardening: " in page and "Catering: " not in page and "£33.62" in page
    assert "You have not set an earnings limit" in page
    r = web.post(f"/shifts/{shift.id}/claim")
    assert r.status_code == 302 and r.headers["Location"] == "/shifts/mine"
    assert "Gardening" in web.get("/shifts/mine").get_data(as_text=True)
    # replaying the POST changes nothing
    web.post(f"/shifts/{shift.id}/claim")
    fresh(session)
    assert len(session.scalars(select(Assignment)).all()) == 1
    assert "Gardening: " not in web.get("/shifts/open").get_data(as_text=True)


def test_paused_member_sees_no_open_shifts_unless_they_choose(web, session):
    skill = factories.skill(session)
    factories.shift(session, service_=factories.service(session, skill, name="Cleaning"))
    factories.member(session, email="m@example.org", skills=[skill], status="paused")
    web.login("m@example.org")
    assert "There are no open shifts for you" in web.get("/shifts/open").get_data(as_text=True)
    web.post("/availability", {"show_open_when_paused": "y", "when": "any"})
    assert "Take this shift" in web.get("/shifts/open").get_data(as_text=True)


def test_drop_and_swap_through_the_ui(web, make_web, session):
    skill = factories.skill(session)
    svc = factories.service(session, skill, name="Cleaning")
    shift = factories.shift(session, service_=svc, starts_in=timedelta(days=5))
    factories.member(session, email="giver@example.org", skills=[skill])
    factories.member(session, email="taker@example.org", skills=[skill])
    factories.coordinator(session, "coord@example.org")
    web.login("giver@example.org")
    web.post(f"/shifts/{shift.id}/claim")
    fresh(session)
    a = session.scalars(select(Assignment)).one()
    web.post(f"/assignments/{a.id}/swap")
    taker = make_web()
    taker.login("taker@example.org")
    page = taker.get("/shifts/mine").get_data(as_text=True)
    assert "Take it over" in page and "Pay £" in page and "You have not set an earnings limit" in page
    from coop.rota.models import SwapOffer

    fresh(session)
    offer = session.scalars(select(SwapOffer)).one()
    taker.post(f"/swaps/{offer.id}/accept")
    fresh(session)
    holders = session.scalars(select(Assignment).where(Assignment.status == "accepted")).all()
    assert [h.member.user.email for h in holders] == ["taker@example.org"]
    # the taker drops it; it reopens
    new = holders[0]
    r = taker.post(f"/assignments/{new.id}/drop", follow_redirects=True)
    assert "open for someone else" in r.get_data(as_text=True)
    assert "you dropped" not in r.get_data(as_text=True).lower()


def test_member_cannot_drop_or_claim_for_someone_else(web, make_web, session):
    skill = factories.skill(session)
    shift = factories.shift(session, service_=factories.service(session, skill))
    owner = factories.member(session, email="owner@example.org", skills=[skill])
    factories.member(session, email="other@example.org", skills=[skill])
    from coop.rota import service as rota

    a = rota.claim(session, owner.id, shift.id)
    web.login("other@example.org")
    assert web.post(f"/assignments/{a.id}/drop").status_code == 404
    fresh(session)
    assert session.get(Assignment, a.id).status == "accepted"


def test_coordinator_fills_a_slot_and_sees_why_others_cannot(web, session):
    skill = factories.skill(session)
    svc = factories.service(session, skill, name="Cleaning")
    shift = factories.shift(session, service_=svc)
    able = factories.member(session, name="Able Person", skills=[skill])
    factories.member(session, name="Resting Person", skills=[skill], status="paused")
    factories.coordinator(session, "coord@example.org")
    web.login("coord@example.org")
    page = web.get(f"/shifts/{shift.id}/fill").get_data(as_text=True)
    assert "Resting Person" in page and "is taking a break" in page
    web.post(f"/shifts/{shift.id}/fill", {"member_id": str(able.id)})
    fresh(session)
    asked = session.scalars(select(Assignment)).one()
    assert (asked.member_id, asked.status) == (able.id, "asked")  # kept for them, not theirs yet
    week = web.get("/rota").get_data(as_text=True) + web.get(
        "/rota?week=" + (shift.starts_at.date()).isoformat()
    ).get_data(as_text=True)
    assert "Able Person (asked, no answer yet)" in week


def test_member_calendar_feed_lists_shifts_and_can_be_revoked(web, session):
    skill = factories.skill(session)
    shift = factories.shift(session, service_=factories.service(session, skill, name="Cleaning"))
    m = factories.member(session, email="m@example.org", skills=[skill])
    from coop.rota import service as rota

    rota.claim(session, m.id, shift.id)
    web.login("m@example.org")
    assert "Make my calendar address" in web.get("/calendar").get_data(as_text=True)
    page = web.post("/calendar").get_data(as_text=True)  # shown once, on the answer
    url = page.split("<code>")[1].split("</code>")[0].replace("http://coop.test", "")
    again = web.get("/calendar").get_data(as_text=True)
    assert "<code>" not in again and "cannot show it again" in again
    cal = icalendar.Calendar.from_ical(web.get(url).data)
    [event] = cal.walk("VEVENT")
    assert event.decoded("dtstart").astimezone(shift.starts_at.tzinfo) == shift.starts_at
    assert cal.walk("VTIMEZONE")
    web.post("/calendar")
    assert web.get(url).status_code == 404


def test_weekly_pattern_form_rejects_nonsense(web, session):
    factories.member(session, email="m@example.org")
    web.login("m@example.org")
    for bad, message in (
        (
            {"day-0": "y", "from-0-0": "09:00", "to-0-0": "13:00", "from-0-1": "12:00", "to-0-1": "17:00"},
            "overlap",
        ),
        ({"day-0": "y", "from-0-0": "22:00", "to-0-0": "06:00"}, "ends before it starts"),
        ({"day-0": "y", "from-0-0": "09:00"}, "choose both a start and an end"),
        ({"day-2": "y"}, "Choose times for Wednesday, or tick All day"),
        ({"day-0": "y", "from-0-0": "9 o'clock", "to-0-0": "17:00"}, "Choose times from the lists"),
    ):
        page = web.post("/availability", {"when": "chosen", **bad}).get_data(as_text=True)
        assert message in page, message
        fresh(session)
        assert session.scalars(select(Availability)).all() == []  # nothing half-saved
    ok = web.post(
        "/availability",
        {
            "when": "chosen",
            "day-0": "y",
            "from-0-0": "09:00",
            "to-0-0": "12:00",
            "from-0-1": "14:00",
            "to-0-1": "17:30",
            "day-5": "y",
            "allday-5": "y",
            "preferred_hours_week": "12",
        },
    )
    assert ok.status_code == 302
    fresh(session)
    saved = sorted(
        (a.weekday, a.start_time.isoformat(), a.end_time.isoformat())
        for a in session.scalars(select(Availability))
    )
    assert saved == [(0, "09:00:00", "12:00:00"), (0, "14:00:00", "17:30:00"), (5, "00:00:00", "23:59:00")]
    page = web.get("/availability").get_data(as_text=True)
    assert "<option selected>17:30</option>" in page and 'id="allday-5" value="y" checked' in page


def test_a_two_way_swap_changes_both_shifts_at_once_and_only_if_nothing_changed(web, make_web, session):
    from coop.bookings import service as bookings
    from coop.rota import service as rota
    from coop.rota.models import SwapOffer
    from coop.timeutil import to_london

    skill = factories.skill(session)
    svc = factories.service(session, skill, name="Cleaning")
    mine = factories.shift(session, service_=svc, starts_in=timedelta(days=3))
    theirs = factories.shift(session, service_=svc, starts_in=timedelta(days=5))
    ann = factories.member(session, name="Ann", email="ann@example.org", skills=[skill])
    bob = factories.member(session, name="Bob", email="bob@example.org", skills=[skill])
    factories.coordinator(session, "coord@example.org")
    a = rota.claim(session, ann.id, mine.id)
    b = rota.claim(session, bob.id, theirs.id)
    web.login("ann@example.org")
    page = web.get(f"/assignments/{a.id}/exchange").get_data(as_text=True)
    assert "(Bob)" in page
    web.post(f"/assignments/{a.id}/exchange", {"wanted_assignment_id": str(b.id)})
    fresh(session)
    offer = session.scalars(select(SwapOffer)).one()
    assert offer.wanted_assignment_id == b.id and offer.status == "open"
    bob_web = make_web()
    bob_web.login("bob@example.org")
    assert "Ann would like to swap" in bob_web.get("/shifts/mine").get_data(as_text=True)
    bob_web.post(f"/swaps/{offer.id}/answer", {"answer": "yes"})
    fresh(session)
    holders = {
        x.shift_id: x.member_id
        for x in session.scalars(select(Assignment).where(Assignment.status == "accepted"))
    }
    assert holders == {mine.id: bob.id, theirs.id: ann.id}
    assert offer.status == "taken"
    # A second exchange is closed if a shift changes before it is answered.
    [a2] = [
        x
        for x in session.scalars(select(Assignment).where(Assignment.status == "accepted"))
        if x.member_id == ann.id
    ]
    [b2] = [
        x
        for x in session.scalars(select(Assignment).where(Assignment.status == "accepted"))
        if x.member_id == bob.id
    ]
    second = rota.propose_exchange(session, ann.id, a2.id, b2.id)
    changed = session.get(type(mine), b2.shift_id)
    start, end = (
        to_london(changed.starts_at + timedelta(hours=1)),
        to_london(changed.ends_at + timedelta(hours=1)),
    )
    change = bookings.ShiftChange(start.date(), start.time(), end.time(), changed.site_address, "", 1)
    bookings.edit_shifts(session, changed, change, scope="one", actor_id=1)  # an hour later
    page = bob_web.post(f"/swaps/{second.id}/answer", {"answer": "yes"}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "has changed since the swap was offered" in page
    fresh(session)
    holders_after = {
        x.shift_id: x.member_id
        for x in session.scalars(select(Assignment).where(Assignment.status == "accepted"))
    }
    assert holders_after == {mine.id: bob.id, theirs.id: ann.id}  # nothing half-done
