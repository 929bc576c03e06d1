"""The one page a member's phone keeps for reading without signal: their next two weeks of
shifts (times, address, who to ask for) and the co-op's phone number, marked with when it was
made. The service worker stores it under a key for the person (`person_key`), an opaque digest of
their account and its session token: a different person on the same browser has a different key,
and changing the password changes it, so nothing kept for one is ever shown to another."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager

from coop.bookings.models import Client, Shift, ShiftStatus
from coop.members.models import Member
from coop.rota.models import Assignment
from coop.settings import service as settings
from coop.settings.keys import K
from coop.timeutil import utcnow

AHEAD = timedelta(days=14)


def person_key(secret: str, user_id: int, session_token: str) -> str:
    """An opaque name for the person's offline copy (no id or email can be read from it)."""
    message = f"offline:{user_id}:{session_token}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True)
class OfflineShift:
    starts_at: datetime
    ends_at: datetime
    service: str
    client: str
    address: str
    ask_for: list[tuple[str, str]]  # the client's contacts: name and phone


@dataclass(frozen=True)
class OfflinePage:
    shifts: list[OfflineShift]
    coop_name: str
    coop_phone: str
    made_at: datetime


def offline_page(session: Session, member: Member, *, now: datetime | None = None) -> OfflinePage:
    """The member's held shifts from now to two weeks ahead, soonest first."""
    now = now or utcnow()
    held = session.scalars(
        select(Assignment)
        .join(Shift, Shift.id == Assignment.shift_id)
        .options(contains_eager(Assignment.shift).joinedload(Shift.client).selectinload(Client.contacts))
        .where(
            Assignment.member_id == member.id,
            Assignment.held(),
            Shift.status == ShiftStatus.SCHEDULED,
            Shift.ends_at > now,
            Shift.starts_at < now + AHEAD,
        )
        .order_by(Shift.starts_at)
    ).all()
    shifts = [
        OfflineShift(
            a.shift.starts_at,
            a.shift.ends_at,
            a.shift.service.name,
            a.shift.client.name,
            a.shift.site_address,
            [(c.name, c.phone) for c in sorted(a.shift.client.contacts, key=lambda c: c.id)],
        )
        for a in held
    ]
    return OfflinePage(shifts, settings.get(session, K.COOP_NAME), settings.get(session, K.COOP_PHONE), now)
