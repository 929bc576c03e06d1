"""Sharing a surplus in proportion to hours worked, paid through pay: each member chooses when,
checked against their own limit like any change to their pay (limits.Guard)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.audit.service import record
from coop.bookings.models import Shift
from coop.db import lock, write_transaction
from coop.errors import DomainError, NotFound
from coop.governance.models import SurplusShare
from coop.i18n import gettext as _
from coop.limits import service as limits
from coop.members.models import Member
from coop.money import format_pence
from coop.pay.models import PayAdjustment
from coop.pay.service import open_paydays
from coop.rota.models import Assignment
from coop.timesheets.models import TimesheetEntry, TimesheetStatus, worked_minutes
from coop.timeutil import london_to_utc, utcnow


def surplus_shares(session: Session, total_pence: int, year: int) -> dict[int, tuple[int, int]]:
    """{member: (minutes worked in the year, share in pence)}: in proportion to approved hours,
    rounded down, with the pennies left over going to the largest remainders so the shares add
    up to the total exactly."""
    lo, hi = london_to_utc(date(year, 1, 1), time(0)), london_to_utc(date(year + 1, 1, 1), time(0))
    rows = session.execute(
        select(
            TimesheetEntry.member_id,
            TimesheetEntry.actual_start,
            TimesheetEntry.actual_end,
            TimesheetEntry.break_minutes,
        )
        .join(Assignment, Assignment.id == TimesheetEntry.assignment_id)
        .join(Shift, Shift.id == Assignment.shift_id)
        .where(TimesheetEntry.status == TimesheetStatus.APPROVED, Shift.starts_at >= lo, Shift.starts_at < hi)
    ).all()
    minutes: dict[int, int] = {}
    for member_id, start, end, brk in rows:
        minutes[member_id] = minutes.get(member_id, 0) + worked_minutes(start, end, brk)
    total = sum(minutes.values())
    if total == 0:
        return {}
    floors = {m: total_pence * mins // total for m, mins in minutes.items()}
    left = total_pence - sum(floors.values())
    by_remainder = sorted(minutes, key=lambda m: (-(total_pence * minutes[m] % total), m))
    for m in by_remainder[:left]:
        floors[m] += 1
    return {m: (minutes[m], floors[m]) for m in minutes}


def my_shares(session: Session, member: Member) -> list[SurplusShare]:
    return list(
        session.scalars(
            select(SurplusShare).where(SurplusShare.member_id == member.id).order_by(SurplusShare.id.desc())
        )
    )


MAX_PARTS = 6


@dataclass(frozen=True)
class ShareOptions:
    """What a member can do with what is left of a share (figures for their eyes only)."""

    left_pence: int
    paydays: tuple[date, ...]  # the coming pay days it can be paid on
    all_now: limits.Fit | None  # taking all of it on the next pay day (None: no limit set)
    most_now: int | None  # the most that fits on the next pay day (None: no earnings limit)
    parts_that_fit: int | None  # fewest pay days it can be spread over and fit (None: none do)


def _split(amount: int, parts: int) -> list[int]:
    """Equal parts in pence, the odd pennies on the first."""
    base = amount // parts
    return [base + (amount - base * parts if i == 0 else 0) for i in range(parts)]


def _fit_of(planner: limits.Planner, amount: int, paydays: Sequence[date]) -> limits.Fit | None:
    """The first period paying `amount` over these pay days would break, or None."""
    rows = [
        limits.WorkRow(d, 0, p, paid_on=True)
        for d, p in zip(paydays, _split(amount, len(paydays)), strict=True)
        if p
    ]
    broken = planner.adding(rows)
    return broken[0] if broken else None


def share_options(session: Session, member: Member, share: SurplusShare, today: date) -> ShareOptions:
    left = share.amount_pence - share.taken_pence
    paydays = tuple(open_paydays(session, today, MAX_PARTS))
    planner = limits.Planner.for_member(session, member)
    if planner.limit is None or not left or not paydays:
        return ShareOptions(left, paydays, None, None, 1 if left else None)
    broken = _fit_of(planner, left, paydays[:1])
    all_now = broken or limits.Fit(left, 0, True, True, planner.limit.mode, planner.period_on(paydays[0]))
    most_now = None
    if planner.limit.earnings_limit_pence is not None:
        lo, hi = 0, left  # the most that fits on the next pay day, by halving
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if _fit_of(planner, mid, paydays[:1]) is None:
                lo = mid
            else:
                hi = mid - 1
        most_now = lo
    parts = next((n for n in range(1, len(paydays) + 1) if _fit_of(planner, left, paydays[:n]) is None), None)
    return ShareOptions(left, paydays, all_now, most_now, parts)


def take_share(
    session: Session,
    member: Member,
    share_id: int,
    *,
    today: date,
    amount_pence: int | None = None,
    parts: int = 1,
    accept_limit_warning: bool = False,
) -> list[PayAdjustment]:
    """Put all or part of a share into pay, on the next pay day or spread over the next `parts`
    pay days; what is not taken stays kept for later. It counts as earnings on the day it is
    paid, so it goes through the limit rule (limits.Guard) like any change to the member's pay.
    The member and then the share are locked first, as a claim locks the member."""
    member_id = member.id
    if not 1 <= parts <= MAX_PARTS:
        raise DomainError(_("Spread it over 1 to %(most)s pay days.", most=MAX_PARTS), field="parts")
    with write_transaction(session):
        member = lock(session, Member, member_id)  # type: ignore[assignment]
        share = lock(session, SurplusShare, share_id)
        if share is None or member is None or share.member_id != member.id:
            raise NotFound(_("No such share."))
        left = share.amount_pence - share.taken_pence
        if left <= 0:
            raise DomainError(_("You have already taken this share: it is on its way in your pay."))
        amount = left if amount_pence is None else amount_pence
        if not 1 <= amount <= left:
            raise DomainError(
                _("Choose an amount from 1p to %(most)s.", most=format_pence(left)), field="amount"
            )
        paydays = open_paydays(session, today, parts)
        if len(paydays) < parts:
            raise DomainError(_("There are not that many pay days planned yet."), field="parts")
        guard = limits.Guard(session, [member.id], pay_days=paydays)
        made = []
        for day, pence in zip(paydays, _split(amount, parts), strict=True):
            if pence:
                made.append(
                    PayAdjustment(
                        member_id=member.id,
                        amount_pence=pence,
                        reason=f"Share of surplus ({share.proposal.title})",
                        counts_as_earnings=True,
                        pay_on=day,
                    )
                )
        session.add_all(made)
        limits.check_own_change(
            guard, member.id, accept_warning=accept_limit_warning, doing=_("Taking it like this")
        )
        share.taken_pence += amount
        share.status = "paid" if share.taken_pence == share.amount_pence else "deferred"
        share.adjustment_id = share.adjustment_id or made[0].id
        share.decided_at = utcnow()
        record(
            session,
            member.user_id,
            "surplus.taken",
            ("member", member.id),
            {},
            {"pence": amount, "pay_days": parts},
        )
    return made


def defer_share(session: Session, member: Member, share_id: int) -> None:
    member_id = member.id
    with write_transaction(session):
        share = lock(session, SurplusShare, share_id)
        if share is None or share.member_id != member_id:
            raise NotFound(_("No such share."))
        if share.taken_pence >= share.amount_pence:
            raise DomainError(_("You have already taken this share: it is on its way in your pay."))
        share.status, share.decided_at = "deferred", utcnow()
