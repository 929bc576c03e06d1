"""Writing and reading the audit log."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.audit.models import AuditEntry


def record(
    session: Session,
    actor_id: int | None,
    action: str,
    obj: tuple[str, Any],
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an audit entry to the caller's transaction (it commits or rolls back with the change)."""
    object_type, object_id = obj
    entry = AuditEntry(
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=json.dumps(before or {}, sort_keys=True, default=str),
        after=json.dumps(after or {}, sort_keys=True, default=str),
    )
    session.add(entry)
    return entry


def recent(session: Session, *, limit: int = 50, offset: int = 0) -> list[AuditEntry]:
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(stmt))
