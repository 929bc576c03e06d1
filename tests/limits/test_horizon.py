"""The limit holds however far away the period is (issue 34, problem 1): work and pay are read
for the periods a change touches, wherever they lie, never from a window around today; the pay
days a share or a correction can go on are found however many coming ones are already paid."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import event, select

from coop.limits import service as limits
from coop.pay.models import PayAdjustment, PayRun
from coop.rota import service as rota
from coop.rota.models import Assignment
from coop.timesheets import service as timesheets
from coop.timesheets.models import TimesheetEntry
from coop.timeutil import london_to_utc, to_london, today_london, utcnow, week_start
from tests import factories
from tests.factories import fresh

ESA = {"minutes": 15 * 60 + 59, "preset": "esa"}  # under 16 hours a week


def _shift_on(session, svc, day: date, hours: float = 9):
    starts = london_to_utc(day, time(9))
    return factories.shift(session, service_=svc, starts_in=starts - utcnow(), hours=hours)


def _member_with_two_shifts_in_one_week(session, days_ahead: int):
    """A member on a weekly hours limit (under 16 hours) and two nine-hour shifts on the Tuesday
    and Wednesday of the week `days_ahead` from today: one fits, the two do not."""
    skill = factories.skill(session)
    svc = factories.service(session, skill, name="Gardening", pay=1500)
    m = factories.member(session, name="Far Ahead", email="far@example.org", skills=[skill])
    factories.limit(session, m, 40_000, **ESA)
    monday = week_start(today_london() + timedelta(days=days_ahead))
    return (
        m,
        _shift_on(session, svc, monday + timedelta(days=1)),
        _shift_on(session, svc, monday + timedelta(days=2)),
    )


@pytest.mark.parametrize("days_ahead", [130, 200, 700])
def test_the_second_shift_in_a_far_week_is_refused(web, session, days_ahead):
    m, first, second = _member_with_two_shifts_in_one_week(session, days_ahead)
    web.login("far@example.org")
    web.post(f"/shifts/{first.id}/claim", {})
    page = web.post(f"/shifts/{second.id}/claim", {}, follow_redirects=True).get_data(as_text=True)
    assert "would take your hours over your limit" in page
    fresh(session)
    held = session.scalars(select(Assignment.shift_id).where(Assignment.member_id == m.id)).all()
    assert held == [first.id]  # the first is theirs; the one that does not fit is not
    assert session.get(type(second), second.id).filled == 0


def test_counted_by_pay_date_a_far_month_holds_all_its_pay(web, session):
    """A monthly limit counted by pay date (as Universal Credit counts): two shifts in a month
    about 200 days ahead are paid on the same pay day, so in the same assessment period."""
    skill = factories.skill(session)
    svc = factories.service(session, skill, name="Interviews", pay=1500)
    m = factories.member(session, name="Uc Member", email="uc@example.org", skills=[skill])
    factories.limit(session, m, 10_000, period="monthly", start_day=17, count_by="paid", preset="uc")
    month = (today_london() + timedelta(days=200)).replace(day=1)
    first, second = (_shift_on(session, svc, month.replace(day=d), hours=4) for d in (10, 12))
    web.login("uc@example.org")
    web.post(f"/shifts/{first.id}/claim", {})
    page = web.post(f"/shifts/{second.id}/claim", {}, follow_redirects=True).get_data(as_text=True)
    assert "would take your earnings over your limit" in page
    fresh(session)
    assert session.scalars(select(Assignment.shift_id).where(Assignment.member_id == m.id)).all() == [
        first.id
    ]


def test_a_coordinator_cannot_give_the_far_shift_either(web, session):
    m, first, second = _member_with_two_shifts_in_one_week(session, 700)
    rota.claim(session, m.id, first.id)
    factories.coordinator(session, "coord@example.org")
    web.login("coord@example.org")
    page = web.post(f"/shifts/{second.id}/fill", {"member_id": str(m.id)}, follow_redirects=True)
    assert "does not fit" in page.get_data(as_text=True)
    fresh(session)
    assert session.scalars(select(Assignment).where(Assignment.shift_id == second.id)).all() == []


def test_moving_a_visit_into_a_full_far_week_is_refused(web, session):
    """A coordinator's edit that moves a visit from next week into a week 200 days ahead that
    already holds the member's other shift: judged in the week it goes to."""
    m, first, _ = _member_with_two_shifts_in_one_week(session, 200)
    rota.claim(session, m.id, first.id)
    near = _shift_on(session, first.service, week_start(today_london()) + timedelta(days=8))
    rota.claim(session, m.id, near.id)
    factories.coordinator(session, "coord@example.org")
    web.login("coord@example.org")
    start, end = to_london(near.starts_at), to_london(near.ends_at)
    form = {
        "day": (to_london(first.starts_at).date() + timedelta(days=1)).isoformat(),
        "start_time": start.strftime("%H:%M"),
        "end_time": end.strftime("%H:%M"),
        "site_address": near.site_address,
        "notes": "",
        "slots": "1",
        "scope": "one",
    }
    page = web.post(f"/shifts/{near.id}/edit", form, follow_redirects=True).get_data(as_text=True)
    assert "does not fit" in page
    fresh(session)
    assert to_london(session.get(type(near), near.id).starts_at).date() == start.date()  # not moved


def test_hours_recorded_late_for_a_past_week_are_judged_in_that_week(web, session):
    """A correction to a period long gone (five months ago): hours recorded for a shift that
    week are judged with the member's other work that week, and need the member's yes."""
    skill = factories.skill(session)
    svc = factories.service(session, skill, name="Catering", pay=1500)
    m = factories.member(session, name="Past Week", email="past@example.org", skills=[skill])
    monday = week_start(today_london() - timedelta(days=150))
    factories.limit(session, m, None, **ESA)
    for day, hours in ((monday + timedelta(days=1), 8), (monday + timedelta(days=3), 7)):
        s = _shift_on(session, svc, day, hours)
        session.add(Assignment(shift_id=s.id, shift_starts_at=s.starts_at, member_id=m.id, source="assign"))
        s.filled = 1
    session.commit()
    a_first, a_late = session.scalars(
        select(Assignment).where(Assignment.member_id == m.id).order_by(Assignment.id)
    ).all()
    timesheets.approve(
        session,
        [timesheets.submit(session, a_first.id, factories.hours(a_first.shift), actor_id=1).id],
        actor_id=1,
    )
    shift = a_late.shift
    start, end = to_london(shift.starts_at), to_london(shift.ends_at + timedelta(hours=2))
    hours = {
        "day": start.date().isoformat(),
        "start_time": start.strftime("%H:%M"),
        "end_time": end.strftime("%H:%M"),
        "break_minutes": "0",
        "note": "",
    }
    web.login("past@example.org")
    page = web.post(f"/timesheets/record/{a_late.id}", hours).get_data(as_text=True)
    assert "over your limit" in page  # 8 + 9 hours that week: over 15h 59m
    fresh(session)
    assert (
        session.scalars(select(TimesheetEntry).where(TimesheetEntry.assignment_id == a_late.id)).all() == []
    )
    web.post(f"/timesheets/record/{a_late.id}", {**hours, "over_limit_confirmed": "y"})
    fresh(session)
    entry = session.scalars(select(TimesheetEntry).where(TimesheetEntry.assignment_id == a_late.id)).one()
    assert entry.over_limit_confirmed  # paid in full, on the member's word


def test_a_share_goes_on_the_next_pay_day_without_a_finalised_run(web, session):
    """The two coming pay days already have finalised pay runs: 'on the next pay day' means the
    next one still open, however far."""
    m = factories.member(session, email="share@example.org")
    schedule = limits.pay_schedule(session)
    paid = schedule.paydays_between(today_london(), today_london() + timedelta(days=62))[:2]
    paid += [schedule.next_payday(paid[-1] + timedelta(days=1))]
    for day in paid:  # the next three pay days' runs are done
        session.add(
            PayRun(
                period_start=day - timedelta(days=40),
                period_end=day - timedelta(days=10),
                pay_date=day,
                status="finalised",
            )
        )
    share = factories.surplus_share(session, m, pence=5_000, minutes=60)
    web.login("share@example.org")
    page = web.get("/my/surplus").get_data(as_text=True)
    open_day = schedule.next_payday(paid[-1] + timedelta(days=1))
    assert "not that many pay days" not in page
    web.post(f"/my/surplus/{share.id}/take", {"amount": "", "parts": "2"})
    fresh(session)
    days = session.scalars(select(PayAdjustment.pay_on).order_by(PayAdjustment.pay_on)).all()
    assert days == [open_day, schedule.next_payday(open_day + timedelta(days=1))]
    assert share.taken_pence == 5_000


def test_pay_days_are_found_across_years_and_bank_holidays():
    """Every pay day of two years, found from any day, without a range to search."""
    for frequency in ("weekly", "monthly"):
        schedule = limits.PaySchedule(frequency, 1)
        start = date(2026, 12, 1)
        all_days = sorted({schedule.pay_date(start + timedelta(days=i)) for i in range(800)})
        inner = [d for d in all_days if date(2027, 1, 1) <= d <= date(2028, 12, 31)]
        assert schedule.paydays_between(date(2027, 1, 1), date(2028, 12, 31)) == inner
        for day in (date(2027, 12, 24), date(2028, 3, 26), date(2028, 10, 29)):
            assert schedule.next_payday(day) == min(d for d in all_days if d >= day)
            first, last = schedule.work_paid_between(day, day + timedelta(days=30))
            assert schedule.pay_date(first) >= day > schedule.pay_date(first - timedelta(days=1))
            assert (
                schedule.pay_date(last)
                <= day + timedelta(days=30)
                < schedule.pay_date(last + timedelta(days=1))
            )


def _statements(session, call) -> int:
    count = 0

    def one(_conn, _cursor, statement, *_args):
        nonlocal count
        count += statement.split(None, 1)[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK")

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", one)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", one)
    return count


def test_a_claim_costs_the_same_near_and_two_years_ahead(session):
    """The statements a claim sends do not depend on how far ahead it is, nor on how much other
    work the member holds in other weeks (a weekly visit for two years)."""
    skill = factories.skill(session)
    svc = factories.service(session, skill, name="Admin", pay=1500)
    m = factories.member(session, name="Busy", skills=[skill])
    factories.limit(session, m, 40_000, **ESA)
    monday = week_start(today_london())
    for week in range(1, 105):  # a shift every week for two years, already theirs
        s = _shift_on(session, svc, monday + timedelta(days=7 * week), hours=2)
        session.add(Assignment(shift_id=s.id, shift_starts_at=s.starts_at, member_id=m.id))
        s.filled = 1
    session.commit()
    near = _shift_on(session, svc, monday + timedelta(days=9), hours=2)
    far = _shift_on(session, svc, monday + timedelta(days=7 * 100 + 2), hours=2)
    member_id, ids = m.id, (near.id, far.id)
    counts = [_statements(session, lambda i=i: rota.claim(session, member_id, i)) for i in ids]
    assert counts[0] == counts[1], counts
    assert len(session.scalars(select(Assignment).where(Assignment.member_id == m.id)).all()) == 106
