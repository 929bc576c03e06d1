"""Approving a batch of timesheets gives one answer whatever the order, and a member's hours as
booked are never sent back because of other entries in the same batch (issue 34, problem 3)."""

from __future__ import annotations

import itertools
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from coop.errors import DomainError
from coop.limits import service as limits
from coop.timesheets import service as timesheets
from coop.timesheets.models import TimesheetEntry
from coop.timeutil import to_london, today_london
from tests import factories
from tests.factories import fresh, hours, limit, worked_shift


def _week_from(days_back: int) -> int:
    """A benefit week day that puts the last `days_back` days in one week."""
    return (today_london() - timedelta(days=days_back)).weekday()


def _three_entries(session, email: str):
    """Three 2-hour shifts worked this benefit week under a 7-hour weekly limit: the first and
    last corrected to an hour longer (each fits alone, not both), the middle one as booked."""
    m = factories.member(session, email=email)
    worked = [worked_shift(session, hours=2, member_=m, days_ago=d) for d in (3, 2, 1)]
    limit(session, m, None, 7 * 60, week_start_day=_week_from(4))
    entries = []
    for (a, shift, _m), late in zip(worked, (60, 0, 60), strict=True):
        entries.append(timesheets.submit(session, a.id, hours(shift, end_delta=late), actor_id=1))
    return m, entries


def _statuses(session, ids):
    fresh(session)
    return [session.get(TimesheetEntry, i).status for i in ids]


def test_hours_as_booked_are_approved_whatever_else_is_ticked(web, session):
    factories.coordinator(session, "coord@example.org")
    _m, entries = _three_entries(session, "m@example.org")
    ids = [e.id for e in entries]
    web.login("coord@example.org")
    r = web.post("/timesheets/approve", {"entry": [str(i) for i in reversed(ids)]})
    assert r.status_code == 302
    # As booked: approved. The first correction (earliest shift) fits and is approved; the
    # second would take the week over and goes back to the member to check.
    assert _statuses(session, ids) == ["approved", "approved", "queried"]
    page = web.get(r.headers["Location"]).get_data(as_text=True)
    assert "Approved 2 timesheets." in page
    queried = session.get(TimesheetEntry, ids[2])
    assert "over your own limit" in queried.query_comment


def test_the_same_batch_in_another_order_gives_the_same_statuses(web, session):
    factories.coordinator(session, "coord@example.org")
    _m, entries = _three_entries(session, "m2@example.org")
    ids = [e.id for e in entries]
    web.login("coord@example.org")
    web.post("/timesheets/approve", {"entry": [str(ids[1]), str(ids[2]), str(ids[0])]})
    assert _statuses(session, ids) == ["approved", "approved", "queried"]


# --- the property: any two orders of a random batch, the same statuses ------------------------

ENTRY = st.tuples(st.integers(1, 6), st.sampled_from([-60, -30, 0, 0, 30, 60, 90]))
_runs = itertools.count()


def _snapshot(session, ids):
    cols = ("status", "pay_rate_pence", "pay_pence", "holiday_pence", "approved_by_id", "approved_at")
    rows = {}
    for i in ids:
        e = session.get(TimesheetEntry, i)
        rows[i] = {c: getattr(e, c) for c in cols} | {"query_comment": e.query_comment}
    return rows


def _restore(session, rows):
    fresh(session)
    for i, values in rows.items():
        session.execute(update(TimesheetEntry).where(TimesheetEntry.id == i).values(**values))
    session.commit()


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    layout=st.lists(ENTRY, min_size=2, max_size=6, unique_by=lambda t: t[0]),
    limit_hours=st.integers(6, 12),
    orders=st.randoms(use_true_random=False),
)
def test_any_two_orders_of_a_batch_give_the_same_statuses(session, layout, limit_hours, orders):
    session.rollback()
    m = factories.member(session, email=f"batch{next(_runs)}@example.org")
    worked = []
    for days_ago, _late in layout:
        try:
            worked.append(worked_shift(session, hours=2, member_=m, days_ago=days_ago))
        except DomainError:  # too close to another of the member's shifts: leave it out
            session.rollback()
            worked.append(None)
    limit(session, m, None, limit_hours * 60, week_start_day=_week_from(6))
    ids = []
    for held, (_d, late) in zip(worked, layout, strict=True):
        if held is None:
            continue
        a, shift, _ = held
        try:  # each entry alone must fit to be sent by a coordinator
            ids.append(timesheets.submit(session, a.id, hours(shift, end_delta=late), actor_id=1).id)
        except DomainError:
            session.rollback()
    if not ids:
        return
    before = _snapshot(session, ids)
    span = (today_london() - timedelta(days=40), today_london() + timedelta(days=40))
    planner = limits.Guard(session, [m.id], work_days=[today_london()]).planner(m.id)
    was = planner.by_period(limits.work_rows(session, m.id, *span))
    first, second = list(ids), list(ids)
    orders.shuffle(first)
    orders.shuffle(second)
    timesheets.approve(session, first, actor_id=1)
    once = _statuses(session, ids)
    _restore(session, before)
    timesheets.approve(session, second, actor_id=1)
    assert _statuses(session, ids) == once
    fresh(session)
    entries = [session.get(TimesheetEntry, i) for i in ids]
    # Hours as booked, or fewer, are never sent back.
    for e in entries:
        if e.worked_minutes <= e.assignment.shift.minutes:
            assert e.status == "approved"
    # Nothing is sent back that would have fitted: approving it too takes its week over.
    for e in entries:
        if e.status != "queried":
            continue
        day = to_london(e.assignment.shift.starts_at).date()
        guard = limits.Guard(session, [m.id], work_days=[day])
        e.pay_rate_pence, e.pay_pence, e.holiday_pence = timesheets.pay_for_entry(session, e)
        e.status = "approved"
        assert guard.broken().get(m.id)
        session.rollback()
    # And the approved hours take no week over the limit that was not over before.
    planner = limits.Guard(session, [m.id], work_days=[today_london()]).planner(m.id)
    after = planner.by_period(limits.work_rows(session, m.id, *span))
    for period, totals in after.items():
        assert totals.minutes <= max(limit_hours * 60, was[period].minutes)
