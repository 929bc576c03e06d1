"""Writing the audit log. Every entry matches its declaration in `coop.audit.events`."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.audit.events import EVENTS, AuditShapeError, shaped
from coop.audit.models import AuditEntry


def record(
    session: Session,
    actor_id: int | None,
    action: str,
    obj: tuple[str, Any],
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an audit entry to the caller's transaction (it commits or rolls back with the change).
    Raises AuditShapeError for an undeclared action, object type or field; a member's private
    figures (fields declared private) are dropped, never written."""
    event = EVENTS.get(action)
    if event is None:
        raise AuditShapeError(f"The audit event {action!r} is not declared in coop.audit.events.")
    object_type, object_id = obj
    if object_type != event.object_type:
        raise AuditShapeError(f"{action} is about a {event.object_type}, not a {object_type}.")
    entry = AuditEntry(
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=json.dumps(shaped(event, before), sort_keys=True),
        after=json.dumps(shaped(event, after), sort_keys=True),
    )
    session.add(entry)
    return entry


def recent(session: Session, *, limit: int = 50, offset: int = 0) -> list[AuditEntry]:
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(stmt))
