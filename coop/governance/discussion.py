"""A proposal's discussion: plain-text comments, changeable for 15 minutes, hidden by a
coordinator with the reason shown in their place."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.audit.service import record
from coop.db import lock, write_transaction
from coop.errors import DomainError, NotFound
from coop.governance.models import COMMENT_MAX, Proposal, ProposalComment, ProposalStatus
from coop.i18n import gettext as _
from coop.i18n.formats import number_text
from coop.members.models import Member, MemberStatus
from coop.text import written
from coop.timeutil import utcnow

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
        raise DomainError(_("Write your comment first."), field="body")
    if len(body) > COMMENT_MAX:
        raise DomainError(
            _(
                "Comments can be up to %(most)s characters; this one is %(length)s. "
                "Shorten it, or say it in two comments.",
                most=number_text(COMMENT_MAX),
                length=number_text(len(body)),
            ),
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
        raise DomainError(_("Only current members can comment."))
    with write_transaction(session):
        proposal = lock(session, Proposal, proposal_id)
        if proposal is None:
            raise NotFound(_("No such proposal."))
        if proposal.status != ProposalStatus.OPEN or proposal.closes_at <= now:
            raise DomainError(_("The discussion closed when voting closed."))
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
            raise NotFound(_("No such comment."))
        if comment.hidden_at is not None:
            raise DomainError(_("A coordinator has hidden this comment, so it cannot be changed."))
        if now - comment.created_at > EDIT_WINDOW:
            raise DomainError(
                _("Comments can be changed for 15 minutes after writing. Add a new one instead.")
            )
        comment.body, comment.edited_at = body, now
    return comment


def hide_comment(session: Session, comment_id: int, reason: str, *, actor_id: int) -> ProposalComment:
    """A coordinator hides a comment, kindly: the reason is shown where the comment was."""
    why = written(
        reason,
        most=300,
        field="reason",
        empty=_("Say why it is hidden; the reason is shown in its place."),
        one_line=True,
    )
    with write_transaction(session):
        comment = lock(session, ProposalComment, comment_id)
        if comment is None:
            raise NotFound(_("No such comment."))
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
