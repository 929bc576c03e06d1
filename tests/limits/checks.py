"""What the limit tests check after every change: each period of a member's work and pay."""

from __future__ import annotations

from datetime import date

from coop.limits import service as limits

EVERYTHING = (date(2000, 1, 1), date(2099, 12, 31))  # every day the app accepts


def every_period(session, member_id: int) -> dict[limits.Period, limits.Totals]:
    """Every period holding any of the member's work or pay, wherever it lies, with its totals.
    Each is also read the way the limit reads it (that period alone, through the planner), and
    the two must agree: a period's work is all there whatever is asked."""
    limit = limits.limit_for(session, member_id)
    assert limit is not None
    planner = limits.Planner(session, member_id, limit)
    grouped = planner.by_period(limits.work_rows(session, member_id, *EVERYTHING))
    for period, totals in grouped.items():
        assert limits.Planner(session, member_id, limit).totals(period) == totals, period
    return grouped


def within_limit(session, member_id: int) -> None:
    limit = limits.limit_for(session, member_id)
    for period, totals in every_period(session, member_id).items():
        if limit.earnings_limit_pence is not None:
            assert totals.pay_pence <= limit.earnings_limit_pence, (limit.preset, period, totals)
        if limit.hours_limit_minutes is not None:
            assert totals.minutes <= limit.hours_limit_minutes, (limit.preset, period, totals)
