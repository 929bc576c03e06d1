"""The right to erasure. A member asks; a coordinator carries it out.

Erasing replaces who the person is (name, email, phone, pronouns, skills, availability, limit,
calendar link, unsent email, sign-in history) with a placeholder and closes the account. Their
future shifts and skill-session places are let go, so others can take them. What the co-op must
keep for HMRC and its accounts (hours worked, pay statements, expenses, adjustments, surplus
shares) stays, attached to the placeholder, until six years after the erasure; `purge_due` then
deletes it. Issued invoices belong to the client and are not touched. Every step is audit-logged.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.orm import Session

from coop.audit.service import record
from coop.auth import service as auth
from coop.auth.models import LoginAttempt, User
from coop.bookings.models import Shift
from coop.caps.models import BenefitCap
from coop.db import lock, serialize, write_transaction
from coop.errors import DomainError, NotFound
from coop.governance.models import ProposalComment, SurplusShare
from coop.mail.models import OutboxMessage
from coop.members.models import ErasureRequest, Member, MemberStatus
from coop.members.service import lock_member
from coop.pay.models import Expense, PayAdjustment, PayStatement
from coop.rota import service as rota
from coop.rota.models import (
    Assignment,
    Availability,
    MemberFeed,
    Offer,
    OfferStatus,
    RotaPreferences,
    TimeOff,
)
from coop.skillshare import service as skillshare
from coop.skillshare.models import SignUp, SkillSession
from coop.timesheets.models import TimesheetEntry
from coop.timeutil import today_london, utcnow

RETAIN_YEARS = 6
PLACEHOLDER_DOMAIN = "erased.invalid"
ERASED_COMMENT = "(This comment was removed when its author asked for their details to be erased.)"


def placeholder_name(member: Member) -> str:
    return f"Former member {member.id}"


def open_request(session: Session, member: Member) -> ErasureRequest | None:
    return session.scalar(
        select(ErasureRequest).where(
            ErasureRequest.member_id == member.id, ErasureRequest.status == "requested"
        )
    )


def request_erasure(session: Session, member: Member, *, actor_id: int) -> ErasureRequest:
    """The member asks. Coordinators are told by email (without any reason: none is asked)."""
    with write_transaction(session):
        lock_member(session, member.id)  # two clicks at once: one request, not a unique-key error
        if member.status == MemberStatus.LEFT and member.user.email.endswith("@" + PLACEHOLDER_DOMAIN):
            raise DomainError("Your details have already been erased.")
        existing = open_request(session, member)
        if existing is not None:
            return existing
        req = ErasureRequest(member_id=member.id)
        session.add(req)
        session.flush()
        record(session, actor_id, "erasure.requested", ("member", member.id))
        auth.tell_coordinators(session, "erasure_requested", request=req)
    return req


def withdraw(session: Session, member: Member, *, actor_id: int) -> None:
    with write_transaction(session):
        lock_member(session, member.id)
        req = open_request(session, member)
        if req is None:
            raise NotFound("There is no request to withdraw.")
        req.status = "withdrawn"
        record(session, actor_id, "erasure.withdrawn", ("member", member.id))


def count_waiting(session: Session) -> int:
    stmt = select(func.count()).select_from(ErasureRequest).where(ErasureRequest.status == "requested")
    return session.scalar(stmt) or 0


def waiting(session: Session) -> list[ErasureRequest]:
    stmt = select(ErasureRequest).order_by(ErasureRequest.status != "requested", ErasureRequest.requested_at)
    return list(session.scalars(stmt))


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def carry_out(session: Session, request_id: int, *, actor_id: int, now: datetime | None = None) -> Member:
    """Erase the member's personal data now; keep their financial records for six years."""

    now = now or utcnow()
    req = session.get(ErasureRequest, request_id)
    if req is None or req.status != "requested":
        raise NotFound("No such request waiting.")
    member = req.member
    teaching = session.scalar(
        select(SkillSession.title).where(SkillSession.teacher_id == member.id, SkillSession.starts_at > now)
    )
    if teaching is not None:
        raise DomainError(
            f"{member.display_name} is teaching “{teaching}”. Change or cancel that session first."
        )
    if auth.leaves_no_admin(session, member.user, set()):  # asked again under the lock below
        raise DomainError(ONLY_ADMIN)

    # Let future work go, through the same rules as a member letting a shift go.
    future = list(session.scalars(_future_places(member.id, now)))
    for assignment_id in future:
        rota.drop(session, member.id, assignment_id, now=now)
    for asked in rota.asked_of(session, member, now=now):  # questions they can no longer answer
        rota.answer(session, member.id, asked.id, yes=False, now=now)
    places = session.scalars(
        select(SignUp.session_id)
        .join(SkillSession, SkillSession.id == SignUp.session_id)
        .where(SignUp.member_id == member.id, SignUp.status != "cancelled", SkillSession.starts_at > now)
    ).all()
    for session_id in places:
        skillshare.cancel_sign_up(session, member, session_id)

    member_id = member.id
    with write_transaction(session):
        # The member first, as every claim takes them, then the roles, then the request: what
        # the erasure decides on is re-read under those locks.
        member = lock_member(session, member_id)
        serialize(session, "roles")
        req = lock(session, ErasureRequest, request_id)
        if req is None or req.status != "requested":
            raise NotFound("No such request waiting.")
        if session.scalar(_future_places(member_id, now).limit(1)) is not None:
            raise DomainError(f"{member.display_name} took a shift a moment ago. Erase again to let it go.")
        user = member.user
        if auth.leaves_no_admin(session, user, set()):
            raise DomainError(ONLY_ADMIN)
        _erase(session, member, user, now)
        req.status = "erased"
        req.processed_at = now
        req.processed_by_id = actor_id
        req.retain_until = add_years(today_london(), RETAIN_YEARS)
        record(
            session,
            actor_id,
            "erasure.carried_out",
            ("member", member_id),
            None,
            {"released_shifts": len(future), "financial_records_kept_until": req.retain_until.isoformat()},
        )
    return member


ONLY_ADMIN = "This is the co-op's only admin. Make someone else an admin first."


def _future_places(member_id: int, now: datetime) -> Select[int]:
    return (
        select(Assignment.id)
        .join(Assignment.shift)
        .where(Assignment.member_id == member_id, Assignment.held(), Shift.starts_at > now)
    )


def _erase(session: Session, member: Member, user: User, now: datetime) -> None:
    """Replace who the person is with a placeholder and close the account (see the module)."""
    old_email = user.email
    session.execute(
        update(Offer)
        .where(Offer.member_id == member.id, Offer.status == OfferStatus.OFFERED)
        .values(status=OfferStatus.DECLINED, decided_at=now)
    )
    for model in (Availability, TimeOff, RotaPreferences, MemberFeed, BenefitCap):
        session.execute(delete(model).where(model.member_id == member.id))
    session.execute(
        update(TimesheetEntry)
        .where(
            TimesheetEntry.assignment_id.in_(select(Assignment.id).where(Assignment.member_id == member.id))
        )
        .values(member_note="")
    )
    session.execute(
        update(ProposalComment)
        .where(ProposalComment.member_id == member.id)
        .values(body=ERASED_COMMENT, edited_at=now)
    )
    session.execute(delete(LoginAttempt).where(LoginAttempt.email == old_email))
    session.execute(delete(OutboxMessage).where(OutboxMessage.to_address == old_email))

    member.display_name = placeholder_name(member)
    member.leaving_reason = ""  # why they left is theirs: it goes with the rest
    member.left_on = member.left_on or now.date()
    member.pronouns = ""
    member.phone = ""
    member.status = MemberStatus.LEFT
    member.skills = []
    user.email = f"erased-{user.id}@{PLACEHOLDER_DOMAIN}"
    user.password_hash = None
    user.active = False
    user.last_login_at = None
    user.session_token = secrets.token_hex(32)  # signs them out everywhere
    user.roles = []


@dataclass
class Purged:
    members: int
    statements: int
    expenses: int
    receipts: int


def purge_due(session: Session, upload_dir: Path, *, today: date | None = None) -> Purged:
    """Delete the financial records kept for erased members once six years have passed."""

    today = today or today_london()
    due = session.scalars(
        select(ErasureRequest).where(
            ErasureRequest.status == "erased",
            ErasureRequest.retain_until <= today,
            ErasureRequest.purged_at.is_(None),
        )
    ).all()
    out = Purged(0, 0, 0, 0)
    for req in due:
        mid = req.member_id
        statements = session.scalars(select(PayStatement).where(PayStatement.member_id == mid)).all()
        for st in statements:
            session.delete(st)  # its lines go with it
        session.flush()
        session.execute(delete(SurplusShare).where(SurplusShare.member_id == mid))
        expenses = session.scalars(select(Expense).where(Expense.member_id == mid)).all()
        for e in expenses:
            if e.receipt_path:
                path = upload_dir / e.receipt_path
                if path.exists():
                    path.unlink()
                    out.receipts += 1
            session.delete(e)
        session.execute(delete(PayAdjustment).where(PayAdjustment.member_id == mid))
        req.purged_at = utcnow()
        record(session, None, "erasure.records_purged", ("member", mid))
        out.members += 1
        out.statements += len(statements)
        out.expenses += len(expenses)
    session.commit()
    return out
