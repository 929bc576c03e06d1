"""Ten members saying yes to the same cover request at once, from separate processes, on SQLite
and PostgreSQL: exactly one holds the place, and the nine others are told truthfully that it is
already covered."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from coop.cover import service as cover
from coop.cover.models import CoverCase, CoverOffer
from coop.rota import service as rota
from coop.rota.models import Assignment
from tests import factories
from tests.factories import fresh
from tests.parallel import run_parallel


def say_yes(session, member_id, offer_id):
    cover.accept(session, member_id, offer_id)


def test_ten_members_say_yes_at_once_and_exactly_one_holds_the_place(db_url, session):
    skill = factories.skill(session, "Cleaning")
    svc = factories.service(session, skill)
    shift = factories.shift(session, service_=svc, starts_in=timedelta(hours=3), hours=2)
    leaver = factories.member(session, skills=[skill])
    held = rota.claim(session, leaver.id, shift.id)
    members = [factories.member(session, skills=[skill]) for _ in range(10)]
    cover.cant_make_it(session, leaver.id, held.id)
    case = session.scalars(select(CoverCase)).one()
    cover.widen(session, case.id)
    offers = {o.member_id: o.id for o in session.scalars(select(CoverOffer))}
    assert set(offers) == {m.id for m in members}

    results = run_parallel(db_url, say_yes, [(m.id, offers[m.id]) for m in members])

    assert [r for r in results if r[0] == "error"] == []
    assert sum(r[0] == "ok" for r in results) == 1
    refused = [msg for status, msg in results if status == "refused"]
    assert len(refused) == 9 and all(msg == cover.ALREADY_COVERED for msg in refused)
    fresh(session)
    assert session.get(type(shift), shift.id).filled == 1
    holders = session.scalar(
        select(func.count())
        .select_from(Assignment)
        .where(Assignment.shift_id == shift.id, Assignment.status == "accepted")
    )
    assert holders == 1
    assert session.get(CoverCase, case.id).status == "covered"
    statuses = sorted(o.status for o in session.scalars(select(CoverOffer)))
    assert statuses == ["accepted"] + ["closed"] * 9
