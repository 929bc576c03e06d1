"""Readable without signal: the one page a member's phone keeps, who it is kept for, and what
tells the service worker to keep or drop it."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from coop.auth.models import User
from coop.bookings.models import ClientContact
from coop.phone.offline import person_key
from coop.rota import service as rota
from tests import factories
from tests.factories import fresh

ROOT = Path(__file__).resolve().parents[2]


def _held(session, member, *, days: float, address: str) -> None:
    svc = factories.service(session, member.skills[0])
    client = factories.client(session, contact_email=f"contact{address[:3]}{days}@example.org")
    contact = session.query(ClientContact).filter_by(client_id=client.id).one()
    contact.name, contact.phone = "Dana at the desk", "07700 900123"
    shift = factories.shift(session, service_=svc, client_=client, starts_in=timedelta(days=days))
    shift.site_address = address
    session.commit()
    rota.claim(session, member.id, shift.id)


def test_the_kept_page_has_the_next_two_weeks_and_how_to_get_help(session, make_web, app):
    skill = factories.skill(session)
    m = factories.member(session, email="keeps@example.org", skills=[skill])
    _held(session, m, days=2, address="12 Soon Street")
    _held(session, m, days=20, address="40 Later Lane")
    other = factories.member(session, email="someone@example.org", skills=[skill])
    _held(session, other, days=3, address="9 Other Road")
    web = make_web()
    web.login("keeps@example.org")
    r = web.get("/shifts/offline")
    page = r.get_data(as_text=True)
    assert "12 Soon Street" in page and "Dana at the desk" in page and "07700 900123" in page
    assert "40 Later Lane" not in page and "9 Other Road" not in page
    assert "01234 567890" in page and "Last updated" in page
    # kept only by the service worker, for this person: never by the browser's HTTP cache
    assert r.headers["X-Coop-Offline"] == "keep"
    assert r.headers["Cache-Control"] == "no-store"
    fresh(session)
    user = session.get(User, m.user_id)
    key = person_key(app.config["SECRET_KEY"], user.id, user.session_token)
    assert r.headers["X-Coop-Person"] == key
    assert f'<meta name="coop-person" content="{key}">' in page
    assert re.fullmatch(r"[0-9a-f]{32}", key)  # a digest: no id or email to read in it


def test_each_person_has_their_own_key_and_only_members_have_one(session, make_web):
    factories.member(session, email="one@example.org")
    factories.member(session, email="two@example.org")
    factories.coordinator(session, "runs@example.org")
    keys = []
    for email in ("one@example.org", "two@example.org"):
        web = make_web()
        web.login(email)
        keys.append(web.get("/home").headers["X-Coop-Person"])
    assert keys[0] != keys[1]
    coordinator = make_web()
    coordinator.login("runs@example.org")
    for url in ("/home", "/invoices", "/rota"):
        response = coordinator.get(url)
        assert "X-Coop-Person" not in response.headers, url  # the worker drops any kept copy
        assert 'name="coop-person"' not in response.get_data(as_text=True)
    anonymous = make_web()
    assert "X-Coop-Person" not in anonymous.get("/login").headers


def test_signing_out_clears_what_the_browser_kept(session, make_web):
    factories.member(session, email="leaving@example.org")
    web = make_web()
    web.login("leaving@example.org")
    r = web.logout()
    assert r.status_code == 302
    assert r.headers["Clear-Site-Data"] == '"cache", "storage"'


def test_the_service_worker_is_served_from_the_root_and_keeps_only_the_one_page(web):
    r = web.get("/sw.js")
    assert r.status_code == 200 and r.mimetype == "text/javascript"
    assert r.headers["Cache-Control"] == "no-cache"
    source = r.get_data(as_text=True)
    # one put, of the offline page, checked to be the same person's and marked for keeping
    assert re.findall(r"cache\.put\(([A-Z_]+)", source) == ["OFFLINE_URL"]
    assert 'const OFFLINE_URL = "/shifts/offline";' in source
    assert 'response.headers.get("X-Coop-Person") === key' in source
