"""Accounts: passwords, sign-in with throttling, invitations, resets and roles."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from coop.audit.service import record
from coop.auth.models import AttemptKind, LoginAttempt, Role, User, UserRole, new_session_token
from coop.db import lock, serialize, write_transaction
from coop.errors import DomainError
from coop.i18n import LANGUAGES, N_, ReadingStyle
from coop.i18n import gettext as _
from coop.mail import service as mail
from coop.timeutil import utcnow

MIN_PASSWORD_LENGTH = 10
GENERIC_LOGIN_ERROR = N_("That email and password do not match an account. Check them and try again.")
THROTTLED_ERROR = N_(
    "Too many attempts. For your safety, please wait 15 minutes before trying again, "
    "or ask a coordinator for help."
)


class _Hashing:
    hasher = PasswordHasher()  # argon2id with the library's recommended parameters


_hashing = _Hashing()


def configure_hashing(time_cost: int, memory_cost: int) -> None:
    """argon2id parameters (lowered only in tests)."""
    _hashing.hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)


def hash_password(password: str) -> str:
    return _hashing.hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    if not stored_hash:
        return False
    try:
        return _hashing.hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# A real hash to verify against when the account does not exist, so timing does not tell.
@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password("not-a-real-password-at-all")


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problems(password: str, email: str = "") -> list[str]:
    """Plain-language reasons a password is not good enough (empty when it is fine)."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(_("Use at least %(num)s characters.", num=MIN_PASSWORD_LENGTH))
    if len(password) > 200:
        problems.append(_("Use at most %(num)s characters.", num=200))
    lowered = password.lower()
    if lowered in _common_passwords() or (email and lowered == email.lower()):
        problems.append(_("That password is too common or easy to guess. Try a few unrelated words."))
    elif email and email.split("@")[0].lower() in lowered and len(email.split("@")[0]) > 3:
        problems.append(_("Do not use your email address in your password."))
    return problems


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


@dataclass(frozen=True)
class ThrottleLimits:
    per_account: int = 5
    per_ip: int = 20
    window_seconds: int = 15 * 60


# Codes and links that stand for an account (an emailed invoice link, a work record's code):
# wrong ones are counted per address only, 20 in 15 minutes, then a wait.
GUESS_LIMITS = ThrottleLimits(per_account=10**9, per_ip=20, window_seconds=15 * 60)


def is_throttled(session: Session, kind: str, email: str, ip: str, limits: ThrottleLimits) -> bool:
    """True when an account or an address has had too many failures in the window. The counts
    live in the database, so every app server sees the same numbers."""
    since = utcnow() - timedelta(seconds=limits.window_seconds)
    base = (
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.kind == kind, LoginAttempt.at >= since)
    )
    by_account = session.scalar(base.where(LoginAttempt.email == normalise_email(email))) or 0
    by_ip = session.scalar(base.where(LoginAttempt.ip == ip)) or 0
    return by_account >= limits.per_account or by_ip >= limits.per_ip


def note_attempt(session: Session, kind: str, email: str, ip: str) -> None:
    with write_transaction(session):
        session.add(LoginAttempt(kind=kind, email=normalise_email(email)[:254], ip=ip[:64]))


def authenticate(session: Session, email: str, password: str, ip: str, limits: ThrottleLimits) -> User:
    """The user for these credentials, or DomainError with a message that never says whether
    the account exists. Failures count toward a temporary lockout per account and per address."""
    if is_throttled(session, "login", email, ip, limits):
        raise DomainError(_(THROTTLED_ERROR))
    user = find_user(session, email)
    if user is None:
        verify_password(_dummy_hash(), password)
        ok = False
    else:
        ok = verify_password(user.password_hash, password) and user.is_active
    if not ok or user is None:
        note_attempt(session, "login", email, ip)
        raise DomainError(_(GENERIC_LOGIN_ERROR))
    with write_transaction(session):
        user.last_login_at = utcnow()
        # A successful sign-in clears this account's failures.
        session.execute(
            delete(LoginAttempt).where(
                LoginAttempt.kind == AttemptKind.LOGIN, LoginAttempt.email == user.email
            )
        )
    return user


# --- signed, expiring one-time links -------------------------------------------------------


def _serializer(secret_key: str, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=f"coop-{purpose}")


def make_token(secret_key: str, user: User, purpose: str) -> str:
    """A link token tied to the user's current session token, so it stops working once used
    (setting a password rotates the session token)."""
    return _serializer(secret_key, purpose).dumps({"u": user.id, "s": user.session_token[:12]})


def user_from_token(session: Session, secret_key: str, token: str, purpose: str, max_age: int) -> User:
    try:
        data = _serializer(secret_key, purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise DomainError(_("This link has expired. Ask for a new one.")) from exc
    except BadSignature as exc:
        raise DomainError(_("This link is not valid. Check you copied all of it.")) from exc
    user = session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or user.session_token[:12] != data.get("s"):
        raise DomainError(_("This link has already been used or is no longer valid."))
    return user


def request_reset(
    session: Session,
    email: str,
    ip: str,
    limits: ThrottleLimits,
    *,
    secret_key: str,
    link_for: Callable[[str], str],
) -> None:
    """Email a link to set a new password, if the address has an active account with a password.
    Requests count towards the throttle whether or not the account exists, and the caller says
    the same either way, so nobody learns which addresses have accounts."""
    if is_throttled(session, "reset", email, ip, limits):
        return
    note_attempt(session, "reset", email, ip)
    user = find_user(session, email)
    if user is not None and user.active and user.password_hash:
        token = make_token(secret_key, user, "reset")
        with write_transaction(session):
            mail.queue(session, user.email, "password_reset", link=link_for(token))


def set_password(session: Session, user: User, password: str) -> None:
    """Set a new password (after the caller checked the old one or a link). Rotating the session
    token signs out other sessions and voids outstanding links."""
    problems = password_problems(password, user.email)
    if problems:
        raise DomainError(" ".join(problems), field="password")
    password_hash = hash_password(password)  # slow: before the transaction, not inside it
    with write_transaction(session):
        user.password_hash = password_hash
        user.session_token = new_session_token()


def change_password(session: Session, user: User, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        raise DomainError(_("Your current password is not right."), field="current_password")
    set_password(session, user, new)


def choose_reading(session: Session, user_id: int, language: str, style: str) -> User:
    """A person's own choice of language and reading style (Standard or Easy read), for their
    pages, emails and documents; saved in one transaction. An unknown language or style is refused."""
    if language not in LANGUAGES:
        raise DomainError(_("Choose a language from the list."), field="language")
    try:
        chosen = ReadingStyle(style)
    except ValueError:
        raise DomainError(_("Choose Standard or Easy read."), field="style") from None
    with write_transaction(session):
        user = lock(session, User, user_id)
        if user is None:
            raise DomainError(_("Your account was not found."))
        user.language = language
        user.easy_read = chosen == ReadingStyle.EASY
    return user


def create_user_within(session: Session, email: str, roles: list[str]) -> User:
    """A new account with no password yet (the person sets one from their invitation).
    Inside the caller's write_transaction: accounts are made one at a time, so two invitations
    of one address at once give one account and a clear refusal, not a database error."""
    email = normalise_email(email)
    serialize(session, "accounts")
    if find_user(session, email) is not None:
        raise DomainError(_("There is already an account with that email address."), field="email")
    user = User(email=email, password_hash=None)
    user.roles = [UserRole(role=r) for r in roles]
    session.add(user)
    session.flush()
    return user


def create_admin(session: Session, email: str, password: str) -> User:
    """The first admin (also a coordinator), with a password: one operation, so a refused
    password leaves no half-made account behind."""
    problems = password_problems(password, email)
    if problems:
        raise DomainError(" ".join(problems), field="password")
    password_hash = hash_password(password)
    with write_transaction(session):
        user = create_user_within(session, email, ["admin", "coordinator"])
        user.password_hash = password_hash
    return user


def set_roles(session: Session, user: User, roles: set[str], *, actor_id: int) -> None:
    """Replace a user's roles, audit-logged. The last admin cannot lose the admin role."""
    unknown = roles - {r.value for r in Role}
    if unknown:
        raise DomainError(_("Unknown role."))
    user_id = user.id
    with write_transaction(session):
        # Role changes one at a time: two admins removing each other at once would both have
        # counted two admins and left none.
        serialize(session, "roles")
        locked = lock(session, User, user_id)
        if locked is None:
            raise DomainError(_("That account no longer exists."))
        before = sorted(locked.role_names)
        if locked.erased and roles:
            raise DomainError(_(ERASED_NO_ROLES))
        if leaves_no_admin(session, locked, roles):
            raise DomainError(_("The co-op needs at least one admin."))
        locked.roles = [r for r in locked.roles if r.role in roles] + [
            UserRole(role=r) for r in sorted(roles - locked.role_names)
        ]
        record(
            session, actor_id, "roles.change", ("user", user_id), {"roles": before}, {"roles": sorted(roles)}
        )


ERASED_NO_ROLES = N_("This account was erased at the person's request. It cannot be given roles.")


def add_role(session: Session, user_id: int, role: str) -> list[str] | None:
    """Inside write_transaction: give the user one more role, with role changes taken one at a
    time as in set_roles. Returns their roles before, or None if they had it already."""
    serialize(session, "roles")
    user = lock(session, User, user_id)
    if user is None or user.erased or role in user.role_names:
        return None
    before = sorted(user.role_names)
    user.roles.append(UserRole(role=role))
    return before


def leaves_no_admin(session: Session, user: User, roles: set[str]) -> bool:
    """Whether giving `user` only these roles would leave the co-op without an admin. To decide a
    write on it, ask inside write_transaction after serialize(session, "roles"), as every change of
    roles does (set_roles, and erasure, which takes all of them away)."""
    if Role.ADMIN not in user.role_names or Role.ADMIN in roles:
        return False
    admins = session.scalar(select(func.count()).select_from(UserRole).where(UserRole.role == Role.ADMIN))
    return (admins or 0) <= 1


def users_with_role(session: Session, role: str) -> list[User]:
    stmt = select(User).join(UserRole).where(UserRole.role == role).order_by(User.email)
    return list(session.scalars(stmt))


def tell_coordinators(session: Session, template: str, **context: Any) -> None:
    """Queue an email to every active coordinator, in the caller's transaction, each in the
    language they chose."""
    for user in users_with_role(session, Role.COORDINATOR):
        if user.active:
            mail.queue(session, user.email, template, reader=user.reading, **context)


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.email)))
