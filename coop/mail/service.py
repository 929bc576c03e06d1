"""Queue emails in the outbox, and send them over SMTP exactly once."""

from __future__ import annotations

import secrets
import smtplib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from coop.config import DEFAULT_BASE_URL, RESOURCES
from coop.db import locking, write_transaction
from coop.i18n import Reading, reading, templates
from coop.mail.models import OutboxAttachment, OutboxChannel, OutboxMessage
from coop.mail.readers import reader_of, user_reading
from coop.timeutil import format_dt, utcnow

_env = Environment(
    loader=FileSystemLoader(RESOURCES / "templates" / "email"),
    undefined=StrictUndefined,
    # Plain-text emails, never shown as HTML, so nothing to escape.
    autoescape=False,  # noqa: S701  # nosec B701
    keep_trailing_newline=True,
)
templates.configure(_env)

# A claim older than this belongs to a sender that died; another sender may take the message.
STALE_CLAIM = timedelta(minutes=10)
MAX_ATTEMPTS = 8


def base_url_of(session: Session) -> str:
    """Where the site is served (the app's BASE_URL, which every session it makes carries)."""
    return str(session.info.get("base_url") or DEFAULT_BASE_URL).rstrip("/")


def render(template: str, *, base_url: str = DEFAULT_BASE_URL, **context: Any) -> tuple[str, str]:
    """Render templates/email/<template>.txt; its first line is 'Subject: ...'. In the template,
    page("/shifts/mine") is that page's full address on this site: an email that asks someone to
    do something links to where they do it (a signed-in page goes through the sign-in and back)."""
    base = base_url.rstrip("/")
    text = _env.get_template(f"{template}.txt").render(page=lambda path: f"{base}{path}", **context)
    first, _, body = text.partition("\n")
    if not first.startswith("Subject: "):
        raise ValueError(f"email template {template} must start with a Subject: line")
    return first.removeprefix("Subject: ").strip(), body.lstrip("\n")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # e.g. "application/pdf"
    data: bytes


LINK_REMOVED = "[the link is removed from our copy once sent]"


def queue(
    session: Session,
    to: str,
    template: str,
    *,
    attachments: Sequence[Attachment] = (),
    link: str | None = None,
    reply_to: str = "",
    reader: Reading | None = None,
    **context: Any,
) -> OutboxMessage:
    """Add an email to the outbox in the caller's transaction, with any files it carries; answers
    go to `reply_to` when given. A `link` is always a secret link (it opens an invoice or sets a
    password): the outbox keeps it only until the email is sent, then only the link's digest
    (kept by its owner) remains. Links to ordinary pages are made in the template by `page()`.
    It is written for its `reader` (by default whoever reads mail at `to`: `readers.reader_of`),
    whoever is sending it."""
    if link is not None:
        context["link"] = link
    with reading(reader or reader_of(session, to)):
        subject, body = render(template, base_url=base_url_of(session), **context)
    message = OutboxMessage(
        to_address=to,
        reply_to=reply_to,
        subject=subject,
        body=body,
        secret_link=link,
        attachments=[
            OutboxAttachment(filename=a.filename, content_type=a.content_type, data=a.data)
            for a in attachments
        ],
    )
    session.add(message)
    return message


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str = ""
    password: str = ""
    starttls: bool = False
    sender: str = "Co-op Works <noreply@coop.example>"


def tell_member(session: Session, member: Any, template: str, **context: Any) -> OutboxMessage:
    """Queue an email to a member (anyone with `.user.email` and `.first_name`), greeting them by
    their first name, with times formatted for London (`fmt`), in the caller's transaction, in
    the language and reading style they chose."""
    context.setdefault("fmt", format_dt)
    return queue(
        session,
        member.user.email,
        template,
        name=member.first_name,
        reader=user_reading(session, member.user),
        **context,
    )


def claim_batch(
    session: Session, limit: int, skip: set[int], channel: OutboxChannel = OutboxChannel.EMAIL
) -> list[OutboxMessage]:
    """Claim up to `limit` unsent messages of a channel (email or push, each with its own sender)
    that are due (a push notification waits for the end of quiet hours), so that two senders running at once
    (on one or many machines) never take the same message. On PostgreSQL the candidates are
    locked with FOR UPDATE SKIP LOCKED, so a second sender takes the next rows instead of waiting;
    on SQLite the write transaction (BEGIN IMMEDIATE) serialises senders. The claim itself is a
    conditional update, so a stale read can never double-claim."""
    token = secrets.token_hex(16)
    now = utcnow()
    claimable = or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < now - STALE_CLAIM)
    with write_transaction(session):
        candidates = session.scalars(
            locking(
                select(OutboxMessage.id)
                .where(
                    OutboxMessage.sent_at.is_(None),
                    OutboxMessage.attempts < MAX_ATTEMPTS,
                    OutboxMessage.id.not_in(skip),
                    OutboxMessage.channel == channel,
                    or_(OutboxMessage.not_before.is_(None), OutboxMessage.not_before <= now),
                    claimable,
                )
                .order_by(OutboxMessage.id)
                .limit(limit),
                OutboxMessage,
                skip_locked=True,
            )
        ).all()
        if candidates:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(candidates), OutboxMessage.sent_at.is_(None), claimable)
                .values(claim_token=token, claimed_at=now)
            )
        if not candidates:
            return []
        return list(
            session.scalars(
                select(OutboxMessage).where(OutboxMessage.claim_token == token).order_by(OutboxMessage.id)
            )
        )


def _to_email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to_address
    email["Subject"] = message.subject
    if message.reply_to:
        email["Reply-To"] = message.reply_to
    # Stable for the message, so a resend after a crash is recognised as the same email.
    domain = sender.rsplit("@", 1)[-1].strip("> ") or "coop.works"
    email["Message-ID"] = f"<outbox-{message.id}-{int(message.created_at.timestamp())}@{domain}>"
    email["Date"] = format_datetime(message.created_at)
    email.set_content(message.body)
    for a in message.attachments:
        maintype, _, subtype = a.content_type.partition("/")
        email.add_attachment(a.data, maintype=maintype, subtype=subtype, filename=a.filename)
    return email


def _forget_link(message: OutboxMessage) -> dict[str, Any]:
    """The columns that cut a sent email's secret link out of our copy."""
    if not message.secret_link:
        return {}
    return {"body": message.body.replace(message.secret_link, LINK_REMOVED), "secret_link": None}


def send_pending(
    session: Session,
    smtp: SmtpSettings,
    *,
    batch: int = 50,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Send every unsent message. Returns (sent, failed). Failures are kept for a later run."""
    sent = failed = 0
    tried: set[int] = set()  # a message that fails waits for the next run
    while True:
        messages = claim_batch(session, batch, tried)
        if not messages:
            return sent, failed
        tried.update(m.id for m in messages)
        with smtplib.SMTP(smtp.host, smtp.port, timeout=30) as conn:
            if smtp.starttls:
                conn.starttls()
            if smtp.user:
                conn.login(smtp.user, smtp.password)
            for message in messages:
                outcome: dict[str, Any]
                try:
                    conn.send_message(_to_email(message, smtp.sender))
                except smtplib.SMTPException as exc:
                    outcome = {"last_error": str(exc)[:2000], "claim_token": None, "claimed_at": None}
                    if message.attempts + 1 >= MAX_ATTEMPTS:  # given up: the link helps nobody now
                        outcome.update(_forget_link(message))
                    failed += 1
                else:
                    outcome = {"sent_at": utcnow(), **_forget_link(message)}
                    sent += 1
                record_outcome(session, message.id, outcome)
                if progress:
                    progress(1)


def pending_count(session: Session, channel: OutboxChannel = OutboxChannel.EMAIL) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None), OutboxMessage.channel == channel)
        )
        or 0
    )


def record_outcome(session: Session, message_id: int, outcome: dict[str, Any]) -> None:
    """Write what happened to one claimed message (sent, or failed and released for a retry)."""
    with write_transaction(session):
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(attempts=OutboxMessage.attempts + 1, **outcome)
        )
