import re

from sqlalchemy import func, select

from coop.auth.models import User
from coop.mail.models import OutboxMessage
from tests import factories
from tests.conftest import PASSWORD


def outbox(session):
    session.expire_all()
    return session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def link_in(message, base="http://coop.test"):
    match = re.search(re.escape(base) + r"(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def test_sign_in_and_out(web, session):
    factories.member(session, name="Priya Shah", email="priya@example.org")
    r = web.login("priya@example.org")
    assert r.status_code == 302 and r.headers["Location"] == "/home"
    assert "Hello, Priya Shah" in web.get("/home").get_data(as_text=True)
    web.logout()
    assert web.get("/home").status_code == 302


def test_wrong_password_and_unknown_email_get_the_same_message(web, session):
    factories.user(session, "a@example.org")
    wrong = web.login("a@example.org", "not-the-password").get_data(as_text=True)
    unknown = web.login("ghost@example.org", "not-the-password").get_data(as_text=True)
    expected = "That email and password do not match an account"
    assert expected in wrong and expected in unknown
    assert web.get("/home").status_code == 302  # still signed out


def test_lockout_after_repeated_failures(web, session):
    factories.user(session, "a@example.org")
    for _ in range(5):
        web.login("a@example.org", "not-the-password")
    page = web.login("a@example.org").get_data(as_text=True)
    assert "Too many attempts" in page
    assert web.get("/home").status_code == 302


def test_login_follows_only_local_next(web, session):
    factories.user(session, "a@example.org")
    r = web.post("/login", {"email": "a@example.org", "password": PASSWORD, "next": "https://evil.example/x"})
    assert r.headers["Location"] == "/home"
    web.logout()
    r = web.post("/login", {"email": "a@example.org", "password": PASSWORD, "next": "/account/password"})
    assert r.headers["Location"] == "/account/password"


def test_login_starts_a_fresh_session(web, session):
    factories.user(session, "a@example.org")
    web.get("/login")
    before = web.client.get_cookie("coop_session").value
    web.login("a@example.org")
    after = web.client.get_cookie("coop_session").value
    assert before != after


def test_missing_csrf_token_is_refused_and_writes_nothing(web, session):
    factories.user(session, "a@example.org")
    r = web.post("/login", {"email": "a@example.org", "password": PASSWORD}, csrf=False)
    assert r.status_code == 400
    assert "nothing was changed" in r.get_data(as_text=True)
    assert web.get("/home").status_code == 302


def test_invitation_journey(web, make_web, session):
    factories.coordinator(session, "coord@example.org")
    skill = factories.skill(session, "Gardening")
    web.login("coord@example.org")
    r = web.post(
        "/members/invite",
        {"email": "New.Person@Example.org", "display_name": "Kofi Mensah", "skills": [str(skill.id)]},
    )
    assert r.status_code == 302
    [message] = outbox(session)
    assert message.to_address == "new.person@example.org"
    assert "invited to join" in message.subject
    link = link_in(message)

    newcomer = make_web()
    page = newcomer.get(link).get_data(as_text=True)
    assert "new.person@example.org" in page
    weak = newcomer.post(link, {"password": "password1", "confirm": "password1"})
    assert "too common" in weak.get_data(as_text=True)
    mismatch = newcomer.post(link, {"password": "river-lantern-pebble", "confirm": "river-lantern-pebbl"})
    assert "The two passwords are different" in mismatch.get_data(as_text=True)
    ok = newcomer.post(link, {"password": "river-lantern-pebble", "confirm": "river-lantern-pebble"})
    assert ok.status_code == 302
    assert "Hello, Kofi Mensah" in newcomer.get("/home").get_data(as_text=True)
    # the link works only once
    again = make_web().get(link)
    assert again.status_code == 400 and "already been used" in again.get_data(as_text=True)


def test_inviting_an_existing_email_is_refused(web, session):
    factories.coordinator(session, "coord@example.org")
    factories.user(session, "taken@example.org")
    web.login("coord@example.org")
    page = web.post("/members/invite", {"email": "taken@example.org", "display_name": "X"}).get_data(
        as_text=True
    )
    assert "already an account" in page
    assert outbox(session) == []


def test_tampered_and_expired_links(web, app, session):
    u = factories.user(session, "a@example.org")
    from coop.auth.service import make_token

    token = make_token(app.config["SECRET_KEY"], u, "reset")
    r = web.get(f"/reset/{token}x")
    assert r.status_code == 400 and "not valid" in r.get_data(as_text=True)
    app.config["RESET_MAX_AGE"] = -1
    r = web.get(f"/reset/{token}")
    assert r.status_code == 400 and "expired" in r.get_data(as_text=True)


def test_password_reset_journey(web, make_web, session):
    factories.user(session, "a@example.org")
    r = web.post("/forgot", {"email": "a@example.org"})
    assert r.status_code == 302
    unknown = web.post("/forgot", {"email": "ghost@example.org"}, follow_redirects=True)
    assert "If that address has an account" in unknown.get_data(as_text=True)
    [message] = outbox(session)  # nothing queued for the unknown address
    link = link_in(message)
    other = make_web()
    r = other.post(link, {"password": "river-lantern-pebble", "confirm": "river-lantern-pebble"})
    assert r.status_code == 302
    other.logout()
    assert other.login("a@example.org", "river-lantern-pebble").status_code == 302
    assert make_web().login("a@example.org", PASSWORD).status_code == 200  # old password gone


def test_reset_requests_are_throttled_without_saying_so(web, session):
    factories.user(session, "a@example.org")
    for _ in range(8):
        r = web.post("/forgot", {"email": "a@example.org"}, follow_redirects=True)
        assert "If that address has an account" in r.get_data(as_text=True)
    assert len(outbox(session)) == 5


def test_change_password(web, make_web, session):
    factories.user(session, "a@example.org")
    web.login("a@example.org")
    other_device = make_web()
    other_device.login("a@example.org")
    bad = web.post(
        "/account/password",
        {"current_password": "wrong", "password": "river-lantern-pebble", "confirm": "river-lantern-pebble"},
    )
    assert "current password is not right" in bad.get_data(as_text=True)
    ok = web.post(
        "/account/password",
        {"current_password": PASSWORD, "password": "river-lantern-pebble", "confirm": "river-lantern-pebble"},
    )
    assert ok.status_code == 302
    assert web.get("/home").status_code == 200  # this session stays signed in
    assert other_device.get("/home").status_code == 302  # other sessions are signed out


def test_bad_form_input_writes_nothing(web, session):
    factories.coordinator(session, "coord@example.org")
    web.login("coord@example.org")
    before = session.scalar(select(func.count()).select_from(User))
    page = web.post("/members/invite", {"email": "not-an-email", "display_name": ""}).get_data(as_text=True)
    assert "There is a problem" in page and "Enter an email address" in page
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(User)) == before
