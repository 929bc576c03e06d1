"""Each person's choices: per kind email, push, both or none (email when never chosen), quiet
hours for push, and the browsers they allowed push on."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from urllib.parse import urlsplit

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from coop.auth.models import User
from coop.db import lock, write_transaction
from coop.errors import DomainError
from coop.i18n import gettext as _
from coop.i18n import lazy_gettext as _l
from coop.notify.models import (
    COORDINATOR_KINDS,
    MEMBER_KINDS,
    NotificationChoice,
    NotifyChannel,
    NotifyKind,
    PushSubscription,
    QuietHours,
)
from coop.timeutil import LONDON, london_to_utc

DEFAULT = NotifyChannel.EMAIL

# What each kind is, in the words people choose by.
LABELS = {
    NotifyKind.OFFERS: _l("Shifts offered to you, or a coordinator asking if you can work"),
    NotifyKind.COVER: _l("Requests to cover a shift at short notice"),
    NotifyKind.SWAPS: _l("Swaps: someone offers you a swap, takes your shift or answers your swap"),
    NotifyKind.ANSWERS: _l("Answers to your questions, and questions about your hours"),
    NotifyKind.REMINDERS: _l("Reminders the day before a shift"),
    NotifyKind.REQUESTS: _l("New booking requests and visit changes from clients"),
    NotifyKind.COVER_ALERTS: _l("A shift needs cover (a member let it go at short notice)"),
}


def kinds_for(user: User) -> tuple[NotifyKind, ...]:
    kinds: tuple[NotifyKind, ...] = ()
    if user.has_role("member"):
        kinds += MEMBER_KINDS
    if user.has_role("coordinator"):
        kinds += COORDINATOR_KINDS
    return kinds


def channels_of(session: Session, user_id: int) -> dict[NotifyKind, str]:
    """Every kind's channel for this person (email for any they never chose)."""
    chosen = dict(
        session.execute(
            select(NotificationChoice.kind, NotificationChoice.channel).where(
                NotificationChoice.user_id == user_id
            )
        ).all()
    )
    return {kind: chosen.get(kind, DEFAULT) for kind in LABELS}


@dataclass(frozen=True)
class Choices:
    channels: Mapping[NotifyKind, str]  # the kinds given; a channel is checked on saving
    quiet_from: time | None = None
    quiet_until: time | None = None


def quiet_hours(session: Session, user_id: int) -> QuietHours | None:
    return session.scalar(select(QuietHours).where(QuietHours.user_id == user_id))


def save(session: Session, user_id: int, choices: Choices) -> None:
    """Keep this person's choices (only the kinds given; quiet hours both or neither)."""
    for kind, channel in choices.channels.items():
        if kind not in LABELS or channel not in tuple(NotifyChannel):
            raise DomainError(_("Choose email, push, both or none."), field=kind)
    if (choices.quiet_from is None) != (choices.quiet_until is None):
        raise DomainError(_("Give both times for quiet hours, or neither."), field="quiet_until")
    if choices.quiet_from is not None and choices.quiet_from == choices.quiet_until:
        raise DomainError(_("Quiet hours must start and end at different times."), field="quiet_until")
    with write_transaction(session):
        lock(session, User, user_id)  # one save at a time per person: the rows below are theirs
        existing = {
            c.kind: c
            for c in session.scalars(select(NotificationChoice).where(NotificationChoice.user_id == user_id))
        }
        for kind, channel in choices.channels.items():
            if kind in existing:
                existing[kind].channel = channel
            else:
                session.add(NotificationChoice(user_id=user_id, kind=kind, channel=channel))
        quiet = quiet_hours(session, user_id)
        if choices.quiet_from is None or choices.quiet_until is None:
            if quiet is not None:
                session.delete(quiet)
        elif quiet is None:
            session.add(QuietHours(user_id=user_id, starts=choices.quiet_from, ends=choices.quiet_until))
        else:
            quiet.starts, quiet.ends = choices.quiet_from, choices.quiet_until


def quiet_until(quiet: QuietHours | None, now: datetime) -> datetime | None:
    """When quiet hours end, if `now` is inside them (None if not): London wall-clock times,
    possibly running past midnight."""
    if quiet is None:
        return None
    local = now.astimezone(LONDON)
    clock = local.time().replace(tzinfo=None)
    start, end = quiet.starts, quiet.ends
    inside = start <= clock < end if start < end else (clock >= start or clock < end)
    if not inside:
        return None
    day = local.date() if clock < end else local.date() + timedelta(days=1)
    return london_to_utc(day, end)


def _key(value: str, size: int, refusal: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise DomainError(refusal) from None
    if len(raw) != size:
        raise DomainError(refusal)
    return value


def subscribe(
    session: Session, user_id: int, endpoint: str, p256dh: str, auth: str, *, allow_http: bool = False
) -> PushSubscription:
    """Keep a browser's push subscription for this person (the same browser again replaces it).
    Only https push services are accepted (in tests, a local http one when `allow_http`)."""
    parts = urlsplit(endpoint)
    if (
        parts.scheme not in (("https", "http") if allow_http else ("https",))
        or not parts.netloc
        or len(endpoint) > 2000
    ):
        raise DomainError(_("This browser's push service address cannot be used."))
    _key(p256dh, 65, _("This browser sent an unreadable encryption key."))
    _key(auth, 16, _("This browser sent an unreadable authentication key."))
    with write_transaction(session):
        lock(session, User, user_id)
        found = session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))
        if found is not None and found.user_id != user_id:
            # The browser now belongs to whoever signed in on it: the other person's push stops.
            session.delete(found)
            session.flush()
            found = None
        if found is None:
            found = PushSubscription(user_id=user_id, endpoint=endpoint, p256dh=p256dh, auth=auth)
            session.add(found)
        else:
            found.p256dh, found.auth = p256dh, auth
        session.flush()
        return found


def unsubscribe(session: Session, user_id: int, endpoint: str) -> bool:
    with write_transaction(session):
        gone = session.execute(
            delete(PushSubscription).where(
                PushSubscription.user_id == user_id, PushSubscription.endpoint == endpoint
            )
        )
        return bool(gone.rowcount)  # type: ignore[attr-defined]


def devices(session: Session, user_id: int) -> int:
    return len(session.scalars(select(PushSubscription.id).where(PushSubscription.user_id == user_id)).all())


def subscriptions_of(session: Session, user_id: int) -> list[PushSubscription]:
    return list(
        session.scalars(
            select(PushSubscription).where(PushSubscription.user_id == user_id).order_by(PushSubscription.id)
        )
    )
