"""A member's own places: claim, drop, answer a coordinator's question; coordinators ask."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.auth import service as auth
from coop.bookings.models import Shift, ShiftStatus
from coop.db import lock, locking, write_transaction
from coop.errors import DomainError, NotFound
from coop.i18n import gettext as _
from coop.limits import service as limits
from coop.members.models import Member
from coop.notify import service as notify
from coop.pay import rates
from coop.rota.eligibility import problem_sentence, shift_problems
from coop.rota.mine import own_places
from coop.rota.models import (
    Assignment,
    AssignmentSource,
    AssignmentStatus,
)
from coop.rota.places import (
    _close_swaps,
    _release_slot,
    _take_slot,
    lock_member,
    lock_shift,
    take_place,
)
from coop.settings import service as settings
from coop.settings.keys import K
from coop.timesheets.models import TimesheetEntry, TimesheetStatus
from coop.timeutil import format_dt, to_london, utcnow


def claim(
    session: Session,
    member_id: int,
    shift_id: int,
    *,
    now: datetime | None = None,
    source: str = "claim",
    accept_limit_warning: bool = False,
    actor_is_member: bool = True,
    chosen_pay: int | None = None,
) -> Assignment:
    """Give the member one slot on the shift, or raise DomainError saying why not; see
    take_place for the rule. `chosen_pay` is the member's own choice, for involvement work only,
    to take it at a lower rate (pence an hour; 0 is unpaid)."""
    with write_transaction(session):
        return take_place(
            session,
            member_id,
            shift_id,
            now=now or utcnow(),
            source=source,
            accept_limit_warning=accept_limit_warning,
            actor_is_member=actor_is_member,
            chosen_pay=chosen_pay,
        )


def my_assignment(session: Session, member_id: int, assignment_id: int) -> Assignment:
    """One of the member's own held shifts (anyone else's is not found)."""
    assignment = session.get(Assignment, assignment_id)
    if (
        assignment is None
        or assignment.member_id != member_id
        or assignment.status != AssignmentStatus.ACCEPTED
    ):
        raise NotFound("No such shift of yours.")
    return assignment


def drop_is_late(session: Session, shift: Shift, now: datetime | None = None) -> bool:
    """Whether letting this shift go now is inside the notice period (coordinators look for cover)."""
    now = now or utcnow()
    return shift.starts_at - now < timedelta(hours=settings.get(session, K.DROP_NOTICE_HOURS))


@dataclass
class DropResult:
    late: bool
    started: bool = False
    shift_id: int = 0


def drop(session: Session, member_id: int, assignment_id: int, *, now: datetime | None = None) -> DropResult:
    """A member lets a shift go ("I can't make it"), up to its end. Before the notice period it
    simply reopens; later (or once it has started) it still succeeds and coordinators are asked to
    find cover. No reason is asked and nothing is counted against the member."""
    now = now or utcnow()
    with write_transaction(session):
        return drop_within(session, member_id, assignment_id, now=now)


def drop_within(session: Session, member_id: int, assignment_id: int, *, now: datetime) -> DropResult:
    """Inside write_transaction: see drop. The cover search (coop.cover) runs after this in the
    same transaction when the drop is late."""
    member = lock_member(session, member_id)
    assignment = session.get(Assignment, assignment_id)
    if assignment is None or assignment.member_id != member.id:
        raise NotFound("No such shift of yours.")
    if assignment.status != AssignmentStatus.ACCEPTED:
        raise DomainError(_("You have already let this shift go."))
    shift = lock_shift(session, assignment.shift_id)
    if shift.ends_at <= now:
        raise DomainError(_("This shift has already ended, so there is nothing to let go."))
    assignment.status = AssignmentStatus.DROPPED
    assignment.ended_at = now
    _close_swaps(session, assignment.id, now)
    _release_slot(session, shift.id)
    late = drop_is_late(session, shift, now)
    if late:
        notify.tell_coordinators(session, "cover_needed", shift=shift, fmt=format_dt)
    return DropResult(late=late, started=shift.starts_at <= now, shift_id=shift.id)


def let_all_go_within(session: Session, member_id: int, *, now: datetime) -> int:
    """Inside write_transaction, the member locked: every future place they hold or were asked
    about goes back to open, as if they had let it go or said no (coordinators are asked for
    cover when it is late). For a member leaving for good, such as at erasure. Returns how many."""
    places = list(
        session.scalars(
            select(Assignment)
            .join(Shift, Shift.id == Assignment.shift_id)
            .where(
                Assignment.member_id == member_id,
                Assignment.status.in_((AssignmentStatus.ACCEPTED, AssignmentStatus.ASKED)),
                Shift.starts_at > now,
            )
            .order_by(Assignment.shift_id)
        )
    )
    for assignment in places:
        shift = lock_shift(session, assignment.shift_id)  # in id order, as every change takes them
        late = assignment.status == AssignmentStatus.ACCEPTED and drop_is_late(session, shift, now)
        assignment.status, assignment.ended_at = AssignmentStatus.DROPPED, now
        _close_swaps(session, assignment.id, now)
        _release_slot(session, shift.id)
        if late:
            notify.tell_coordinators(session, "cover_needed", shift=shift, fmt=format_dt)
    return len(places)


def ask(session: Session, member_id: int, shift_id: int, *, now: datetime | None = None) -> Assignment:
    """A coordinator's "give the slot" asks the member: the place is kept for them, and it is
    theirs only when they say yes (see answer). Nobody is put on a shift without saying yes.
    The coordinator is refused, with no figures, when it does not fit the member."""
    now = now or utcnow()
    with write_transaction(session):
        return ask_within(session, member_id, shift_id, now=now)


def _lock_own_place(session: Session, member_id: int, assignment_id: int) -> tuple[Member, Shift, Assignment]:
    """Inside write_transaction: the member, the shift and their place on it, locked in the order
    every claim takes them. NotFound when the place is not this member's."""
    shift_id = session.scalar(
        select(Assignment.shift_id).where(Assignment.id == assignment_id, Assignment.member_id == member_id)
    )
    if shift_id is None:
        raise NotFound("No such shift of yours.")
    member = lock_member(session, member_id)
    shift = lock_shift(session, shift_id)
    assignment = lock(session, Assignment, assignment_id)
    assert assignment is not None
    return member, shift, assignment


def ask_within(session: Session, member_id: int, shift_id: int, *, now: datetime) -> Assignment:
    """Inside a write transaction: ask a member to take a place (see ask)."""
    member = lock_member(session, member_id)
    shift = lock_shift(session, shift_id)
    problems = shift_problems(session, member, shift, now=now)
    if problems:
        raise DomainError(problem_sentence(problems[0], member, second_person=False))
    if not limits.fits_for_coordinator(session, member, shift):
        raise DomainError(
            _(
                "This shift does not fit %(name)s's limit, so they cannot be asked to "
                "take it. Only they can see or change their limit.",
                name=member.display_name,
            )
        )
    _take_slot(session, shift)
    assignment = Assignment(
        shift_id=shift.id,
        shift_starts_at=shift.starts_at,
        member_id=member.id,
        source=AssignmentSource.ASSIGN,
        status=AssignmentStatus.ASKED,
    )
    session.add(assignment)
    session.flush()
    notify.tell_member(session, member, "asked_to_work", shift=shift)
    return assignment


def asked_of(session: Session, member: Member, *, now: datetime | None = None) -> list[Assignment]:
    """Places a coordinator has asked this member to take (or to keep, after a change)."""
    now = now or utcnow()
    return still_asked(coming_places(session, member, now=now), now)


def still_asked(places: Iterable[Assignment], now: datetime) -> list[Assignment]:
    """Of a member's coming places, those asked about and still open to an answer."""
    return [a for a in places if a.status == AssignmentStatus.ASKED and a.shift.starts_at > now]


def coming_places(session: Session, member: Member, *, now: datetime | None = None) -> list[Assignment]:
    """The member's coming places, held or asked about, soonest first (one query)."""
    now = now or utcnow()
    return list(
        session.scalars(own_places(member.id, Shift.status == ShiftStatus.SCHEDULED, Shift.ends_at > now))
    )


def answer(
    session: Session,
    member_id: int,
    assignment_id: int,
    *,
    yes: bool,
    accept_limit_warning: bool = False,
    now: datetime | None = None,
) -> None:
    """The member's answer to a place they were asked about. Yes goes through the same rule as a
    claim (what the shift is now, against their availability, other work and limit); no lets the
    place go, and is never held against them."""
    now = now or utcnow()
    with write_transaction(session):
        member, shift, assignment = _lock_own_place(session, member_id, assignment_id)
        if assignment.status == AssignmentStatus.ACCEPTED:
            raise DomainError(_("You already said yes: this shift is yours."))
        if assignment.status != AssignmentStatus.ASKED:
            raise DomainError(_("This question is closed: the place has gone back to open."))
        if not yes:
            assignment.status, assignment.ended_at = AssignmentStatus.DROPPED, now
            _release_slot(session, shift.id)
            auth.tell_coordinators(session, "asked_declined", member=member, shift=shift, fmt=format_dt)
            return
        problems = shift_problems(session, member, shift, now=now, exclude_assignment=assignment.id)
        if problems:
            raise DomainError(
                _(
                    "%(reason)s You can say no: that is fine.",
                    reason=problem_sentence(problems[0], member, second_person=True),
                )
            )
        limits.enforce(session, member, shift, accept_warning=accept_limit_warning, member_is_asking=True)
        assignment.status = AssignmentStatus.ACCEPTED


def lapse_asked(session: Session, now: datetime) -> int:
    """Inside a transaction: places asked about and not answered by the time the shift starts go
    back to open. Returns how many."""
    rows = list(
        session.scalars(
            locking(
                select(Assignment)
                .join(Shift, Shift.id == Assignment.shift_id)
                .where(Assignment.status == AssignmentStatus.ASKED, Shift.starts_at <= now)
                .order_by(Assignment.shift_id, Assignment.id),
                Assignment,
            )
        )
    )
    for a in rows:
        a.status, a.ended_at = AssignmentStatus.DROPPED, now
        _release_slot(session, a.shift_id)
    return len(rows)


def set_pay_choice(
    session: Session,
    member_id: int,
    assignment_id: int,
    pence_per_hour: int | None,
    *,
    accept_limit_warning: bool = False,
) -> None:
    """For paid involvement work a member may take less pay, or none, so that nobody is left worse
    off (None puts back the full rate). Fixed once the hours are approved. Taking more again goes
    through the limit rule like any other change to the member's pay."""

    with write_transaction(session):
        member, shift, assignment = _lock_own_place(session, member_id, assignment_id)
        if assignment.status != AssignmentStatus.ACCEPTED:
            raise DomainError(_("This shift is not yours any more."))
        service = shift.service
        if not service.involvement:
            raise DomainError(
                _("Only involvement work (consultation, panels, research, training) can be paid less.")
            )
        day = to_london(shift.starts_at).date()
        if pence_per_hour is not None:
            rates.rate_on(
                session, day, service.pay_pence_per_hour, pence_per_hour, choosing=True, field="amount"
            )
        approved = session.scalar(
            select(TimesheetEntry.id).where(
                TimesheetEntry.assignment_id == assignment_id,
                TimesheetEntry.status == TimesheetStatus.APPROVED,
            )
        )
        if approved is not None:
            raise DomainError(_("The hours for this are already approved, so the pay is fixed."))
        guard = limits.Guard(session, [member.id], work_days=[day])
        assignment.chosen_pay_pence_per_hour = pence_per_hour
        limits.check_own_change(
            guard, member.id, accept_warning=accept_limit_warning, doing=_("Taking this pay")
        )
