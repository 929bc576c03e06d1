"""The cover board for coordinators: each open case, who was asked and who said no (never why),
the time left; and their actions: widen the search, ask a named member, fill it themselves."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coop.bookings.models import Shift
from coop.cover.models import CaseStatus, CoverCase, CoverOffer, CoverOfferStatus
from coop.cover.search import (
    candidates,
    covered_within,
    lock_case,
    offer_within,
    queue_wave_within,
    settled_elsewhere,
)
from coop.db import write_transaction
from coop.errors import DomainError, NotFound
from coop.i18n import gettext as _
from coop.limits import service as limits
from coop.members.models import Member, MemberStatus, member_skill
from coop.rota import service as rota
from coop.rota.models import Assignment, AssignmentSource, AssignmentStatus
from coop.timeutil import utcnow


@dataclass
class CaseCard:
    case: CoverCase
    left: timedelta
    offered: list[str] = field(default_factory=list)  # names, waiting for an answer
    said_no: list[str] = field(default_factory=list)
    not_to_offer: set[int] = field(default_factory=set)  # asked already, or let this shift go

    @property
    def left_minutes(self) -> int:
        return max(0, self.left // timedelta(minutes=1))


def open_cases(session: Session, *, now: datetime | None = None) -> list[CaseCard]:
    """Open cover cases, soonest start first, with who was asked (two statements)."""
    now = now or utcnow()
    cases = list(
        session.scalars(
            select(CoverCase)
            .join(Shift, Shift.id == CoverCase.shift_id)
            .where(CoverCase.status == CaseStatus.OPEN)
            .order_by(Shift.starts_at, CoverCase.id)
        )
    )
    cards = {c.id: CaseCard(c, c.shift.starts_at - now) for c in cases}
    if not cards:
        return []
    answers: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for case_id, member_id, name, status in session.execute(
        select(CoverOffer.case_id, Member.id, Member.display_name, CoverOffer.status)
        .join(Member, Member.id == CoverOffer.member_id)
        .where(CoverOffer.case_id.in_(list(cards)))
        .order_by(Member.display_name)
    ):
        answers[case_id].append((name, status))
        cards[case_id].not_to_offer.add(member_id)
    let_go: dict[int, set[int]] = defaultdict(set)
    for shift_id, member_id in session.execute(
        select(Assignment.shift_id, Assignment.member_id).where(
            Assignment.shift_id.in_({c.shift_id for c in cases}),
            Assignment.status == AssignmentStatus.DROPPED,
        )
    ):
        let_go[shift_id].add(member_id)
    for card in cards.values():
        card.not_to_offer |= let_go[card.case.shift_id]
    for case_id, rows in answers.items():
        cards[case_id].offered = [n for n, s in rows if s == CoverOfferStatus.OFFERED]
        cards[case_id].said_no = [n for n, s in rows if s == CoverOfferStatus.DECLINED]
    return list(cards.values())


def open_count(session: Session) -> int:
    return (
        session.scalar(select(func.count()).select_from(CoverCase).where(CoverCase.status == CaseStatus.OPEN))
        or 0
    )


def members_with_skills(session: Session, skill_ids: set[int]) -> dict[int, list[tuple[int, str]]]:
    """Active members holding each skill, by name (for "ask a named member"; the rule decides)."""
    out: dict[int, list[tuple[int, str]]] = defaultdict(list)
    if not skill_ids:
        return out
    for skill_id, member_id, name in session.execute(
        select(member_skill.c.skill_id, Member.id, Member.display_name)
        .join(Member, Member.id == member_skill.c.member_id)
        .where(member_skill.c.skill_id.in_(skill_ids), Member.status == MemberStatus.ACTIVE)
        .order_by(Member.display_name, Member.id)
    ):
        out[skill_id].append((member_id, name))
    return out


def _open_case(session: Session, case_id: int, now: datetime, *, member_id: int | None = None) -> CoverCase:
    """Inside write_transaction: lock (in the claim's order: the member, the shift, then the case)
    and return a case still open."""
    shift_id = session.scalar(select(CoverCase.shift_id).where(CoverCase.id == case_id))
    if shift_id is None:
        raise NotFound("No such cover request.")
    if member_id is not None:
        rota.lock_member(session, member_id)
    shift = rota.lock_shift(session, shift_id)
    case = lock_case(session, case_id)
    if settled_elsewhere(session, case, shift, now) is not None:
        raise DomainError(_("This place is no longer open: it is covered, or the visit has started."))
    return case


def widen(session: Session, case_id: int, *, now: datetime | None = None) -> int:
    """Ask everyone who could take the place now (and welcomes cover requests). Returns how many."""
    now = now or utcnow()
    with write_transaction(session):
        case = _open_case(session, case_id, now)
        return queue_wave_within(session, case, now=now, everyone=True)


def offer_named(session: Session, case_id: int, member_id: int, *, now: datetime | None = None) -> None:
    """Ask one member by name, only if they could take it by the claim's rule and their limit,
    and welcome cover requests then (never told why not, beyond the rule's words)."""
    now = now or utcnow()
    with write_transaction(session):
        case = _open_case(session, case_id, now, member_id=member_id)
        member = rota.lock_member(session, member_id)  # already locked: the loaded row
        if any(m.id == member.id for m in candidates(session, case, now=now)):
            offer_within(session, case, [member], now)
            return
        if session.scalar(
            select(CoverOffer.id).where(CoverOffer.case_id == case.id, CoverOffer.member_id == member.id)
        ):
            raise DomainError(
                _("%(name)s has already been asked about this place.", name=member.display_name)
            )
        problems = rota.shift_problems(session, member, case.shift, now=now)
        if problems:
            raise DomainError(rota.problem_sentence(problems[0], member, second_person=False))
        if not limits.fits_for_coordinator(session, member, case.shift):
            raise DomainError(
                _(
                    "This shift does not fit %(name)s's limit. Only they can see or change it.",
                    name=member.display_name,
                )
            )
        raise DomainError(
            _(
                "%(name)s has chosen not to be asked to cover at this time or notice.",
                name=member.display_name,
            )
        )


def claim_myself(
    session: Session, case_id: int, member_id: int, *, now: datetime | None = None
) -> Assignment:
    """A coordinator who is a member takes the place themselves, through the claim rule (their
    skills, availability and limit like anyone's)."""
    now = now or utcnow()
    with write_transaction(session):
        case = _open_case(session, case_id, now, member_id=member_id)
        assignment = rota.take_place(
            session, member_id, case.shift_id, now=now, source=AssignmentSource.CLAIM
        )
        covered_within(session, case, now)
        return assignment
