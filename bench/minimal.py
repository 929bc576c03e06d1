"""The minimal page of the same stack, the honest ceiling for a signed-in, database-backed page:
the real app (sessions, Flask-Login, access rules, security headers), one SQL query of 25 rows,
a Jinja template that extends the real base layout and carries a CSRF token. Only benchmarks add
it; the application never serves it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template_string
from sqlalchemy import select

from coop.access import signed_in
from coop.bookings.models import Shift
from coop.extensions import db

PATH = "/bench/minimal"

TEMPLATE = """{% extends "base.html" %}
{% block title %}Minimal page{% endblock %}
{% block content %}
<h1>25 shifts</h1>
<form method="post" action="#"><input type="hidden" name="csrf_token" value="{{ csrf_token() }}"></form>
<ul>{% for id, starts, ends in rows %}<li>{{ id }}: {{ starts|dt }}–{{ ends|dt('%H:%M') }}</li>{% endfor %}</ul>
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

    app.register_blueprint(bp)
    return app
