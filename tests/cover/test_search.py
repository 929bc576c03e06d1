"""The search for cover, through the service: who is asked, waves by the clock, the first yes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from coop.cover import service as cover
from coop.cover.models import CoverCase, CoverOffer
from coop.cover.rules import wave_plan
from coop.cover.search import wave_settings
from coop.errors import DomainError
from coop.mail.models import OutboxMessage
from coop.rota import service as rota
from coop.rota.models import Assignment, RotaPreferences
from coop.timeutil import to_london, utcnow
from tests import factories
from tests.factories import fresh


def _emails(session, subject_part: str) -> list[str]:
    return sorted(m.to_address for m in session.scalars(select(OutboxMessage)) if subject_part in m.subject)


def _soon_shift(session, *, hours_ahead: float = 3, slots: int = 1):
    skill = factories.skill(session, "Gardening")
    svc = factories.service(session, skill, name="Gardening", pay=1400)
    shift = factories.shift(
        session, service_=svc, starts_in=timedelta(hours=hours_ahead), hours=2, slots=slots
    )
    leaver = factories.member(session, name="Lee Leaver", email="leaver@example.org", skills=[skill])
    held = rota.claim(session, leaver.id, shift.id)
    return skill, shift, leaver, held


def test_a_drop_three_hours_before_is_offered_to_eligible_members_only(session):
    skill, shift, leaver, held = _soon_shift(session)
    able = factories.member(session, name="Able One", email="able@example.org", skills=[skill])
    able2 = factories.member(session, name="Able Two", email="able2@example.org", skills=[skill])
    over = factories.member(session, name="Over Limit", email="over@example.org", skills=[skill])
    factories.limit(session, over, 500)  # £5 a week: the shift pays far more
    away = factories.member(session, name="Away Today", email="away@example.org", skills=[skill])
    day = to_london(shift.starts_at).date()
    rota.add_time_off(session, away, day, day, "", today=day)
    factories.member(session, name="No Skill", email="noskill@example.org")
    off = factories.member(session, name="Off Member", email="off@example.org", skills=[skill])
    cover.save_preferences(session, off.id, requests_on=False, weekdays=range(7), min_notice_hours=0)
    paused = factories.member(session, email="paused@example.org", skills=[skill], status="paused")
    assert paused

    result = cover.cant_make_it(session, leaver.id, held.id)
    assert result.late and not result.started
    fresh(session)
    case = session.scalars(select(CoverCase)).one()
    asked = {o.member.user.email for o in session.scalars(select(CoverOffer))}
    assert asked == {"able@example.org", "able2@example.org"}
    assert case.waves == 1 and case.status == "open"
    assert _emails(session, "Could you cover") == ["able2@example.org", "able@example.org"]
    body = (
        session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == "able@example.org"))
        .one()
        .body
    )
    assert (
        f"/cover/offers/{session.scalars(select(CoverOffer).where(CoverOffer.member_id == able.id)).one().id}"
        in body
    )
    assert able2
    # nothing about the leaver is kept on the case
    assert "member" not in " ".join(c.name for c in CoverCase.__table__.columns)


def test_a_member_who_wants_longer_notice_or_not_that_day_is_not_asked(session):
    skill, shift, leaver, held = _soon_shift(session)
    notice = factories.member(session, email="notice@example.org", skills=[skill])
    cover.save_preferences(session, notice.id, requests_on=True, weekdays=range(7), min_notice_hours=12)
    other_day = factories.member(session, email="otherday@example.org", skills=[skill])
    weekday = to_london(shift.starts_at).weekday()
    cover.save_preferences(
        session,
        other_day.id,
        requests_on=True,
        weekdays=[d for d in range(7) if d != weekday],
        min_notice_hours=0,
    )
    fine = factories.member(session, email="fine@example.org", skills=[skill])
    cover.save_preferences(session, fine.id, requests_on=True, weekdays=[weekday], min_notice_hours=2)
    cover.cant_make_it(session, leaver.id, held.id)
    fresh(session)
    assert {o.member.user.email for o in session.scalars(select(CoverOffer))} == {"fine@example.org"}


def test_waves_go_in_fair_order_and_the_next_goes_when_the_time_to_answer_is_up(session):
    skill, _shift, leaver, held = _soon_shift(session, hours_ahead=20)
    members = [factories.member(session, email=f"m{i}@example.org", skills=[skill]) for i in range(8)]
    # m7 would like 10 hours a week and has none: fairest first
    session.add(RotaPreferences(member_id=members[7].id, preferred_hours_week=10, reminder_hour=18))
    session.commit()
    now = utcnow()
    cover.cant_make_it(session, leaver.id, held.id, now=now)
    fresh(session)
    case = session.scalars(select(CoverCase)).one()
    first = list(session.scalars(select(CoverOffer).order_by(CoverOffer.id)))
    # about 20 of 48 hours left: 2 + round(4 * 20/48) = 4 members, waiting about 15 + 105 * 20/48 minutes
    assert len(first) == 4 and first[0].member_id == members[7].id
    size, window = wave_plan(case.shift.starts_at - now, wave_settings(session))
    assert size == 4 and case.wave_ends_at == now + window
    assert timedelta(minutes=55) < window < timedelta(minutes=60)
    # before the time is up the job asks nobody more; after it, the next wave (once)
    assert cover.run_due(session, now=case.wave_ends_at - timedelta(seconds=1)).waves == 0
    later = case.wave_ends_at
    assert cover.run_due(session, now=later).waves == 1
    fresh(session)
    offers = list(session.scalars(select(CoverOffer)))
    assert len(offers) == 8  # 4 more: everyone left with the skill (a smaller wave would fit too)
    assert len({o.member_id for o in offers}) == 8
    assert cover.run_due(session, now=later).waves == 0


def test_the_first_yes_takes_it_others_are_thanked_and_told_truthfully(session):
    skill, shift, leaver, held = _soon_shift(session)
    a = factories.member(session, email="a@example.org", skills=[skill])
    b = factories.member(session, email="b@example.org", skills=[skill])
    factories.coordinator(session, "coord@example.org")
    cover.cant_make_it(session, leaver.id, held.id)
    offers = {o.member_id: o.id for o in session.scalars(select(CoverOffer))}
    cover.accept(session, a.id, offers[a.id])
    fresh(session)
    case = session.scalars(select(CoverCase)).one()
    assert case.status == "covered" and session.get(type(shift), shift.id).filled == 1
    assert _emails(session, "Thank you") == ["b@example.org"]
    assert "Covered:" in " ".join(m.subject for m in session.scalars(select(OutboxMessage)))
    with pytest.raises(DomainError, match="already covered"):
        cover.accept(session, b.id, offers[b.id])
    held_by = session.scalars(select(Assignment.member_id).where(Assignment.status == "accepted")).all()
    assert held_by == [a.id]


def test_a_place_taken_from_the_open_list_ends_the_case_as_covered(session):
    skill, shift, leaver, held = _soon_shift(session)
    a = factories.member(session, email="a@example.org", skills=[skill])
    b = factories.member(session, email="b@example.org", skills=[skill])
    cover.cant_make_it(session, leaver.id, held.id)
    rota.claim(session, b.id, shift.id)
    offer_a = session.scalars(select(CoverOffer).where(CoverOffer.member_id == a.id)).one()
    with pytest.raises(DomainError, match="already covered"):
        cover.accept(session, a.id, offer_a.id)
    fresh(session)
    assert session.scalars(select(CoverCase)).one().status == "covered"


def test_an_early_drop_opens_no_case_and_a_drop_after_the_start_is_allowed(session):
    skill = factories.skill(session)
    svc = factories.service(session, skill)
    early = factories.shift(session, service_=svc, starts_in=timedelta(days=5))
    m = factories.member(session, skills=[skill])
    a = rota.claim(session, m.id, early.id)
    assert not cover.cant_make_it(session, m.id, a.id).late
    started = factories.shift(session, service_=svc, starts_in=timedelta(days=1), hours=2)
    b = rota.claim(session, m.id, started.id)
    result = cover.cant_make_it(session, m.id, b.id, now=started.starts_at + timedelta(minutes=10))
    assert result.started and result.late
    fresh(session)
    assert session.scalars(select(CoverCase)).all() == []
    assert session.get(Assignment, b.id).status == "dropped"
    with pytest.raises(DomainError, match="already ended"):
        c = rota.claim(session, m.id, factories.shift(session, service_=svc, starts_in=timedelta(days=2)).id)
        cover.cant_make_it(session, m.id, c.id, now=utcnow() + timedelta(days=3))


def test_running_late_tells_the_client_contacts_and_coordinators(session):
    skill = factories.skill(session)
    client = factories.client(session, contact_email="contact@example.org")
    shift = factories.shift(
        session, service_=factories.service(session, skill), client_=client, starts_in=timedelta(hours=1)
    )
    m = factories.member(session, name="Sam Late", skills=[skill])
    factories.coordinator(session, "coord@example.org")
    a = rota.claim(session, m.id, shift.id)
    with pytest.raises(DomainError):
        cover.running_late(session, m.id, a.id, 45)
    cover.running_late(session, m.id, a.id, 30)
    assert _emails(session, "30 minutes late") == ["contact@example.org", "coord@example.org"]


def test_coordinator_widens_asks_by_name_and_fills_it_themselves(session):
    skill, _shift, leaver, held = _soon_shift(session)
    members = [factories.member(session, email=f"w{i}@example.org", skills=[skill]) for i in range(5)]
    over = factories.member(session, name="Over Limit", email="over@example.org", skills=[skill])
    factories.limit(session, over, 500)
    cover.cant_make_it(session, leaver.id, held.id)
    case = session.scalars(select(CoverCase)).one()
    assert len(session.scalars(select(CoverOffer)).all()) == 2
    assert cover.widen(session, case.id) == 3
    with pytest.raises(DomainError, match="limit"):
        cover.offer_named(session, case.id, over.id)
    with pytest.raises(DomainError, match="already been asked"):
        cover.offer_named(session, case.id, members[0].id)
    coordinator = factories.member(
        session, email="coordmember@example.org", skills=[skill], roles=("member", "coordinator")
    )
    cover.claim_myself(session, case.id, coordinator.id)
    fresh(session)
    assert session.get(CoverCase, case.id).status == "covered"
    with pytest.raises(DomainError, match="no longer open"):
        cover.widen(session, case.id)
