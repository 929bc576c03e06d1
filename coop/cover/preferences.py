"""A member's own choices about cover requests: on or off, which days, the shortest notice."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.cover.models import CoverPreferences
from coop.db import write_transaction
from coop.errors import DomainError
from coop.i18n import gettext as _
from coop.members.service import lock_member


def preferences_of(session: Session, member_id: int) -> CoverPreferences:
    """The member's choices (the defaults, unsaved, when they have made none)."""
    found = session.scalar(select(CoverPreferences).where(CoverPreferences.member_id == member_id))
    return found or CoverPreferences(
        member_id=member_id, requests_on=True, weekdays="0,1,2,3,4,5,6", min_notice_hours=0
    )


def save_preferences(
    session: Session, member_id: int, *, requests_on: bool, weekdays: Iterable[int], min_notice_hours: int
) -> None:
    days = sorted(set(weekdays))
    if any(d < 0 or d > 6 for d in days):
        raise DomainError(_("Choose days from the list."), field="weekdays")
    if not 0 <= min_notice_hours <= 72:
        raise DomainError(_("Choose a notice from the list."), field="min_notice_hours")
    with write_transaction(session):
        lock_member(session, member_id)  # one row per member, even with two saves at once
        prefs = session.scalar(select(CoverPreferences).where(CoverPreferences.member_id == member_id))
        if prefs is None:
            prefs = CoverPreferences(member_id=member_id)
            session.add(prefs)
        prefs.requests_on = requests_on
        prefs.weekdays = ",".join(str(d) for d in days)
        prefs.min_notice_hours = min_notice_hours
