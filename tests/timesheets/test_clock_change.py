"""Hours worked across the night the clocks go back: the hour from 01:00 to 02:00 happens twice,
so a time in it written on the hours form is read as the one nearer what is known of the work
(the times tapped or saved, else the shift's), and the hour worked across the change is counted."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import time_machine
from sqlalchemy import select

from coop.timesheets import service as timesheets
from coop.timesheets.models import TimesheetEntry
from coop.timeutil import london_to_utc, to_london
from tests.factories import fresh
from tests.timesheets.test_taps import shift_under_way

BACK = date(2027, 10, 31)  # 02:00 BST becomes 01:00 GMT: 01:00-02:00 comes twice


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_a_repeated_time_is_the_one_nearer_what_is_known():
    assert london_to_utc(BACK, time(1, 10), near=utc(2027, 10, 31, 0, 5)) == utc(2027, 10, 31, 0, 10)  # BST
    assert london_to_utc(BACK, time(1, 10), near=utc(2027, 10, 31, 1, 15)) == utc(2027, 10, 31, 1, 10)  # GMT
    # any other time is the one instant it always was, whatever is near, even 01:30 on the
    # night the clocks skip it (the hours form reads it as before)
    forward = date(2027, 3, 28)
    for day, at in (
        (BACK, time(2, 30)),
        (BACK, time(0, 30)),
        (date(2027, 7, 1), time(1, 10)),
        (forward, time(1, 30)),
    ):
        for near in (utc(2000, 1, 1), utc(2099, 1, 1)):
            assert london_to_utc(day, at, near=near) == london_to_utc(day, at)


def test_hours_across_the_change_count_the_repeated_hour_when_the_work_went_on():
    evening = date(2027, 10, 30)
    booked = (utc(2027, 10, 30, 22, 30), utc(2027, 10, 31, 1, 30))  # 23:30 BST to 01:30 GMT
    hours = timesheets.hours_from_local(evening, time(23, 30), time(1, 10), 0, near=booked)
    assert hours.end - hours.start == timedelta(hours=2, minutes=40)
    # left before the change: the finish tapped at 01:10 BST, so 01:10 is that one
    left_early = (booked[0], utc(2027, 10, 31, 0, 10))
    hours = timesheets.hours_from_local(evening, time(23, 30), time(1, 10), 0, near=left_early)
    assert hours.end - hours.start == timedelta(hours=1, minutes=40)


def test_the_member_sends_the_tapped_times_across_the_change_and_is_paid_for_them(session, make_web):
    with time_machine.travel(utc(2027, 10, 31, 1, 30), tick=False):  # 01:30 GMT, the second time
        a, shift, m = shift_under_way(session, started_ago=timedelta(hours=2), hours=3)  # from 00:30 BST
        web = make_web()
        web.login(m.user.email)
        assert web.post(f"/assignments/{a.id}/finished", {"back": "mine"}).status_code == 302
        form = web.get(f"/timesheets/record/{a.id}").get_data(as_text=True)
        # the shift's start and the finish tapped, as the member's clock showed them
        assert 'value="00:30"' in form and 'value="01:30"' in form
        day = to_london(shift.starts_at).date().isoformat()
        sent = {"day": day, "start_time": "00:30", "end_time": "01:30", "break_minutes": "0"}
        r = web.post(f"/timesheets/record/{a.id}", sent)
        assert r.status_code == 302, r.get_data(as_text=True)
    fresh(session)
    entry = session.scalars(select(TimesheetEntry).where(TimesheetEntry.assignment_id == a.id)).one()
    assert entry.worked_minutes == 120  # 00:30 BST to 01:30 GMT is two hours, not one
