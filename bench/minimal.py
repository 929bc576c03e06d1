"""The minimal page and the minimal POST of the same stack, the honest ceilings for a signed-in,
database-backed page and form. Only benchmarks add them; the application never serves them.

- The page (GET): the real app (sessions, Flask-Login, access rules, security headers), one SQL
  query of 25 rows, a Jinja template that extends the real base layout and carries a CSRF token.
- The POST: the same signed-in member, the CSRF token checked by Flask-WTF as on every app form,
  then inside `db.write_transaction` one row lock through `db.lock` (the member's row, as a claim
  takes first) and one insert (an audit entry, append-only, harmless in a benchmark database),
  then a redirect, as a claim does. 302 on success, 400 when the token is refused."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template_string, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response

from coop.access import roles, signed_in
from coop.audit.models import AuditEntry
from coop.auth.signed_in import current_member
from coop.bookings.models import Shift
from coop.db import lock, write_transaction
from coop.extensions import db
from coop.members.models import Member

PATH = "/bench/minimal"
POST_PATH = "/bench/minimal-post"
POST_ACTION = "bench.minimal_post"  # the audit entries the minimal POST writes

TEMPLATE = """{% extends "base.html" %}
{% block title %}Minimal page{% endblock %}
{% block content %}
<h1>25 shifts</h1>
<form method="post" action="#"><input type="hidden" name="csrf_token" value="{{ csrf_token() }}"></form>
<ul>{% for id, starts, ends in rows %}<li>{{ id }}: {{ starts|dt }}–{{ ends|dt('HH:mm') }}</li>{% endfor %}</ul>
{% endblock %}"""


def add_minimal_page(app: Any) -> Any:
    bp = Blueprint("bench_minimal", __name__)

    @bp.route(PATH)
    @signed_in
    def minimal() -> str:
        rows = db.session.execute(
            select(Shift.id, Shift.starts_at, Shift.ends_at).order_by(Shift.starts_at.desc()).limit(25)
        ).all()
        return render_template_string(TEMPLATE, rows=rows)

    @bp.route(POST_PATH, methods=["POST"])
    @roles("member")
    def minimal_post() -> Response:
        member_id = current_member().id  # as the claim reads it, before its transaction
        if not FlaskForm().validate_on_submit():
            abort(400)
        with write_transaction(db.session):
            locked = lock(db.session, Member, member_id)
            assert locked is not None
            db.session.add(
                AuditEntry(
                    actor_id=locked.user_id,
                    action=POST_ACTION,
                    object_type="member",
                    object_id=str(locked.id),
                )
            )
        return redirect(url_for("bench_minimal.minimal"))

    app.register_blueprint(bp)
    return app
