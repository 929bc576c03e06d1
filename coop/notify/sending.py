"""Send the push notifications waiting in the outbox, each once: the same claim as email (two
senders on any number of machines never take the same row; a row a dead sender claimed is taken
again after a while; failures are retried on later runs), encrypted for the browser (RFC 8291,
by pywebpush) and signed with the co-op's VAPID key. A browser its push service reports gone
(404 or 410) is forgotten, with anything still waiting for it."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
from pywebpush import WebPushException, webpush
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from coop.db import write_transaction
from coop.mail import service as mail
from coop.mail.models import OutboxChannel, OutboxMessage
from coop.notify.keys import VapidKeys
from coop.notify.models import PushSubscription
from coop.timeutil import utcnow

GONE = (404, 410)
TTL_SECONDS = 24 * 3600  # a phone that is off for a day gets it when it is back


@dataclass(frozen=True)
class Sent:
    sent: int = 0
    failed: int = 0
    gone: int = 0


@dataclass(frozen=True)
class _Claimed:
    id: int
    attempts: int
    payload: str
    info: dict[str, Any]
    subscription_id: int


def _read(session: Session, messages: list[OutboxMessage]) -> list[_Claimed]:
    """What each claimed message needs, read before anything is sent (the outcomes' transactions
    expire the objects)."""
    ids = [m.push_subscription_id for m in messages if m.push_subscription_id is not None]
    devices = {d.id: d for d in session.scalars(select(PushSubscription).where(PushSubscription.id.in_(ids)))}
    out = []
    for m in messages:
        device = devices.get(m.push_subscription_id or 0)
        if device is None:
            continue
        payload = json.dumps({"title": m.subject, "body": m.body, "url": m.url, "tag": f"coop-{m.id}"})
        info = {"endpoint": device.endpoint, "keys": {"p256dh": device.p256dh, "auth": device.auth}}
        out.append(_Claimed(m.id, m.attempts, payload, info, device.id))
    return out


def _forget_device(session: Session, subscription_id: int) -> None:
    with write_transaction(session):
        session.execute(delete(OutboxMessage).where(OutboxMessage.push_subscription_id == subscription_id))
        session.execute(delete(PushSubscription).where(PushSubscription.id == subscription_id))


def send_push_pending(
    session: Session,
    keys: VapidKeys,
    *,
    contact: str,
    batch: int = 50,
    timeout: float = 10,
    progress: Callable[[int], None] | None = None,
) -> Sent:
    """Send every due push notification. `contact` (mailto: or https:) is how a push service can
    reach the co-op about its messages (the VAPID "sub" claim)."""
    sent = failed = gone = 0
    tried: set[int] = set()
    while True:
        messages = mail.claim_batch(session, batch, tried, channel=OutboxChannel.PUSH)
        if not messages:
            return Sent(sent, failed, gone)
        tried.update(m.id for m in messages)
        for message in _read(session, messages):
            try:
                webpush(
                    message.info,
                    message.payload,
                    vapid_private_key=keys.vapid,
                    vapid_claims={"sub": contact},
                    ttl=TTL_SECONDS,
                    timeout=timeout,
                )
            except WebPushException as exc:
                status = exc.response.status_code if exc.response is not None else None
                if status in GONE:
                    _forget_device(session, message.subscription_id)
                    gone += 1
                else:
                    _failed(session, message, f"push service answered {status}: {exc.message}"[:2000])
                    failed += 1
            except requests.RequestException as exc:
                _failed(session, message, f"could not reach the push service: {type(exc).__name__}")
                failed += 1
            else:
                mail.record_outcome(session, message.id, {"sent_at": utcnow()})
                sent += 1
            if progress:
                progress(1)


def _failed(session: Session, message: _Claimed, error: str) -> None:
    mail.record_outcome(session, message.id, {"last_error": error, "claim_token": None, "claimed_at": None})
