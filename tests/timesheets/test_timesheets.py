"""Timesheets: recording hours, checks, queries, approval (which fixes pay), the client's word."""

from datetime import timedelta

import pytest

from coop.errors import DomainError
from coop.limits import service as limits
from coop.rota import service as rota
from coop.timesheets import service as timesheets
from coop.timesheets.models import TimesheetEntry
from coop.timeutil import to_london
from tests import factories
from tests.factories import fresh, hours, worked_shift

PNG = factories.png_bytes()


def test_submit_checks_hours_and_flags_odd_ones(session):
    a, shift, m = worked_shift(session)
    with pytest.raises(DomainError, match="end must be after"):
        timesheets.submit(session, a.id, timesheets.Hours(shift.ends_at, shift.starts_at, 0), actor_id=1)
    with pytest.raises(DomainError, match="break must be shorter"):
        timesheets.submit(session, a.id, hours(shift, brk=180), actor_id=1)
    entry = timesheets.submit(session, a.id, hours(shift, start_delta=-200), actor_id=1, member_id=m.id)
    assert entry.flagged  # far outside the shift: flagged, not refused
    assert entry.worked_minutes == 180 + 200


def test_cannot_record_before_the_shift_ends(session):
    skill = factories.skill(session)
    shift = factories.shift(session, service_=factories.service(session, skill))
    m = factories.member(session, skills=[skill])
    a = rota.claim(session, m.id, shift.id)
    with pytest.raises(DomainError, match="once the shift has ended"):
        timesheets.submit(session, a.id, hours(shift), actor_id=1)


def test_approve_fixes_pay_at_least_the_floor_and_only_once(session):
    a, shift, _m = worked_shift(session, pay_rate=1400, hours=3)
    entry = timesheets.submit(session, a.id, hours(shift, brk=30), actor_id=1)
    assert timesheets.approve(session, [entry.id], actor_id=1) == 1
    fresh(session)
    entry = session.get(TimesheetEntry, entry.id)
    assert (entry.pay_rate_pence, entry.pay_pence, entry.holiday_pence) == (1400, 3500, 422)
    assert timesheets.approve(session, [entry.id], actor_id=1) == 0  # twice: nothing changes
    with pytest.raises(DomainError, match="approved already"):
        timesheets.submit(session, a.id, hours(shift), actor_id=1)


def test_query_and_resubmit(session):
    a, shift, m = worked_shift(session)
    entry = timesheets.submit(session, a.id, hours(shift, end_delta=60), actor_id=1, member_id=m.id)
    timesheets.query(session, entry.id, "Did you really stay an hour longer?", actor_id=1)
    assert entry.status == "queried"
    entry = timesheets.submit(session, a.id, hours(shift), actor_id=1, member_id=m.id)
    assert entry.status == "submitted" and entry.worked_minutes == 180


def test_approved_hours_replace_the_estimate_for_limits(session):
    a, shift, m = worked_shift(session, pay_rate=1500, hours=4, days_ago=1)
    limits.set_limit(
        session, m, limits.LimitData(100_000, None, "monthly", 1), actor_id=m.user_id, by_coordinator=False
    )
    day = to_london(shift.starts_at).date()
    before = limits.work_rows(session, m.id, day, day)
    assert [r.minutes for r in before] == [240]
    entry = timesheets.submit(session, a.id, hours(shift, end_delta=-60), actor_id=1)
    timesheets.approve(session, [entry.id], actor_id=1)
    after = limits.work_rows(session, m.id, day, day)
    assert [(r.minutes, r.pay_pence) for r in after] == [(180, 4500 + 543)]


def test_client_confirms_work_and_coordinator_sees_it(web, make_web, session):
    client = factories.client(session, "Corner Bakery", contact_email="a@client.example", confirms_work=True)
    skill = factories.skill(session)
    svc = factories.service(session, skill)
    shift = factories.shift(session, service_=svc, client_=client, starts_in=timedelta(days=1))
    m = factories.member(session, skills=[skill])
    a = rota.claim(session, m.id, shift.id)
    shift.starts_at -= timedelta(days=3)
    shift.ends_at -= timedelta(days=3)
    session.commit()
    entry = timesheets.submit(session, a.id, hours(shift), actor_id=1)
    factories.coordinator(session, "coord@example.org")
    web.login("coord@example.org")
    assert "client has not confirmed yet" in web.get("/timesheets/review").get_data(as_text=True)
    contact = make_web()
    contact.login("a@client.example")
    assert "Yes, these hours are right" in contact.get("/my/visits").get_data(as_text=True)
    contact.post(f"/my/visits/{entry.id}/confirm")
    assert "client confirmed" in web.get("/timesheets/review").get_data(as_text=True)
    factories.client(session, "Other", contact_email="b@client.example")
    stranger = make_web()
    stranger.login("b@client.example")
    assert stranger.post(f"/my/visits/{entry.id}/confirm").status_code == 404
