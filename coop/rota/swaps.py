"""Swaps: one-way (give a shift away) and two-way (exchange one for another), both through take_place."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, aliased, contains_eager, selectinload

from coop.auth import service as auth
from coop.bookings.models import Service, Shift, ShiftStatus
from coop.db import lock, write_transaction
from coop.errors import DomainError, NotFound
from coop.i18n import gettext as _
from coop.limits import service as limits
from coop.limits.models import LimitMode
from coop.members.models import Member, member_skill
from coop.notify import service as notify
from coop.rota.eligibility import _window, member_facts, rules_from_settings, shift_facts, shift_problems
from coop.rota.models import (
    Assignment,
    AssignmentSource,
    AssignmentStatus,
    SwapOffer,
    SwapStatus,
)
from coop.rota.places import _release_slot, lock_member, lock_shift, take_place
from coop.rota.rules import can_take
from coop.timeutil import format_dt, to_london, utcnow


def offer_swap(
    session: Session, member_id: int, assignment_id: int, *, now: datetime | None = None
) -> SwapOffer:
    now = now or utcnow()
    with write_transaction(session):
        assignment = lock(session, Assignment, assignment_id)
        if assignment is None or assignment.member_id != member_id:
            raise NotFound("No such shift of yours.")
        if assignment.status != AssignmentStatus.ACCEPTED or assignment.shift.starts_at <= now:
            raise DomainError(_("Only a shift you hold that has not started can be offered."))
        existing = session.scalar(
            select(SwapOffer).where(
                SwapOffer.assignment_id == assignment_id, SwapOffer.status == SwapStatus.OPEN
            )
        )
        if existing is not None:
            return existing
        offer = SwapOffer(assignment_id=assignment_id)
        session.add(offer)
    return offer


def withdraw_swap(session: Session, member_id: int, offer_id: int, *, now: datetime | None = None) -> None:
    """Take back a swap offer, unless someone has already taken the shift over."""
    with write_transaction(session):
        offer = lock(session, SwapOffer, offer_id)
        if offer is None or offer.assignment.member_id != member_id:
            raise NotFound("No such swap offer of yours.")
        if offer.status == SwapStatus.TAKEN:
            raise DomainError(
                _(
                    "Someone took this shift over a moment ago, so it is no longer yours and the offer "
                    "cannot be withdrawn."
                )
            )
        if offer.status != SwapStatus.OPEN:
            raise DomainError(_("This offer is already closed."))
        offer.status = SwapStatus.WITHDRAWN
        offer.closed_at = now or utcnow()


def accept_swap(
    session: Session,
    member_id: int,
    offer_id: int,
    *,
    now: datetime | None = None,
    accept_limit_warning: bool = False,
) -> Assignment:
    """Another member takes over an offered shift, under the same rules as claiming it."""
    now = now or utcnow()
    with write_transaction(session):
        offer = session.get(SwapOffer, offer_id)
        if offer is None:
            raise NotFound("No such swap offer.")
        giver_id = offer.assignment.member_id
        if giver_id == member_id:
            raise DomainError(_("This is your own shift."))
        for mid in sorted({member_id, giver_id}):
            lock_member(session, mid)
        taker = session.get(Member, member_id)
        assert taker is not None
        shift = lock_shift(session, offer.assignment.shift_id)
        offer = lock(session, SwapOffer, offer_id)
        if offer is None:
            raise NotFound("No such swap offer.")
        session.refresh(offer.assignment)
        if offer.status == SwapStatus.WITHDRAWN:
            raise DomainError(_("Sorry, this swap was withdrawn a moment ago. The shift is still theirs."))
        if offer.status != SwapStatus.OPEN or offer.assignment.status != AssignmentStatus.ACCEPTED:
            raise DomainError(_("Sorry, someone else took this swap a moment ago."))
        if offer.wanted_assignment_id is not None:
            raise DomainError(_("This swap was offered to one member, in exchange for one of their shifts."))
        # The giver's place is given up, then taken by the same rule as a claim (all in this
        # transaction: if the taker may not have it, the giver keeps it).
        offer.assignment.status = AssignmentStatus.SWAPPED
        offer.assignment.ended_at = now
        _release_slot(session, shift.id)
        session.flush()
        new = take_place(
            session,
            member_id,
            shift.id,
            now=now,
            source=AssignmentSource.SWAP,
            accept_limit_warning=accept_limit_warning,
        )
        offer.status = SwapStatus.TAKEN
        offer.taken_by_id = member_id
        offer.closed_at = now
        giver = offer.assignment.member
        notify.tell_member(
            session,
            giver,
            "swap_taken",
            shift=shift,
            taker=taker.first_name,
        )
        auth.tell_coordinators(
            session,
            "swap_done",
            shift=shift,
            giver=giver.display_name,
            taker=taker.display_name,
            fmt=format_dt,
        )
        session.flush()
    return new


def _terms(a: Assignment, b: Assignment) -> str:
    return "|".join(str(x) for x in (a.shift.starts_at, a.shift.ends_at, b.shift.starts_at, b.shift.ends_at))


def exchange_candidates(
    session: Session, member: Member, assignment: Assignment, *, now: datetime | None = None, limit: int = 30
) -> list[Assignment]:
    """Other members' coming shifts this member could take in exchange for `assignment`, where
    the other member could also take `assignment` in return: both ways by the claim's own rule
    (rules.can_take), each leaving out the shift they would give up, from facts loaded once."""
    now = now or utcnow()
    horizon = now + timedelta(days=42)
    held = list(
        session.scalars(
            select(Assignment)
            .join(Shift, Shift.id == Assignment.shift_id)
            .options(contains_eager(Assignment.shift))  # the join is the eager load
            .where(
                Assignment.held(),
                Assignment.member_id != member.id,
                Shift.id != assignment.shift_id,
                Shift.status == ShiftStatus.SCHEDULED,
                Shift.starts_at > now,
                Shift.starts_at < horizon,
                Shift.service_id.in_(
                    select(Service.id).where(
                        Service.skill_id.in_(
                            select(member_skill.c.skill_id).where(member_skill.c.member_id == member.id)
                        )
                    )
                ),
            )
            .order_by(Shift.starts_at, Assignment.id)
            .limit(limit * 3)
        )
    )
    if not held or assignment.shift.starts_at <= now:
        return []
    rules = rules_from_settings(session)
    reach = rules.reach + timedelta(days=1)
    mine = member_facts(session, [member], (now - reach, horizon + reach), exclude_assignment=assignment.id)
    others = list(
        session.scalars(
            select(Member)
            .options(selectinload(Member.skills))
            .where(Member.id.in_({a.member_id for a in held}))
        )
    )
    theirs = member_facts(session, others, _window(assignment.shift, rules))
    given = shift_facts(assignment.shift)
    # Both limits as the swap judges them (each gives up a shift, then takes the other's): the
    # member asking strictly, the one asked may be warned and go ahead if their limit only warns.
    days = {to_london(a.shift.starts_at).date() for a in [assignment, *held]}
    planners = limits.planners_for(session, [member.id, *(a.member_id for a in held)], days)
    out = []
    for other in held:
        if not can_take(mine[member.id], shift_facts(other.shift), rules):
            continue
        if (
            not planners[member.id]
            .fit_exchange(assignment.shift, other.shift, assignment.chosen_pay_pence_per_hour)
            .fits
        ):
            continue
        theirs_fit = planners[other.member_id].fit_exchange(
            other.shift, assignment.shift, other.chosen_pay_pence_per_hour
        )
        if not theirs_fit.fits and theirs_fit.mode != LimitMode.WARN:
            continue
        back = theirs[other.member_id]  # what they hold, less the shift they would give up
        busy = list(back.busy)
        if (other.shift.starts_at, other.shift.ends_at) in busy:
            busy.remove((other.shift.starts_at, other.shift.ends_at))
        if can_take(replace(back, busy=busy), given, rules):
            out.append(other)
        if len(out) >= limit:
            break
    return out


def propose_exchange(
    session: Session,
    member_id: int,
    assignment_id: int,
    wanted_assignment_id: int,
    *,
    now: datetime | None = None,
) -> SwapOffer:
    """Offer one of your shifts in exchange for one of another member's; they decide."""
    now = now or utcnow()
    with write_transaction(session):
        mine = lock(session, Assignment, assignment_id)
        wanted = lock(session, Assignment, wanted_assignment_id)
        if mine is None or mine.member_id != member_id:
            raise NotFound("No such shift of yours.")
        if wanted is None or wanted.member_id == member_id:
            raise DomainError(_("Choose one of another member's shifts."), field="wanted_assignment_id")
        for a in (mine, wanted):
            if a.status != AssignmentStatus.ACCEPTED or a.shift.starts_at <= now:
                raise DomainError(_("Both shifts must be held and not yet started. Choose again."))
        if session.scalar(
            select(SwapOffer.id).where(
                SwapOffer.assignment_id == assignment_id, SwapOffer.status == SwapStatus.OPEN
            )
        ):
            raise DomainError(_("This shift is already offered. Withdraw that offer first."))
        # Both ways by the claim's rule now, so the other member is never asked about a swap
        # that would be refused when they say yes (the reasons are theirs: not shown here).
        if shift_problems(session, mine.member, wanted.shift, now=now, exclude_assignment=mine.id) or (
            shift_problems(session, wanted.member, mine.shift, now=now, exclude_assignment=wanted.id)
        ):
            raise DomainError(
                "These two shifts cannot be swapped: one of you could not take the other's shift. "
                "Choose another shift from the list.",
                field="wanted_assignment_id",
            )
        offer = SwapOffer(
            assignment_id=assignment_id, wanted_assignment_id=wanted_assignment_id, terms=_terms(mine, wanted)
        )
        session.add(offer)
        session.flush()
        other = wanted.member
        notify.tell_member(
            session,
            other,
            "swap_proposed",
            proposer=mine.member.display_name,
            theirs=mine.shift,
            yours=wanted.shift,
        )
    return offer


def exchanges_for(session: Session, member: Member, *, now: datetime | None = None) -> list[SwapOffer]:
    """Two-way swaps other members have offered this member, still open."""
    now = now or utcnow()
    return list(
        session.scalars(
            select(SwapOffer)
            .join(Assignment, Assignment.id == SwapOffer.wanted_assignment_id)
            .join(Shift, Shift.id == Assignment.shift_id)
            .where(
                SwapOffer.status == SwapStatus.OPEN, Assignment.member_id == member.id, Shift.starts_at > now
            )
            .order_by(Shift.starts_at)
        )
    )


def answer_exchange(
    session: Session,
    member_id: int,
    offer_id: int,
    *,
    yes: bool,
    accept_limit_warning: bool = False,
    now: datetime | None = None,
) -> None:
    """The holder of the wanted shift says yes (both shifts change hands in one transaction, each
    by the same rule as a claim, the shift given up left out of the checks) or no."""
    now = now or utcnow()
    found = session.get(SwapOffer, offer_id)
    if found is None or found.wanted is None or found.wanted.member_id != member_id:
        raise NotFound("No such swap offered to you.")
    proposer_id = found.assignment.member_id
    a_id, b_id = found.assignment_id, found.wanted_assignment_id
    shift_ids = sorted({found.assignment.shift_id, found.wanted.shift_id})
    changed = False
    with write_transaction(session):
        for mid in sorted({proposer_id, member_id}):  # the usual order: members, shifts, the rest
            lock_member(session, mid)
        for sid in shift_ids:
            lock_shift(session, sid)
        offer = lock(session, SwapOffer, offer_id)
        a = lock(session, Assignment, a_id)
        b = lock(session, Assignment, b_id) if b_id is not None else None
        if offer is None or a is None or b is None:
            raise NotFound("No such swap offered to you.")
        if offer.status == SwapStatus.WITHDRAWN:
            raise DomainError(
                _("Sorry, this swap was withdrawn a moment ago. Both shifts stay as they were.")
            )
        if offer.status != SwapStatus.OPEN:
            raise DomainError(_("This swap is already closed."))
        if a.status != AssignmentStatus.ACCEPTED or b.status != AssignmentStatus.ACCEPTED:
            raise DomainError(
                _("One of these shifts has changed hands since the swap was offered, so it is closed.")
            )
        if a.shift.starts_at <= now or b.shift.starts_at <= now:
            raise DomainError(_("One of these shifts has started, so they can no longer be swapped."))
        if _terms(a, b) != offer.terms:
            offer.status, offer.closed_at = SwapStatus.DECLINED, now  # what was offered is not there any more
            changed = True
        elif not yes:
            offer.status, offer.closed_at = SwapStatus.DECLINED, now
            notify.tell_member(
                session,
                a.member,
                "swap_declined",
                shift=a.shift,
            )
        else:
            _exchange(session, offer, a, b, now=now, accept_limit_warning=accept_limit_warning)
    if changed:  # the closing is kept; the member is told why nothing was swapped
        raise DomainError(_("One of these shifts has changed since the swap was offered, so it is closed."))


def _exchange(
    session: Session,
    offer: SwapOffer,
    a: Assignment,
    b: Assignment,
    *,
    now: datetime,
    accept_limit_warning: bool,
) -> None:
    """Inside answer_exchange's transaction, locks held: both give up their place, then each takes
    the other's by the claim rule (take_place)."""
    proposer_id, member_id = a.member_id, b.member_id
    for held in (a, b):
        held.status, held.ended_at = AssignmentStatus.SWAPPED, now
        _release_slot(session, held.shift_id)
    session.flush()
    take_place(
        session,
        member_id,
        a.shift_id,
        now=now,
        source=AssignmentSource.SWAP,
        accept_limit_warning=accept_limit_warning,
    )
    take_place(session, proposer_id, b.shift_id, now=now, source=AssignmentSource.SWAP, actor_is_member=False)
    offer.status, offer.taken_by_id, offer.closed_at = SwapStatus.TAKEN, member_id, now
    notify.tell_member(
        session,
        a.member,
        "swap_exchanged",
        gave=a.shift,
        got=b.shift,
    )
    for given, giver, taker in ((a.shift, a.member, b.member), (b.shift, b.member, a.member)):
        auth.tell_coordinators(
            session,
            "swap_done",
            shift=given,
            giver=giver.display_name,
            taker=taker.display_name,
            fmt=format_dt,
        )


def open_swaps_for(session: Session, member: Member, *, now: datetime | None = None) -> list[SwapOffer]:
    """Swap offers from other members that this member could take."""
    now = now or utcnow()
    offers = list(
        session.scalars(
            select(SwapOffer)
            .join(Assignment, Assignment.id == SwapOffer.assignment_id)
            .join(Shift, Shift.id == Assignment.shift_id)
            .where(
                SwapOffer.status == SwapStatus.OPEN,
                SwapOffer.wanted_assignment_id.is_(None),  # two-way swaps are for one member
                Assignment.member_id != member.id,
                Shift.starts_at > now,
            )
            .order_by(Shift.starts_at)
        )
    )
    return [o for o in offers if not shift_problems(session, member, o.assignment.shift, now=now)]


_WANTED, _GIVER = aliased(Assignment), aliased(Assignment)  # made once: a new alias costs ms a page


def swap_counts(member_id: int, now: datetime) -> tuple[ColumnElement[int], ColumnElement[int]]:
    """Two scalar subqueries, to ask in one statement with others: how many two-way swaps other
    members have offered this member, and how many shifts other members are offering anyone
    (whether this member could take each is worked out on My shifts)."""
    wanted, giver = _WANTED, _GIVER
    exchanges = (
        select(func.count(SwapOffer.id))
        .join(wanted, wanted.id == SwapOffer.wanted_assignment_id)
        .join(Shift, Shift.id == wanted.shift_id)
        .where(SwapOffer.status == SwapStatus.OPEN, wanted.member_id == member_id, Shift.starts_at > now)
        .scalar_subquery()
    )
    offered = (
        select(func.count(SwapOffer.id))
        .join(giver, giver.id == SwapOffer.assignment_id)
        .join(Shift, Shift.id == giver.shift_id)
        .where(
            SwapOffer.status == SwapStatus.OPEN,
            SwapOffer.wanted_assignment_id.is_(None),
            giver.member_id != member_id,
            Shift.starts_at > now,
        )
        .scalar_subquery()
    )
    return exchanges, offered


def swaps_waiting(session: Session, member_id: int, *, now: datetime | None = None) -> tuple[int, int]:
    """(two-way swaps offered to this member, shifts other members are offering), in one query."""
    exchanges, offered = swap_counts(member_id, now or utcnow())
    row = session.execute(select(exchanges, offered)).one()
    return int(row[0]), int(row[1])
