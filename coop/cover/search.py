"""The search for cover: a place let go close to its start is offered at once, in waves, to the
members who could take it, by the claim's own rule (`rota.can_take` on facts loaded in bulk and
the member's limit), fairest first (fair release's order: the smallest share of the hours they
would like). Wave size and answer time shrink as the start nears (cover.rules). The first yes
takes the place through `rota.take_place`; every other open offer closes with a thank-you.

A case never records who let the place go, and no answer (or silence) is counted against anyone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from coop.bookings.models import Shift, ShiftStatus
from coop.cover.models import CaseStatus, CoverCase, CoverOffer, CoverOfferStatus, CoverPreferences
from coop.cover.rules import WaveSettings, wave_plan
from coop.db import lock, write_transaction
from coop.errors import DomainError, NotFound
from coop.i18n import N_
from coop.i18n import gettext as _
from coop.limits import service as limits
from coop.members.models import Member, MemberStatus, member_skill
from coop.notify import service as notify
from coop.rota import service as rota
from coop.rota.autofill import week_of
from coop.rota.fair_release import share_of_preferred
from coop.rota.models import Assignment, AssignmentSource, AssignmentStatus, RotaPreferences
from coop.settings import service as settings
from coop.settings.keys import K
from coop.timeutil import format_dt, to_london, utcnow

ALREADY_COVERED = N_(
    "Thank you for saying yes. Someone has already covered this place, so there is nothing more to do."
)
NO_LONGER_NEEDED = N_("Thank you. This place is no longer needed, so there is nothing more to do.")


def wave_settings(session: Session) -> WaveSettings:
    return WaveSettings(
        notice=timedelta(hours=settings.get(session, K.DROP_NOTICE_HOURS)),
        size_most=settings.get(session, K.COVER_WAVE_SIZE),
        size_least=settings.get(session, K.COVER_WAVE_SIZE_LEAST),
        answer_most=timedelta(minutes=settings.get(session, K.COVER_ANSWER_MINUTES)),
        answer_least=timedelta(minutes=settings.get(session, K.COVER_ANSWER_MINUTES_LEAST)),
    )


def _not_to_offer(session: Session, case: CoverCase) -> set[int]:
    """Members asked already for this case, and those who let this shift go (never asked to
    cover what they just said they can't do)."""
    asked = set(session.scalars(select(CoverOffer.member_id).where(CoverOffer.case_id == case.id)))
    let_go = session.scalars(
        select(Assignment.member_id).where(
            Assignment.shift_id == case.shift_id, Assignment.status == AssignmentStatus.DROPPED
        )
    )
    return asked | set(let_go)


def _welcomes(prefs: CoverPreferences | None, shift: Shift, now: datetime) -> bool:
    """The member's own choices: cover requests on, on that day, with at least their notice."""
    if prefs is None:
        return True
    if not prefs.requests_on or to_london(shift.starts_at).weekday() not in prefs.days():
        return False
    return shift.starts_at - now >= timedelta(hours=prefs.min_notice_hours)


def candidates(session: Session, case: CoverCase, *, now: datetime) -> list[Member]:
    """Everyone who could take the case's place now and welcomes being asked, not yet asked for
    this case, fairest first: the claim's rules (skills, active, availability, time off, other
    work and rest, teaching), their limit (fits, never "over but warned"), their cover choices."""
    shift = case.shift
    asked = _not_to_offer(session, case)
    members = list(
        session.scalars(
            select(Member)
            .join(member_skill, member_skill.c.member_id == Member.id)
            .options(selectinload(Member.skills))
            .where(Member.status == MemberStatus.ACTIVE, member_skill.c.skill_id == shift.service.skill_id)
            .order_by(Member.id)
        )
    )
    members = [m for m in members if m.id not in asked]
    if not members:
        return []
    rules = rota.rules_from_settings(session)
    facts = rota.member_facts(
        session,
        members,
        (shift.starts_at - rules.reach - timedelta(days=7), shift.ends_at + rules.reach + timedelta(days=7)),
    )
    target = rota.shift_facts(shift)
    prefs = {
        p.member_id: p
        for p in session.scalars(
            select(CoverPreferences).where(CoverPreferences.member_id.in_([m.id for m in members]))
        )
    }
    preferred = {
        p.member_id: p.preferred_hours_week
        for p in session.scalars(
            select(RotaPreferences).where(RotaPreferences.member_id.in_([m.id for m in members]))
        )
    }
    week = week_of(shift.starts_at)
    ranked: list[tuple[int, float, int, Member]] = []
    for m in members:
        if not _welcomes(prefs.get(m.id), shift, now) or not rota.can_take(facts[m.id], target, rules):
            continue
        if not limits.fits_for_coordinator(session, m, shift):
            continue
        share = share_of_preferred(facts[m.id].busy, preferred.get(m.id), week)
        # Those who said how many hours they would like come first, the furthest below them first.
        ranked.append((0 if share is not None else 1, share or 0.0, m.id, m))
    ranked.sort(key=lambda r: r[:3])
    return [r[3] for r in ranked]


def offer_within(session: Session, case: CoverCase, members: Sequence[Member], now: datetime) -> int:
    for m in members:
        offer = CoverOffer(case_id=case.id, member_id=m.id, wave=case.waves, sent_at=now)
        session.add(offer)
        session.flush()
        notify.tell_member(
            session, m, "cover_offer", shift=case.shift, offer_id=offer.id, answer_by=case.wave_ends_at
        )
    return len(members)


def queue_wave_within(session: Session, case: CoverCase, *, now: datetime, everyone: bool = False) -> int:
    """Inside write_transaction, the case locked: ask the next wave (or, widened, everyone who
    could take it). Returns how many were asked; the next wave is due when their time is up."""
    left = case.shift.starts_at - now
    size, window = wave_plan(left, wave_settings(session))
    chosen = candidates(session, case, now=now)
    if not everyone:
        chosen = chosen[:size]
    case.waves += 1
    case.wave_ends_at = now + window
    if everyone:
        case.widened = True
    return offer_within(session, case, chosen, now)


def open_case_within(session: Session, shift: Shift, *, now: datetime) -> CoverCase | None:
    """Inside write_transaction, the shift locked: a place on it was let go late. Open a case and
    ask the first wave. None when the shift has started (coordinators are told instead)."""
    if shift.starts_at <= now or shift.status != ShiftStatus.SCHEDULED:
        return None
    case = CoverCase(shift_id=shift.id, opened_at=now, status=CaseStatus.OPEN)
    session.add(case)
    session.flush()
    queue_wave_within(session, case, now=now)
    return case


def close_within(session: Session, case: CoverCase, status: str, now: datetime, *, thank: bool) -> None:
    """The case ends; every offer still open closes (with a thank-you when someone covered it)."""
    case.status, case.closed_at, case.wave_ends_at = status, now, None
    still = list(
        session.scalars(
            select(CoverOffer)
            .where(CoverOffer.case_id == case.id, CoverOffer.status == CoverOfferStatus.OFFERED)
            .order_by(CoverOffer.id)
        )
    )
    session.execute(
        update(CoverOffer)
        .where(CoverOffer.case_id == case.id, CoverOffer.status == CoverOfferStatus.OFFERED)
        .values(status=CoverOfferStatus.CLOSED, answered_at=now)
        .execution_options(synchronize_session=False)
    )
    if thank:
        for o in still:
            notify.tell_member(session, o.member, "cover_closed", shift=case.shift)


def lock_case(session: Session, case_id: int) -> CoverCase:
    case = lock(session, CoverCase, case_id)
    if case is None:
        raise NotFound("No such cover request.")
    return case


def covered_within(session: Session, case: CoverCase, now: datetime, *, by_offer: int | None = None) -> None:
    """Inside write_transaction, the shift and case locked: the place is taken."""
    if by_offer is not None:
        session.execute(
            update(CoverOffer)
            .where(CoverOffer.id == by_offer)
            .values(status=CoverOfferStatus.ACCEPTED, answered_at=now)
            .execution_options(synchronize_session=False)
        )
    close_within(session, case, CaseStatus.COVERED, now, thank=True)
    notify.tell_coordinators(session, "cover_found", shift=case.shift, fmt=format_dt)


def settled_elsewhere(session: Session, case: CoverCase, shift: Shift, now: datetime) -> str | None:
    """Inside the locks: a case whose place was filled another way (someone took it from the open
    shifts list) is covered; one whose shift was cancelled or has started is over. The message to
    show, or None while the case is open."""
    if case.status == CaseStatus.COVERED:
        return ALREADY_COVERED
    if case.status != CaseStatus.OPEN:
        return NO_LONGER_NEEDED
    if shift.status != ShiftStatus.SCHEDULED or shift.starts_at <= now:
        close_within(session, case, CaseStatus.UNCOVERED, now, thank=False)
        return NO_LONGER_NEEDED
    if shift.filled >= shift.slots:
        covered_within(session, case, now)
        return ALREADY_COVERED
    return None


def accept(
    session: Session,
    member_id: int,
    offer_id: int,
    *,
    accept_limit_warning: bool = False,
    now: datetime | None = None,
) -> Assignment:
    """The member says yes. The first yes takes the place through the claim rule; anyone later is
    told truthfully that it is already covered, and thanked."""
    now = now or utcnow()
    case_id = session.scalar(
        select(CoverOffer.case_id).where(CoverOffer.id == offer_id, CoverOffer.member_id == member_id)
    )
    if case_id is None:
        raise NotFound("No such cover request of yours.")
    shift_id = session.scalar(select(CoverCase.shift_id).where(CoverCase.id == case_id))
    assert shift_id is not None
    settled: str | None = None
    with write_transaction(session):
        # Lock order as in every claim: member, shift, then the case and the offer.
        rota.lock_member(session, member_id)
        shift = rota.lock_shift(session, shift_id)
        case = lock_case(session, case_id)
        offer = lock(session, CoverOffer, offer_id)
        assert offer is not None
        if offer.status == CoverOfferStatus.ACCEPTED:
            raise DomainError(_("You said yes to this already: the shift is yours."))
        settled = settled_elsewhere(session, case, shift, now)
        if settled is None:
            if offer.status == CoverOfferStatus.DECLINED:
                offer.status = CoverOfferStatus.OFFERED  # changed their mind: still welcome
            assignment = rota.take_place(
                session,
                member_id,
                shift.id,
                now=now,
                source=AssignmentSource.OFFER,
                accept_limit_warning=accept_limit_warning,
            )
            covered_within(session, case, now, by_offer=offer.id)
            return assignment
    raise DomainError(_(settled))  # committed: the case's end is recorded, then the member is told


def decline(session: Session, member_id: int, offer_id: int, *, now: datetime | None = None) -> None:
    """No is always fine: nothing is asked or recorded about why."""
    now = now or utcnow()
    with write_transaction(session):
        offer = lock(session, CoverOffer, offer_id)
        if offer is None or offer.member_id != member_id:
            raise NotFound("No such cover request of yours.")
        if offer.status == CoverOfferStatus.OFFERED:
            offer.status, offer.answered_at = CoverOfferStatus.DECLINED, now


def offer_for(session: Session, member_id: int, offer_id: int) -> CoverOffer:
    offer = session.get(CoverOffer, offer_id)
    if offer is None or offer.member_id != member_id:
        raise NotFound("No such cover request of yours.")
    return offer


def open_offers_for(session: Session, member: Member) -> list[CoverOffer]:
    """Cover requests waiting for this member's answer, soonest shift first."""
    return list(
        session.scalars(
            select(CoverOffer)
            .join(CoverCase, CoverCase.id == CoverOffer.case_id)
            .join(Shift, Shift.id == CoverCase.shift_id)
            .where(
                CoverOffer.member_id == member.id,
                CoverOffer.status == CoverOfferStatus.OFFERED,
                CoverCase.status == CaseStatus.OPEN,
            )
            .order_by(Shift.starts_at)
        )
    )
