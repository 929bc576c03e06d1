from datetime import time, timedelta

import pytest
from sqlalchemy import event

from coop.bookings import service as bookings
from coop.businesses import service as businesses
from coop.errors import DomainError
from coop.rota import service as rota
from coop.rota.models import AssignmentStatus
from coop.timeutil import london_to_utc, today_london, utcnow
from tests import factories


@pytest.fixture
def garden(session):
    skill = factories.skill(session, "Gardening")
    return skill, factories.service(session, skill, name="Gardening")


def test_claim_takes_a_slot_and_full_shift_says_just_taken(session, garden):
    skill, svc = garden
    shift = factories.shift(session, service_=svc, slots=1)
    a, b = factories.member(session, skills=[skill]), factories.member(session, skills=[skill])
    rota.claim(session, a.id, shift.id)
    session.refresh(shift)
    assert shift.filled == 1
    with pytest.raises(DomainError, match="just taken"):
        rota.claim(session, b.id, shift.id)


def test_eligibility_rules(session, garden):
    skill, svc = garden
    other = factories.skill(session, "Catering")
    shift = factories.shift(session, service_=svc, starts_in=timedelta(days=3))
    no_skill = factories.member(session, skills=[other])
    with pytest.raises(DomainError, match="do not have the skill"):
        rota.claim(session, no_skill.id, shift.id)
    paused = factories.member(session, skills=[skill], status="paused")
    with pytest.raises(DomainError, match="are taking a break"):
        rota.claim(session, paused.id, shift.id)
    m = factories.member(session, skills=[skill])
    near = factories.shift(session, service_=svc, starts_in=timedelta(days=3, hours=3, minutes=10))
    rota.claim(session, m.id, shift.id)
    with pytest.raises(DomainError, match="another shift too close"):
        rota.claim(session, m.id, near.id)
    with pytest.raises(DomainError, match="already hold this shift"):
        rota.claim(session, m.id, shift.id)


def test_past_and_cancelled_shifts_cannot_be_claimed(session, garden):
    skill, svc = garden
    m = factories.member(session, skills=[skill])
    past = factories.shift(session, service_=svc, starts_in=timedelta(hours=-1))
    with pytest.raises(DomainError, match="already started"):
        rota.claim(session, m.id, past.id)
    s = factories.shift(session, service_=svc)
    s.status = "cancelled"
    session.commit()
    with pytest.raises(DomainError, match="cancelled"):
        rota.claim(session, m.id, s.id)


def test_drop_reopens_and_late_drop_asks_for_cover(session, garden):
    skill, svc = garden
    factories.coordinator(session, "coord@example.org")
    m = factories.member(session, skills=[skill])
    soon = factories.shift(session, service_=svc, starts_in=timedelta(hours=20))
    a = rota.claim(session, m.id, soon.id)
    result = rota.drop(session, m.id, a.id)
    assert result.late
    session.refresh(soon)
    assert soon.filled == 0
    session.refresh(a)
    assert a.status == AssignmentStatus.DROPPED
    from sqlalchemy import select

    from coop.mail.models import OutboxMessage

    subjects = session.scalars(select(OutboxMessage.subject)).all()
    assert any("Cover needed" in s for s in subjects)
    with pytest.raises(DomainError, match="already let"):
        rota.drop(session, m.id, a.id)


def test_someone_else_cannot_drop_my_shift(session, garden):
    skill, svc = garden
    m, other = factories.member(session, skills=[skill]), factories.member(session, skills=[skill])
    a = rota.claim(session, m.id, factories.shift(session, service_=svc).id)
    from coop.errors import NotFound

    with pytest.raises(NotFound):
        rota.drop(session, other.id, a.id)


def test_swap(session, garden):
    skill, svc = garden
    giver, taker = factories.member(session, skills=[skill]), factories.member(session, skills=[skill])
    shift = factories.shift(session, service_=svc)
    a = rota.claim(session, giver.id, shift.id)
    offer = rota.offer_swap(session, giver.id, a.id)
    assert [o.id for o in rota.open_swaps_for(session, taker)] == [offer.id]
    new = rota.accept_swap(session, taker.id, offer.id)
    session.refresh(shift)
    assert shift.filled == 1 and new.member_id == taker.id
    with pytest.raises(DomainError, match="someone else took this swap"):
        rota.accept_swap(session, factories.member(session, skills=[skill]).id, offer.id)


def test_weekly_pattern_and_time_off(session, garden):
    from datetime import time

    skill, svc = garden
    m = factories.member(session, skills=[skill])
    shift = factories.shift(session, service_=svc, starts_in=timedelta(days=5))
    from coop.timeutil import to_london

    local = to_london(shift.starts_at)
    other_day = (local.weekday() + 1) % 7
    rota.set_weekly_pattern(session, m, [(other_day, time(0, 0), time(23, 59))])
    assert rota.shift_problems(session, m, shift, now=utcnow()) == [
        "is not available at that time (weekly pattern)"
    ]
    rota.set_weekly_pattern(
        session, m, [(local.weekday(), time(0, 0), time(23, 59)), (other_day, time(0, 0), time(23, 59))]
    )
    assert rota.shift_problems(session, m, shift, now=utcnow()) == []
    rota.add_time_off(
        session, m, local.date(), local.date(), "holiday", today=local.date() - timedelta(days=5)
    )
    assert rota.shift_problems(session, m, shift, now=utcnow()) == ["has time off then"]


def test_daily_digest_is_opt_in_and_lists_new_shifts(session, garden):
    from sqlalchemy import select

    from coop.mail.models import OutboxMessage

    skill, svc = garden
    keen = factories.member(session, skills=[skill], email="keen@example.org")
    factories.member(session, skills=[skill], email="quiet@example.org")
    rota.save_preferences(
        session, keen, preferred_hours_week=10, show_open_when_paused=False, daily_digest=True
    )
    factories.shift(session, service_=svc)
    assert rota.queue_digests(session) == 1
    [message] = session.scalars(select(OutboxMessage)).all()
    assert message.to_address == "keen@example.org" and "Gardening" in message.body
    assert rota.queue_digests(session) == 0  # not twice in a day


def test_open_shifts_filters_list_active_services_by_name_and_every_business_by_id(session):
    skill = factories.skill(session)
    factories.service(session, skill, name="Zebra care")
    factories.service(session, skill, name="Apple care")
    gone = factories.service(session, skill, name="Middle care")
    gone.active = False
    session.commit()
    factories.business(session)
    services, firms = rota.filter_choices(session)
    assert [(s.id, s.name) for s in services] == [
        (s.id, s.name) for s in bookings.list_services(session, active_only=True)
    ]
    assert "Middle care" not in [s.name for s in services]
    assert [s.name for s in services].index("Apple care") < [s.name for s in services].index("Zebra care")
    assert [(b.id, b.name) for b in firms] == [(b.id, b.name) for b in businesses.list_businesses(session)]
    assert len(firms) == 2


def test_open_shifts_by_day_of_the_week_are_found_by_the_database_in_london_days(session, garden):
    """The day filter is London's day (a shift at half past midnight belongs to the next day,
    in summer and in winter), and the database finds those shifts: the other days' shifts are
    not read batch after batch."""
    skill, svc = garden
    member = factories.member(session, skills=[skill])
    day = today_london() + timedelta(days=3)

    def at(d, hour, minute=0):
        return factories.shift(
            session, service_=svc, starts_in=london_to_utc(d, time(hour, minute)) - utcnow(), hours=1
        )

    late = at(day, 23, 0)
    after_midnight = at(day + timedelta(days=1), 0, 30)
    fillers = [at(day + timedelta(days=1), 8 + i // 4, (i % 4) * 15) for i in range(30)]
    next_week = at(day + timedelta(days=7), 12)
    engine, reads = session.get_bind(), []

    def count(_conn, _cursor, statement, *_args):
        reads.append("shift.booking_id" in statement)  # the open shifts' own read

    event.listen(engine, "before_cursor_execute", count)
    try:
        by_day = rota.ShiftFilter(weekday=day.weekday())
        found = rota.open_shifts_for(session, member, filters=by_day, limit=10)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert [c.shift.id for c in found] == [late.id, next_week.id]
    assert reads.count(True) == 1
    every = [c.shift.id for c in rota.open_shifts_for(session, member, limit=100)]
    assert after_midnight.id in every and set(every) >= {f.id for f in fillers}
