"""Auto-fill against the database: offers, accepting through the claim, declining, lapsing,
fair release, the coordinator page and the CLI."""

from datetime import time, timedelta

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import select

from coop.bookings import service as bookings
from coop.errors import DomainError
from coop.limits import service as limits
from coop.rota import fair_release, offers
from coop.rota import service as rota
from coop.rota.models import Assignment, Offer
from coop.settings import service as settings
from coop.timeutil import today_london, utcnow
from tests import factories


@pytest.fixture
def setup(session):
    skill = factories.skill(session, "Cleaning")
    svc = factories.service(session, skill, name="Cleaning")
    shifts = [
        factories.shift(session, service_=svc, starts_in=timedelta(days=2 + i), slots=2) for i in range(2)
    ]
    keen = factories.member(session, name="Keen", email="keen@example.org", skills=[skill])
    busy = factories.member(session, name="Busy", email="busy@example.org", skills=[skill])
    paused = factories.member(session, name="Resting", skills=[skill], status="paused")
    rota.save_preferences(
        session, keen, preferred_hours_week=20, show_open_when_paused=False, daily_digest=False
    )
    rota.save_preferences(
        session, busy, preferred_hours_week=2, show_open_when_paused=False, daily_digest=False
    )
    return svc, shifts, keen, busy, paused


def test_plan_proposes_never_to_paused_members_and_sends_offers(session, setup):
    _svc, _shifts, _keen, _busy, paused = setup
    plan = offers.plan(session, today_london(), today_london() + timedelta(days=7))
    assert plan.result.filled == 4
    assert paused.id not in {p.member_id for p in plan.result.proposals}
    assert offers.queue_offers(session, plan.result.proposals) == 4
    assert offers.queue_offers(session, plan.result.proposals) == 0  # not twice
    # a re-run counts the open offers: nothing more to propose
    assert offers.plan(session, today_london(), today_london() + timedelta(days=7)).result.filled == 0


def test_accept_claims_and_decline_reopens(session, setup):
    _svc, _shifts, keen, busy, _paused = setup
    offers.queue_offers(
        session, offers.plan(session, today_london(), today_london() + timedelta(days=7)).result.proposals
    )
    [(first, fit), *_] = offers.offers_and_lapsed(session, keen)[0]
    assert fit.pay_pence > 0
    offers.accept(session, keen.id, first.id)
    assert session.scalars(select(Assignment.source)).all() == ["offer"]
    with pytest.raises(DomainError, match="already hold this shift"):
        offers.accept(session, keen.id, first.id)
    with pytest.raises(DomainError, match="already hold this shift"):
        offers.decline(session, keen.id, first.id)
    other = offers.offers_and_lapsed(session, busy)[0][0][0]
    offers.decline(session, busy.id, other.id)
    session.refresh(other)
    assert other.status == "declined"
    assert len(offers.plan(session, today_london(), today_london() + timedelta(days=7)).result.proposals) >= 1


def test_lapsed_offers_cannot_be_accepted(session, setup):
    _svc, _shifts, keen, _busy, _paused = setup
    offers.queue_offers(
        session, offers.plan(session, today_london(), today_london() + timedelta(days=7)).result.proposals
    )
    offer = offers.offers_and_lapsed(session, keen)[0][0][0]
    with pytest.raises(DomainError, match="lapsed"):
        offers.accept(session, keen.id, offer.id, now=utcnow() + timedelta(days=3))


def test_open_and_lapsed_offers_are_each_on_their_own_list(session, setup):
    _svc, _shifts, keen, _busy, _paused = setup
    offers.queue_offers(
        session, offers.plan(session, today_london(), today_london() + timedelta(days=7)).result.proposals
    )
    mine = session.scalars(select(Offer).where(Offer.member_id == keen.id).order_by(Offer.id)).all()
    assert len(mine) == 2
    # One lapsed unanswered an hour ago, one still open: each on its own list, never on both.
    mine[0].expires_at = utcnow() - timedelta(hours=1)
    session.commit()
    planner = limits.Planner.for_member(session, keen)
    now = utcnow()
    open_now, lapsed = offers.offers_and_lapsed(session, keen, planner, now=now)
    assert [o.id for o, _fit in open_now] == [mine[1].id]
    assert open_now[0][1].pay_pence > 0
    assert [o.id for o in lapsed] == [mine[0].id]
    # A week later it is no longer shown.
    later = offers.offers_and_lapsed(session, keen, now=now + timedelta(days=7, hours=1))[1]
    assert mine[0].id not in [o.id for o in later]


def test_fair_release_holds_new_shifts_for_members_with_least_work(session, setup):
    svc, _shifts, keen, busy, _paused = setup
    settings.set_value(session, "fair_release_hours", 6)
    settings.set_value(session, "fair_release_group", 1)
    session.commit()
    client = factories.client(session)
    day = today_london() + timedelta(days=10)
    booking = bookings.request_booking(
        session, client, bookings.BookingData(svc.id, "x", day, time(9), time(12), 1), actor_id=1
    )
    [shift] = bookings.confirm_booking(session, booking, actor_id=1)
    assert shift.open_to_all_at is not None
    # "busy" prefers 2 hours and has none: 0/2 = 0 ties with keen 0/20 = 0; the group of 1 is the first
    held_for = [m for m in (keen, busy) if not fair_release.held_for_others(session, shift, m.id, utcnow())]
    assert len(held_for) == 1
    outsider = busy if held_for[0] is keen else keen
    with pytest.raises(DomainError, match="first open to members who have had less work"):
        rota.claim(session, outsider.id, shift.id)
    assert shift.id not in {o.shift.id for o in rota.open_shifts_for(session, outsider)}
    # the member it is held for sees it among their open shifts
    assert shift.id in {o.shift.id for o in rota.open_shifts_for(session, held_for[0])}
    rota.claim(session, outsider.id, shift.id, now=utcnow() + timedelta(hours=7))  # opens to everyone


def test_coordinator_page_and_member_home(web, make_web, session, setup):
    factories.coordinator(session, "coord@example.org")
    web.login("coord@example.org")
    page = web.post(
        "/rota/autofill",
        {"from": today_london().isoformat(), "to": (today_london() + timedelta(days=7)).isoformat()},
    ).get_data(as_text=True)
    assert "4 places could be offered" in page and "Resting" not in page.split("Hours per member")[0]
    pairs = [v for v in page.split('name="proposal" value="')[1:]]
    proposals = [p.split('"')[0] for p in pairs]
    assert len(proposals) == 4
    r = web.post("/rota/autofill/send", {"proposal": proposals})
    assert r.status_code == 302
    member = make_web()
    member.login("keen@example.org")
    home = member.get("/home").get_data(as_text=True)
    assert "Work offered to you" in home and "Saying no is always fine" in home
    offer_id = session.scalars(
        select(Offer.id).join(Offer.shift).where(Offer.member_id == setup[2].id)
    ).first()
    assert member.post(f"/offers/{offer_id}/decline").status_code == 302
    assert "No problem" in member.get("/home").get_data(as_text=True)


def test_autofill_cli(app, session, setup):
    from coop.cli import cli

    result = CliRunner().invoke(
        cli,
        [
            "autofill",
            "--from",
            today_london().isoformat(),
            "--to",
            (today_london() + timedelta(days=7)).isoformat(),
            "--send",
        ],
        obj=ScriptInfo(create_app=lambda: app),
    )
    assert result.exit_code == 0, result.output
    assert "Open places: 4; proposals: 4" in result.output and "Sent 4 offer(s)." in result.output
