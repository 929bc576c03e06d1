"""Easy read on the member's everyday rota pages: an icon beside each key fact, one main action
shown, the rest under "More"; standard reading is unchanged."""

from datetime import timedelta

from coop.i18n import Reading, ReadingStyle, core
from coop.rota import service as rota
from tests import factories


def easy(message: str) -> str:
    """The Easy read words for a message (the catalogue holds them, not the code)."""
    return core.translations(Reading(style=ReadingStyle.EASY)).gettext(message)


def test_easy_read_shows_facts_with_icons_and_one_main_action(web, session):
    skill = factories.skill(session)
    svc = factories.service(session, skill, name="Gardening")
    held = factories.shift(session, service_=svc, starts_in=timedelta(days=4))
    factories.shift(session, service_=svc, starts_in=timedelta(days=6))
    me = factories.member(session, email="m@example.org", skills=[skill])
    factories.limit(session, me, pence=100000)
    rota.claim(session, me.id, held.id)
    web.login("m@example.org")
    for url in ("/shifts/open", "/shifts/mine", "/my/limit"):
        page = web.get(url).get_data(as_text=True)
        assert "easy-fact" not in page and "<details>" not in page
    me.user.easy_read = True
    session.commit()
    open_page = web.get("/shifts/open").get_data(as_text=True)
    assert open_page.count('class="easy-fact"') >= 5 and 'class="icon"' in open_page
    assert f"<summary>{easy('More')}</summary>" in open_page and easy("Take this shift") in open_page
    mine = web.get("/shifts/mine").get_data(as_text=True)
    assert 'class="easy-fact"' in mine and f"<summary>{easy('More')}</summary>" in mine
    # the one main action (I can't make it) is outside "More"; swaps and running late inside
    card = mine.split('id="a-')[1]
    more = card.index(f"<summary>{easy('More')}</summary>")
    assert card.index(easy("I can't make it")) < more < card.index(easy("Offer to anyone"))
    limit = web.get("/my/limit").get_data(as_text=True)
    assert 'class="easy-fact"' in limit and easy("You can earn up to £1,000.00 a week.") in limit
    more = limit.index(f"<summary>{easy('More')}</summary>")
    assert limit.index(easy("Save my limit")) < more < limit.index(easy("Remove my limit"))
