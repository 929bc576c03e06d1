"""What the home pages summarise, and whether the service is healthy."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from coop.members.models import Member
from coop.migrate import current_revision, head_revision


@dataclass(frozen=True)
class CoordinatorSummary:
    active_members: int
    paused_members: int


def coordinator_summary(session: Session) -> CoordinatorSummary:
    counts = dict(session.execute(select(Member.status, func.count()).group_by(Member.status)).tuples().all())
    return CoordinatorSummary(counts.get("active", 0), counts.get("paused", 0))


def health(engine: Engine) -> tuple[bool, str]:
    """Healthy when the database answers and its schema is at the latest migration."""
    try:
        current = current_revision(engine)
    except SQLAlchemyError:
        return False, "database unreachable"
    head = head_revision()
    if current != head:
        return False, f"schema at {current}, expected {head}: run 'coop db upgrade'"
    return True, f"schema at {head}"
