"""Two runs of `coop cover-tick` at once (two timers, or a slow run overlapping the next), from
separate processes on SQLite and PostgreSQL: the next wave is asked once and the client is told
once, because each step is decided under the case's lock on what is recorded."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from coop.cover import service as cover
from coop.cover.models import CoverCase, CoverOffer
from coop.mail.models import OutboxMessage
from coop.rota import service as rota
from tests import factories
from tests.factories import fresh
from tests.parallel import run_parallel


def tick(session, now):
    cover.run_due(session, now=now)


def test_two_ticks_at_once_ask_the_next_wave_and_tell_the_client_once(db_url, session):
    skill = factories.skill(session, "Cleaning")
    client = factories.client(session, contact_email="contact@cafe.example")
    svc = factories.service(session, skill)
    shift = factories.shift(session, service_=svc, client_=client, starts_in=timedelta(hours=3), hours=2)
    leaver = factories.member(session, skills=[skill])
    held = rota.claim(session, leaver.id, shift.id)
    for _ in range(6):
        factories.member(session, skills=[skill])
    cover.cant_make_it(session, leaver.id, held.id)
    fresh(session)
    case = session.scalars(select(CoverCase)).one()
    first_wave = len(session.scalars(select(CoverOffer)).all())
    assert first_wave == 2
    due = case.wave_ends_at

    results = run_parallel(db_url, tick, [(due,), (due,)])

    assert [r for r in results if r[0] != "ok"] == []
    fresh(session)
    offers = session.scalars(select(CoverOffer)).all()
    assert len(offers) == 2 * first_wave  # one more wave, not two
    assert session.get(CoverCase, case.id).waves == 2
    told = [m for m in session.scalars(select(OutboxMessage)) if "short of people" in m.subject]
    assert [m.to_address for m in told] == ["contact@cafe.example"]
