"""CSRF on every state-changing request, and no state change on any GET."""

from sqlalchemy import func, select, text

from coop.demo.service import DEMO_LOGINS
from coop.schema import Base
from tests import factories
from tests.test_access import concrete_urls


def test_every_post_without_a_csrf_token_is_refused(app, demo, make_web):
    web = make_web()
    web.login("admin@demo.coop.works", DEMO_LOGINS["password"])
    posts = 0
    for endpoint, url, methods in concrete_urls(app):
        if "POST" not in methods:
            continue
        r = web.client.post(url, data={"anything": "x"})
        assert r.status_code == 400, (endpoint, url, r.status_code)
        posts += 1
    assert posts > 40


def _counts(session):
    return {t.name: session.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


def test_no_get_request_changes_anything(app, demo, make_web):
    session = demo
    webs = []
    for role in ("admin", "coordinator", "member", "client"):
        web = make_web()
        web.login(dict(DEMO_LOGINS["accounts"])[role], DEMO_LOGINS["password"])
        webs.append(web)
    session.rollback()
    before = _counts(session)
    sessions_before = session.execute(text("SELECT id, status, filled FROM shift ORDER BY id")).all()
    gets = 0
    for endpoint, url, methods in concrete_urls(app):
        if "GET" not in methods or endpoint == "static" or url.endswith(".pdf"):
            continue
        for web in webs:
            assert web.get(url).status_code < 500, (endpoint, url)
            gets += 1
    session.rollback()
    after = _counts(session)
    # Visiting pages only ever closes due proposals / completes finished bookings (derived state),
    # and data exports are written to the audit log (as they must be); no business record changes.
    logs = ("outbox_message", "booking_event", "login_attempt", "audit_entry")
    assert {k: v for k, v in after.items() if k not in logs} == {
        k: v for k, v in before.items() if k not in logs
    }
    assert session.execute(text("SELECT id, status, filled FROM shift ORDER BY id")).all() == sessions_before
    assert gets > 100


def test_id_zero_is_not_found_and_creates_nothing(web, session):
    from coop.bookings.models import Client, Service
    from coop.directory.models import DirectoryEntry

    factories.coordinator(session, "coord@example.org")
    web.login("coord@example.org")
    before = [session.scalar(select(func.count()).select_from(m)) for m in (Client, Service, DirectoryEntry)]
    for url in ("/clients/0", "/services/0", "/directory/manage/0"):
        assert web.get(url).status_code == 404, url
        assert web.post(url, {"name": "Zero", "title": "Zero"}).status_code == 404, url
    session.rollback()
    after = [session.scalar(select(func.count()).select_from(m)) for m in (Client, Service, DirectoryEntry)]
    assert after == before
