"""Requests for a business reach its leads first: the coordinators who lead it are emailed, and
the other coordinators only when it has no lead (everyone still sees it in the queue)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.auth.models import Role, User, UserRole
from coop.businesses.models import BusinessLead
from coop.notify import service as notify


def lead_accounts(session: Session, business_id: int) -> list[User]:
    """The active coordinators who lead this business."""
    stmt = (
        select(User)
        .join(BusinessLead, BusinessLead.user_id == User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(
            BusinessLead.business_id == business_id, UserRole.role == Role.COORDINATOR, User.active.is_(True)
        )
        .order_by(User.email)
    )
    return list(session.scalars(stmt))


def tell_leads_within(session: Session, business_id: int, template: str, **context: Any) -> None:
    """Tell the business's leads (or, with none, every coordinator), each the way they chose
    (email, push or both), in the caller's transaction."""
    leads = lead_accounts(session, business_id)
    if not leads:
        notify.tell_coordinators(session, template, **context)
    for user in leads:
        notify.tell_user(session, user, template, **context)
