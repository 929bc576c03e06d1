"""The public front page, each role's home page, and the health check."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from coop.access import public, signed_in
from coop.bookings import service as bookings
from coop.db import db
from coop.home import service
from coop.members.service import member_for_user

bp = Blueprint("home", __name__)


@bp.route("/")
@public
def index() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("home.dashboard"))
    return render_template("home/index.html")


@bp.route("/home")
@signed_in
def dashboard() -> str:
    """One home page showing a section for each role the person holds."""
    member = member_for_user(db.session, current_user.id) if current_user.has_role("member") else None
    member_home = service.member_home(db.session, member) if member is not None else None
    coordinator = service.coordinator_summary(db.session) if current_user.has_role("coordinator") else None
    client = (
        bookings.client_for_user(db.session, current_user.id) if current_user.has_role("client") else None
    )
    client_home = bookings.client_overview(db.session, client.id) if client else None
    return render_template(
        "home/dashboard.html",
        member=member,
        member_home=member_home,
        coordinator=coordinator,
        client=client,
        client_home=client_home,
    )


@bp.route("/healthz")
@public
def healthz() -> tuple[dict[str, str], int]:
    ok, detail = service.health(db.engine)
    return {"status": "ok" if ok else "unavailable", "detail": detail}, 200 if ok else 503
