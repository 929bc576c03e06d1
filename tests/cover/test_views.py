"""Cover through HTTP: "I can't make it" and "running late" from the member's pages, a cover
request answered from its emailed link, the coordinators' board, and no drop counts anywhere."""

from __future__ import annotations

import re
from datetime import time, timedelta

from sqlalchemy import select

from coop.cover import service as cover
from coop.cover.models import CoverCase, CoverOffer, LateNotice
from coop.mail.models import OutboxMessage
from coop.rota import service as rota
from coop.rota.models import Assignment
from coop.timeutil import london_to_utc, today_london, utcnow
from tests import factories
from tests.factories import fresh


def _setup(session, *, hours_ahead: float = 3):
    skill = factories.skill(session, "Cleaning")
    client = factories.client(session, name="Corner Cafe", contact_email="contact@cafe.example")
    svc = factories.service(session, skill, name="Cleaning")
    shift = factories.shift(
        session, service_=svc, client_=client, starts_in=timedelta(hours=hours_ahead), hours=2
    )
    leaver = factories.member(session, name="Lee Leaver", email="leaver@example.org", skills=[skill])
    helper = factories.member(session, name="Hana Helper", email="helper@example.org", skills=[skill])
    factories.member(
        session, name="Jo Coord", email="coord@example.org", skills=[skill], roles=("member", "coordinator")
    )
    held = rota.claim(session, leaver.id, shift.id)
    return shift, leaver, helper, held


def test_i_cant_make_it_from_my_shifts_is_kind_and_starts_the_search(make_web, session):
    _shift, leaver, helper, held = _setup(session)
    web = make_web()
    web.login("leaver@example.org")
    mine = web.get("/shifts/mine").get_data(as_text=True)
    assert "I can't make it" in mine and f"/assignments/{held.id}/drop" in mine
    assert f"/assignments/{held.id}/drop" in web.get("/home").get_data(as_text=True)
    page = web.get(f"/assignments/{held.id}/drop").get_data(as_text=True)
    assert "reason" in page and "never held against you" in page
    assert "<textarea" not in page and 'name="reason"' not in page  # no reason asked
    done = web.post(f"/assignments/{held.id}/drop", follow_redirects=True).get_data(as_text=True)
    assert "asking other members to cover it" in done and "nothing more you need to do" in done
    fresh(session)
    assert session.get(Assignment, held.id).status == "dropped"
    assert session.scalars(select(CoverCase)).one().status == "open"
    asked = {o.member_id for o in session.scalars(select(CoverOffer))}
    assert helper.id in asked and leaver.id not in asked


def test_the_cover_request_is_taken_from_its_email_link(make_web, session):
    _shift, leaver, helper, held = _setup(session)
    cover.cant_make_it(session, leaver.id, held.id)
    email = session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.to_address == "helper@example.org", OutboxMessage.subject.contains("cover")
        )
    ).one()
    path = re.search(r"http://coop\.test(/cover/offers/\d+)", email.body).group(1)
    web = make_web()
    web.login("helper@example.org")
    page = web.get(path).get_data(as_text=True)
    assert "Yes, I can do it" in page
    taken = web.post(path + "/answer", {"answer": "yes"}, follow_redirects=True).get_data(as_text=True)
    assert "The shift is yours" in taken
    fresh(session)
    assert session.scalars(select(Assignment.member_id).where(Assignment.status == "accepted")).all() == [
        helper.id
    ]
    # saying yes again afterwards tells the truth, and changes nothing
    again = web.get(path).get_data(as_text=True)
    assert "the shift is yours" in again


def test_another_members_offer_is_not_found(make_web, session):
    _shift, leaver, helper, held = _setup(session)
    cover.cant_make_it(session, leaver.id, held.id)
    offer = session.scalars(select(CoverOffer).where(CoverOffer.member_id == helper.id)).one()
    web = make_web()
    web.login("leaver@example.org")
    assert web.get(f"/cover/offers/{offer.id}").status_code == 404
    assert web.post(f"/cover/offers/{offer.id}/answer", {"answer": "yes"}).status_code == 404


def test_running_late_from_the_phone_tells_client_and_coordinators(make_web, session):
    _shift, _leaver, _helper, held = _setup(session, hours_ahead=0.5)
    web = make_web()
    web.login("leaver@example.org")
    assert "About 15 minutes" in web.get(f"/assignments/{held.id}/late").get_data(as_text=True)
    bad = web.post(f"/assignments/{held.id}/late", {"minutes": "45"}).get_data(as_text=True)
    assert "Not a valid choice" in bad or "Choose about how late" in bad
    web.post(f"/assignments/{held.id}/late", {"minutes": "15"})
    fresh(session)
    to = sorted(
        m.to_address for m in session.scalars(select(OutboxMessage)) if "15 minutes late" in m.subject
    )
    assert to == ["contact@cafe.example", "coord@example.org"]
    # A second try (another time, or the same) is kindly told it is done, and nobody is told again.
    again = web.post(f"/assignments/{held.id}/late", {"minutes": "30"}, follow_redirects=True)
    assert "already told us you are running late" in again.get_data(as_text=True)
    fresh(session)
    assert len([m for m in session.scalars(select(OutboxMessage)) if "minutes late" in m.subject]) == 2
    assert cover.running_late(session, held.member_id, held.id, 60) is False
    assert session.scalars(select(LateNotice)).one().shift_id == held.shift_id


def test_the_board_shows_who_was_asked_and_who_said_no_and_acts(make_web, session):
    _shift, leaver, helper, held = _setup(session)
    cover.cant_make_it(session, leaver.id, held.id)
    offer = session.scalars(select(CoverOffer).where(CoverOffer.member_id == helper.id)).one()
    cover.decline(session, helper.id, offer.id)
    web = make_web()
    web.login("coord@example.org")
    assert "/cover" in web.get("/home").get_data(as_text=True)
    board = web.get("/cover").get_data(as_text=True)
    assert "Said no: Hana Helper" in board and "Starts in" in board
    case = session.scalars(select(CoverCase)).one()
    web.post(f"/cover/{case.id}/fill", follow_redirects=True)
    fresh(session)
    assert session.get(CoverCase, case.id).status == "covered"
    assert "No place needs cover just now" in web.get("/cover").get_data(as_text=True)


def test_cover_choices_are_saved_and_respected(make_web, session):
    _shift, leaver, helper, held = _setup(session)
    web = make_web()
    web.login("helper@example.org")
    assert "/cover/choices" in web.get("/availability").get_data(as_text=True)
    web.post("/cover/choices", {"weekdays": [str(d) for d in range(7)], "min_notice_hours": "0"})
    assert not cover.preferences_of(session, helper.id).requests_on
    cover.cant_make_it(session, leaver.id, held.id)
    fresh(session)
    assert helper.id not in {o.member_id for o in session.scalars(select(CoverOffer))}


def test_no_page_shows_a_count_of_drops(make_web, session):
    """No member-facing or coordinator page counts how often anyone let a shift go."""
    _shift, leaver, _helper, held = _setup(session)
    cover.cant_make_it(session, leaver.id, held.id)
    coord = make_web()
    coord.login("coord@example.org")
    member = make_web()
    member.login("leaver@example.org")
    pages = [
        coord.get(p).get_data(as_text=True) for p in ("/cover", "/home", f"/members/{leaver.id}", "/rota")
    ]
    pages += [member.get(p).get_data(as_text=True) for p in ("/home", "/shifts/mine", "/me")]
    words = re.compile(r"(drops?|dropped|let go|can't make it)\s*[:(]?\s*\d", re.IGNORECASE)
    for page in pages:
        assert not words.search(page)
        assert "reliability" not in page.lower()
    board = pages[0]
    assert "Lee Leaver" not in board  # the board never says who let the place go


def test_i_cant_make_it_after_the_start_tells_the_coordinators(make_web, session):
    _shift, _leaver, _helper, held = _setup(session)
    shift = session.get(Assignment, held.id).shift
    shift.starts_at -= timedelta(hours=3, minutes=30)  # it started half an hour ago
    shift.ends_at -= timedelta(hours=3, minutes=30)
    session.commit()
    web = make_web()
    web.login("leaver@example.org")
    assert "I can't make it" in web.get("/shifts/mine").get_data(as_text=True)
    assert "already started" in web.get(f"/assignments/{held.id}/drop").get_data(as_text=True)
    done = web.post(f"/assignments/{held.id}/drop", follow_redirects=True).get_data(as_text=True)
    assert "The coordinators have been told" in done
    fresh(session)
    assert session.get(Assignment, held.id).status == "dropped"
    assert session.scalars(select(CoverCase)).all() == []  # too late to search; coordinators told
    assert any("Cover needed" in m.subject for m in session.scalars(select(OutboxMessage)))


def test_the_reminder_email_links_to_i_cant_make_it_and_running_late(session):
    skill = factories.skill(session)
    start = london_to_utc(today_london() + timedelta(days=1), time(10))
    shift = factories.shift(session, service_=factories.service(session, skill), starts_in=start - utcnow())
    m = factories.member(session, email="reminded@example.org", skills=[skill])
    a = rota.claim(session, m.id, shift.id)
    assert (
        rota.queue_shift_reminders(
            session, base_url="http://coop.test", now=london_to_utc(today_london(), time(19))
        )
        == 1
    )
    body = session.scalars(
        select(OutboxMessage.body).where(OutboxMessage.to_address == "reminded@example.org")
    ).one()
    assert f"http://coop.test/assignments/{a.id}/drop" in body
    assert f"http://coop.test/assignments/{a.id}/late" in body
    assert "No reason needed" in body
