"""Check the books: coordinators run every money check from the web, as `coop verify` does."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, render_template

from coop.access import roles
from coop.extensions import db
from coop.integrity import service

bp = Blueprint("integrity", __name__)


@bp.route("/check-the-books")
@roles("coordinator")
def index() -> str:
    report = service.verify(db.session, Path(current_app.config["INVOICE_DIR"]))
    return render_template("integrity/index.html", report=report, checked_names=service.CHECKED)
