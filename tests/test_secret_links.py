"""Pages opened by a secret in their address (issue 33, problem 4): the secret is kept only as a
digest, never written in a log line, never cached, never passed on as a Referer, and an email
keeps its link only until it is sent."""

from __future__ import annotations

import io
import logging
import re
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from gunicorn.config import Config
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from coop.access import SECRET_LINK_HEADERS, is_secret_link
from coop.access_log import RedactFilter, RedactingLogger, redact
from coop.auth.service import make_token
from coop.bookings.clients import regenerate_client_feed
from coop.enquiries import service as enquiries
from coop.mail import service as mail
from coop.mail.models import OutboxMessage
from coop.onward import service as records
from coop.rota import service as rota
from coop.secret_tokens import digest
from tests import factories
from tests.enquiries.helpers import data as enquiry_data
from tests.enquiries.helpers import forget_path
from tests.enquiries.helpers import link_for as enquiry_link
from tests.invoicing.test_invoice_emails import issued, link_in
from tests.mail.test_outbox import Collector, settings_for, smtp_server  # noqa: F401  (a fixture)
from tests.onward.test_records import member_with_history
from tests.pg import free_port

# Every route that a secret in its address opens. A new one must be added here and marked
# @secret_link (test_every_public_route_with_a_secret_is_marked fails otherwise).
SECRET_ROUTES = {
    "/invoice-link/<token>",
    "/invoice-link/<token>/<kind>.pdf",
    "/invite/<token>",
    "/reset/<token>",
    "/calendar/member/<token>.ics",
    "/calendar/client/<token>.ics",
    "/verify/<code>",
    "/verify",  # the same page, where a code is typed in (it arrives as ?code=)
    "/interested/forget/<token>",  # an enquirer deleting what they told us
}


@pytest.fixture
def secrets_in_use(app, session):
    """A real secret for each secret route, and the invoice it opens."""
    invoice = issued(
        session, Path(app.config["INVOICE_DIR"]), factories.client(session, billing_email="b@x.example")
    )
    [email] = session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == "b@x.example"))
    invoice_link = link_in(email.body)
    user = factories.user(session, "reset@example.org")
    member = member_with_history(session)
    rec = records.make_record(session, member, {"kinds"}, name_as="neutral")
    key = app.config["SECRET_KEY"]
    client = invoice.client
    return {
        "/invoice-link/<token>": invoice_link,
        "/invoice-link/<token>/<kind>.pdf": invoice_link + "/invoice.pdf",
        "/invite/<token>": f"/invite/{make_token(key, user, 'invite')}",
        "/reset/<token>": f"/reset/{make_token(key, user, 'reset')}",
        "/calendar/member/<token>.ics": f"/calendar/member/{rota.regenerate_feed(session, member)}.ics",
        "/calendar/client/<token>.ics": f"/calendar/client/{regenerate_client_feed(session, client)}.ics",
        "/verify/<code>": f"/verify/{rec.code}",
        "/verify": f"/verify?code={rec.code}",
        "/interested/forget/<token>": _forget_link(session),
    }


def _forget_link(session) -> str:
    enquiries.receive(session, enquiry_data(email="ask@example.org"), ip="10.1.1.1", link_for=enquiry_link)
    [email] = session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == "ask@example.org"))
    return forget_path(email.body)


def secret_of(url: str) -> str:
    """The token or code in a secret link."""
    if "?code=" in url:
        return url.split("?code=")[1]
    prefixes = ("/calendar/member/", "/calendar/client/", "/interested/forget/", "/")
    prefix = next(p for p in prefixes if url.startswith(p))
    return url.removeprefix(prefix).split("/")[1 if prefix == "/" else 0].removesuffix(".ics")


def test_every_public_route_with_a_secret_is_marked(app):
    marked = {r.rule for r in app.url_map.iter_rules() if is_secret_link(app.view_functions[r.endpoint])}
    assert marked == SECRET_ROUTES
    public_with_secret = {
        r.rule
        for r in app.url_map.iter_rules()
        if getattr(app.view_functions[r.endpoint], "_coop_public", False) and {"token", "code"} & r.arguments
    }
    assert public_with_secret <= marked
    # and the log redaction covers each of them
    for rule in SECRET_ROUTES:
        url = re.sub(r"<(\w+)>", lambda m: "invoice" if m.group(1) == "kind" else "S3CRETs3cret", rule)
        assert "S3CRET" not in redact(url), rule


def test_secret_link_pages_are_never_stored_nor_passed_on(secrets_in_use, make_web):
    anon = make_web()
    for rule, url in secrets_in_use.items():
        secret = secret_of(url)
        for attempt in (url, url.replace(secret, "Q" + secret[1:])):
            r = anon.get(attempt)
            assert r.status_code < 500, attempt
            for name, value in SECRET_LINK_HEADERS.items():
                assert r.headers.get(name) == value, (rule, attempt, r.status_code, name)
        assert anon.get(url).status_code == 200, rule
    # an ordinary public page keeps the site's usual policy
    assert make_web().get("/login").headers["Referrer-Policy"] == "same-origin"


def test_the_access_log_never_prints_a_secret(secrets_in_use):
    stream = io.StringIO()
    cfg = Config()
    cfg.set("accesslog", "-")
    logger = RedactingLogger(cfg)
    logger.access_log.handlers = [logging.StreamHandler(stream)]
    for url in [*secrets_in_use.values(), "/login?next=/invoice-link/abc&email=sam%40example.org"]:
        path, _, query = url.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "RAW_URI": url,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "203.0.113.9",
            "HTTP_REFERER": "https://coop.example" + url,
        }
        resp = SimpleNamespace(status="200 OK", sent=10, headers=[])
        req = SimpleNamespace(headers=[("REFERER", "https://coop.example" + url)])
        logger.access(resp, req, environ, timedelta(milliseconds=5))
    lines = stream.getvalue().splitlines()
    assert len(lines) == len(secrets_in_use) + 1
    secrets = [secret_of(u) for u in secrets_in_use.values()]
    assert all(len(x) >= 16 for x in secrets)
    for line in lines:
        assert "[redacted]" in line and "203.0.113.9" in line
        for secret in [*secrets, "sam%40example.org", "abc"]:
            assert secret not in line, line
    assert any('"GET /invoice-link/[redacted]/invoice.pdf HTTP/1.1" 200' in line for line in lines)


def test_an_error_on_a_secret_page_is_logged_without_the_secret():
    record = logging.LogRecord(
        "coop", logging.ERROR, __file__, 1, "Exception on %s [%s]", ("/reset/abc123", "GET"), None
    )
    assert RedactFilter().filter(record)
    assert record.getMessage() == "Exception on /reset/[redacted] [GET]"


def test_a_sent_email_keeps_no_secret_link(app, session, make_web, smtp_server):  # noqa: F811
    controller, handler = smtp_server
    issued(session, Path(app.config["INVOICE_DIR"]), factories.client(session, billing_email="b@x.example"))
    factories.user(session, "sam@example.org")
    anon = make_web()
    assert anon.post("/forgot", {"email": "sam@example.org"}).status_code == 302
    session.expire_all()
    waiting = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert len(waiting) == 2 and all(m.secret_link and m.secret_link in m.body for m in waiting)
    assert mail.send_pending(session, settings_for(controller)) == (2, 0)
    sent = {tos[0]: msg.get_body(preferencelist=("plain",)).get_content() for tos, msg in handler.messages}
    invoice_link = link_in(sent["b@x.example"])
    reset_link = re.search(r"http://coop\.test(/reset/\S+)", sent["sam@example.org"]).group(1)
    session.expire_all()
    kept = session.scalars(select(OutboxMessage)).all()
    for m in kept:
        assert m.sent_at is not None and m.secret_link is None
        assert invoice_link not in m.body and reset_link not in m.body
        assert mail.LINK_REMOVED in m.body
    # nowhere in the database: the invoice link's token is kept only as its digest
    token = invoice_link.rsplit("/", 1)[1]
    dump = " ".join(str(v) for m in kept for v in (m.body, m.subject, m.secret_link))
    assert token not in dump
    assert (
        session.scalar(
            text("SELECT count(*) FROM invoice_link WHERE token_sha256 = :d"), {"d": digest(token)}
        )
        == 1
    )
    # the links the people received still work
    assert anon.get(invoice_link).status_code == 200
    assert anon.get(reset_link).status_code == 200
    # and the database refuses a sent email that still holds one
    m_id = kept[0].id
    session.rollback()
    with pytest.raises(IntegrityError):
        session.execute(text("UPDATE outbox_message SET secret_link = 'x' WHERE id = :i"), {"i": m_id})
        session.commit()
    session.rollback()


class Refuser(Collector):
    async def handle_DATA(self, server, session, envelope):
        return "550 No such mailbox"


def test_an_email_given_up_on_keeps_no_secret_link(session):
    handler = Refuser()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        message = mail.queue(
            session, "gone@example.org", "password_reset", link="http://coop.test/reset/S3CRET"
        )
        session.commit()
        for attempt in range(1, mail.MAX_ATTEMPTS + 1):
            assert mail.send_pending(session, settings_for(controller)) == (0, 1)
            session.expire_all()
            kept = session.get(OutboxMessage, message.id)
            assert kept.attempts == attempt
            assert ("S3CRET" in kept.body) is (attempt < mail.MAX_ATTEMPTS)
        assert kept.secret_link is None and mail.LINK_REMOVED in kept.body and kept.sent_at is None
        assert mail.send_pending(session, settings_for(controller)) == (0, 0)  # not tried again
    finally:
        controller.stop()


def test_calendar_feeds_are_kept_only_as_digests(app, session, make_web):
    member = member_with_history(session)
    client = factories.client(session)
    member_token = rota.regenerate_feed(session, member)
    client_token = regenerate_client_feed(session, client)
    rows = session.execute(text("SELECT token_sha256 FROM member_feed")).scalars().all()
    assert rows == [digest(member_token)]
    assert session.scalar(
        text("SELECT feed_token_sha256 FROM client WHERE id = :i"), {"i": client.id}
    ) == digest(client_token)
    anon = make_web()
    assert anon.get(f"/calendar/member/{member_token}.ics").status_code == 200
    assert anon.get(f"/calendar/client/{client_token}.ics").status_code == 200
    assert (
        anon.get(f"/calendar/member/{digest(member_token)}.ics").status_code == 404
    )  # the digest opens nothing


@pytest.mark.parametrize("purpose", ["reset", "invite"])
def test_password_forms_work_over_https_without_a_referer(app, session, purpose):
    """no-referrer means the browser sends no Referer with the form: the CSRF token alone
    protects it (Flask-WTF's https Referer check would refuse every such form)."""
    user = factories.user(session, "sam@example.org", password=None)
    url = f"/{purpose}/{make_token(app.config['SECRET_KEY'], user, purpose)}"
    browser = app.test_client()
    page = browser.get(url, base_url="https://coop.test")
    assert page.headers["Referrer-Policy"] == "no-referrer"
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page.get_data(as_text=True))
    new = {"password": "green-window-evening-7", "confirm": "green-window-evening-7"}
    assert browser.post(url, base_url="https://coop.test", data=new).status_code == 400  # no token
    r = browser.post(url, base_url="https://coop.test", data={**new, "csrf_token": token.group(1)})
    assert r.status_code == 302 and r.headers["Location"].endswith("/home")
    session.expire_all()
    assert session.get(type(user), user.id).password_hash
