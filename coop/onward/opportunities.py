"""Opportunities members can act on: "I'm interested" in a directory entry, their own list with
notes, and a conversation with the coordinators when they want help. And, when a member leaves,
why, if they choose to say."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.auth import service as auth
from coop.db import lock, write_transaction
from coop.directory.models import DirectoryEntry
from coop.errors import DomainError, NotFound
from coop.i18n import gettext as _
from coop.i18n.formats import number_text
from coop.members.models import LEAVING_REASONS, Member
from coop.members.service import lock_member
from coop.notify import service as notify
from coop.onward.models import INTEREST_STATUSES, HelpMessage, OpportunityInterest
from coop.text import written
from coop.timeutil import utcnow

NOTE_MAX = 2000
MESSAGE_MAX = 2000


def interested(session: Session, member: Member, entry_id: int) -> OpportunityInterest:
    """Add an opportunity to the member's list (once) and tell the coordinators."""
    member_id = member.id
    with write_transaction(session):
        member = lock(session, Member, member_id)  # type: ignore[assignment]
        entry = session.get(DirectoryEntry, entry_id)
        if entry is None or not entry.active:
            raise NotFound(_("No such opportunity."))
        existing = session.scalar(
            select(OpportunityInterest).where(
                OpportunityInterest.member_id == member_id, OpportunityInterest.entry_id == entry_id
            )
        )
        if existing is not None:
            return existing
        interest = OpportunityInterest(member_id=member_id, entry_id=entry_id)
        session.add(interest)
        auth.tell_coordinators(session, "opportunity_interest", member=member, entry=entry)
    return interest


def my_interests(session: Session, member: Member) -> list[OpportunityInterest]:
    return list(
        session.scalars(
            select(OpportunityInterest)
            .where(OpportunityInterest.member_id == member.id)
            .order_by(OpportunityInterest.updated_at.desc(), OpportunityInterest.id.desc())
        )
    )


def all_interests(session: Session) -> list[OpportunityInterest]:
    """For coordinators: every member's list, those with a question waiting first."""
    rows = list(
        session.scalars(
            select(OpportunityInterest).order_by(OpportunityInterest.updated_at.desc()).limit(500)
        )
    )
    return sorted(rows, key=lambda i: not waiting_for_coordinator(i))


def waiting_for_coordinator(interest: OpportunityInterest) -> bool:
    return bool(interest.messages) and not interest.messages[-1].from_coordinator


def get_mine(session: Session, member: Member, interest_id: int) -> OpportunityInterest:
    """One of this member's opportunities; anyone else's is NotFound."""
    interest = session.get(OpportunityInterest, interest_id)
    if interest is None or interest.member_id != member.id:
        raise NotFound(_("No such opportunity on your list."))
    return interest


def _mine(session: Session, member_id: int, interest_id: int) -> OpportunityInterest:
    interest = lock(session, OpportunityInterest, interest_id)
    if interest is None or interest.member_id != member_id:
        raise NotFound(_("No such opportunity on your list."))
    return interest


def update(session: Session, member: Member, interest_id: int, *, status: str, note: str) -> None:
    """The member's own progress and notes (only they and the coordinators see them)."""
    if status not in INTEREST_STATUSES:
        raise DomainError(_("Choose where you are with it."), field="status")
    words = note.strip()
    if len(words) > NOTE_MAX:
        raise DomainError(
            _("Keep your notes to %(most)s characters.", most=number_text(NOTE_MAX)), field="note"
        )
    member_id = member.id
    with write_transaction(session):
        interest = _mine(session, member_id, interest_id)
        interest.status, interest.note, interest.updated_at = status, words, utcnow()


def _message(text: str) -> str:
    body = written(text, most=MESSAGE_MAX, field="body", empty=_("Write your message first."))
    return body


def ask_for_help(session: Session, member: Member, interest_id: int, text: str) -> HelpMessage:
    body = _message(text)
    member_id = member.id
    with write_transaction(session):
        interest = _mine(session, member_id, interest_id)
        msg = HelpMessage(interest_id=interest.id, author_id=interest.member.user_id, body=body)
        session.add(msg)
        interest.updated_at = utcnow()
        auth.tell_coordinators(session, "opportunity_help", member=interest.member, entry=interest.entry)
    return msg


def reply(session: Session, interest_id: int, text: str, *, actor_id: int) -> HelpMessage:
    body = _message(text)
    with write_transaction(session):
        interest = lock(session, OpportunityInterest, interest_id)
        if interest is None:
            raise NotFound(_("No such conversation."))
        msg = HelpMessage(interest_id=interest.id, author_id=actor_id, from_coordinator=True, body=body)
        session.add(msg)
        interest.updated_at = utcnow()
        notify.tell_member(
            session,
            interest.member,
            "opportunity_reply",
            entry=interest.entry,
        )
    return msg


def say_why_leaving(session: Session, member: Member, reason: str, *, now: datetime | None = None) -> None:
    """A member may say why they are leaving (or take it back with an empty choice). It is theirs
    to give: nothing depends on it, and the impact report only counts it in groups of 5 or more."""
    if reason and reason not in LEAVING_REASONS:
        raise DomainError(_("Choose one of the reasons, or none."), field="reason")
    member_id = member.id
    with write_transaction(session):
        member = lock_member(session, member_id)
        told = reason and not member.leaving_reason
        member.leaving_reason = reason
        if told:
            auth.tell_coordinators(session, "member_leaving", member=member, reason=LEAVING_REASONS[reason])
