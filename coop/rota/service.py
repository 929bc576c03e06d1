"""The pool and the rota: open shifts, claiming (atomic), dropping, swapping, coordinators
filling slots, availability and time off, and calendar feeds.

Claiming is correct under parallel requests on SQLite and PostgreSQL: it runs in one write
transaction that locks the member's row, then the shift's row (SQLite: BEGIN IMMEDIATE), checks
every rule including the member's earnings cap, and raises the shift's filled count with a
conditional update (filled < slots) that the database also guards with a check constraint."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Any

from sqlalchemy import Select, and_, delete, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from coop.auth import service as auth
from coop.auth.models import Role
from coop.bookings.models import Service, Shift, ShiftStatus, new_feed_token
from coop.caps import service as caps
from coop.db import bucket, lock, write_transaction
from coop.errors import DomainError, NotFound
from coop.mail import service as mail
from coop.members.models import Member, MemberStatus, member_skill
from coop.rota.models import (
    DEFAULT_REMINDER_HOUR,
    Assignment,
    AssignmentStatus,
    Availability,
    MemberFeed,
    RotaPreferences,
    ShiftHold,
    SwapOffer,
    TimeOff,
)
from coop.rota.rules import MemberFacts, RotaRules, ShiftFacts, blocking_reasons
from coop.settings import service as settings
from coop.timeutil import format_dt, london_to_utc, to_london, utcnow, week_start

JUST_TAKEN = "Sorry, someone has just taken the last place on this shift."


def rules_from_settings(session: Session) -> RotaRules:
    return RotaRules(
        travel_buffer=timedelta(minutes=settings.get(session, "travel_buffer_minutes")),
        min_rest=timedelta(hours=settings.get(session, "min_rest_hours")),
    )


# --- facts about members, loaded in bulk ---------------------------------------------------


def member_facts(
    session: Session,
    members: Sequence[Member],
    around: tuple[datetime, datetime],
    *,
    exclude_assignment: int | None = None,
    skills: dict[int, frozenset[int]] | None = None,
) -> dict[int, MemberFacts]:
    """Everything the rules need about these members near a time range, in four queries (three
    when the caller already knows their skills)."""
    ids = [m.id for m in members]
    facts = {
        m.id: MemberFacts(
            m.id,
            m.status == MemberStatus.ACTIVE,
            skills[m.id] if skills is not None else frozenset(s.id for s in m.skills),
        )
        for m in members
    }
    if not ids:
        return facts
    for a in session.scalars(select(Availability).where(Availability.member_id.in_(ids))):
        facts[a.member_id].windows.setdefault(a.weekday, []).append((a.start_time, a.end_time))
    lo, hi = around
    first_day, last_day = to_london(lo).date(), to_london(hi).date()
    for t in session.scalars(
        select(TimeOff).where(
            TimeOff.member_id.in_(ids), TimeOff.last_day >= first_day, TimeOff.first_day <= last_day
        )
    ):
        facts[t.member_id].time_off.append((t.first_day, t.last_day))
    stmt = (
        select(Assignment.member_id, Shift.starts_at, Shift.ends_at)
        .join(Shift, Shift.id == Assignment.shift_id)
        .where(
            Assignment.member_id.in_(ids),
            Assignment.status == AssignmentStatus.ACCEPTED,
            Shift.status == ShiftStatus.SCHEDULED,
            Shift.ends_at > lo,
            Shift.starts_at < hi,
        )
    )
    if exclude_assignment is not None:
        stmt = stmt.where(Assignment.id != exclude_assignment)
    for member_id, starts_at, ends_at in session.execute(stmt):
        facts[member_id].busy.append((starts_at, ends_at))
    return facts


def shift_facts(shift: Shift) -> ShiftFacts:
    return ShiftFacts(shift.id, shift.service.skill_id, shift.starts_at, shift.ends_at)


def _window(shift: Shift, rules: RotaRules) -> tuple[datetime, datetime]:
    return shift.starts_at - rules.reach - timedelta(days=1), shift.ends_at + rules.reach + timedelta(days=1)


def free_members(
    session: Session, members: Sequence[Member], starts_at: datetime, ends_at: datetime
) -> list[Member]:
    """Those whose pattern, time off and other shifts allow them to work then (skills aside),
    found with the same few queries however many members there are."""
    rules = rules_from_settings(session)
    all_facts = member_facts(session, members, (starts_at - rules.reach, ends_at + rules.reach))
    free = []
    for m in members:
        f = all_facts[m.id]
        f = MemberFacts(f.member_id, True, frozenset({0}), f.windows, f.time_off, f.busy)
        if not blocking_reasons(f, ShiftFacts(0, 0, starts_at, ends_at), rules):
            free.append(m)
    return free


def shift_problems(
    session: Session,
    member: Member,
    shift: Shift,
    *,
    now: datetime,
    exclude_assignment: int | None = None,
) -> list[str]:
    """Why this member cannot take a slot on this shift now, in plain words (empty if they can).
    Cap figures are never part of this: see caps.check for the member's own view."""
    if shift.status != ShiftStatus.SCHEDULED:
        return ["This shift has been cancelled."]
    if shift.starts_at <= now:
        return ["This shift has already started."]
    held = session.scalar(
        select(Assignment.status).where(
            Assignment.shift_id == shift.id,
            Assignment.member_id == member.id,
            Assignment.status.in_((AssignmentStatus.ACCEPTED, AssignmentStatus.ASKED)),
        )
    )
    if held is not None and exclude_assignment is None:
        if held == AssignmentStatus.ASKED:
            return ["has been asked about this shift already: the answer is on My shifts"]
        return ["already has a place on this shift"]
    rules = rules_from_settings(session)
    facts = member_facts(session, [member], _window(shift, rules), exclude_assignment=exclude_assignment)
    return blocking_reasons(facts[member.id], shift_facts(shift), rules)


def lock_member(session: Session, member_id: int) -> Member:
    member = lock(session, Member, member_id)
    if member is None:
        raise NotFound("No such member.")
    return member


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
        raise DomainError(JUST_TAKEN)
    session.refresh(shift)


def _release_slot(session: Session, shift_id: int) -> None:
    session.execute(
        update(Shift)
        .where(Shift.id == shift_id, Shift.filled > 0)
        .values(filled=Shift.filled - 1)
        .execution_options(synchronize_session=False)
    )


def problem_sentence(problem: str, member: Member, *, second_person: bool) -> str:
    """A reason from shift_problems as a sentence: about "you" when the member is asking, else
    about them by name. Reasons that are already sentences stay as they are."""
    if problem[0].isupper():
        return problem
    who = "You" if second_person else member.display_name
    return f"{who} {_verb(problem, second_person)}."


def claim(
    session: Session,
    member_id: int,
    shift_id: int,
    *,
    now: datetime | None = None,
    source: str = "claim",
    accept_cap_warning: bool = False,
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
            accept_cap_warning=accept_cap_warning,
            actor_is_member=actor_is_member,
            chosen_pay=chosen_pay,
        )


def take_place(
    session: Session,
    member_id: int,
    shift_id: int,
    *,
    now: datetime,
    source: str,
    accept_cap_warning: bool = False,
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
        if problems[0] == "already has a place on this shift" and actor_is_member:
            raise DomainError("You already hold this shift.")
        raise DomainError(problem_sentence(problems[0], member, second_person=actor_is_member))
    if shift.filled >= shift.slots:
        raise DomainError(JUST_TAKEN)
    if source == "claim":
        from coop.rota.offers import held_for_others

        if held_for_others(session, shift, member.id, now):
            raise DomainError(
                "This new shift is first open to members who have had less work lately. It opens to "
                f"everyone at {format_dt(shift.open_to_all_at, '%H:%M on %a %-d %b')}."
            )
    if chosen_pay is not None:
        if not shift.service.involvement or not actor_is_member:
            raise DomainError("Only involvement work can be taken at less pay, and only by your own choice.")
        if not 0 <= chosen_pay <= shift.service.pay_pence_per_hour:
            raise DomainError("Choose an amount between nothing and the full rate.")
    caps.enforce(
        session,
        member,
        shift,
        accept_warning=accept_cap_warning,
        member_is_asking=actor_is_member,
        chosen=chosen_pay,
    )
    _take_slot(session, shift)
    assignment = Assignment(
        shift_id=shift.id, member_id=member.id, source=source, chosen_pay_pence_per_hour=chosen_pay
    )
    session.add(assignment)
    session.flush()
    return assignment


def _verb(reason: str, second_person: bool) -> str:
    """Reasons are written for a third person ('has time off'); turn them to 'you' form."""
    if not second_person:
        return reason
    for third, second in (
        ("is ", "are "),
        ("has ", "have "),
        ("does ", "do "),
        ("already has", "already have"),
    ):
        if reason.startswith(third):
            return second + reason[len(third) :]
    return reason


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
    return shift.starts_at - now < timedelta(hours=settings.get(session, "drop_notice_hours"))


@dataclass
class DropResult:
    late: bool


def drop(session: Session, member_id: int, assignment_id: int, *, now: datetime | None = None) -> DropResult:
    """A member lets a shift go. Before the notice period it simply reopens; later it still
    succeeds and coordinators are asked to find cover. Nothing is counted against the member."""
    now = now or utcnow()
    with write_transaction(session):
        member = lock_member(session, member_id)
        assignment = session.get(Assignment, assignment_id)
        if assignment is None or assignment.member_id != member.id:
            raise NotFound("No such shift of yours.")
        if assignment.status != AssignmentStatus.ACCEPTED:
            raise DomainError("You have already let this shift go.")
        shift = lock_shift(session, assignment.shift_id)
        if shift.starts_at <= now:
            raise DomainError("This shift has already started. Please talk to a coordinator.")
        assignment.status = AssignmentStatus.DROPPED
        assignment.ended_at = now
        _close_swaps(session, assignment.id, now)
        _release_slot(session, shift.id)
        late = drop_is_late(session, shift, now)
        if late:
            _tell_coordinators(session, "cover_needed", shift=shift, fmt=format_dt)
    return DropResult(late=late)


def _close_swaps(session: Session, assignment_id: int, now: datetime) -> None:
    session.execute(
        update(SwapOffer)
        .where(
            or_(SwapOffer.assignment_id == assignment_id, SwapOffer.wanted_assignment_id == assignment_id),
            SwapOffer.status == "open",
        )
        .values(status="withdrawn", closed_at=now)
    )


def coordinator_emails(session: Session) -> list[str]:
    return [u.email for u in auth.users_with_role(session, Role.COORDINATOR) if u.active]


def _tell_coordinators(session: Session, template: str, **context: Any) -> None:
    for to in coordinator_emails(session):
        mail.queue(session, to, template, **context)


# --- swaps ----------------------------------------------------------------------------------


def offer_swap(
    session: Session, member_id: int, assignment_id: int, *, now: datetime | None = None
) -> SwapOffer:
    now = now or utcnow()
    with write_transaction(session):
        assignment = lock(session, Assignment, assignment_id)
        if assignment is None or assignment.member_id != member_id:
            raise NotFound("No such shift of yours.")
        if assignment.status != AssignmentStatus.ACCEPTED or assignment.shift.starts_at <= now:
            raise DomainError("Only a shift you hold that has not started can be offered.")
        existing = session.scalar(
            select(SwapOffer).where(SwapOffer.assignment_id == assignment_id, SwapOffer.status == "open")
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
        if offer.status == "taken":
            raise DomainError(
                "Someone took this shift over a moment ago, so it is no longer yours and the offer "
                "cannot be withdrawn."
            )
        if offer.status != "open":
            raise DomainError("This offer is already closed.")
        offer.status = "withdrawn"
        offer.closed_at = now or utcnow()


def accept_swap(
    session: Session,
    member_id: int,
    offer_id: int,
    *,
    now: datetime | None = None,
    accept_cap_warning: bool = False,
) -> Assignment:
    """Another member takes over an offered shift, under the same rules as claiming it."""
    now = now or utcnow()
    with write_transaction(session):
        offer = session.get(SwapOffer, offer_id)
        if offer is None:
            raise NotFound("No such swap offer.")
        giver_id = offer.assignment.member_id
        if giver_id == member_id:
            raise DomainError("This is your own shift.")
        for mid in sorted({member_id, giver_id}):
            lock_member(session, mid)
        taker = session.get(Member, member_id)
        assert taker is not None
        shift = lock_shift(session, offer.assignment.shift_id)
        offer = lock(session, SwapOffer, offer_id)
        if offer is None:
            raise NotFound("No such swap offer.")
        session.refresh(offer.assignment)
        if offer.status == "withdrawn":
            raise DomainError("Sorry, this swap was withdrawn a moment ago. The shift is still theirs.")
        if offer.status != "open" or offer.assignment.status != AssignmentStatus.ACCEPTED:
            raise DomainError("Sorry, someone else took this swap a moment ago.")
        if offer.wanted_assignment_id is not None:
            raise DomainError("This swap was offered to one member, in exchange for one of their shifts.")
        # The giver's place is given up, then taken by the same rule as a claim (all in this
        # transaction: if the taker may not have it, the giver keeps it).
        offer.assignment.status = AssignmentStatus.SWAPPED
        offer.assignment.ended_at = now
        _release_slot(session, shift.id)
        session.flush()
        new = take_place(
            session, member_id, shift.id, now=now, source="swap", accept_cap_warning=accept_cap_warning
        )
        offer.status = "taken"
        offer.taken_by_id = member_id
        offer.closed_at = now
        giver = offer.assignment.member
        mail.queue(
            session,
            giver.user.email,
            "swap_taken",
            name=giver.first_name,
            shift=shift,
            taker=taker.first_name,
            fmt=format_dt,
        )
        _tell_coordinators(
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
    """Other members' coming shifts this member could take in exchange for `assignment` (the
    same rules as a claim, leaving out the shift they would give up)."""
    now = now or utcnow()
    held = list(
        session.scalars(
            select(Assignment)
            .join(Shift, Shift.id == Assignment.shift_id)
            .where(
                Assignment.status == AssignmentStatus.ACCEPTED,
                Assignment.member_id != member.id,
                Shift.status == ShiftStatus.SCHEDULED,
                Shift.starts_at > now,
                Shift.starts_at < now + timedelta(days=42),
                Shift.service_id.in_(
                    select(Service.id).where(
                        Service.skill_id.in_(
                            select(member_skill.c.skill_id).where(member_skill.c.member_id == member.id)
                        )
                    )
                ),
            )
            .order_by(Shift.starts_at)
            .limit(limit * 3)
        )
    )
    out = []
    for other in held:
        if other.shift_id == assignment.shift_id:
            continue
        if not shift_problems(session, member, other.shift, now=now, exclude_assignment=assignment.id):
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
            raise DomainError("Choose one of another member's shifts.", field="wanted_assignment_id")
        for a in (mine, wanted):
            if a.status != AssignmentStatus.ACCEPTED or a.shift.starts_at <= now:
                raise DomainError("Both shifts must be held and not yet started. Choose again.")
        if session.scalar(
            select(SwapOffer.id).where(SwapOffer.assignment_id == assignment_id, SwapOffer.status == "open")
        ):
            raise DomainError("This shift is already offered. Withdraw that offer first.")
        offer = SwapOffer(
            assignment_id=assignment_id, wanted_assignment_id=wanted_assignment_id, terms=_terms(mine, wanted)
        )
        session.add(offer)
        session.flush()
        other = wanted.member
        mail.queue(
            session,
            other.user.email,
            "swap_proposed",
            name=other.first_name,
            proposer=mine.member.display_name,
            theirs=mine.shift,
            yours=wanted.shift,
            fmt=format_dt,
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
            .where(SwapOffer.status == "open", Assignment.member_id == member.id, Shift.starts_at > now)
            .order_by(Shift.starts_at)
        )
    )


def answer_exchange(
    session: Session,
    member_id: int,
    offer_id: int,
    *,
    yes: bool,
    accept_cap_warning: bool = False,
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
        if offer.status == "withdrawn":
            raise DomainError("Sorry, this swap was withdrawn a moment ago. Both shifts stay as they were.")
        if offer.status != "open":
            raise DomainError("This swap is already closed.")
        if a.status != AssignmentStatus.ACCEPTED or b.status != AssignmentStatus.ACCEPTED:
            raise DomainError(
                "One of these shifts has changed hands since the swap was offered, so it is closed."
            )
        if a.shift.starts_at <= now or b.shift.starts_at <= now:
            raise DomainError("One of these shifts has started, so they can no longer be swapped.")
        if _terms(a, b) != offer.terms:
            offer.status, offer.closed_at = "declined", now  # what was offered is not there any more
            changed = True
        elif not yes:
            offer.status, offer.closed_at = "declined", now
            mail.queue(
                session,
                a.member.user.email,
                "swap_declined",
                name=a.member.first_name,
                shift=a.shift,
                fmt=format_dt,
            )
        else:
            _exchange(session, offer, a, b, now=now, accept_cap_warning=accept_cap_warning)
    if changed:  # the closing is kept; the member is told why nothing was swapped
        raise DomainError("One of these shifts has changed since the swap was offered, so it is closed.")


def _exchange(
    session: Session,
    offer: SwapOffer,
    a: Assignment,
    b: Assignment,
    *,
    now: datetime,
    accept_cap_warning: bool,
) -> None:
    """Inside answer_exchange's transaction, locks held: both give up their place, then each takes
    the other's by the claim rule (take_place)."""
    proposer_id, member_id = a.member_id, b.member_id
    for held in (a, b):
        held.status, held.ended_at = AssignmentStatus.SWAPPED, now
        _release_slot(session, held.shift_id)
    session.flush()
    take_place(session, member_id, a.shift_id, now=now, source="swap", accept_cap_warning=accept_cap_warning)
    take_place(session, proposer_id, b.shift_id, now=now, source="swap", actor_is_member=False)
    offer.status, offer.taken_by_id, offer.closed_at = "taken", member_id, now
    mail.queue(
        session,
        a.member.user.email,
        "swap_exchanged",
        name=a.member.first_name,
        gave=a.shift,
        got=b.shift,
        fmt=format_dt,
    )
    for given, giver, taker in ((a.shift, a.member, b.member), (b.shift, b.member, a.member)):
        _tell_coordinators(
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
                SwapOffer.status == "open",
                SwapOffer.wanted_assignment_id.is_(None),  # two-way swaps are for one member
                Assignment.member_id != member.id,
                Shift.starts_at > now,
            )
            .order_by(Shift.starts_at)
        )
    )
    return [o for o in offers if not shift_problems(session, member, o.assignment.shift, now=now)]


# --- cancellations and changes (called by bookings) -----------------------------------------


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
        mail.queue(
            session,
            a.member.user.email,
            "shift_cancelled",
            name=a.member.first_name,
            shift=shift,
            fmt=format_dt,
        )
    shift.filled = 0


def notify_shift_changed(session: Session, shift: Shift) -> None:
    for a in session.scalars(
        select(Assignment).where(
            Assignment.shift_id == shift.id, Assignment.status == AssignmentStatus.ACCEPTED
        )
    ):
        mail.queue(
            session,
            a.member.user.email,
            "shift_changed",
            name=a.member.first_name,
            shift=shift,
            fmt=format_dt,
        )


# --- what members see -----------------------------------------------------------------------


@dataclass
class OpenShift:
    shift: Shift
    pay_pence: int
    fit: caps.Fit
    rate_that_fits: int | None = None  # involvement work: the most an hour at which it fits
    uc_keep: int | None = None  # Universal Credit: about how much of the pay the member keeps


@dataclass
class ShiftFilter:
    service_id: int | None = None
    weekday: int | None = None
    area: str = ""


def open_shifts_for(
    session: Session,
    member: Member,
    *,
    now: datetime | None = None,
    filters: ShiftFilter | None = None,
    days: int = 42,
    limit: int = 100,
    prefs: RotaPreferences | None = None,
    after: datetime | None = None,
) -> list[OpenShift]:
    """Shifts with a free slot that this member could take, soonest first (starting at or after
    `after`, for a later page), with the pay and what each would leave of their limit.
    Paused members see none unless they chose to."""
    now = now or utcnow()
    filters = filters or ShiftFilter()
    prefs = prefs or preferences(session, member)
    if member.status == MemberStatus.LEFT or (
        member.status == MemberStatus.PAUSED and not prefs.show_open_when_paused
    ):
        return []
    my_skills = select(member_skill.c.skill_id).where(member_skill.c.member_id == member.id)
    horizon = now + timedelta(days=days)
    stmt = (
        select(Shift)
        .join(Service, Service.id == Shift.service_id)
        .where(
            Shift.status == ShiftStatus.SCHEDULED,
            (Shift.starts_at >= after) & (Shift.starts_at > now) if after else Shift.starts_at > now,
            Shift.starts_at < horizon,
            Shift.filled < Shift.slots,
            Service.skill_id.in_(my_skills),
        )
        .order_by(Shift.starts_at)
    )
    if filters.service_id:
        stmt = stmt.where(Shift.service_id == filters.service_id)
    if filters.area:
        stmt = stmt.where(Shift.site_address.ilike(f"%{filters.area}%"))
    shifts = [
        s
        for s in session.scalars(stmt)
        if filters.weekday is None or to_london(s.starts_at).weekday() == filters.weekday
    ]
    if not shifts:
        return []
    # Fair release: a shift still held for some members shows only to them until it opens.
    on_hold = {s.id for s in shifts if s.open_to_all_at is not None and s.open_to_all_at > now}
    if on_hold:
        mine = set(
            session.scalars(
                select(ShiftHold.shift_id).where(
                    ShiftHold.member_id == member.id, ShiftHold.shift_id.in_(on_hold)
                )
            )
        )
        shifts = [s for s in shifts if s.id not in on_hold or s.id in mine]
    rules = rules_from_settings(session)
    # Every shift listed needs one of the member's skills (the query asked), so those are the
    # skills the rules need to know about; a held shift clashes with itself, so it drops out.
    known = {member.id: frozenset(s.service.skill_id for s in shifts)}
    facts = member_facts(session, [member], (now - rules.reach, horizon + rules.reach), skills=known)[
        member.id
    ]
    # Open to a paused member who asked to see shifts: judge them as if active.
    facts.active = True
    result = []
    planner = caps.Planner.for_member(session, member, now=now)
    for s in shifts:
        if blocking_reasons(facts, shift_facts(s), rules):
            continue
        fit = planner.fit(s)
        keep = planner.uc_keep(s, fit.pay_pence, held=False)
        result.append(OpenShift(s, fit.pay_pence, fit, planner.rate_that_fits(s), keep))
        if len(result) >= limit:
            break
    return result


def my_shifts(
    session: Session, member: Member, *, now: datetime | None = None, past_days: int = 14
) -> list[Assignment]:
    now = now or utcnow()
    return list(
        session.scalars(
            select(Assignment)
            .join(Shift, Shift.id == Assignment.shift_id)
            .where(
                Assignment.member_id == member.id,
                Assignment.status == AssignmentStatus.ACCEPTED,
                Shift.ends_at > now - timedelta(days=past_days),
            )
            .order_by(Shift.starts_at)
        )
    )


def my_open_swap_offers(session: Session, member: Member) -> dict[int, SwapOffer]:
    offers = session.scalars(
        select(SwapOffer)
        .join(Assignment, Assignment.id == SwapOffer.assignment_id)
        .where(Assignment.member_id == member.id, SwapOffer.status == "open")
    )
    return {o.assignment_id: o for o in offers}


# --- coordinators ---------------------------------------------------------------------------


@dataclass
class RotaDay:
    """One day of the rota in detail, with a line per day of its week (shifts, open places):
    a co-op with hundreds of clients has too many shifts in a week to show on one page."""

    monday: date
    day: date
    days: list[tuple[date, int, int]]
    shifts: list[Shift]
    holders: dict[int, list[Member]]
    asked: dict[int, list[Member]]

    def who(self, shift_id: int) -> str:
        held = [m.display_name for m in self.holders.get(shift_id, [])]
        asked = [f"{m.display_name} (asked, no answer yet)" for m in self.asked.get(shift_id, [])]
        return ", ".join(held + asked)


def _day_edges(first: date, count: int) -> list[datetime]:
    from coop.timeutil import london_to_utc

    return [london_to_utc(first + timedelta(days=i), time(0, 0)) for i in range(count + 1)]


def rota_day(session: Session, day: date) -> RotaDay:
    monday = week_start(day)
    edges = _day_edges(monday, 7)
    key = bucket(Shift.starts_at, edges)
    per_day = {
        k: (n, open_places or 0)
        for k, n, open_places in session.execute(
            select(key, func.count(), func.sum(Shift.slots - Shift.filled))
            .where(
                Shift.starts_at >= edges[0],
                Shift.starts_at < edges[-1],
                Shift.status == ShiftStatus.SCHEDULED,
            )
            .group_by(key)
        )
    }
    days = [(monday + timedelta(days=i), *per_day.get(i, (0, 0))) for i in range(7)]
    lo, hi = _day_edges(day, 1)
    shifts = list(
        session.scalars(
            select(Shift)
            .where(Shift.starts_at >= lo, Shift.starts_at < hi, Shift.status == ShiftStatus.SCHEDULED)
            .order_by(Shift.starts_at, Shift.id)
        )
    )
    ids = [s.id for s in shifts]
    return RotaDay(monday, day, days, shifts, holders_of(session, ids), holders_of(session, ids, asked=True))


def rota_by_member(
    session: Session, monday: date, *, page: int = 1, per_page: int = 40
) -> tuple[list[tuple[Member, list[Shift]]], bool]:
    """Who works which shifts in a week, a page of members at a time (by name). Returns the page
    and whether there is another."""
    edges = _day_edges(monday, 7)
    in_week = (
        Assignment.status == AssignmentStatus.ACCEPTED,
        Shift.status == ShiftStatus.SCHEDULED,
        Shift.starts_at >= edges[0],
        Shift.starts_at < edges[-1],
    )
    members = list(
        session.scalars(
            select(Member)
            .join(Assignment, Assignment.member_id == Member.id)
            .join(Shift, Shift.id == Assignment.shift_id)
            .where(*in_week)
            .group_by(Member.id)
            .order_by(func.lower(Member.display_name), Member.id)
            .offset((page - 1) * per_page)
            .limit(per_page + 1)
        )
    )
    more = len(members) > per_page
    members = members[:per_page]
    shifts: dict[int, list[Shift]] = defaultdict(list)
    if members:
        for member_id, shift in session.execute(
            select(Assignment.member_id, Shift)
            .join(Shift, Shift.id == Assignment.shift_id)
            .where(Assignment.member_id.in_([m.id for m in members]), *in_week)
            .order_by(Shift.starts_at)
        ):
            shifts[member_id].append(shift)
    return [(m, shifts[m.id]) for m in members], more


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


def unfilled_shifts(session: Session, *, now: datetime | None = None, days: int = 14) -> list[Shift]:
    now = now or utcnow()
    return list(
        session.scalars(
            select(Shift)
            .where(
                Shift.status == ShiftStatus.SCHEDULED,
                Shift.starts_at > now,
                Shift.starts_at < now + timedelta(days=days),
                Shift.filled < Shift.slots,
            )
            .order_by(Shift.starts_at)
        )
    )


@dataclass
class Candidate:
    member: Member
    problems: list[str]
    fits_cap: bool


def candidates_for(session: Session, shift: Shift, *, now: datetime | None = None) -> list[Candidate]:
    """Members with the skill, and for each whether they can take the shift and, if not, why.
    Coordinators see only whether a shift fits a member's limit, never the figures."""
    now = now or utcnow()
    members = list(
        session.scalars(
            select(Member)
            .options(selectinload(Member.skills))
            .join(member_skill, member_skill.c.member_id == Member.id)
            .where(member_skill.c.skill_id == shift.service.skill_id, Member.status != MemberStatus.LEFT)
            .order_by(Member.display_name)
        )
    )
    rules = rules_from_settings(session)
    facts = member_facts(session, members, _window(shift, rules))
    held = holders_of(session, [shift.id]).get(shift.id, []) + holders_of(
        session, [shift.id], asked=True
    ).get(shift.id, [])
    held_ids = {m.id for m in held}
    out = []
    for m in members:
        if m.id in held_ids:
            continue
        problems = blocking_reasons(facts[m.id], shift_facts(shift), rules)
        fits = caps.fits_for_coordinator(session, m, shift)
        if not fits:
            problems.append("would go over their earnings or hours limit")
        out.append(Candidate(m, problems, fits))
    return out


def assign(session: Session, member_id: int, shift_id: int, *, now: datetime | None = None) -> Assignment:
    """A coordinator's "give the slot" asks the member: the place is kept for them, and it is
    theirs only when they say yes (see answer). Nobody is put on a shift without saying yes.
    The coordinator is refused, with no figures, when it does not fit the member."""
    now = now or utcnow()
    with write_transaction(session):
        return ask_within(session, member_id, shift_id, now=now)


def ask_within(session: Session, member_id: int, shift_id: int, *, now: datetime) -> Assignment:
    """Inside a write transaction: ask a member to take a place (see assign)."""
    member = lock_member(session, member_id)
    shift = lock_shift(session, shift_id)
    problems = shift_problems(session, member, shift, now=now)
    if problems:
        raise DomainError(problem_sentence(problems[0], member, second_person=False))
    if not caps.fits_for_coordinator(session, member, shift):
        raise DomainError(
            f"This shift does not fit {member.display_name}'s limit, so they cannot be asked to "
            "take it. Only they can see or change their limit."
        )
    _take_slot(session, shift)
    assignment = Assignment(
        shift_id=shift.id, member_id=member.id, source="assign", status=AssignmentStatus.ASKED
    )
    session.add(assignment)
    session.flush()
    mail.queue(
        session, member.user.email, "asked_to_work", name=member.first_name, shift=shift, fmt=format_dt
    )
    return assignment


def ask_about_change(session: Session, assignment: Assignment) -> None:
    """Inside a coordinator's change that no longer fits a member who holds the shift: the place
    stays theirs to keep, but only if they say yes to the shift as it is now."""
    assignment.status = AssignmentStatus.ASKED
    member = assignment.member
    mail.queue(
        session,
        member.user.email,
        "asked_about_change",
        name=member.first_name,
        shift=assignment.shift,
        fmt=format_dt,
    )


class DoesNotFit(DomainError):
    """A coordinator's change does not fit some members who hold the shifts. Nothing is saved;
    the coordinator may save it again asking those members (never told why, nor any figure)."""

    def __init__(self, count: int) -> None:
        who = "1 member" if count == 1 else f"{count} members"
        super().__init__(
            f"This change does not fit {who} who hold these shifts (their availability, their other "
            "work or their own limit), so nothing was saved. To go ahead, choose 'Save and ask "
            "them': each will be asked whether they can still do it, and can say no.",
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
    guard: caps.Guard,
    locked: Sequence[int],
    *,
    ask: bool,
    now: datetime,
) -> int:
    """After a coordinator's change to shifts (made, not yet committed), the one rule again for
    everyone who holds them: their skills, availability, other work, rest, and their limit in
    every period (caps.Guard). Raises DoesNotFit when it breaks for anyone and `ask` is false;
    with `ask`, those places become questions the member answers. Returns how many were asked."""
    held = list(
        session.scalars(
            select(Assignment)
            .where(Assignment.shift_id.in_(shift_ids), Assignment.status == AssignmentStatus.ACCEPTED)
            .order_by(Assignment.id)
        )
    )
    if any(a.member_id not in locked for a in held):
        raise DomainError("Someone took a place on these shifts a moment ago. Check and save again.")
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
        session.scalars(
            select(Assignment)
            .join(Shift, Shift.id == Assignment.shift_id)
            .where(
                Assignment.member_id == member.id,
                Assignment.status.in_((AssignmentStatus.ACCEPTED, AssignmentStatus.ASKED)),
                Shift.status == ShiftStatus.SCHEDULED,
                Shift.ends_at > now,
            )
            .order_by(Shift.starts_at)
        )
    )


def answer(
    session: Session,
    member_id: int,
    assignment_id: int,
    *,
    yes: bool,
    accept_cap_warning: bool = False,
    now: datetime | None = None,
) -> None:
    """The member's answer to a place they were asked about. Yes goes through the same rule as a
    claim (what the shift is now, against their availability, other work and limit); no lets the
    place go, and is never held against them."""
    now = now or utcnow()
    shift_id = session.scalar(
        select(Assignment.shift_id).where(Assignment.id == assignment_id, Assignment.member_id == member_id)
    )
    if shift_id is None:
        raise NotFound("No such shift of yours.")
    with write_transaction(session):
        member = lock_member(session, member_id)
        shift = lock_shift(session, shift_id)
        assignment = lock(session, Assignment, assignment_id)
        assert assignment is not None
        if assignment.status == AssignmentStatus.ACCEPTED:
            raise DomainError("You already said yes: this shift is yours.")
        if assignment.status != AssignmentStatus.ASKED:
            raise DomainError("This question is closed: the place has gone back to open.")
        if not yes:
            assignment.status, assignment.ended_at = AssignmentStatus.DROPPED, now
            _release_slot(session, shift.id)
            _tell_coordinators(session, "asked_declined", member=member, shift=shift, fmt=format_dt)
            return
        problems = shift_problems(session, member, shift, now=now, exclude_assignment=assignment.id)
        if problems:
            raise DomainError(
                problem_sentence(problems[0], member, second_person=True) + " You can say no: that is fine."
            )
        caps.enforce(session, member, shift, accept_warning=accept_cap_warning, member_is_asking=True)
        assignment.status = AssignmentStatus.ACCEPTED


def lapse_asked(session: Session, now: datetime) -> int:
    """Inside a transaction: places asked about and not answered by the time the shift starts go
    back to open. Returns how many."""
    rows = list(
        session.scalars(
            select(Assignment)
            .join(Shift, Shift.id == Assignment.shift_id)
            .where(Assignment.status == AssignmentStatus.ASKED, Shift.starts_at <= now)
            .order_by(Assignment.shift_id, Assignment.id)
            .with_for_update(of=Assignment)
        )
    )
    for a in rows:
        a.status, a.ended_at = AssignmentStatus.DROPPED, now
        _release_slot(session, a.shift_id)
    return len(rows)


# --- availability and preferences ------------------------------------------------------------


def preferences(session: Session, member: Member) -> RotaPreferences:
    prefs = session.scalar(select(RotaPreferences).where(RotaPreferences.member_id == member.id))
    return prefs or RotaPreferences(
        member_id=member.id,
        preferred_hours_week=None,
        show_open_when_paused=False,
        daily_digest=False,
        reminder_hour=DEFAULT_REMINDER_HOUR,
    )


def save_preferences(
    session: Session,
    member: Member,
    *,
    preferred_hours_week: int | None,
    show_open_when_paused: bool,
    daily_digest: bool,
    reminder_hour: int | None = DEFAULT_REMINDER_HOUR,
) -> None:
    if preferred_hours_week is not None and not 0 <= preferred_hours_week <= 60:
        raise DomainError("Enter between 0 and 60 hours a week.", field="preferred_hours_week")
    if reminder_hour is not None and not 0 <= reminder_hour <= 23:
        raise DomainError("Choose a time for reminders, or none.", field="reminder_hour")
    prefs = session.scalar(select(RotaPreferences).where(RotaPreferences.member_id == member.id))
    if prefs is None:
        prefs = RotaPreferences(member_id=member.id)
        session.add(prefs)
    prefs.preferred_hours_week = preferred_hours_week
    prefs.show_open_when_paused = show_open_when_paused
    prefs.daily_digest = daily_digest
    prefs.reminder_hour = reminder_hour
    session.commit()


def weekly_pattern(session: Session, member: Member) -> list[Availability]:
    return list(
        session.scalars(
            select(Availability)
            .where(Availability.member_id == member.id)
            .order_by(Availability.weekday, Availability.start_time)
        )
    )


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WINDOWS_A_DAY = 3
END_OF_DAY = time(23, 59)  # "24:00": a window to the end of the day


@dataclass(frozen=True)
class DayChoice:
    """What a member ticked and chose for one weekday on the availability picker."""

    free: bool
    all_day: bool = False
    windows: tuple[tuple[time | None, time | None], ...] = ()


def pattern_from_picker(days: Sequence[DayChoice]) -> list[tuple[int, time, time]]:
    """The weekly windows from the picker, or a DomainError that says what to fix. A day that is
    not ticked has no windows; an all-day day is one window from 00:00 to the end of the day."""
    windows: list[tuple[int, time, time]] = []
    for weekday, day in enumerate(days):
        name = WEEKDAYS[weekday]
        if not day.free:
            continue
        if day.all_day:
            windows.append((weekday, time(0), END_OF_DAY))
            continue
        chosen = []
        for start, end in day.windows:
            if start is None and end is None:
                continue
            if start is None or end is None:
                raise DomainError(f"On {name}, choose both a start and an end.", field="windows")
            if end <= start:
                raise DomainError(
                    f"On {name}, {start:%H:%M} to {end:%H:%M} ends before it starts. For work past "
                    "midnight, add a window on the next day too.",
                    field="windows",
                )
            chosen.append((start, end))
        if not chosen:
            raise DomainError(f"Choose times for {name}, or tick All day.", field="windows")
        chosen.sort()
        for (s1, e1), (s2, e2) in pairwise(chosen):
            if s2 < e1:
                raise DomainError(
                    f"On {name}, {s1:%H:%M}–{e1:%H:%M} and {s2:%H:%M}–{e2:%H:%M} overlap. "
                    "Make them one window.",
                    field="windows",
                )
        windows.extend((weekday, s, e) for s, e in chosen)
    return windows


def set_weekly_pattern(session: Session, member: Member, windows: Sequence[tuple[int, time, time]]) -> None:
    """Replace the member's weekly pattern. An empty pattern means 'any time'."""
    for weekday, start, end in windows:
        if not 0 <= weekday <= 6:
            raise DomainError("Choose a day of the week.", field="weekday")
        if end <= start:
            raise DomainError("Each time range must end after it starts.", field="windows")
    session.execute(delete(Availability).where(Availability.member_id == member.id))
    session.add_all(
        Availability(member_id=member.id, weekday=d, start_time=s, end_time=e) for d, s, e in windows
    )
    session.commit()


def time_off(session: Session, member: Member, *, today: date) -> list[TimeOff]:
    return list(
        session.scalars(
            select(TimeOff)
            .where(TimeOff.member_id == member.id, TimeOff.last_day >= today)
            .order_by(TimeOff.first_day)
        )
    )


def add_time_off(
    session: Session, member: Member, first_day: date, last_day: date, note: str, *, today: date
) -> TimeOff:
    if last_day < first_day:
        raise DomainError("The last day must be on or after the first day.", field="last_day")
    if last_day < today:
        raise DomainError("Choose days from today onwards.", field="last_day")
    if (last_day - first_day).days > 366:
        raise DomainError("Choose a period of up to a year.", field="last_day")
    entry = TimeOff(member_id=member.id, first_day=first_day, last_day=last_day, note=note.strip()[:200])
    session.add(entry)
    session.commit()
    return entry


def remove_time_off(session: Session, member: Member, time_off_id: int) -> None:
    entry = session.get(TimeOff, time_off_id)
    if entry is None or entry.member_id != member.id:
        raise NotFound("No such time off.")
    session.delete(entry)
    session.commit()


# --- calendar feed ---------------------------------------------------------------------------


def feed_for(session: Session, member: Member) -> MemberFeed | None:
    return session.scalar(select(MemberFeed).where(MemberFeed.member_id == member.id))


def regenerate_feed(session: Session, member: Member) -> MemberFeed:
    """A new secret calendar address (the first one, or a replacement that revokes the old)."""
    feed = feed_for(session, member)
    if feed is None:
        feed = MemberFeed(member_id=member.id)
        session.add(feed)
    else:
        feed.token = new_feed_token()
    session.commit()
    return feed


def member_by_feed_token(session: Session, token: str) -> Member:
    feed = session.scalar(select(MemberFeed).where(MemberFeed.token == token))
    if feed is None:
        raise NotFound("No such calendar.")
    member = session.get(Member, feed.member_id)
    assert member is not None
    return member


def feed_shifts(session: Session, member: Member, *, now: datetime | None = None) -> list[Shift]:
    now = now or utcnow()
    return list(
        session.scalars(
            select(Shift)
            .join(Assignment, and_(Assignment.shift_id == Shift.id, Assignment.member_id == member.id))
            .where(
                Assignment.status == AssignmentStatus.ACCEPTED,
                Shift.status == ShiftStatus.SCHEDULED,
                Shift.ends_at > now - timedelta(days=60),
            )
            .order_by(Shift.starts_at)
        )
    )


# --- daily digest -----------------------------------------------------------------------------


def send_digests(session: Session, *, now: datetime | None = None) -> int:
    """Email members who opted in the open shifts they could take that appeared since their
    last digest. Returns how many emails were queued."""
    now = now or utcnow()
    queued = 0
    prefs = list(session.scalars(select(RotaPreferences).where(RotaPreferences.daily_digest.is_(True))))
    for p in prefs:
        member = session.get(Member, p.member_id)
        if member is None or member.status != MemberStatus.ACTIVE:
            continue
        if p.last_digest_at and now - p.last_digest_at < timedelta(hours=20):
            continue
        since = p.last_digest_at or now - timedelta(days=1)
        fresh = [o for o in open_shifts_for(session, member, now=now) if o.shift.created_at >= since]
        p.last_digest_at = now
        if fresh:
            mail.queue(
                session,
                member.user.email,
                "open_shift_digest",
                name=member.first_name,
                items=fresh,
                fmt=format_dt,
            )
            queued += 1
    session.commit()
    return queued


def send_shift_reminders(session: Session, *, base_url: str, now: datetime | None = None) -> int:
    """Remind each member of tomorrow's shifts, from the hour they chose (`coop
    send-shift-reminders`, hourly). Each held shift is claimed with a conditional update before
    its email is queued, in one transaction, so several app servers or a restart never send a
    reminder twice; a shift cancelled or let go meanwhile gets none. Returns how many were queued."""
    now = now or utcnow()
    local = to_london(now)
    tomorrow = local.date() + timedelta(days=1)
    due = list(
        session.execute(
            select(Assignment.id, RotaPreferences.reminder_hour, RotaPreferences.id)
            .join(Shift, Shift.id == Assignment.shift_id)
            .outerjoin(RotaPreferences, RotaPreferences.member_id == Assignment.member_id)
            .where(
                Assignment.status == AssignmentStatus.ACCEPTED,
                Assignment.reminded_at.is_(None),
                Shift.status == ShiftStatus.SCHEDULED,
                Shift.starts_at >= london_to_utc(tomorrow, time(0)),
                Shift.starts_at < london_to_utc(tomorrow + timedelta(days=1), time(0)),
                Shift.starts_at > now,
            )
            .order_by(Assignment.id)
        )
    )
    queued = 0
    for assignment_id, hour, prefs_id in due:
        hour = DEFAULT_REMINDER_HOUR if prefs_id is None else hour  # None: they turned reminders off
        if hour is None or local.hour < hour:
            continue
        with write_transaction(session):
            claimed = session.execute(
                update(Assignment)
                .where(
                    Assignment.id == assignment_id,
                    Assignment.reminded_at.is_(None),
                    Assignment.status == AssignmentStatus.ACCEPTED,
                )
                .values(reminded_at=now)
                .execution_options(synchronize_session=False)
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                continue
            a = session.get(Assignment, assignment_id)
            assert a is not None
            shift = a.shift
            if shift.status != ShiftStatus.SCHEDULED:
                continue
            mail.queue(
                session,
                a.member.user.email,
                "shift_reminder",
                name=a.member.first_name,
                shift=shift,
                contacts=shift.client.contacts,
                my_shifts=f"{base_url}/shifts/mine",
                fmt=format_dt,
            )
            queued += 1
    return queued


def set_pay_choice(
    session: Session,
    member_id: int,
    assignment_id: int,
    pence_per_hour: int | None,
    *,
    accept_cap_warning: bool = False,
) -> None:
    """For paid involvement work a member may take less pay, or none, so that nobody is left worse
    off (None puts back the full rate). Fixed once the hours are approved. Taking more again goes
    through the limit rule like any other change to the member's pay."""
    from coop.timesheets.models import TimesheetEntry, TimesheetStatus

    shift_id = session.scalar(
        select(Assignment.shift_id).where(Assignment.id == assignment_id, Assignment.member_id == member_id)
    )
    if shift_id is None:
        raise NotFound("No such shift of yours.")
    with write_transaction(session):
        member = lock_member(session, member_id)
        shift = lock_shift(session, shift_id)
        assignment = lock(session, Assignment, assignment_id)
        assert assignment is not None
        if assignment.status != AssignmentStatus.ACCEPTED:
            raise DomainError("This shift is not yours any more.")
        service = shift.service
        if not service.involvement:
            raise DomainError(
                "Only involvement work (consultation, panels, research, training) can be paid less."
            )
        if pence_per_hour is not None and not 0 <= pence_per_hour <= service.pay_pence_per_hour:
            raise DomainError("Choose an amount between nothing and the full rate.", field="amount")
        approved = session.scalar(
            select(TimesheetEntry.id).where(
                TimesheetEntry.assignment_id == assignment_id,
                TimesheetEntry.status == TimesheetStatus.APPROVED,
            )
        )
        if approved is not None:
            raise DomainError("The hours for this are already approved, so the pay is fixed.")
        day = to_london(shift.starts_at).date()
        guard = caps.Guard(session, [member.id], day, day)
        assignment.chosen_pay_pence_per_hour = pence_per_hour
        caps.check_own_change(guard, member.id, accept_warning=accept_cap_warning, doing="Taking this pay")
