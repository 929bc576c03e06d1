"""Cover when someone can't come, in a real browser (four variants, phone among them; axe on
every page with JavaScript on): a member says "I can't make it" from the reminder email, another
takes the cover from theirs, and a coordinator watches the cover board."""

from __future__ import annotations

import re
from datetime import time, timedelta

from sqlalchemy import select

from coop.cover import service as cover
from coop.rota import service as rota
from coop.rota.models import Assignment
from coop.timeutil import london_to_utc, today_london, utcnow
from tests import factories
from tests.browser.test_email_journeys import _link_in_email, _sign_in_on_the_way
from tests.factories import unique


def test_cant_make_it_from_the_reminder_and_cover_taken_from_an_email(live, ui):
    s = live.session()
    skill = factories.skill(s, name=unique("Gardening"))
    service = factories.service(s, skill, name=unique("Gardens"))
    leaver = factories.member(s, name=unique("Robin"), email=unique("robin") + "@example.org", skills=[skill])
    helper = factories.member(s, name=unique("Kit"), email=unique("kit") + "@example.org", skills=[skill])
    start = london_to_utc(today_london() + timedelta(days=1), time(10))
    shift = factories.shift(s, service_=service, starts_in=start - utcnow(), hours=2)
    rota.claim(s, leaver.id, shift.id)
    evening = london_to_utc(today_london(), time(19))
    assert rota.queue_shift_reminders(s, base_url=live.base_url, now=evening) >= 1
    leaver_email, helper_email = leaver.user.email, helper.user.email
    helper_id, shift_id = helper.id, shift.id
    link = _link_in_email(s, leaver_email, live.base_url, r"/drop$")
    s.close()

    ui.page.goto(link)
    _sign_in_on_the_way(ui, leaver_email)
    ui.sees("never held against you")
    ui.click("I can't make it")
    ui.sees("asking other members to cover it")

    ui.page.context.clear_cookies()
    s = live.session()
    offer_link = _link_in_email(s, helper_email, live.base_url, r"/cover/offers/\d+$")
    s.close()
    ui.page.goto(offer_link)
    _sign_in_on_the_way(ui, helper_email)
    ui.page.get_by_role("button", name=re.compile("^Yes, I can do it")).click()
    ui.check()
    ui.sees("The shift is yours")

    s = live.session()
    holder = s.scalar(
        select(Assignment.member_id).where(Assignment.shift_id == shift_id, Assignment.status == "accepted")
    )
    assert holder == helper_id
    s.close()


def test_coordinator_watches_the_cover_board(live, ui):
    s = live.session()
    skill = factories.skill(s, name=unique("Catering"))
    service = factories.service(s, skill, name=unique("Lunches"))
    leaver = factories.member(s, name=unique("Ash"), skills=[skill])
    waiting = factories.member(s, name=unique("Bea"), skills=[skill])
    email = unique("coordinator") + "@example.org"
    factories.coordinator(s, email)
    shift = factories.shift(s, service_=service, starts_in=timedelta(hours=5))
    held = rota.claim(s, leaver.id, shift.id)
    cover.cant_make_it(s, leaver.id, held.id)
    name = waiting.display_name
    s.close()

    ui.login(email, factories.PASSWORD)
    ui.click("Cover board", role="link")
    ui.sees("Cover board")
    ui.sees(f"Asked, waiting for an answer: {name}")
    ui.page.get_by_role("button", name=re.compile("^Ask everyone who could")).first.click()
    ui.check()
    ui.sees("Asked 0 more members")  # everyone who could was asked in the first wave
