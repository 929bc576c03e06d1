"""Admins change settings; every change keeps its history and is audit-logged."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from coop.access import roles
from coop.errors import DomainError
from coop.extensions import db
from coop.i18n import gettext as _
from coop.money import parse_pounds
from coop.settings import service
from coop.settings.forms import SettingForm
from coop.web import refusals

bp = Blueprint("settings", __name__)


def parse_value(spec: service.SettingSpec, text: str) -> Any:
    """Turn what was typed into the setting's kind, with a plain message when it does not fit."""
    text = text.strip()
    try:
        if spec.kind == "pence":
            return parse_pounds(text)
        if spec.kind in {"int", "percent"}:
            return int(text)
        if spec.kind == "bool":
            if text.lower() in {"yes", "true", "1", "on"}:
                return True
            if text.lower() in {"no", "false", "0", "off"}:
                return False
            raise ValueError(_("Enter yes or no."))
    except ValueError as exc:
        raise DomainError(
            str(exc) if spec.kind != "int" else _("Enter a whole number."), field="value"
        ) from exc
    return text


@bp.route("/settings")
@roles("admin")
def index() -> str:
    rows = [(spec, service.get(db.session, spec.key)) for spec in service.SPECS.values()]
    return render_template("settings/index.html", rows=rows)


@bp.route("/settings/<key>", methods=["GET", "POST"])
@roles("admin")
def edit(key: str) -> str | Response:
    spec = service.SPECS.get(key)
    if spec is None:
        abort(404)
    form = SettingForm()
    if form.validate_on_submit():
        with refusals(form) as done:
            value = parse_value(spec, form.value.data or "")
            service.change(
                db.session,
                key,
                value,
                effective_from=form.effective_from.data,
                actor_id=current_user.id,
                note=form.note.data or "",
            )
        if done.ok:
            flash(_("%(setting)s saved.", setting=spec.title), "success")
            return redirect(url_for("settings.index"))
    return render_template(
        "settings/edit.html",
        form=form,
        spec=spec,
        current=service.get(db.session, key),
        history=service.history(db.session, key),
    )
