"""The member's earnings page: each period against their limit, and warnings about pay days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from coop.documents import csv_text
from coop.limits.earnings import work_rows
from coop.limits.limit import Planner, Totals
from coop.limits.models import BenefitLimit, LimitPeriod
from coop.limits.periods import Period, pay_schedule, period_for, previous_periods
from coop.members.models import Member
from coop.money import plain_pounds


@dataclass(frozen=True)
class PeriodEarnings:
    period: Period
    pay_pence: int
    minutes: int
    paydays: tuple[date, ...] = ()


def earnings_history(
    session: Session, member: Member, limit: BenefitLimit | None, *, today: date, count: int = 12
) -> list[PeriodEarnings]:
    """This period and the `count` before it, with earnings and hours in each."""
    period, start_day = (limit.period, limit.period_start_day) if limit else ("weekly", 1)
    periods = previous_periods(period, start_day, today, count, limit.week_start_day if limit else 0)
    schedule = pay_schedule(session)
    planner = Planner(session, member.id, limit)
    # With a limit, every row that counts in these periods (read in one go, wherever the work
    # paid in them was done); without one, the work done and pay paid in each week.
    rows = [] if limit is not None else work_rows(session, member.id, periods[0].start, periods[-1].end)
    if limit is not None:
        planner.load(periods)
    out = []
    for p in periods:
        if limit is not None:
            t = planner.totals(p)
        else:
            chosen = [r for r in rows if r.work_day in p]
            t = Totals(sum(r.pay_pence for r in chosen), sum(r.minutes for r in chosen))
        paydays = (
            tuple(schedule.paydays_between(p.start, p.end))
            if limit and limit.period == LimitPeriod.MONTHLY
            else ()
        )
        out.append(PeriodEarnings(p, t.pay_pence, t.minutes, paydays))
    return out


def payday_warnings(
    session: Session, limit: BenefitLimit | None, *, today: date, ahead: int = 12
) -> list[Period]:
    """Coming monthly assessment periods that hold two or more of the co-op's paydays."""
    if limit is None or limit.period != LimitPeriod.MONTHLY:
        return []
    schedule = pay_schedule(session)
    if schedule.frequency != "monthly":
        return []
    out = []
    p = period_for("monthly", limit.period_start_day, today)
    for _ in range(ahead):
        if len(schedule.paydays_between(p.start, p.end)) >= 2:
            out.append(p)
        p = period_for("monthly", limit.period_start_day, p.end + timedelta(days=1))
    return out


def earnings_csv(history: list[PeriodEarnings]) -> str:
    """The member's own earnings by period, for their records or an adviser."""
    return csv_text(
        [
            ["Period start", "Period end", "Gross earnings (GBP)", "Hours", "Co-op paydays in period"],
            *(
                [
                    p.period.start.isoformat(),
                    p.period.end.isoformat(),
                    plain_pounds(p.pay_pence),
                    f"{p.minutes / 60:.2f}",
                    " ".join(d.isoformat() for d in p.paydays),
                ]
                for p in history
            ),
        ]
    )
