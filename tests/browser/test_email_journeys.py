"""From an email to the thing it asks for, in a real browser (four variants, axe on every page
with JavaScript on): the link goes through the sign-in and back to the page where it is done."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from coop.mail.models import OutboxMessage
from coop.rota import offers
from coop.rota import service as rota
from coop.rota.autofill import Proposal
from coop.rota.models import Assignment, Offer
from tests import factories
from tests.conftest import PASSWORD
from tests.factories import unique


def _link_in_email(s, to: str, base_url: str, path: str = "") -> str:
    """The one link in the latest email to `to` (or the one whose path matches `path`)."""
    body = s.scalars(
        select(OutboxMessage.body).where(OutboxMessage.to_address == to).order_by(OutboxMessage.id.desc())
    ).first()
    assert body is not None, f"no email to {to}"
    [link] = [x for x in re.findall(re.escape(base_url) + r"/\S+", body) if re.search(path, x)]
    return link


def _sign_in_on_the_way(ui, email: str) -> None:
    ui.check()
    assert "/login?next=" in ui.page.url
    ui.page.get_by_label("Email address").fill(email)
    ui.page.get_by_label("Password").fill(PASSWORD)
    ui.click("Sign in")


def test_member_answers_an_offer_from_its_email(live, ui):
    s = live.session()
    skill = factories.skill(s, name=unique("Window cleaning"))
    service = factories.service(s, skill, name=unique("Windows"))
    member = factories.member(s, name=unique("Rowan"), email=unique("rowan") + "@example.org", skills=[skill])
    shift = factories.shift(s, service_=service, starts_in=timedelta(days=3, hours=2))
    assert offers.queue_offers(s, [Proposal(shift.id, member.id)]) == 1
    s.commit()
    email, member_id, shift_id = member.user.email, member.id, shift.id
    link = _link_in_email(s, email, live.base_url)
    s.close()

    ui.page.goto(link)
    _sign_in_on_the_way(ui, email)
    assert ui.page.url == link  # back where the email pointed
    ui.sees("Work offered to you")
    ui.page.get_by_role("button", name=re.compile(r"^Yes, I'll do it")).first.click()
    ui.check()
    ui.sees("yours")

    s = live.session()
    held = s.scalar(
        select(Assignment).where(Assignment.member_id == member_id, Assignment.shift_id == shift_id)
    )
    assert held is not None and held.status == "accepted"
    assert s.scalar(select(Offer.status).where(Offer.shift_id == shift_id)) == "accepted"
    s.close()


def test_coordinator_fills_cover_needed_from_its_email(live, ui):
    s = live.session()
    coordinator = factories.coordinator(s, unique("cover") + "@example.org")
    skill = factories.skill(s, name=unique("Catering"))
    service = factories.service(s, skill, name=unique("Lunches"))
    leaver = factories.member(s, name=unique("Sasha"), skills=[skill])
    stand_in = factories.member(s, name=unique("Jordan"), skills=[skill])
    shift = factories.shift(s, service_=service, starts_in=timedelta(hours=6))
    held = rota.claim(s, leaver.id, shift.id)
    assert rota.drop(s, leaver.id, held.id).late
    email, shift_id, stand_in_id, stand_in_name = (
        coordinator.email,
        shift.id,
        stand_in.id,
        stand_in.display_name,
    )
    link = _link_in_email(s, email, live.base_url, r"/fill$")
    s.close()
    assert link.endswith(f"/shifts/{shift_id}/fill")

    ui.page.goto(link)
    _sign_in_on_the_way(ui, email)
    assert ui.page.url == link
    ui.page.get_by_role("button", name=f"Ask {stand_in_name}").click()
    ui.check()

    s = live.session()
    asked = s.scalar(
        select(Assignment.status).where(Assignment.member_id == stand_in_id, Assignment.shift_id == shift_id)
    )
    assert asked == "asked"
    s.close()
