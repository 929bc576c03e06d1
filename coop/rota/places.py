"""Who holds which place on a shift. `take_place` is the one rule for taking a place (a claim,
an accepted offer, either side of a swap, a yes to a coordinator's question): it locks the
member, then the shift, re-checks every rule and the member's own limit (limits.enforce), and
raises the shift's filled count with a conditional update the database also guards. Changes
to shifts that people hold are re-checked here (`lock_holders`, `recheck_holders`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from coop.bookings.models import Shift, ShiftStatus
from coop.db import lock
from coop.errors import DomainError, NotFound
from coop.i18n import N_, ngettext
from coop.i18n import gettext as _
from coop.limits import service as limits
from coop.mail import service as mail
from coop.members.models import Member
from coop.members.service import lock_member
from coop.pay import rates
from coop.rota.eligibility import HOLDS_ALREADY, problem_sentence, shift_problems
from coop.rota.fair_release import held_for_others
from coop.rota.models import (
    Assignment,
    AssignmentSource,
    AssignmentStatus,
    SwapOffer,
    SwapStatus,
)
from coop.timeutil import format_dt, to_london, utcnow

JUST_TAKEN = N_("Sorry, someone has just taken the last place on this shift.")


def lock_shift(session: Session, shift_id: int) -> Shift:
    shift = lock(session, Shift, shift_id)
    if shift is None:
        raise NotFound("No such shift.")
    return shift


def _take_slot(session: Session, shift: Shift) -> None:
    result = session.execute(
        update(Shift)
        .where(Shift.id == shift.id, Shift.filled < Shift.slots, Shift.status == ShiftStatus.SCHEDULED)
        .values(filled=Shift.filled + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise DomainError(_(JUST_TAKEN))
    # The shift is locked (lock_shift), so the count read then is the count now: one more,
    # known without reading the row again.
    set_committed_value(shift, "filled", shift.filled + 1)


def _release_slot(session: Session, shift_id: int) -> None:
    session.execute(
        update(Shift)
        .where(Shift.id == shift_id, Shift.filled > 0)
        .values(filled=Shift.filled - 1)
        .execution_options(synchronize_session=False)
    )


def take_place(
    session: Session,
    member_id: int,
    shift_id: int,
    *,
    now: datetime,
    source: str,
    accept_limit_warning: bool = False,
    actor_is_member: bool = True,
    chosen_pay: int | None = None,
) -> Assignment:
    """Inside write_transaction, the one rule for putting a member on a shift (claim, accepted
    offer, swap): lock the member, then the shift, then check skills, availability, clashes,
    rest, holds and the benefit limit, and take a slot with a conditional update."""
    member = lock_member(session, member_id)
    shift = lock_shift(session, shift_id)
    problems = shift_problems(session, member, shift, now=now)
    if problems:
        if problems[0] == HOLDS_ALREADY and actor_is_member:
            raise DomainError(_("You already hold this shift."))
        raise DomainError(problem_sentence(problems[0], member, second_person=actor_is_member))
    if shift.filled >= shift.slots:
        raise DomainError(_(JUST_TAKEN))
    if source == AssignmentSource.CLAIM and held_for_others(session, shift, member.id, now):
        raise DomainError(
            _(
                "This new shift is first open to members who have had less work lately. It opens to "
                "everyone at %(time)s on %(day)s.",
                time=format_dt(shift.open_to_all_at, "HH:mm"),
                day=format_dt(shift.open_to_all_at, "EEE d MMM"),
            )
        )
    if chosen_pay is not None:
        if not shift.service.involvement or not actor_is_member:
            raise DomainError(
                _("Only involvement work can be taken at less pay, and only by your own choice.")
            )
        rates.rate_on(
            session,
            to_london(shift.starts_at).date(),
            shift.service.pay_pence_per_hour,
            chosen_pay,
            choosing=True,
        )
    limits.enforce(
        session,
        member,
        shift,
        accept_warning=accept_limit_warning,
        member_is_asking=actor_is_member,
        chosen=chosen_pay,
    )
    _take_slot(session, shift)
    assignment = Assignment(
        shift_id=shift.id,
        shift_starts_at=shift.starts_at,
        member_id=member.id,
        source=source,
        chosen_pay_pence_per_hour=chosen_pay,
    )
    session.add(assignment)
    session.flush()
    return assignment


def _close_swaps(session: Session, assignment_id: int, now: datetime) -> None:
    session.execute(
        update(SwapOffer)
        .where(
            or_(SwapOffer.assignment_id == assignment_id, SwapOffer.wanted_assignment_id == assignment_id),
            SwapOffer.status == SwapStatus.OPEN,
        )
        .values(status=SwapStatus.WITHDRAWN, closed_at=now)
    )


def release_cancelled_shift(session: Session, shift: Shift) -> None:
    """A cancelled shift frees everyone on it (and anyone asked about it) and tells them."""
    holders = list(
        session.scalars(
            select(Assignment).where(
                Assignment.shift_id == shift.id,
                Assignment.status.in_((AssignmentStatus.ACCEPTED, AssignmentStatus.ASKED)),
            )
        )
    )
    for a in holders:
        a.status = AssignmentStatus.CANCELLED
        a.ended_at = utcnow()
        _close_swaps(session, a.id, utcnow())
        mail.tell_member(
            session,
            a.member,
            "shift_cancelled",
            shift=shift,
        )
    shift.filled = 0


def notify_shift_changed(session: Session, shift: Shift) -> None:
    for a in session.scalars(select(Assignment).where(Assignment.shift_id == shift.id, Assignment.held())):
        mail.tell_member(
            session,
            a.member,
            "shift_changed",
            shift=shift,
        )


def holders_of(session: Session, shift_ids: Iterable[int], *, asked: bool = False) -> dict[int, list[Member]]:
    """Who holds each shift (or, with asked=True, who has been asked and not answered yet)."""
    ids = list(shift_ids)
    status = AssignmentStatus.ASKED if asked else AssignmentStatus.ACCEPTED
    holders: dict[int, list[Member]] = defaultdict(list)
    if not ids:
        return holders
    rows = session.execute(
        select(Assignment.shift_id, Member)
        .join(Member, Member.id == Assignment.member_id)
        .where(Assignment.shift_id.in_(ids), Assignment.status == status)
        .order_by(Member.display_name)
    )
    for shift_id, member in rows:
        holders[shift_id].append(member)
    return holders


def ask_about_change(session: Session, assignment: Assignment) -> None:
    """Inside a coordinator's change that no longer fits a member who holds the shift: the place
    stays theirs to keep, but only if they say yes to the shift as it is now."""
    assignment.status = AssignmentStatus.ASKED
    member = assignment.member
    mail.tell_member(
        session,
        member,
        "asked_about_change",
        shift=assignment.shift,
    )


class DoesNotFit(DomainError):
    """A coordinator's change does not fit some members who hold the shifts. Nothing is saved;
    the coordinator may save it again asking those members (never told why, nor any figure)."""

    def __init__(self, count: int) -> None:
        super().__init__(
            ngettext(
                "This change does not fit %(num)s member who holds these shifts (their availability, "
                "their other work or their own limit), so nothing was saved. To go ahead, choose "
                "'Save and ask them': each will be asked whether they can still do it, and can say no.",
                "This change does not fit %(num)s members who hold these shifts (their availability, "
                "their other work or their own limit), so nothing was saved. To go ahead, choose "
                "'Save and ask them': each will be asked whether they can still do it, and can say no.",
                count,
            ),
            field="ask_members",
        )
        self.count = count


def lock_holders(session: Session, shifts: Select[Any]) -> list[int]:
    """Inside write_transaction, before a coordinator changes shifts: lock (in id order, as every
    claim locks a member first) the members who hold or are asked about the chosen shifts, so no
    claim of theirs can slip between the check and the change. Returns their ids."""
    ids = sorted(
        set(
            session.scalars(
                select(Assignment.member_id).where(
                    Assignment.shift_id.in_(shifts),
                    Assignment.status.in_((AssignmentStatus.ACCEPTED, AssignmentStatus.ASKED)),
                )
            )
        )
    )
    for member_id in ids:
        lock_member(session, member_id)
    return ids


def recheck_holders(
    session: Session,
    shift_ids: Sequence[int],
    guard: limits.Guard,
    locked: Sequence[int],
    *,
    ask: bool,
    now: datetime,
) -> int:
    """After a coordinator's change to shifts (made, not yet committed), the one rule again for
    everyone who holds them: their skills, availability, other work, rest, and their limit in
    every period (limits.Guard). Raises DoesNotFit when it breaks for anyone and `ask` is false;
    with `ask`, those places become questions the member answers. Returns how many were asked."""
    held = list(
        session.scalars(
            select(Assignment)
            .where(Assignment.shift_id.in_(shift_ids), Assignment.held())
            .order_by(Assignment.id)
        )
    )
    if any(a.member_id not in locked for a in held):
        raise DomainError(_("Someone took a place on these shifts a moment ago. Check and save again."))
    broken = guard.broken()
    misfits = []
    for a in held:
        if shift_problems(session, a.member, a.shift, now=now, exclude_assignment=a.id):
            misfits.append(a)
        elif a.member_id in broken:
            planner = guard.planner(a.member_id)
            periods = {f.period for f in broken[a.member_id]}
            if planner.period_of(to_london(a.shift.starts_at).date()) in periods:
                misfits.append(a)
    if misfits and not ask:
        raise DoesNotFit(len({a.member_id for a in misfits}))
    for a in misfits:
        ask_about_change(session, a)
    return len(misfits)
