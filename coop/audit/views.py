"""Coordinators read the audit log; nothing here changes it."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from coop.access import roles
from coop.audit import reading
from coop.extensions import db
from coop.web import db_id

bp = Blueprint("audit", __name__)

PAGE_SIZE = 50


@bp.route("/audit")
@roles("coordinator", "admin")
def log() -> str:
    page = request.args.get("page", 1, type=db_id)
    entries = reading.log_page(db.session, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    return render_template(
        "audit/log.html", entries=entries[:PAGE_SIZE], page=page, has_more=len(entries) > PAGE_SIZE
    )
