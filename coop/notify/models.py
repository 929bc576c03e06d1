"""How each person wants to hear from the co-op: per kind of notification, by email, push, both
or neither, with quiet hours; and the devices they allowed push notifications on."""

from __future__ import annotations

from datetime import datetime, time
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coop.datamap import DELETE, Personal, declare, keep
from coop.db import Base, UTCDateTime
from coop.timeutil import utcnow


class NotifyKind(StrEnum):
    """The kinds of news people choose for. `cover` (members asked to cover a shift) is offered
    now so that cover requests can use it as soon as they exist."""

    OFFERS = "offers"
    COVER = "cover"
    SWAPS = "swaps"
    ANSWERS = "answers"
    REMINDERS = "reminders"
    REQUESTS = "requests"
    COVER_ALERTS = "cover_alerts"


class NotifyChannel(StrEnum):
    """How a person hears about one kind: by email, push, both or neither."""

    EMAIL = "email"
    PUSH = "push"
    BOTH = "both"
    NONE = "none"


MEMBER_KINDS = (
    NotifyKind.OFFERS,
    NotifyKind.COVER,
    NotifyKind.SWAPS,
    NotifyKind.ANSWERS,
    NotifyKind.REMINDERS,
)
COORDINATOR_KINDS = (NotifyKind.REQUESTS, NotifyKind.COVER_ALERTS)
KINDS = MEMBER_KINDS + COORDINATOR_KINDS


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


class NotificationChoice(Base):
    """One person's choice for one kind (no row: email, as before push existed)."""

    __tablename__ = "notification_choice"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(5))

    __table_args__ = (
        UniqueConstraint("user_id", "kind"),
        CheckConstraint(f"kind IN {_in(KINDS)}", name="kind_known"),
        CheckConstraint(f"channel IN {_in(tuple(NotifyChannel))}", name="channel_known"),
    )


class QuietHours(Base):
    """Push notifications wait until these hours end (London time; may run past midnight)."""

    __tablename__ = "quiet_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), unique=True)
    starts: Mapped[time] = mapped_column(Time)
    ends: Mapped[time] = mapped_column(Time)

    __table_args__ = (CheckConstraint("starts != ends", name="not_empty"),)


class PushSubscription(Base):
    """A browser the person allowed push notifications on: where its push service takes
    messages, and the keys to encrypt them for it (RFC 8291)."""

    __tablename__ = "push_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(Text, unique=True)
    p256dh: Mapped[str] = mapped_column(String(120))
    auth: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


_GONE = "deleted with the row"
declare(
    NotificationChoice,
    Personal(
        what="How each person chose to hear about each kind of news",
        why="to tell people only in the way they chose",
        kept="while they have an account",
        owner="user_id",
        columns={"user_id": keep(_GONE)},
        rows=DELETE,
        export=("kind", "channel"),
        export_as="notification_choices",
    ),
)
declare(
    QuietHours,
    Personal(
        what="The hours a person asked not to get push notifications",
        why="to keep their evenings and nights quiet",
        kept="while they have an account",
        owner="user_id",
        columns={"user_id": keep(_GONE)},
        rows=DELETE,
        export=("starts", "ends"),
        export_as="quiet_hours",
    ),
)
declare(
    PushSubscription,
    Personal(
        what="The browsers a person allowed push notifications on (the push service's address and keys)",
        why="to send them the notifications they chose",
        kept="until they turn them off, the push service says the browser is gone, or erasure",
        owner="user_id",
        columns={"user_id": keep(_GONE), "endpoint": keep(_GONE)},
        rows=DELETE,
        export=("created_at",),
        export_as="push_devices",
    ),
)
