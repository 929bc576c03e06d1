"""The outbox: every email is written here first and sent later by `coop send-outbox`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coop.db import Base, UTCDateTime
from coop.timeutil import utcnow


class OutboxMessage(Base):
    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    # Where answers go when it is not the sender (invoice emails: the co-op's own address).
    reply_to: Mapped[str] = mapped_column(String(254), default="", server_default="")
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A sender claims a message before sending it, so two senders never send one twice.
    claim_token: Mapped[str | None] = mapped_column(String(40))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")

    attachments: Mapped[list[OutboxAttachment]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="OutboxAttachment.id"
    )

    __table_args__ = (
        Index("ix_outbox_message_unsent", "sent_at", "claimed_at"),
        CheckConstraint("attempts >= 0", name="attempts_non_negative"),
    )


class OutboxAttachment(Base):
    """A file sent with an outbox message (an invoice PDF), kept with it so a resend is the same."""

    __tablename__ = "outbox_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_message.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)
