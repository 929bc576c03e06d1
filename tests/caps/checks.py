"""What the limit tests check after every change: each period of a member's work and pay."""

from __future__ import annotations

from datetime import date

from coop.caps import service as caps

EVERYTHING = (date(2000, 1, 1), date(2099, 12, 31))  # every day the app accepts


def every_period(session, member_id: int) -> dict[caps.Period, caps.Totals]:
    """Every period holding any of the member's work or pay, wherever it lies, with its totals.
    Each is also read the way the limit reads it (that period alone, through the planner), and
    the two must agree: a period's work is all there whatever is asked."""
    cap = caps.cap_for(session, member_id)
    assert cap is not None
    planner = caps.Planner(session, member_id, cap)
    grouped = planner.by_period(caps.work_rows(session, member_id, *EVERYTHING))
    for period, totals in grouped.items():
        assert caps.Planner(session, member_id, cap).totals(period) == totals, period
    return grouped


def within_limit(session, member_id: int) -> None:
    cap = caps.cap_for(session, member_id)
    for period, totals in every_period(session, member_id).items():
        if cap.earnings_cap_pence is not None:
            assert totals.pay_pence <= cap.earnings_cap_pence, (cap.preset, period, totals)
        if cap.hours_cap_minutes is not None:
            assert totals.minutes <= cap.hours_cap_minutes, (cap.preset, period, totals)
