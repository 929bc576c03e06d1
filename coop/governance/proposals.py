"""Proposals and votes: one member one vote (changeable until close), quorum and majority from
settings, elected coordinators, the outcome in words, the decisions log, and who is emailed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session, joinedload

from coop.audit.service import record
from coop.auth import service as auth
from coop.auth.models import Role
from coop.db import found, lock, write_transaction
from coop.errors import DomainError, NotFound
from coop.governance.models import Proposal, ProposalKind, ProposalStatus, SurplusShare, Vote
from coop.governance.surplus import surplus_shares
from coop.i18n import N_
from coop.i18n import gettext as _
from coop.mail import service as mail
from coop.members.models import Member, MemberStatus
from coop.rota.models import RotaPreferences
from coop.rota.service import preferences
from coop.settings import service as settings
from coop.settings.keys import K
from coop.text import written
from coop.timeutil import format_dt, london_to_utc, to_london, utcnow

KINDS = {
    "general": N_("A decision"),
    "appoint_coordinator": N_("Elect a coordinator"),
    "distribute_surplus": N_("Share out surplus"),
}


@dataclass
class ProposalData:
    title: str
    text: str
    closes_on: date
    kind: str = "general"
    subject_member_id: int | None = None
    surplus_pence: int | None = None
    surplus_year: int | None = None


def voters(session: Session) -> list[Member]:
    """Members who may vote: everyone who has not left (taking a break does not take the vote)."""
    stmt = select(Member).options(joinedload(Member.user)).where(Member.status != MemberStatus.LEFT)
    return list(session.scalars(stmt))


def mailing_list(session: Session) -> list[Member]:
    """Voters who want emails about proposals and results: those who said yes, and those who have
    not chosen, unless they asked for fewer emails by turning shift reminders off."""
    prefs = {p.member_id: p for p in session.scalars(select(RotaPreferences))}
    return [m for m in voters(session) if _wants(prefs.get(m.id))]


def _wants(prefs: RotaPreferences | None) -> bool:
    if prefs is None:
        return True
    if prefs.proposal_emails is not None:
        return prefs.proposal_emails
    return prefs.reminder_hour is not None


def create_proposal(session: Session, author: Member, data: ProposalData, *, today: date) -> Proposal:
    title = " ".join(data.title.split())
    if not title or len(title) > 200:
        raise DomainError(_("Give the proposal a short title (up to 200 characters)."), field="title")
    if not data.text.strip():
        raise DomainError(_("Explain the proposal."), field="text")
    if not today < data.closes_on <= today + timedelta(days=60):
        raise DomainError(_("Choose a closing date from tomorrow up to 60 days away."), field="closes_on")
    if data.kind not in KINDS:
        raise DomainError(_("Choose the kind of proposal."), field="kind")
    if data.kind == ProposalKind.APPOINT_COORDINATOR:
        subject = session.get(Member, data.subject_member_id or 0)
        if subject is None or subject.status == MemberStatus.LEFT:
            raise DomainError(_("Choose the member to elect."), field="subject_member_id")
    if data.kind == ProposalKind.DISTRIBUTE_SURPLUS and (
        not data.surplus_pence or data.surplus_pence <= 0 or not data.surplus_year
    ):
        raise DomainError(_("Give the amount to share and the year it comes from."), field="surplus")
    with write_transaction(session):
        proposal = Proposal(
            title=title,
            text=data.text.strip()[:10000],
            kind=data.kind,
            created_by_id=author.id,
            subject_member_id=data.subject_member_id
            if data.kind == ProposalKind.APPOINT_COORDINATOR
            else None,
            surplus_pence=data.surplus_pence if data.kind == ProposalKind.DISTRIBUTE_SURPLUS else None,
            surplus_year=data.surplus_year if data.kind == ProposalKind.DISTRIBUTE_SURPLUS else None,
            closes_at=london_to_utc(data.closes_on, time(23, 59)),
        )
        session.add(proposal)
        session.flush()
        for m in mailing_list(session):
            mail.queue(
                session, m.user.email, "proposal_opened", name=m.first_name, proposal=proposal, fmt=format_dt
            )
    return proposal


def get_proposal(session: Session, proposal_id: int) -> Proposal:
    return found(session, Proposal, proposal_id, _("No such proposal."))


def cast_vote(
    session: Session, member: Member, proposal_id: int, choice: str, *, now: datetime | None = None
) -> None:
    """One member, one vote; changing it replaces the old one. Closed proposals take no votes."""
    now = now or utcnow()
    if choice not in ("for", "against", "abstain"):
        raise DomainError(_("Choose for, against or abstain."), field="choice")
    if member.status == MemberStatus.LEFT:
        raise DomainError(_("Only current members can vote."))
    with write_transaction(session):
        # The proposal's row lock serialises votes on it, so a double click cannot count twice.
        proposal = lock(session, Proposal, proposal_id)
        if proposal is None:
            raise NotFound(_("No such proposal."))
        if proposal.status != ProposalStatus.OPEN or proposal.closes_at <= now:
            raise DomainError(_("Voting on this proposal has closed."))
        vote = session.scalar(
            select(Vote).where(Vote.proposal_id == proposal_id, Vote.member_id == member.id)
        )
        if vote is None:
            session.add(Vote(proposal_id=proposal_id, member_id=member.id, choice=choice))
        else:
            vote.choice = choice
            vote.updated_at = now


def my_vote(session: Session, member: Member, proposal_id: int) -> str:
    return (
        session.scalar(
            select(Vote.choice).where(Vote.proposal_id == proposal_id, Vote.member_id == member.id)
        )
        or ""
    )


def tally(session: Session, proposal_id: int) -> dict[str, int]:
    rows = session.execute(
        select(Vote.choice, func.count()).where(Vote.proposal_id == proposal_id).group_by(Vote.choice)
    )
    counts = {"for": 0, "against": 0, "abstain": 0}
    counts.update({choice: n for choice, n in rows})
    return counts


def close_due(session: Session, *, now: datetime | None = None) -> list[Proposal]:
    """Close every open proposal past its closing time and record the result."""
    now = now or utcnow()
    due = list(
        session.scalars(
            select(Proposal).where(Proposal.status == ProposalStatus.OPEN, Proposal.closes_at <= now)
        )
    )
    return [close(session, p.id, now=now) for p in due]


def close(session: Session, proposal_id: int, *, now: datetime | None = None) -> Proposal:
    now = now or utcnow()
    with write_transaction(session):
        proposal = lock(session, Proposal, proposal_id)
        if proposal is None:
            raise NotFound(_("No such proposal."))
        if proposal.status == ProposalStatus.CLOSED:
            return proposal
        counts = tally(session, proposal_id)
        members = voters(session)
        quorum = settings.get(session, K.QUORUM_PERCENT)
        majority = settings.get(session, K.MAJORITY_PERCENT)
        cast = sum(counts.values())
        proposal.votes_for, proposal.votes_against, proposal.votes_abstain = (
            counts["for"],
            counts["against"],
            counts["abstain"],
        )
        proposal.eligible_voters = len(members)
        proposal.status = ProposalStatus.CLOSED
        proposal.closed_at = now
        if cast * 100 < quorum * len(members) or cast == 0:
            proposal.outcome = "not_decided"
            proposal.outcome_statement = (
                f"Not decided: {cast} of {len(members)} members voted, fewer than the quorum of {quorum}%."
            )
        elif counts["for"] * 100 > majority * (counts["for"] + counts["against"]):
            proposal.outcome = "passed"
            proposal.outcome_statement = (
                f"Passed: {counts['for']} for, {counts['against']} against, {counts['abstain']} abstained."
            )
            _carry_out(session, proposal)
        else:
            proposal.outcome = "rejected"
            proposal.outcome_statement = (
                f"Not passed: {counts['for']} for, {counts['against']} against, "
                f"{counts['abstain']} abstained."
            )
        for m in mailing_list(session):
            mail.queue(session, m.user.email, "proposal_closed", name=m.first_name, proposal=proposal)
    return proposal


def _carry_out(session: Session, proposal: Proposal) -> None:
    if proposal.kind == ProposalKind.APPOINT_COORDINATOR and proposal.subject_member is not None:
        user_id = proposal.subject_member.user_id
        before = auth.add_role(session, user_id, Role.COORDINATOR)
        if before is not None:
            record(
                session,
                None,
                "roles.elected",
                ("user", user_id),
                {"roles": before},
                {"roles": sorted({*before, "coordinator"}), "proposal": proposal.id},
            )
    elif proposal.kind == ProposalKind.DISTRIBUTE_SURPLUS:
        shares = surplus_shares(session, proposal.surplus_pence or 0, proposal.surplus_year or 0)
        for member_id, (minutes, amount) in shares.items():
            session.add(
                SurplusShare(
                    proposal_id=proposal.id, member_id=member_id, minutes=minutes, amount_pence=amount
                )
            )
        record(
            session,
            None,
            "surplus.shared",
            ("proposal", proposal.id),
            {},
            {"pence": proposal.surplus_pence, "members": len(shares)},
        )


def open_proposals(session: Session) -> list[Proposal]:
    return list(
        session.scalars(
            select(Proposal).where(Proposal.status == ProposalStatus.OPEN).order_by(Proposal.closes_at)
        )
    )


def decisions(session: Session) -> list[Proposal]:
    return list(
        session.scalars(
            select(Proposal)
            .where(Proposal.status == ProposalStatus.CLOSED)
            .order_by(Proposal.closes_at.desc(), Proposal.id.desc())
            .limit(200)
        )
    )


REMINDER_HOUR = time(9)  # London: the morning of the day before voting closes


def reminder_due_at(closes_at: datetime) -> datetime:
    """When members who have not voted are reminded: at 9:00 (London) on the day before the day
    voting closes, or 24 hours before it closes if that is earlier. Voting closes at 23:59, so
    the reminder comes in the morning, with a day and a half left, never at midnight."""
    day_before = to_london(closes_at).date() - timedelta(days=1)
    return min(london_to_utc(day_before, REMINDER_HOUR), closes_at - timedelta(hours=24))


def remind_non_voters(session: Session, *, now: datetime | None = None) -> int:
    """Remind each member who has not voted on a proposal once, from `reminder_due_at` until it
    closes: the proposal is claimed for its reminder by a conditional update in the transaction
    that queues the emails, so two runs of the hourly job at once (two machines) send one set.
    A proposal whose voting has ended gets no reminder. Returns how many were queued."""
    now = now or utcnow()
    due = and_(
        Proposal.status == ProposalStatus.OPEN, Proposal.reminded_at.is_(None), Proposal.closes_at > now
    )
    soon = session.execute(
        select(Proposal.id, Proposal.closes_at).where(due, Proposal.closes_at <= now + timedelta(days=3))
    ).all()
    count = 0
    for proposal_id, closes_at in sorted(soon):
        if now < reminder_due_at(closes_at):
            continue
        with write_transaction(session):
            claimed = session.execute(
                update(Proposal)
                .where(Proposal.id == proposal_id, due)
                .values(reminded_at=now)
                .execution_options(synchronize_session=False)
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                continue  # another run reminded it, or it closed meanwhile
            proposal = session.get(Proposal, proposal_id)
            voted = set(session.scalars(select(Vote.member_id).where(Vote.proposal_id == proposal_id)))
            for m in voters(session):
                if m.id not in voted:
                    mail.tell_member(
                        session,
                        m,
                        "proposal_reminder",
                        proposal=proposal,
                    )
                    count += 1
    return count


def coordinator_candidates(session: Session) -> Sequence[Member]:
    return [m for m in voters(session) if Role.COORDINATOR not in m.user.role_names]


DECISION_MAX = 2000


def can_record_decision(proposal: Proposal, user_id: int, is_coordinator: bool) -> bool:
    return proposal.status == ProposalStatus.CLOSED and (
        is_coordinator or proposal.created_by.user_id == user_id
    )


def record_decision(
    session: Session, proposal_id: int, text: str, *, user_id: int, is_coordinator: bool
) -> Proposal:
    """The proposer or a coordinator says, in words, what was decided, once voting has closed.
    It can be corrected later; the decisions log shows the latest words and who wrote them."""
    words = written(
        text, most=DECISION_MAX, field="text", empty=_("Write what was decided, in a sentence or two.")
    )
    with write_transaction(session):
        proposal = lock(session, Proposal, proposal_id)
        if proposal is None:
            raise NotFound(_("No such proposal."))
        if proposal.status != ProposalStatus.CLOSED:
            raise DomainError(_("Voting has not closed yet: the outcome can be written once it has."))
        if not can_record_decision(proposal, user_id, is_coordinator):
            raise DomainError(_("Only the member who raised it or a coordinator can write the outcome."))
        proposal.decision_text, proposal.decision_by_id, proposal.decision_at = words, user_id, utcnow()
    return proposal


def set_proposal_emails(session: Session, member: Member, wanted: bool) -> None:
    """The member's choice; the member is locked first, so two saves at once make one row."""
    member_id = member.id
    with write_transaction(session):
        member = lock(session, Member, member_id)  # type: ignore[assignment]
        prefs = preferences(session, member)
        prefs.proposal_emails = wanted
        session.add(prefs)


def wants_proposal_emails(session: Session, member: Member) -> bool:
    return _wants(session.scalar(select(RotaPreferences).where(RotaPreferences.member_id == member.id)))
