"""Every route declares who may use it, anonymous people are sent to sign in on every
non-public route, and roles are enforced."""

import re

import pytest

from coop.access import view_access
from tests import factories

PUBLIC_ENDPOINTS = {
    "home.index",
    "home.healthz",
    "auth.login",
    "auth.accept_invite",
    "auth.reset_password",
    "auth.forgot_password",
    "static",
    "bookings.client_feed",
    "rota.member_feed",
    "directory.index",
    "directory.pdf",
    "invoice_links.invoice",  # the emailed link: the token is the key
    "invoice_links.download",
    "onward.verify",  # an employer checking a member's work record by its code
    "businesses.logo",  # shown on the public business pages
    "businesses.public_page",  # a business's page, with its "Ask us for a quote" form
    "enquiries.interested",  # "Interested in working with us?": anyone may ask
    "enquiries.thanks",
    "i18n.choose",  # a visitor chooses the language of the public pages
    "enquiries.forget",  # the link in an enquirer's acknowledgement: the token is the key
    "enquiries.poster",  # posters and leaflets for surgeries, wards and day centres
    "enquiries.leaflet",
    "phone.web_manifest",  # what a browser reads to install the site (no one's data)
    "phone.service_worker",  # the service worker's script, served from the root for its scope
}


def concrete_urls(app):
    """Every rule with its arguments filled with 1 (or a token), and the methods it takes."""
    for rule in app.url_map.iter_rules():
        url = re.sub(
            r"<(?:[^:>]+:)?([^>]+)>",
            lambda m: "abc" if "token" in m.group(1) or m.group(1) == "key" else "1",
            rule.rule,
        )
        yield rule.endpoint, url, rule.methods - {"HEAD", "OPTIONS"}


def test_every_view_declares_its_access(app):
    undeclared = [
        e for e in app.view_functions if e != "static" and view_access(app.view_functions[e]) is None
    ]
    assert undeclared == []


def test_public_views_are_exactly_the_expected_ones(app):
    public = {e for e in app.view_functions if view_access(app.view_functions[e]) == "public"} | {"static"}
    assert public == PUBLIC_ENDPOINTS


def test_anonymous_is_sent_to_sign_in_on_every_non_public_route(app):
    client = app.test_client()
    app.config["WTF_CSRF_ENABLED"] = False  # reach the access check, not the CSRF check
    checked = 0
    for endpoint, url, methods in concrete_urls(app):
        if endpoint in PUBLIC_ENDPOINTS:
            continue
        for method in methods:
            r = client.open(url, method=method)
            assert r.status_code == 302, (method, url, r.status_code)
            assert r.headers["Location"].startswith("/login?next="), (method, url)
            checked += 1
    assert checked > 10


@pytest.mark.parametrize(
    ("role", "endpoint"), [("member", "coordinator"), ("client", "member"), ("coordinator", "admin")]
)
def test_people_without_the_role_get_403(app, web, session, role, endpoint):
    if role == "member":
        factories.member(session, email="who@example.org")
    else:
        factories.user(session, "who@example.org", (role,))
    web.login("who@example.org")
    refused = 0
    for name, url, methods in concrete_urls(app):
        declared = view_access(app.view_functions[name])
        if declared in (None, "public") or "*" in declared or role in declared:
            continue
        if endpoint not in declared:
            continue
        for method in methods:
            r = web.client.open(url, method=method, data={"csrf_token": web.token()})
            assert r.status_code == 403, (method, url, r.status_code)
            refused += 1
    assert refused > 0


def test_error_pages_are_plain_language(web, session):
    r = web.get("/no-such-page")
    assert r.status_code == 404 and "Page not found" in r.get_data(as_text=True)


def test_security_headers_and_cookie_flags(web, session):
    factories.user(session, "a@example.org")
    r = web.get("/login")
    csp = r.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in r.headers  # only over https
    https = web.client.get("/login", base_url="https://coop.test")
    assert https.headers["Strict-Transport-Security"].startswith("max-age=")


def test_session_cookie_is_secure_httponly_samesite(app, web, session):
    factories.user(session, "a@example.org")
    r = web.login("a@example.org")
    cookie = r.headers["Set-Cookie"]
    assert (
        "coop_session=" in cookie and "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    )
