"""Each signed-in person chooses their language and reading style on their account page, reached
from the menu; the page then shows in their choice. Bad values are refused on the form. A visitor
switches the language of the public pages from the footer."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from coop.auth import service as auth
from coop.auth.models import User
from coop.errors import DomainError
from tests import factories
from tests.factories import fresh
from tests.i18n.conftest import PSEUDO

ROLES = {
    "member": ("member",),
    "coordinator": ("coordinator",),
    "client": ("client",),
    "admin": ("admin",),
}


def _user(session, email: str) -> User:
    session.rollback()
    session.expire_all()  # the test's session keeps what it loaded after a commit: read it again
    return session.scalars(select(User).where(User.email == email)).one()


@pytest.mark.parametrize("role", ROLES)
def test_each_person_chooses_from_the_menu_and_reads_the_site_in_their_choice(session, web, role):
    email = f"{role}@example.org"
    if role == "member":
        factories.member(session, email=email)
    else:
        factories.user(session, email, ROLES[role])
    web.login(email)
    home = web.get("/home").get_data(as_text=True)
    assert 'href="/account/language"' in home  # in their menu
    page = web.get("/account/language").get_data(as_text=True)
    assert PSEUDO not in page and 'value="en-XA"' in page and 'value="easy"' in page
    r = web.post("/account/language", {"language": "en-XA", "style": "easy"})
    assert r.status_code == 302 and urlsplit(r.headers["Location"]).path == "/account/language", r.headers
    user = _user(session, email)
    assert (user.language, user.easy_read) == ("en-XA", True)
    after = web.get("/account/language").get_data(as_text=True)
    assert '<html lang="en-XA"' in after and 'class="easy-read"' in after
    assert PSEUDO in after.split("<main")[1]  # the page's own words, and the message that it is saved
    back = web.post("/account/language", {"language": "en", "style": "standard"})
    assert back.status_code == 302
    assert PSEUDO not in web.get("/home").get_data(as_text=True)


def test_bad_values_are_refused_on_the_form_and_nothing_changes(session, web, app):
    factories.member(session, email="m@example.org")
    web.login("m@example.org")
    for data in (
        {"language": "xx", "style": "standard"},
        {"language": "en", "style": "fancy"},
        {"language": "en"},
        {"language": "", "style": "easy"},
    ):
        r = web.post("/account/language", data)
        assert r.status_code == 200 and "error-summary" in r.get_data(as_text=True)
    app.config["PSEUDO_LANGUAGES"] = False  # a real site never offers the pseudo-languages
    assert 'value="en-XA"' not in web.get("/account/language").get_data(as_text=True)
    assert web.post("/account/language", {"language": "en-XA", "style": "standard"}).status_code == 200
    user = _user(session, "m@example.org")
    assert (user.language, user.easy_read) == ("en", False)
    assert web.post("/account/language", {"language": "pl", "style": "standard"}).status_code == 302
    assert _user(session, "m@example.org").language == "pl"


def test_the_service_refuses_what_the_co_op_does_not_offer(session):
    user = factories.user(session, "s@example.org")
    with pytest.raises(DomainError) as bad:
        auth.choose_reading(session, user.id, "klingon", "standard")
    assert bad.value.field == "language"
    with pytest.raises(DomainError) as bad:
        auth.choose_reading(session, user.id, "pl", "shouting")
    assert bad.value.field == "style"
    auth.choose_reading(session, user.id, "pl", "easy")
    fresh(session)
    assert session.get(User, user.id).reading.language == "pl"
    assert session.get(User, user.id).reading.easy


def test_a_members_profile_links_to_the_choice(session, web):
    factories.member(session, email="p@example.org")
    web.login("p@example.org")
    assert 'href="/account/language"' in web.get("/me").get_data(as_text=True)


def test_a_visitor_switches_the_language_of_the_public_pages(web, app):
    assert PSEUDO not in web.get("/").get_data(as_text=True)
    r = web.post("/language", {"language": "en-XA", "next": "/directory"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/directory")
    page = web.get("/").get_data(as_text=True)
    assert '<html lang="en-XA" dir="ltr"' in page and PSEUDO in page
    assert web.post("/language", {"language": "ar-XB", "next": "/"}).status_code == 302
    assert '<html lang="ar-XB" dir="rtl"' in web.get("/").get_data(as_text=True)
    # somewhere else is never where the switch sends people; an unknown language changes nothing
    assert web.post("/language", {"language": "xx", "next": "//evil.example/"}).headers["Location"] == "/"
    assert '<html lang="ar-XB"' in web.get("/").get_data(as_text=True)
    assert web.post("/language", {"language": "en", "next": "/"}).status_code == 302
    assert PSEUDO not in web.get("/").get_data(as_text=True)
    app.config["PSEUDO_LANGUAGES"] = False
    web.post("/language", {"language": "en-XA", "next": "/"})
    assert '<html lang="en"' in web.get("/").get_data(as_text=True)


def test_a_visitor_without_a_choice_reads_their_browsers_language(web):
    page = web.get("/", headers={"Accept-Language": "pl-PL,pl;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="pl"' in page
