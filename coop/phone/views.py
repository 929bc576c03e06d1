"""The installable web app: its manifest and service worker, and the member's page kept for
reading without signal."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, current_app, render_template, send_from_directory, url_for
from flask_login import current_user

from coop.access import public, roles
from coop.auth.signed_in import current_member
from coop.config import RESOURCES
from coop.extensions import db
from coop.phone.manifest import manifest
from coop.phone.offline import offline_page, person_key

bp = Blueprint("phone", __name__)


@bp.route("/manifest.webmanifest")
@public
def web_manifest() -> Response:
    body = manifest(lambda name: url_for("static", filename=f"icons/{name}"), url_for("home.dashboard"))
    response = Response(json.dumps(body, indent=1), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.route("/sw.js")
@public
def service_worker() -> Response:
    """The service worker, from the site's root so that it may look after every page."""
    response = send_from_directory(RESOURCES / "static", "sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"  # a new version is picked up at once
    return response


def _person() -> str | None:
    """The key of the member signed in (None for anyone else: nothing is kept for them)."""
    if not current_user.is_authenticated or not current_user.has_role("member"):
        return None
    return person_key(current_app.config["SECRET_KEY"], current_user.id, current_user.session_token)


@bp.app_context_processor
def _person_in_pages() -> dict[str, Any]:
    return {"offline_person": _person()}


@bp.after_app_request
def _say_who(response: Response) -> Response:
    """Every page tells the service worker whose copy may be kept (none when nobody's)."""
    key = _person()
    if key is not None:
        response.headers["X-Coop-Person"] = key
    return response


@bp.route("/shifts/offline")
@roles("member")
def offline() -> Response:
    """The member's next two weeks, made to be kept on their phone. Like every signed-in page it
    is `no-store` for the browser's HTTP cache; only the service worker keeps it, by this header."""
    page = offline_page(db.session, current_member())
    response = Response(render_template("phone/offline.html", page=page))
    response.headers["X-Coop-Offline"] = "keep"
    return response
