"""Small factories for test data. Each takes a Session and commits."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.orm import Session

from coop.auth import service as auth
from coop.auth.models import User
from coop.members.models import Member, Skill
from tests.conftest import PASSWORD

_seq = itertools.count(1)


def user(
    session: Session,
    email: str | None = None,
    roles: tuple[str, ...] = ("member",),
    password: str | None = PASSWORD,
) -> User:
    u = auth.create_user(session, email or f"person{next(_seq)}@example.org", list(roles))
    if password is not None:
        u.password_hash = auth.hash_password(password)
    session.commit()
    return u


def skill(session: Session, name: str | None = None) -> Skill:
    s = Skill(name=name or f"Skill {next(_seq)}")
    session.add(s)
    session.commit()
    return s


def member(
    session: Session,
    name: str | None = None,
    email: str | None = None,
    skills: list[Skill] | None = None,
    roles: tuple[str, ...] = ("member",),
    **kw: Any,
) -> Member:
    n = next(_seq)
    u = user(session, email or f"member{n}@example.org", roles)
    m = Member(user=u, display_name=name or f"Member {n}", skills=skills or [], **kw)
    session.add(m)
    session.commit()
    return m


def coordinator(session: Session, email: str | None = None) -> User:
    return user(session, email or f"coord{next(_seq)}@example.org", ("coordinator",))
