"""Governance: proposals, one member one vote (changeable until close), quorum and majority from
settings, a decisions log, elected coordinators, and sharing a surplus in proportion to hours."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from coop.audit.service import record
from coop.auth.models import Role, UserRole
from coop.bookings.models import Shift
from coop.caps import service as caps
from coop.db import lock, write_transaction
from coop.errors import DomainError, NotFound
from coop.governance.models import COMMENT_MAX, Proposal, ProposalComment, SurplusShare, Vote
from coop.mail import service as mail
from coop.members.models import Member, MemberStatus
from coop.money import format_pence
from coop.pay.models import PayAdjustment
from coop.pay.service import open_paydays
from coop.rota.models import Assignment, RotaPreferences
from coop.rota.service import preferences
from coop.settings import service as settings
from coop.timesheets.models import TimesheetEntry, TimesheetStatus
from coop.timeutil import format_dt, london_to_utc, utcnow

KINDS = {
    "general": "A decision",
    "appoint_coordinator": "Elect a coordinator",
    "distribute_surplus": "Share out surplus",
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
        raise DomainError("Give the proposal a short title (up to 200 characters).", field="title")
    if not data.text.strip():
        raise DomainError("Explain the proposal.", field="text")
    if not today < data.closes_on <= today + timedelta(days=60):
        raise DomainError("Choose a closing date from tomorrow up to 60 days away.", field="closes_on")
    if data.kind not in KINDS:
        raise DomainError("Choose the kind of proposal.", field="kind")
    if data.kind == "appoint_coordinator":
        subject = session.get(Member, data.subject_member_id or 0)
        if subject is None or subject.status == MemberStatus.LEFT:
            raise DomainError("Choose the member to elect.", field="subject_member_id")
    if data.kind == "distribute_surplus" and (
        not data.surplus_pence or data.surplus_pence <= 0 or not data.surplus_year
    ):
        raise DomainError("Give the amount to share and the year it comes from.", field="surplus")
    proposal = Proposal(
        title=title,
        text=data.text.strip()[:10000],
        kind=data.kind,
        created_by_id=author.id,
        subject_member_id=data.subject_member_id if data.kind == "appoint_coordinator" else None,
        surplus_pence=data.surplus_pence if data.kind == "distribute_surplus" else None,
        surplus_year=data.surplus_year if data.kind == "distribute_surplus" else None,
        closes_at=london_to_utc(data.closes_on, time(23, 59)),
    )
    session.add(proposal)
    session.flush()
    for m in mailing_list(session):
        mail.queue(
            session, m.user.email, "proposal_opened", name=m.first_name, proposal=proposal, fmt=format_dt
        )
    session.commit()
    return proposal


def get_proposal(session: Session, proposal_id: int) -> Proposal:
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFound("No such proposal.")
    return proposal


def cast_vote(
    session: Session, member: Member, proposal_id: int, choice: str, *, now: datetime | None = None
) -> None:
    """One member, one vote; changing it replaces the old one. Closed proposals take no votes."""
    now = now or utcnow()
    if choice not in ("for", "against", "abstain"):
        raise DomainError("Choose for, against or abstain.", field="choice")
    if member.status == MemberStatus.LEFT:
        raise DomainError("Only current members can vote.")
    with write_transaction(session):
        # The proposal's row lock serialises votes on it, so a double click cannot count twice.
        proposal = session.scalar(
            select(Proposal).where(Proposal.id == proposal_id).with_for_update(of=Proposal)
        )
        if proposal is None:
            raise NotFound("No such proposal.")
        if proposal.status != "open" or proposal.closes_at <= now:
            raise DomainError("Voting on this proposal has closed.")
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
    due = list(session.scalars(select(Proposal).where(Proposal.status == "open", Proposal.closes_at <= now)))
    return [close(session, p.id, now=now) for p in due]


def close(session: Session, proposal_id: int, *, now: datetime | None = None) -> Proposal:
    now = now or utcnow()
    with write_transaction(session):
        proposal = session.scalar(
            select(Proposal).where(Proposal.id == proposal_id).with_for_update(of=Proposal)
        )
        if proposal is None:
            raise NotFound("No such proposal.")
        if proposal.status == "closed":
            return proposal
        counts = tally(session, proposal_id)
        members = voters(session)
        quorum = settings.get(session, "quorum_percent")
        majority = settings.get(session, "majority_percent")
        cast = sum(counts.values())
        proposal.votes_for, proposal.votes_against, proposal.votes_abstain = (
            counts["for"],
            counts["against"],
            counts["abstain"],
        )
        proposal.eligible_voters = len(members)
        proposal.status = "closed"
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
    if proposal.kind == "appoint_coordinator" and proposal.subject_member is not None:
        user = proposal.subject_member.user
        if Role.COORDINATOR not in user.role_names:
            before = sorted(user.role_names)
            session.add(UserRole(user_id=user.id, role=Role.COORDINATOR))
            record(
                session,
                None,
                "roles.elected",
                ("user", user.id),
                {"roles": before},
                {"roles": sorted({*before, "coordinator"}), "proposal": proposal.id},
            )
    elif proposal.kind == "distribute_surplus":
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
        minutes[member_id] = minutes.get(member_id, 0) + int((end - start).total_seconds() // 60) - brk
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
    all_now: caps.Fit | None  # taking all of it on the next pay day (None: no limit set)
    most_now: int | None  # the most that fits on the next pay day (None: no earnings limit)
    parts_that_fit: int | None  # fewest pay days it can be spread over and fit (None: none do)


def _split(amount: int, parts: int) -> list[int]:
    """Equal parts in pence, the odd pennies on the first."""
    base = amount // parts
    return [base + (amount - base * parts if i == 0 else 0) for i in range(parts)]


def _fit_of(planner: caps.Planner, amount: int, paydays: Sequence[date]) -> caps.Fit | None:
    """The first period paying `amount` over these pay days would break, or None."""
    rows = [
        caps.WorkRow(d, 0, p, paid_on=True)
        for d, p in zip(paydays, _split(amount, len(paydays)), strict=True)
        if p
    ]
    broken = planner.worsened(planner.rows, planner.rows + rows)
    return broken[0] if broken else None


def share_options(session: Session, member: Member, share: SurplusShare, today: date) -> ShareOptions:
    left = share.amount_pence - share.taken_pence
    paydays = tuple(open_paydays(session, today, MAX_PARTS))
    planner = caps.Planner.for_member(session, member, days_ahead=62 * MAX_PARTS)
    if planner.cap is None or not left or not paydays:
        return ShareOptions(left, paydays, None, None, 1 if left else None)
    broken = _fit_of(planner, left, paydays[:1])
    all_now = broken or caps.Fit(left, 0, True, True, planner.cap.mode, planner.period_on(paydays[0]))
    most_now = None
    if planner.cap.earnings_cap_pence is not None:
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
    accept_cap_warning: bool = False,
) -> list[PayAdjustment]:
    """Put all or part of a share into pay, on the next pay day or spread over the next `parts`
    pay days; what is not taken stays kept for later. It counts as earnings on the day it is
    paid, so it goes through the limit rule (caps.Guard) like any change to the member's pay.
    The member and then the share are locked first, as a claim locks the member."""
    member_id = member.id
    if not 1 <= parts <= MAX_PARTS:
        raise DomainError(f"Spread it over 1 to {MAX_PARTS} pay days.", field="parts")
    with write_transaction(session):
        member = lock(session, Member, member_id)  # type: ignore[assignment]
        share = lock(session, SurplusShare, share_id)
        if share is None or member is None or share.member_id != member.id:
            raise NotFound("No such share.")
        left = share.amount_pence - share.taken_pence
        if left <= 0:
            raise DomainError("You have already taken this share: it is on its way in your pay.")
        amount = left if amount_pence is None else amount_pence
        if not 1 <= amount <= left:
            raise DomainError(f"Choose an amount from 1p to {format_pence(left)}.", field="amount")
        paydays = open_paydays(session, today, parts)
        if len(paydays) < parts:
            raise DomainError("There are not that many pay days planned yet.", field="parts")
        guard = caps.Guard(session, [member.id], paydays[0], paydays[-1])
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
        caps.check_own_change(
            guard, member.id, accept_warning=accept_cap_warning, doing="Taking it like this"
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
            raise NotFound("No such share.")
        if share.taken_pence >= share.amount_pence:
            raise DomainError("You have already taken this share: it is on its way in your pay.")
        share.status, share.decided_at = "deferred", utcnow()


def open_proposals(session: Session) -> list[Proposal]:
    return list(
        session.scalars(select(Proposal).where(Proposal.status == "open").order_by(Proposal.closes_at))
    )


def decisions(session: Session) -> list[Proposal]:
    return list(
        session.scalars(
            select(Proposal)
            .where(Proposal.status == "closed")
            .order_by(Proposal.closes_at.desc(), Proposal.id.desc())
            .limit(200)
        )
    )


def remind_non_voters(session: Session, *, now: datetime | None = None) -> int:
    """24 hours before a proposal closes, remind members who have not voted."""
    now = now or utcnow()
    count = 0
    for p in session.scalars(
        select(Proposal).where(
            Proposal.status == "open",
            Proposal.reminded_at.is_(None),
            Proposal.closes_at <= now + timedelta(hours=24),
        )
    ):
        voted = set(session.scalars(select(Vote.member_id).where(Vote.proposal_id == p.id)))
        for m in voters(session):
            if m.id not in voted:
                mail.queue(
                    session, m.user.email, "proposal_reminder", name=m.first_name, proposal=p, fmt=format_dt
                )
                count += 1
        p.reminded_at = now
    session.commit()
    return count


def coordinator_candidates(session: Session) -> Sequence[Member]:
    return [m for m in voters(session) if Role.COORDINATOR not in m.user.role_names]


# --- what was decided, in words ----------------------------------------------------------------

DECISION_MAX = 2000


def can_record_decision(proposal: Proposal, user_id: int, is_coordinator: bool) -> bool:
    return proposal.status == "closed" and (is_coordinator or proposal.created_by.user_id == user_id)


def record_decision(
    session: Session, proposal_id: int, text: str, *, user_id: int, is_coordinator: bool
) -> Proposal:
    """The proposer or a coordinator says, in words, what was decided, once voting has closed.
    It can be corrected later; the decisions log shows the latest words and who wrote them."""
    words = text.strip()
    if not words:
        raise DomainError("Write what was decided, in a sentence or two.", field="text")
    if len(words) > DECISION_MAX:
        raise DomainError(f"Keep it to {DECISION_MAX:,} characters (this is {len(words):,}).", field="text")
    with write_transaction(session):
        proposal = lock(session, Proposal, proposal_id)
        if proposal is None:
            raise NotFound("No such proposal.")
        if proposal.status != "closed":
            raise DomainError("Voting has not closed yet: the outcome can be written once it has.")
        if not can_record_decision(proposal, user_id, is_coordinator):
            raise DomainError("Only the member who raised it or a coordinator can write the outcome.")
        proposal.decision_text, proposal.decision_by_id, proposal.decision_at = words, user_id, utcnow()
    return proposal


# --- discussion --------------------------------------------------------------------------------

EDIT_WINDOW = timedelta(minutes=15)


def comments(session: Session, proposal_id: int) -> list[ProposalComment]:
    return list(
        session.scalars(
            select(ProposalComment)
            .where(ProposalComment.proposal_id == proposal_id)
            .order_by(ProposalComment.created_at, ProposalComment.id)
        )
    )


def _comment_text(text: str) -> str:
    body = text.replace("\r\n", "\n").strip()
    if not body:
        raise DomainError("Write your comment first.", field="body")
    if len(body) > COMMENT_MAX:
        raise DomainError(
            f"Comments can be up to {COMMENT_MAX:,} characters; this one is {len(body):,}. "
            "Shorten it, or say it in two comments.",
            field="body",
        )
    return body


def add_comment(
    session: Session, member: Member, proposal_id: int, text: str, *, now: datetime | None = None
) -> ProposalComment:
    """A member comments while voting is open. Plain text: shown as written, never as markup."""
    now = now or utcnow()
    body = _comment_text(text)
    if member.status == MemberStatus.LEFT:
        raise DomainError("Only current members can comment.")
    with write_transaction(session):
        proposal = lock(session, Proposal, proposal_id)
        if proposal is None:
            raise NotFound("No such proposal.")
        if proposal.status != "open" or proposal.closes_at <= now:
            raise DomainError("The discussion closed when voting closed.")
        comment = ProposalComment(proposal_id=proposal_id, member_id=member.id, body=body, created_at=now)
        session.add(comment)
    return comment


def can_edit(comment: ProposalComment, member_id: int, now: datetime) -> bool:
    return (
        comment.member_id == member_id
        and comment.hidden_at is None
        and now - comment.created_at <= EDIT_WINDOW
    )


def edit_comment(
    session: Session, member: Member, comment_id: int, text: str, *, now: datetime | None = None
) -> ProposalComment:
    """The author may change their comment for 15 minutes after writing it."""
    now = now or utcnow()
    body = _comment_text(text)
    member_id = member.id
    with write_transaction(session):
        comment = lock(session, ProposalComment, comment_id)
        if comment is None or comment.member_id != member_id:
            raise NotFound("No such comment.")
        if comment.hidden_at is not None:
            raise DomainError("A coordinator has hidden this comment, so it cannot be changed.")
        if now - comment.created_at > EDIT_WINDOW:
            raise DomainError("Comments can be changed for 15 minutes after writing. Add a new one instead.")
        comment.body, comment.edited_at = body, now
    return comment


def hide_comment(session: Session, comment_id: int, reason: str, *, actor_id: int) -> ProposalComment:
    """A coordinator hides a comment, kindly: the reason is shown where the comment was."""
    why = " ".join(reason.split())
    if not why:
        raise DomainError("Say why it is hidden; the reason is shown in its place.", field="reason")
    if len(why) > 300:
        raise DomainError("Keep the reason to 300 characters.", field="reason")
    with write_transaction(session):
        comment = lock(session, ProposalComment, comment_id)
        if comment is None:
            raise NotFound("No such comment.")
        if comment.hidden_at is None:
            comment.hidden_at = utcnow()
        comment.hidden_by_id, comment.hidden_reason = actor_id, why
        record(
            session,
            actor_id,
            "comment.hidden",
            ("proposal", comment.proposal_id),
            {},
            {"comment": comment.id},
        )
    return comment


def set_proposal_emails(session: Session, member: Member, wanted: bool) -> None:

    with write_transaction(session):
        prefs = preferences(session, member)
        prefs.proposal_emails = wanted
        session.add(prefs)


def wants_proposal_emails(session: Session, member: Member) -> bool:
    return _wants(session.scalar(select(RotaPreferences).where(RotaPreferences.member_id == member.id)))
