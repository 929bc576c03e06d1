"""A member who reads Easy read gets Home, My hours and My pay with an icon beside each key fact,
one main action, and the rest under "More"; everyone else gets the pages as they were."""

import re

import pytest
from sqlalchemy import update

from coop.auth.models import User
from coop.i18n import Reading, ReadingStyle, core
from tests import factories


def easy(message: str) -> str:
    """The Easy read words for a message (the catalogue holds them, not the code)."""
    return core.translations(Reading(style=ReadingStyle.EASY)).gettext(message)


@pytest.fixture
def easy_member(session):
    m = factories.member(session, email="easy@example.org")
    session.execute(update(User).where(User.id == m.user_id).values(easy_read=True))
    session.commit()
    return m


@pytest.mark.parametrize("url", ["/home", "/timesheets", "/my/pay"])
def test_easy_read_pages_put_an_icon_beside_each_fact(web, easy_member, url):
    web.login("easy@example.org")
    page = web.get(url).get_data(as_text=True)
    assert 'class="easy-read"' in page
    facts = re.findall(r'<p class="easy-fact"><svg class="icon"[^>]*aria-hidden="true"', page)
    assert facts, url
    main = page[page.index("<main") : page.index("</main>")]
    assert len(re.findall(r'class="button[" ]', main)) <= 1, url


def test_home_in_easy_read_keeps_the_rest_under_more(web, easy_member):
    web.login("easy@example.org")
    page = web.get("/home").get_data(as_text=True)
    assert (
        '<details class="easy-more">' in page and f'href="/shifts/open">{easy("See open shifts")}</a>' in page
    )


def test_standard_reading_has_no_easy_read_layout(web, session):
    factories.member(session, email="plain@example.org")
    web.login("plain@example.org")
    for url in ("/home", "/timesheets", "/my/pay"):
        page = web.get(url).get_data(as_text=True)
        assert "easy-fact" not in page and "easy-more" not in page
