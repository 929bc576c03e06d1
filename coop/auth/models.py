"""Accounts: users, their roles, and login attempts (for throttling)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coop.datamap import DELETE, ERASED_DOMAIN, WHILE_MEMBER, Personal, declare, keep, neutral
from coop.db import Base, UTCDateTime
from coop.i18n import N_, Reading, ReadingStyle
from coop.timeutil import utcnow

if TYPE_CHECKING:
    from coop.businesses.models import BusinessLead


class Role(StrEnum):
    MEMBER = "member"
    COORDINATOR = "coordinator"
    CLIENT = "client"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.MEMBER: N_("Member"),
    Role.COORDINATOR: N_("Coordinator"),
    Role.CLIENT: N_("Client contact"),
    Role.ADMIN: N_("Admin"),
}


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # NULL until an invited person sets their password.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Rotated on password change: signs the login session and one-time links, so both expire.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    # The businesses a coordinator leads (coop.businesses), read with the account on each page.
    leads: Mapped[list[BusinessLead]] = relationship("BusinessLead", viewonly=True, lazy="selectin")
    # What they read the co-op in (coop.i18n): a language code, and Easy read or standard words.
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    easy_read: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lowercase"),)

    @property
    def reading(self) -> Reading:
        """What this person reads the co-op in (for their pages, emails and PDFs)."""
        return Reading.of(self.language, ReadingStyle.EASY if self.easy_read else ReadingStyle.STANDARD)

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active and self.password_hash is not None

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def erased(self) -> bool:
        """Closed for good at the person's request: the address is a placeholder."""
        return self.email.endswith("@" + ERASED_DOMAIN)

    @property
    def role_names(self) -> set[str]:
        return {r.role for r in self.roles}

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_names.intersection(roles))


class UserRole(Base):
    __tablename__ = "user_role"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    user: Mapped[User] = relationship(back_populates="roles")

    __table_args__ = (
        UniqueConstraint("user_id", "role"),
        CheckConstraint("role IN ('member', 'coordinator', 'client', 'admin')", name="role_known"),
    )


class AttemptKind(StrEnum):
    LOGIN = "login"
    RESET = "reset"
    LINK = "link"
    VERIFY = "verify"
    ENQUIRY = "enquiry"  # the public enquiry form, counted per address
    QUOTE = "quote"  # a business's "Ask us for a quote" form, counted per address


class LoginAttempt(Base):
    """One failed sign-in or reset request, counted per account and per address for throttling."""

    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(10))
    email: Mapped[str] = mapped_column(String(254))
    ip: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_login_attempt_email_at", "email", "at"),
        Index("ix_login_attempt_ip_at", "ip", "at"),
        CheckConstraint(
            "kind IN ('login', 'reset', 'link', 'verify', 'enquiry', 'quote')", name="kind_known"
        ),
    )


def _erased_email(row: Mapping[str, Any]) -> str:
    return f"erased-{row['id']}@{ERASED_DOMAIN}"


declare(
    User,
    Personal(
        what="Sign-in accounts: email address, password hash, when they last signed in",
        why="to let people sign in and to email them",
        kept=WHILE_MEMBER + "; the closed account stays as a placeholder",
        owner="id",
        columns={
            "email": neutral(_erased_email, "a placeholder address"),
            "session_token": neutral(
                lambda row: secrets.token_hex(32), "a new one, so they are signed out everywhere"
            ),
            "password_hash": neutral(None),
            "active": neutral(False),
            "last_login_at": neutral(None),
            "language": neutral("en"),
            "easy_read": neutral(False),
        },
        export=("email", "role_names", "created_at", "last_login_at", "language", "easy_read"),
        export_as="account",
    ),
)
declare(
    UserRole,
    Personal(
        what="Each account's roles",
        why="to decide what each person may see and do",
        kept=WHILE_MEMBER,
        owner="user_id",
        columns={"user_id": keep("the account")},
        rows=DELETE,
    ),
)
declare(
    LoginAttempt,
    Personal(
        what="Failed sign-ins and reset requests by email address and internet address",
        why="to stop people guessing passwords",
        kept="15 minutes of use; deleted at erasure",
        owner="email",
        columns={"email": keep("deleted with the row")},
        rows=DELETE,
    ),
)
