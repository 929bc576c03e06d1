"""The rota, limit and cover pages in the pseudo-language: every word people read went through
the catalogue, so no plain English is left but the data people typed (names, places)."""

import re
from datetime import timedelta

from sqlalchemy import select

from coop.cover.models import CoverOffer
from coop.rota import service as rota
from coop.rota.models import Assignment
from tests import factories
from tests.factories import fresh

_MAIN = re.compile(r"<main\b.*?</main>", re.S)
_SKIP = re.compile(r"<(script|style|code)\b.*?</\1>", re.S)
_READ_ATTRS = re.compile(r'\b(?:aria-label|title|placeholder|alt|data-label)="([^"]*)"')
_TAG = re.compile(r"<[^>]+>")
_PSEUDO = re.compile(r"⟦.*?⟧", re.S)


def plain_english(page: str, data: list[str]) -> list[str]:
    """Runs of plain ASCII letters left on the page's main part once the data is taken out."""
    main = _SKIP.sub(" ", _MAIN.search(page).group(0))  # type: ignore[union-attr]
    text = " ".join(_READ_ATTRS.findall(main)) + " " + _TAG.sub(" ", main)
    text = _PSEUDO.sub(" ", text.replace("&#39;", "'").replace("&amp;", "&"))
    for d in sorted(data, key=len, reverse=True):
        text = text.replace(d, " ")
    return re.findall(r"[A-Za-z]{2,}", text)


def pseudo(app, session, user) -> None:
    app.config["PSEUDO_LANGUAGES"] = True
    user.language = "en-XA"
    session.commit()


def test_member_pages_have_no_unmarked_words(app, web, make_web, session):
    skill = factories.skill(session, "Qq")
    svc = factories.service(session, skill, name="Qq")
    client = factories.client(session, "Qq")
    held = factories.shift(session, service_=svc, client_=client, starts_in=timedelta(days=4))
    open_ = factories.shift(session, service_=svc, client_=client, starts_in=timedelta(days=6))
    theirs = factories.shift(session, service_=svc, client_=client, starts_in=timedelta(days=8))
    me = factories.member(session, name="Qq", email="m@example.org", skills=[skill])
    other = factories.member(session, name="Qq", email="o@example.org", skills=[skill])
    factories.limit(session, me, pence=100000, minutes=3000)
    mine = rota.claim(session, me.id, held.id)
    rota.claim(session, other.id, theirs.id)
    fresh(session)
    swap_from = session.scalars(select(Assignment).where(Assignment.member_id == other.id)).one()
    rota.offer_swap(session, other.id, swap_from.id)
    pseudo(app, session, me.user)
    web.login("m@example.org")
    data = ["Qq", "1 Site Road", "Co-op Works", "m@example.org", "CSV", "PW", "UC"]
    for url in (
        "/shifts/open",
        "/shifts/mine",
        "/availability",
        "/calendar",
        "/my/limit",
        "/my/earnings",
        "/cover/choices",
        f"/assignments/{mine.id}/drop",
        f"/assignments/{mine.id}/late",
        f"/assignments/{mine.id}/exchange",
    ):
        r = web.get(url)
        assert r.status_code == 200, url
        assert plain_english(r.get_data(as_text=True), data) == [], url
    assert open_.id  # the open shift is listed on /shifts/open


def test_coordinator_pages_have_no_unmarked_words(app, web, session):
    skill = factories.skill(session, "Qq")
    svc = factories.service(session, skill, name="Qq")
    client = factories.client(session, "Qq")
    shift = factories.shift(session, service_=svc, client_=client, starts_in=timedelta(hours=5), slots=2)
    able = factories.member(session, name="Qq", skills=[skill])
    factories.member(session, name="Qq", skills=[skill], status="paused")
    held = rota.claim(session, able.id, shift.id)
    from coop.cover import service as cover

    cover.cant_make_it(session, able.id, held.id)
    coord = factories.coordinator(session, "c@example.org")
    pseudo(app, session, coord)
    web.login("c@example.org")
    data = ["Qq", "1 Site Road", "Co-op Works", "c@example.org", "PDF", "A4"]
    day = shift.starts_at.date().isoformat()
    for url in (
        f"/rota?week={day}",
        f"/rota?week={day}&view=member",
        f"/rota?week={day}&print=1",
        f"/rota/grid?week={day}",
        "/rota/unfilled",
        "/rota/autofill",
        f"/shifts/{shift.id}/fill",
        "/cover",
        f"/members/{able.id}/limit",
    ):
        r = web.get(url)
        assert r.status_code == 200, url
        page = r.get_data(as_text=True)
        if "<main" not in page:
            page = f"<main>{page}</main>"
        assert plain_english(page, data) == [], url
    assert session.scalars(select(CoverOffer)).all() is not None
