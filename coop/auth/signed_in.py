"""Who is signed in, for the pages: the account behind the session cookie (Flask-Login's
loader), the member or client it acts as, and the businesses a coordinator's pages start with.
A page module: views use it; services take ids and a Session instead."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from coop.auth.models import User
from coop.bookings.clients import client_for_user
from coop.bookings.models import Client
from coop.businesses import service as businesses
from coop.cache import cached
from coop.errors import Forbidden
from coop.extensions import db, login_manager
from coop.i18n import gettext as _
from coop.members.models import Member
from coop.members.service import member_for_user
from coop.web import db_id


@login_manager.user_loader
def load_user(user_id: str) -> Any:

    uid, _, token = user_id.partition(":")
    try:
        pk = db_id(uid)
    except ValueError:
        return None
    # one query for the account, its roles and the businesses it leads (a selectin load would be
    # another, every page)
    user = (
        db.session.scalars(
            select(User).options(joinedload(User.roles), joinedload(User.leads)).where(User.id == pk)
        )
        .unique()
        .first()
    )
    if user is None or not user.is_active or user.session_token != token:
        return None
    return user


def current_client() -> Client:
    """The client the signed-in contact acts for; 403 for an account linked to no client."""
    client = client_for_user(db.session, current_user.id) if current_user.is_authenticated else None
    if client is None:
        raise Forbidden(_("This account is not linked to a client."))
    return client


def current_member() -> Member:
    """The signed-in person's Member record; 403 for someone who is not a member."""

    member = member_for_user(db.session, current_user.id) if current_user.is_authenticated else None
    if member is None:
        raise Forbidden(_("This page is for members of the co-op."))
    return member


@dataclass(frozen=True)
class BusinessName:
    id: int
    name: str


@dataclass
class BusinessScope:
    """Which businesses a coordinator's page shows: the ones they lead, unless they chose one
    (?business=<id>) or all (?business=all). `arg` goes back into the page's links."""

    ids: list[int] | None  # None: every business
    businesses: list[BusinessName]
    led: list[int]
    arg: str

    @property
    def names(self) -> str:
        chosen = [b.name for b in self.businesses if self.ids is None or b.id in self.ids]
        return ", ".join(chosen)


BUSINESS_LIST_SECONDS = 10  # the list of businesses, for filters: read at most every 10 seconds


def business_scope(*, fresh: bool = False) -> BusinessScope:
    """The business filter a coordinator's home, rota, week grid and invoice list start with.
    The leads come with the account; the list of businesses (names for the filter) is kept a
    few seconds per process, or read now when `fresh` (an invoice run decides with it)."""
    led = sorted(lead.business_id for lead in current_user.leads)

    def read() -> list[BusinessName]:
        return [BusinessName(b.id, b.name) for b in businesses.list_businesses(db.session)]

    every = read() if fresh else cached(("businesses", str(db.engine.url)), BUSINESS_LIST_SECONDS, read)
    raw = request.args.get("business", "")
    known = {b.id for b in every}
    if not fresh and (not set(led) <= known or (raw.isdigit() and int(raw) not in known)):
        every = read()  # a business newer than the kept list: read it now
    if raw == "all" or len(every) == 1:
        return BusinessScope(None, every, led, "all" if raw == "all" else "")
    if raw.isdigit() and int(raw) in {b.id for b in every}:
        return BusinessScope([int(raw)], every, led, raw)
    return BusinessScope(led or None, every, led, "")
