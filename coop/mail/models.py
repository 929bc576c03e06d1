"""The outbox: every email is written here first and sent later by `coop send-outbox`."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coop.datamap import DELETE, MENTIONS, Personal, declare, keep
from coop.db import Base, UTCDateTime
from coop.notify.models import PushSubscription
from coop.timeutil import utcnow


class OutboxChannel(StrEnum):
    """What an outbox row is: an email, or a push notification to one browser."""

    EMAIL = "email"
    PUSH = "push"


class OutboxMessage(Base):
    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    # Where answers go when it is not the sender (invoice emails: the co-op's own address).
    reply_to: Mapped[str] = mapped_column(String(254), default="", server_default="")
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # The secret link the body carries (an invoice link, a password-reset or invitation link),
    # kept only until the email is sent: then it is cut out of the body and forgotten.
    secret_link: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A sender claims a message before sending it, so two senders never send one twice.
    claim_token: Mapped[str | None] = mapped_column(String(40))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    # An email, or a push notification to one of the person's browsers (subject: its title,
    # body: its text, url: the page it opens), sent by the same claim as email.
    channel: Mapped[str] = mapped_column(String(5), default="email", server_default="email")
    push_subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey(PushSubscription.id, ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    # Not sent before this moment (a push notification waits for the end of quiet hours).
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime)

    attachments: Mapped[list[OutboxAttachment]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="OutboxAttachment.id"
    )

    __table_args__ = (
        Index("ix_outbox_message_unsent", "sent_at", "claimed_at"),
        CheckConstraint("attempts >= 0", name="attempts_non_negative"),
        CheckConstraint("sent_at IS NULL OR secret_link IS NULL", name="no_secret_once_sent"),
        CheckConstraint("channel IN ('email', 'push')", name="channel_known"),
        CheckConstraint("(channel = 'push') = (push_subscription_id IS NOT NULL)", name="push_has_device"),
    )


class OutboxAttachment(Base):
    """A file sent with an outbox message (an invoice PDF), kept with it so a resend is the same."""

    __tablename__ = "outbox_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_message.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)


declare(
    OutboxMessage,
    Personal(
        what="Emails the co-op sends, with the address",
        why="to tell people about their work, pay and the co-op",
        kept="until sent; at erasure theirs are deleted (but the email saying it is done), and "
        "emails to others about them name the placeholder",
        owner="email",
        columns={
            "to_address": keep("deleted with the row"),
            "subject": MENTIONS,
            "body": MENTIONS,
            "last_error": keep("deleted with the row"),
            "claim_token": keep("deleted with the row"),
            "secret_link": keep("emptied once the email is sent; deleted with the row"),
            "push_subscription_id": keep("deleted with the row"),
        },
        rows=DELETE,
    ),
)
declare(
    OutboxAttachment,
    Personal(
        what="Files attached to emails (pay statements, invoices)",
        why="to send them",
        kept="with the email",
        owner="message_id",
        columns={"message_id": keep("deleted with the email"), "filename": keep("deleted with the email")},
        rows=DELETE,
    ),
)
