"""The one entry point for news of the kinds people choose about (offers, cover requests, swaps,
answers, reminders; for coordinators new requests and cover alerts): each person gets it by
email, push, both or neither, as they chose. A push notification is queued in the outbox like an
email (one row per browser, sent once by `coop send-outbox`), after quiet hours when they are in
them. Someone who chose push but has no browser allowed yet gets the email, so nothing is lost."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.auth import service as auth
from coop.auth.models import Role, User
from coop.i18n import reading
from coop.mail import service as mail
from coop.mail.models import OutboxChannel, OutboxMessage
from coop.notify.choices import DEFAULT, quiet_hours, quiet_until, subscriptions_of
from coop.notify.models import NotificationChoice, NotifyChannel, NotifyKind
from coop.notify.texts import PushText, push_text
from coop.timeutil import format_dt, utcnow


def channel_for(session: Session, user_id: int, kind: NotifyKind) -> NotifyChannel:
    chosen = session.scalar(
        select(NotificationChoice.channel).where(
            NotificationChoice.user_id == user_id, NotificationChoice.kind == kind
        )
    )
    return NotifyChannel(chosen) if chosen else DEFAULT


def _push_within(session: Session, user: User, text: PushText) -> int:
    """Queue the push notification to each of the person's browsers; how many were queued."""
    devices = subscriptions_of(session, user.id)
    if not devices:
        return 0
    wait = quiet_until(quiet_hours(session, user.id), utcnow())
    url = f"{mail.base_url_of(session)}{text.path}"
    for device in devices:
        session.add(
            OutboxMessage(
                channel=OutboxChannel.PUSH,
                push_subscription_id=device.id,
                to_address=user.email,
                subject=text.title,
                body=text.body,
                url=url,
                not_before=wait,
            )
        )
    return len(devices)


def _tell(session: Session, user: User, template: str, queue_email: Any, context: dict[str, Any]) -> None:
    # The push and the email are in the words the person chose, whoever's action sent them.
    with reading(user.reading):
        text = push_text(template, context)
        channel = channel_for(session, user.id, text.kind) if text else NotifyChannel.EMAIL
        pushed = 0
        if text is not None and channel in (NotifyChannel.PUSH, NotifyChannel.BOTH):
            pushed = _push_within(session, user, text)
        if channel in (NotifyChannel.EMAIL, NotifyChannel.BOTH) or (
            channel == NotifyChannel.PUSH and not pushed
        ):
            queue_email()


def tell_member(session: Session, member: Any, template: str, **context: Any) -> None:
    """Tell a member (anyone with `.user` and `.first_name`), in the caller's transaction, the way
    they chose for this template's kind; the email is `mail.tell_member`'s."""
    context.setdefault("fmt", format_dt)
    _tell(
        session,
        member.user,
        template,
        lambda: mail.tell_member(session, member, template, **context),
        context,
    )


def tell_user(session: Session, user: User, template: str, **context: Any) -> None:
    """Tell one account holder the way they chose (the email is `mail.queue`'s)."""
    _tell(
        session,
        user,
        template,
        lambda: mail.queue(session, user.email, template, reader=user.reading, **context),
        context,
    )


def tell_coordinators(session: Session, template: str, **context: Any) -> None:
    """Tell every active coordinator, each the way they chose, in the caller's transaction."""
    for user in auth.users_with_role(session, Role.COORDINATOR):
        if user.active:
            tell_user(session, user, template, **context)
