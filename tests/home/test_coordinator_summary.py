"""The coordinator's home figures, read in one statement (issue 43): each count moves with the
data it counts, and a lead's scope narrows the unfilled places to their businesses."""

from __future__ import annotations

from datetime import timedelta

from coop.home.service import coordinator_summary
from tests import factories


def test_each_figure_counts_its_own_rows(session):
    before = coordinator_summary(session)
    factories.member(session)
    factories.member(session, status="paused")
    factories.shift(session, starts_in=timedelta(days=3), slots=2)
    factories.shift(session, starts_in=timedelta(days=10), slots=1)
    factories.shift(session, starts_in=timedelta(days=20), slots=4)  # after next week: not counted
    after = coordinator_summary(session)
    assert after.active_members - before.active_members == 1
    assert after.paused_members - before.paused_members == 1
    assert after.unfilled_this_week - before.unfilled_this_week == 2
    assert after.unfilled_next_week - before.unfilled_next_week == 1
    assert after.requests_waiting == before.requests_waiting  # the factory's bookings are confirmed
    assert after.timesheets_waiting == before.timesheets_waiting
    lead = coordinator_summary(session, business_ids=[])
    assert (lead.unfilled_this_week, lead.unfilled_next_week, lead.requests_waiting) == (0, 0, 0)
    assert lead.active_members == after.active_members
