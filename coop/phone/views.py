"""The installable web app: its manifest and service worker, and the member's page kept for
reading without signal."""

from __future__ import annotations

import json

from flask import Blueprint, Response, url_for

from coop.access import public
from coop.phone.manifest import manifest

bp = Blueprint("phone", __name__)


@bp.route("/manifest.webmanifest")
@public
def web_manifest() -> Response:
    body = manifest(lambda name: url_for("static", filename=f"icons/{name}"), url_for("home.dashboard"))
    response = Response(json.dumps(body, indent=1), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
