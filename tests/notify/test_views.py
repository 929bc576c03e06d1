"""The notifications page: each person's kinds, their choices saved, quiet hours checked, and the
browser's subscription sent by the page's script (JSON with the CSRF token in a header)."""

from __future__ import annotations

import re

from sqlalchemy import select

from coop.notify.models import NotificationChoice, PushSubscription, QuietHours
from tests import factories
from tests.factories import fresh
from tests.notify.push_service import Browser, b64


def test_a_member_chooses_per_kind_and_quiet_hours(session, make_web):
    m = factories.member(session, email="chooser@example.org")
    web = make_web()
    web.login("chooser@example.org")
    page = web.get("/notifications").get_data(as_text=True)
    assert "Requests to cover a shift" in page and "Shifts offered to you" in page
    assert "New booking requests" not in page  # a coordinator's kind
    assert 'id="push-device"' in page and " hidden>" in page  # the button waits for the script
    form = {"offers": "push", "cover": "both", "swaps": "email", "answers": "none", "reminders": "push"}
    r = web.post("/notifications", form | {"quiet_from": "21:00", "quiet_until": ""})
    assert r.status_code == 200 and "Give both times" in r.get_data(as_text=True)
    fresh(session)
    assert session.scalars(select(NotificationChoice)).all() == []  # nothing changed
    r = web.post("/notifications", form | {"quiet_from": "21:00", "quiet_until": "07:30"})
    assert r.status_code == 302
    fresh(session)
    saved = dict(session.execute(select(NotificationChoice.kind, NotificationChoice.channel)).all())
    assert saved == form
    quiet = session.scalars(select(QuietHours)).one()
    assert (quiet.user_id, quiet.starts.strftime("%H:%M"), quiet.ends.strftime("%H:%M")) == (
        m.user_id,
        "21:00",
        "07:30",
    )
    r = web.post("/notifications", form | {"offers": "loud"})
    assert r.status_code == 200 and "Not a valid choice" in r.get_data(as_text=True)


def test_the_page_script_subscribes_and_unsubscribes_this_browser(session, make_web):
    m = factories.member(session, email="phone@example.org")
    web = make_web()
    web.login("phone@example.org")
    browser = Browser("mine")
    body = {
        "endpoint": "https://push.example.net/send/abc",
        "keys": {"p256dh": browser.p256dh, "auth": b64(browser.auth)},
    }
    no_token = web.client.post("/notifications/subscribe", json=body)
    assert no_token.status_code == 400  # CSRF, as for every form
    headers = {"X-CSRFToken": web.token()}
    r = web.client.post("/notifications/subscribe", json=body, headers=headers)
    assert r.status_code == 201 and r.get_json()["ok"]
    bad = web.client.post(
        "/notifications/subscribe",
        json={"endpoint": "http://10.0.0.1/x", "keys": body["keys"]},
        headers=headers,
    )
    assert bad.status_code == 400 and "cannot be used" in bad.get_json()["message"]
    fresh(session)
    assert session.scalars(select(PushSubscription.user_id)).all() == [m.user_id]
    assert "on for 1 browser" in web.get("/notifications").get_data(as_text=True)
    r = web.client.post("/notifications/unsubscribe", json={"endpoint": body["endpoint"]}, headers=headers)
    assert r.status_code == 200
    fresh(session)
    assert session.scalars(select(PushSubscription)).all() == []


def test_a_coordinator_chooses_their_own_kinds(session, make_web):
    factories.coordinator(session, "runner@example.org")
    web = make_web()
    web.login("runner@example.org")
    page = web.get("/notifications").get_data(as_text=True)
    assert "New booking requests" in page and "needs cover" in page
    assert "Shifts offered to you" not in page
    r = web.post(
        "/notifications", {"requests": "both", "cover_alerts": "push", "quiet_from": "", "quiet_until": ""}
    )
    assert r.status_code == 302


def test_the_demo_member_shows_their_choices(demo, make_web):
    from tests.conftest import signed_in

    page = signed_in(make_web, "member").get("/notifications").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*name="offers"[^>]*value="both"', page)
    assert 'value="21:00"' in page and 'value="08:00"' in page
