"""The directory of the co-op's services and local vocational opportunities."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.db import found, write_transaction
from coop.directory.models import CATEGORIES, DirectoryEntry
from coop.errors import DomainError
from coop.i18n import gettext as _


@dataclass
class EntryData:
    category: str
    name: str
    description: str
    contact: str
    hours: str
    accessibility: str
    review_date: date
    active: bool = True


def save_entry(
    session: Session, data: EntryData, entry: DirectoryEntry | None = None, *, today: date
) -> DirectoryEntry:
    if data.category not in CATEGORIES:
        raise DomainError(_("Choose a category."), field="category")
    if not data.name.strip():
        raise DomainError(_("Give the name of the place or group."), field="name")
    if not data.contact.strip():
        raise DomainError(_("Say how people get in touch."), field="contact")
    if data.review_date < today:
        raise DomainError(_("The next check must be today or later."), field="review_date")
    with write_transaction(session):
        if entry is None:
            entry = DirectoryEntry()
            session.add(entry)
        entry.category, entry.name = data.category, data.name.strip()[:200]
        entry.description, entry.contact = data.description.strip()[:2000], data.contact.strip()[:500]
        entry.hours, entry.accessibility = data.hours.strip()[:200], data.accessibility.strip()[:1000]
        entry.review_date, entry.active = data.review_date, data.active
    return entry


def get_entry(session: Session, entry_id: int) -> DirectoryEntry:
    return found(session, DirectoryEntry, entry_id, _("No such entry."))


def entries(session: Session, *, active_only: bool = True) -> list[DirectoryEntry]:
    stmt = select(DirectoryEntry).order_by(DirectoryEntry.category, DirectoryEntry.name)
    if active_only:
        stmt = stmt.where(DirectoryEntry.active.is_(True))
    return list(session.scalars(stmt))


def grouped(session: Session) -> list[tuple[str, list[DirectoryEntry]]]:
    by: dict[str, list[DirectoryEntry]] = {}
    for e in entries(session):
        by.setdefault(e.category, []).append(e)
    return [(CATEGORIES[c], by[c]) for c in CATEGORIES if c in by]


def stale(entry: DirectoryEntry, today: date) -> bool:
    """Past its review date: someone should check it is still right."""
    return entry.review_date < today
