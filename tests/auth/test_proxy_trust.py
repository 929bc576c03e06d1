"""Behind a reverse proxy every visitor reaches the app from the proxy's address (issue 33,
problem 5). With TRUSTED_PROXIES=1 the app believes the proxy's X-Forwarded-For, so one
stranger's wrong guesses slow down only that stranger; with the default (0) the header is
ignored, so nobody can pick an address to dodge a throttle."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from coop.app import create_app
from coop.auth.models import LoginAttempt
from coop.auth.service import THROTTLED_ERROR
from coop.mail.models import OutboxMessage
from coop.onward import service as records
from tests import factories
from tests.conftest import PASSWORD, app_config
from tests.invoicing.test_invoice_emails import issued, link_in
from tests.onward.test_records import member_with_history

STRANGER, CONTACT = "203.0.113.5", "198.51.100.7"


@pytest.fixture(params=[0, 1], ids=["default-no-proxy-trusted", "one-trusted-proxy"])
def app(request: pytest.FixtureRequest, db_url: str, tmp_path: Path) -> Iterator[Flask]:
    application = create_app({**app_config(db_url, tmp_path), "TRUSTED_PROXIES": request.param})
    yield application
    application.extensions["coop_db"][0].dispose()


def _from(address: str) -> dict[str, dict[str, str]]:
    return {"headers": {"X-Forwarded-For": address}}


def _wrong(web, kind: str, i: int, address: str) -> int:
    if kind == "link":
        return web.get(f"/invoice-link/not-a-link-{i}", **_from(address)).status_code
    if kind == "verify":
        return web.get(f"/verify/WRONG-CODE-{i:04d}", **_from(address)).status_code
    if kind == "login":
        r = web.post("/login", {"email": f"ghost{i}@example.org", "password": "nope"}, **_from(address))
        return 429 if THROTTLED_ERROR in r.get_data(as_text=True) else r.status_code
    return web.post("/forgot", {"email": f"ghost{i}@example.org"}, **_from(address)).status_code


def _real(web, session, kind: str, facts: dict[str, str], address: str) -> bool:
    """Did the genuine visitor get through?"""
    if kind == "link":
        return web.get(facts["link"], **_from(address)).status_code == 200
    if kind == "verify":
        return web.get(f"/verify/{facts['code']}", **_from(address)).status_code == 200
    if kind == "login":
        return (
            web.post(
                "/login", {"email": "real@example.org", "password": PASSWORD}, **_from(address)
            ).status_code
            == 302
        )
    web.post("/forgot", {"email": "real@example.org"}, **_from(address))
    session.expire_all()
    return bool(
        session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == "real@example.org")).all()
    )


@pytest.mark.parametrize("kind", ["link", "verify", "login", "reset"])
def test_a_strangers_guesses_lock_out_only_the_stranger_behind_a_trusted_proxy(app, session, make_web, kind):
    trusted = app.config["TRUSTED_PROXIES"]
    facts = {}
    if kind == "link":
        client = factories.client(session, billing_email="bills@bakery.example")
        issued(session, Path(app.config["INVOICE_DIR"]), client)
        [email] = session.scalars(
            select(OutboxMessage).where(OutboxMessage.to_address == "bills@bakery.example")
        )
        facts["link"] = link_in(email.body)
    elif kind == "verify":
        facts["code"] = records.make_record(
            session, member_with_history(session), {"kinds"}, name_as="neutral"
        ).code
    else:
        factories.user(session, "real@example.org")
    stranger, contact = make_web(), make_web()
    # Without trust the stranger may send any X-Forwarded-For: it changes nothing.
    for i in range(20):
        assert _wrong(stranger, kind, i, STRANGER if trusted else f"203.0.113.{i}") != 429
    if kind != "reset":  # the reset form answers the same either way, by design
        assert _wrong(stranger, kind, 99, STRANGER) == 429
    assert _real(contact, session, kind, facts, CONTACT) is bool(trusted)
    session.rollback()  # read what the requests wrote
    noted = set(session.scalars(select(LoginAttempt.ip).where(LoginAttempt.kind == kind)))
    expected = {STRANGER} if trusted else {"127.0.0.1"}
    if kind == "reset" and trusted:
        expected.add(CONTACT)  # every reset request counts, answered or not
    assert noted == expected
