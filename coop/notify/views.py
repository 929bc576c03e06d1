"""How a person hears from the co-op: their choices per kind, quiet hours, and the browsers they
allow push notifications on (added by the page's script, a progressive enhancement)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from coop.access import roles
from coop.extensions import db
from coop.i18n import gettext as _
from coop.notify import choices
from coop.notify.forms import ChoicesForm
from coop.notify.keys import folder_for, load_or_create
from coop.notify.models import KINDS
from coop.web import refusals

bp = Blueprint("notify", __name__)


def key_folder() -> Path:
    return folder_for(current_app.config, current_app.instance_path)


@bp.route("/notifications", methods=["GET", "POST"])
@roles("member", "coordinator")
def settings() -> str | Response:
    mine = choices.kinds_for(current_user)
    form = ChoicesForm()
    for kind in KINDS:
        if kind not in mine:
            delattr(form, kind)
    if request.method == "GET":
        now = choices.channels_of(db.session, current_user.id)
        for kind in mine:
            getattr(form, kind).data = now[kind]
        quiet = choices.quiet_hours(db.session, current_user.id)
        if quiet is not None:
            form.quiet_from.data, form.quiet_until.data = quiet.starts, quiet.ends
    if form.validate_on_submit():
        with refusals(form) as done:
            choices.save(
                db.session,
                current_user.id,
                choices.Choices(
                    {kind: getattr(form, kind).data for kind in mine},
                    form.quiet_from.data,
                    form.quiet_until.data,
                ),
            )
        if done.ok:
            flash(_("Your choices are saved."), "success")
            return redirect(url_for("notify.settings"))
    return render_template(
        "notify/settings.html",
        form=form,
        kinds=mine,
        devices=choices.devices(db.session, current_user.id),
        public_key=load_or_create(key_folder()).public_key,
    )


def _json() -> dict[str, Any]:
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else {}


@bp.route("/notifications/subscribe", methods=["POST"])
@roles("member", "coordinator")
def subscribe() -> tuple[Response, int]:
    """The page's script sends the browser's push subscription (JSON, with the CSRF token in the
    X-CSRFToken header)."""
    data = _json()
    given = data.get("keys")
    keys: dict[str, Any] = given if isinstance(given, dict) else {}
    with refusals(show=False) as done:
        choices.subscribe(
            db.session,
            current_user.id,
            str(data.get("endpoint") or ""),
            str(keys.get("p256dh") or ""),
            str(keys.get("auth") or ""),
            allow_http=bool(current_app.config.get("PUSH_ALLOW_HTTP")),
        )
    if done.error is not None:
        return jsonify({"ok": False, "message": done.error.message}), 400
    return jsonify({"ok": True, "message": _("Push notifications are on for this browser.")}), 201


@bp.route("/notifications/unsubscribe", methods=["POST"])
@roles("member", "coordinator")
def unsubscribe() -> tuple[Response, int]:
    choices.unsubscribe(db.session, current_user.id, str(_json().get("endpoint") or ""))
    return jsonify({"ok": True, "message": _("Push notifications are off for this browser.")}), 200
