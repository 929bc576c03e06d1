"""'I've arrived' and 'I've finished' on the day: the taps keep two times (nothing else), fill in
the hours form, and the hours the member sends flow into an approved timesheet and a pay statement."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, inspect, select

from coop.errors import DomainError, NotFound
from coop.pay import service as pay
from coop.rota import service as rota
from coop.timesheets import service as timesheets
from coop.timesheets import taps
from coop.timesheets.models import DayTimes, TimesheetEntry
from coop.timeutil import to_london, today_london, utcnow
from tests import factories
from tests.factories import fresh


def shift_under_way(
    session, *, started_ago: timedelta = timedelta(hours=2), hours: float = 3, pay_rate: int = 1500
):
    """A held shift that started `started_ago` ago (claimed while it was still to come)."""
    skill = factories.skill(session)
    svc = factories.service(session, skill, pay=pay_rate)
    shift = factories.shift(session, service_=svc, hours=hours, starts_in=timedelta(days=1))
    m = factories.member(session, name="Tap Member", email=f"tap{shift.id}@example.org", skills=[skill])
    a = rota.claim(session, m.id, shift.id)
    moved = utcnow().replace(second=0, microsecond=0) - started_ago - shift.starts_at
    shift.starts_at += moved
    shift.ends_at += moved
    session.commit()
    return a, shift, m


def test_taps_keep_only_two_times_and_fill_in_the_hours_form(session):
    a, shift, m = shift_under_way(session)
    arrived = taps.tap(session, m.id, a.id, "arrived", now=shift.starts_at + timedelta(minutes=7, seconds=40))
    assert arrived == shift.starts_at + timedelta(minutes=7)  # to the minute
    finished = taps.tap(session, m.id, a.id, "finished", now=shift.starts_at + timedelta(hours=2, minutes=50))
    assert taps.prefill(session, a) == (arrived, finished)
    # no place, no location: the table holds the two times and whose shift it is, nothing more
    columns = {c["name"] for c in inspect(session.get_bind()).get_columns("shift_day_times")}
    assert columns == {"id", "assignment_id", "member_id", "arrived_at", "finished_at"}


def test_taps_are_only_for_the_member_holding_it_on_the_day(session):
    a, shift, m = shift_under_way(session)
    other = factories.member(session)
    with pytest.raises(NotFound):
        taps.tap(session, other.id, a.id, "arrived")
    with pytest.raises(DomainError, match="on the day"):
        taps.tap(session, m.id, a.id, "arrived", now=shift.starts_at - timedelta(hours=3))
    with pytest.raises(DomainError, match="on the day"):
        taps.tap(session, m.id, a.id, "finished", now=shift.ends_at + timedelta(hours=7))
    taps.tap(session, m.id, a.id, "arrived", now=shift.starts_at)
    with pytest.raises(DomainError, match="same minute"):
        taps.tap(session, m.id, a.id, "finished", now=shift.starts_at + timedelta(seconds=30))
    fresh(session)
    assert session.scalars(select(DayTimes)).one().finished_at is None


def test_no_taps_once_the_hours_are_sent(session):
    a, shift, m = shift_under_way(session, started_ago=timedelta(hours=4))
    timesheets.submit(session, a.id, factories.hours(shift), actor_id=m.user_id, member_id=m.id)
    assert taps.taps_for(session, [a]) == {}
    with pytest.raises(DomainError, match="sent your hours"):
        taps.tap(session, m.id, a.id, "finished")


def test_the_taps_are_offered_on_the_day_only_and_asked_for_at_any_hour(session):
    """A page sends the same statements at any hour: the taps are read whenever the member holds
    a place and offered only for a place on the day (the benchmark once counted one statement
    fewer on the larger co-op, whose member had no place that day)."""
    a, shift, m = shift_under_way(session)
    arrived = taps.tap(session, m.id, a.id, "arrived", now=shift.starts_at)
    engine, sent = session.get_bind(), []  # whether each statement reads the taps

    def count(_conn, _cursor, statement, *_args):
        sent.append("shift_day_times" in statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert taps.taps_for(session, [a], now=shift.starts_at + timedelta(hours=1)) == {
            a.id: taps.Taps(arrived, None)
        }
        assert taps.taps_for(session, [a], now=shift.starts_at - timedelta(days=2)) == {}
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert sent.count(True) == 2


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(arrive=st.integers(-120, 600), stay=st.integers(-60, 600))
def test_the_form_is_always_filled_with_an_end_after_the_start(session, arrive, stay):
    """Whatever was tapped (or not), the form's times are a real span; a tap inside the window is
    kept as tapped."""
    a, shift, m = shift_under_way(session, started_ago=timedelta(hours=1))
    session.query(DayTimes).delete()
    session.commit()
    at = shift.starts_at + timedelta(minutes=arrive)
    tapped_arrival = taps.on_the_day(shift, at)
    if tapped_arrival:
        taps.tap(session, m.id, a.id, "arrived", now=at)
    end_at = at + timedelta(minutes=stay)
    try:
        taps.tap(session, m.id, a.id, "finished", now=end_at)
        tapped_end = True
    except DomainError:
        tapped_end = False
    start, end = taps.prefill(session, a)
    assert end > start
    assert start == (at if tapped_arrival else shift.starts_at)
    if tapped_end:
        assert end == end_at.replace(second=0, microsecond=0)


def test_arrived_and_finished_flow_into_an_approved_timesheet_and_a_pay_statement(session, make_web):
    factories.coordinator(session, "coord-taps@example.org")
    a, shift, m = shift_under_way(session, started_ago=timedelta(hours=2), hours=3, pay_rate=1500)
    member_web = make_web()
    member_web.login(m.user.email)
    home = member_web.get("/home").get_data(as_text=True)
    assert "I've arrived" in home and "I've finished" in home
    mine = member_web.get("/shifts/mine").get_data(as_text=True)
    assert "I've arrived" in mine
    r = member_web.post(f"/assignments/{a.id}/arrived", {"back": "home"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/home")
    # an hour and a half passes (the arrival is moved back instead of waiting)
    fresh(session)
    times = session.scalars(select(DayTimes)).one()
    times.arrived_at = shift.starts_at + timedelta(minutes=10)
    session.commit()
    r = member_web.post(f"/assignments/{a.id}/finished", {"back": "mine"})
    assert r.headers["Location"].endswith(f"/timesheets/record/{a.id}")  # straight to the form
    fresh(session)
    finished = session.scalars(select(DayTimes)).one().finished_at
    form = member_web.get(f"/timesheets/record/{a.id}").get_data(as_text=True)
    start_local = to_london(shift.starts_at + timedelta(minutes=10))
    assert f'value="{start_local.strftime("%H:%M")}"' in form
    assert f'value="{to_london(finished).strftime("%H:%M")}"' in form
    # the member changes the start before sending (they arrived at ten past, but began at twenty past)
    changed_start = start_local + timedelta(minutes=10)
    r = member_web.post(
        f"/timesheets/record/{a.id}",
        {
            "day": start_local.date().isoformat(),
            "start_time": changed_start.strftime("%H:%M"),
            "end_time": to_london(finished).strftime("%H:%M"),
            "break_minutes": "0",
            "note": "",
        },
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    fresh(session)
    entry = session.scalars(select(TimesheetEntry)).one()
    worked = int((finished - (shift.starts_at + timedelta(minutes=20))).total_seconds() // 60)
    assert entry.worked_minutes == worked
    coordinator = make_web()
    coordinator.login("coord-taps@example.org")
    assert coordinator.post("/timesheets/approve", {"entry": [str(entry.id)]}).status_code == 302
    fresh(session)
    entry = session.get(TimesheetEntry, entry.id)
    assert entry.status == "approved" and entry.pay_pence == round(worked * 1500 / 60)
    today = today_london()
    run = pay.build_pay_run(
        session, today - timedelta(days=1), today, actor_id=1, today=today + timedelta(days=1)
    )
    [statement] = run.statements
    assert statement.member_id == m.id
    assert statement.earnings_pence == entry.pay_pence + entry.holiday_pence
