"""What My shifts reads, in few statements: the member's places (held and asked about) in one,
and every open swap offer the page shows in one (with the two loads of their places)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import BindParameter, ColumnElement, Select, and_, bindparam, or_, select
from sqlalchemy.orm import Session, aliased, contains_eager

from coop.bookings.models import Shift, ShiftStatus
from coop.members.models import Member
from coop.rota.eligibility import shift_problems
from coop.rota.models import Assignment, AssignmentStatus, SwapOffer, SwapStatus


def own_places(member_id: int, *where: ColumnElement[bool]) -> Select[Assignment]:
    """The member's places, held or asked about, with their shifts (the join is the eager load),
    soonest first; `where` narrows the shifts."""
    return (
        select(Assignment)
        .join(Shift, Shift.id == Assignment.shift_id)
        .options(contains_eager(Assignment.shift))
        .where(
            Assignment.member_id == member_id,
            Assignment.status.in_((AssignmentStatus.ACCEPTED, AssignmentStatus.ASKED)),
            *where,
        )
        .order_by(Shift.starts_at)
    )


def my_places(
    session: Session, member: Member, *, now: datetime, past_days: int = 14
) -> tuple[list[Assignment], list[Assignment]]:
    """The places the member holds (the last fortnight's and what is coming, soonest first, as
    `boards.my_shifts`) and those a coordinator asked them about that are still open to an answer
    (as `claims.asked_of`), from one statement."""
    rows = session.scalars(own_places(member.id, Shift.ends_at > now - timedelta(days=past_days))).all()
    held = [a for a in rows if a.status == AssignmentStatus.ACCEPTED]
    asked = [
        a
        for a in rows
        if a.status == AssignmentStatus.ASKED
        and a.shift.status == ShiftStatus.SCHEDULED
        and a.shift.starts_at > now
    ]
    return held, asked


@dataclass
class MySwaps:
    exchanges: list[SwapOffer]  # two-way swaps other members offered this member, soonest first
    others: list[SwapOffer]  # shifts other members offer anyone that this member could take
    mine: dict[int, SwapOffer]  # the member's own open offers, by their assignment


@lru_cache(maxsize=1)
def _swaps_shown() -> Select[SwapOffer]:
    """The statement, built once (its four aliases cost more to build than the query takes):
    open offers the member made, one-way offers of coming shifts by others, and two-way swaps
    offered to the member for one of their coming shifts, by the offered shift's start."""
    giver, wanted = aliased(Assignment), aliased(Assignment)
    given, theirs = aliased(Shift), aliased(Shift)
    member_id: BindParameter[int] = bindparam("member_id")
    now: BindParameter[datetime] = bindparam("now")
    return (
        select(SwapOffer)
        .join(giver, giver.id == SwapOffer.assignment_id)
        .join(given, given.id == giver.shift_id)
        .outerjoin(wanted, wanted.id == SwapOffer.wanted_assignment_id)
        .outerjoin(theirs, theirs.id == wanted.shift_id)
        .where(
            SwapOffer.status == SwapStatus.OPEN,
            or_(
                giver.member_id == member_id,
                and_(
                    SwapOffer.wanted_assignment_id.is_(None),
                    giver.member_id != member_id,
                    given.starts_at > now,
                ),
                and_(wanted.member_id == member_id, theirs.starts_at > now),
            ),
        )
        .order_by(given.starts_at)
    )


def my_swaps(session: Session, member: Member, *, now: datetime) -> MySwaps:
    """The open swap offers My shifts shows, as `swaps.exchanges_for`, `swaps.open_swaps_for` and
    `boards.my_open_swap_offers` read them one by one, from one statement."""
    rows = session.scalars(_swaps_shown(), {"member_id": member.id, "now": now}).all()
    exchanges = [
        o
        for o in rows
        if o.wanted is not None and o.wanted.member_id == member.id and o.wanted.shift.starts_at > now
    ]
    exchanges.sort(key=lambda o: o.wanted.shift.starts_at if o.wanted else now)
    others = [
        o
        for o in rows
        if o.wanted_assignment_id is None
        and o.assignment.member_id != member.id
        and o.assignment.shift.starts_at > now
        and not shift_problems(session, member, o.assignment.shift, now=now)
    ]
    mine = {o.assignment_id: o for o in rows if o.assignment.member_id == member.id}
    return MySwaps(exchanges, others, mine)
