"""A member's own pay page: statements, holiday pay and days off this leave year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.members.models import Member
from coop.pay.models import PayLineKind, PayRun, PayRunStatus, PayStatement
from coop.rota.models import TimeOff
from coop.timeutil import format_date


@dataclass(frozen=True)
class MyPay:
    statements: list[PayStatement]
    months: list[tuple[str, int, int]]  # label, minutes, earnings pence
    holiday_hours_accrued: float
    holiday_pay_paid: int
    leave_year_start: date
    days_off_taken: int


def leave_year_start(today: date) -> date:
    """Leave years run from 1 April."""
    return date(today.year if today >= date(today.year, 4, 1) else today.year - 1, 4, 1)


def days_off_taken(session: Session, member: Member, since: date, today: date) -> int:
    """Days of time off from `since` up to today (holiday is paid as it accrues, with wages)."""

    days = 0
    for t in session.scalars(
        select(TimeOff).where(
            TimeOff.member_id == member.id, TimeOff.last_day >= since, TimeOff.first_day <= today
        )
    ):
        days += (min(t.last_day, today) - max(t.first_day, since)).days + 1
    return days


def my_pay(session: Session, member: Member, holiday_bp: int, today: date) -> MyPay:
    statements = list(
        session.scalars(
            select(PayStatement)
            .join(PayRun)
            .where(PayStatement.member_id == member.id, PayRun.status == PayRunStatus.FINALISED)
            .order_by(PayRun.period_end.desc())
        )
    )
    months: dict[str, list[int]] = {}
    for st in sorted(statements, key=lambda s: s.pay_run.period_end):
        label = format_date(st.pay_run.period_end, "MMM y")
        months.setdefault(label, [0, 0])
        months[label][0] += st.minutes
        months[label][1] += st.earnings_pence
    worked = sum(st.minutes for st in statements)
    holiday_paid = sum(
        line.amount_pence for st in statements for line in st.lines if line.kind == PayLineKind.HOLIDAY
    )
    since = leave_year_start(today)
    return MyPay(
        statements,
        [(k, v[0], v[1]) for k, v in months.items()][-12:],
        round(worked / 60 * holiday_bp / 10000, 2),
        holiday_paid,
        since,
        days_off_taken(session, member, since, today),
    )
