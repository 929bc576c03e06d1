"""Easy read on the member's everyday rota pages: an icon beside each key fact, one main action
shown, the rest under "More"; standard reading is unchanged."""

from datetime import timedelta

from coop.rota import service as rota
from tests import factories


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
    assert "<summary>More</summary>" in open_page and "Take this shift" in open_page
    mine = web.get("/shifts/mine").get_data(as_text=True)
    assert 'class="easy-fact"' in mine and "<summary>More</summary>" in mine
    # the one main action (I can't make it) is outside "More"; swaps and running late inside
    card = mine.split('id="a-')[1]
    more = card.index("<summary>More</summary>")
    assert card.index("I can't make it") < more < card.index("Offer to anyone")
    limit = web.get("/my/limit").get_data(as_text=True)
    assert 'class="easy-fact"' in limit and "You can earn up to £1,000.00 a week." in limit
    more = limit.index("<summary>More</summary>")
    assert limit.index("Save my limit") < more < limit.index("Remove my limit")
