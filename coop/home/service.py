"""What the home pages summarise, and whether the service is healthy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from coop.bookings.models import Booking, BookingStatus, Shift, ShiftStatus
from coop.caps import service as caps
from coop.caps.models import BenefitCap
from coop.caps.service import Period, Totals
from coop.members.models import Member
from coop.migrate import current_revision, head_revision
from coop.rota import service as rota
from coop.rota.models import Assignment, Offer
from coop.timeutil import today_london, utcnow


@dataclass(frozen=True)
class CoordinatorSummary:
    active_members: int
    paused_members: int
    requests_waiting: int
    unfilled_this_week: int
    unfilled_next_week: int


def coordinator_summary(session: Session) -> CoordinatorSummary:
    counts = {
        status: n
        for status, n in session.execute(select(Member.status, func.count()).group_by(Member.status))
    }
    now = utcnow()
    waiting = (
        session.scalar(
            select(func.count()).select_from(Booking).where(Booking.status == BookingStatus.REQUESTED)
        )
        or 0
    )

    def unfilled(lo_days: int, hi_days: int) -> int:
        return (
            session.scalar(
                select(func.coalesce(func.sum(Shift.slots - Shift.filled), 0)).where(
                    Shift.status == ShiftStatus.SCHEDULED,
                    Shift.filled < Shift.slots,
                    Shift.starts_at >= max(now, now + timedelta(days=lo_days)),
                    Shift.starts_at < now + timedelta(days=hi_days),
                )
            )
            or 0
        )

    return CoordinatorSummary(
        counts.get("active", 0), counts.get("paused", 0), waiting, unfilled(0, 7), unfilled(7, 14)
    )


@dataclass(frozen=True)
class MemberHome:
    offers: list[tuple[Offer, caps.Fit]]
    next_shifts: list[Assignment]
    cap: BenefitCap | None
    period: Period | None
    totals: Totals | None


def member_home(session: Session, member: Member) -> MemberHome:
    """A member's next shifts and, if they set a limit, where they stand this period."""
    cap = caps.cap_for(session, member.id)
    period = totals = None
    if cap is not None:
        planner = caps.Planner.for_member(session, member)
        period = planner.period_of(today_london())
        totals = planner.totals(period)
    from coop.rota.offers import my_offers

    return MemberHome(
        my_offers(session, member), rota.my_shifts(session, member, past_days=0)[:5], cap, period, totals
    )


def health(engine: Engine) -> tuple[bool, str]:
    """Healthy when the database answers and its schema is at the latest migration."""
    try:
        current = current_revision(engine)
    except SQLAlchemyError:
        return False, "database unreachable"
    head = head_revision()
    if current != head:
        return False, f"schema at {current}, expected {head}: run 'coop db upgrade'"
    return True, f"schema at {head}"
