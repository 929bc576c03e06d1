"""The co-op's words in Flask: who is reading each request, the catalogue in templates, and the
visitor's language switch on public pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, g, redirect, request, session
from flask_babel import Babel
from flask_login import current_user
from werkzeug.wrappers import Response

from coop.access import public
from coop.i18n import core, templates
from coop.i18n.languages import LANGUAGES, Reading, language_choices

bp = Blueprint("i18n", __name__)

SESSION_KEY = "reading"  # a visitor's choice: [language, style]


def offered(code: str | None) -> bool:
    """A language people may choose here (the pseudo-languages only where the site offers them)."""
    lang = LANGUAGES.get(code or "")
    return lang is not None and (not lang.pseudo or bool(current_app.config.get("PSEUDO_LANGUAGES")))


def _choice() -> Reading:
    """The signed-in person's choice; else the visitor's; else the browser's first language we
    have; else English."""
    if current_user.is_authenticated:
        chosen: Reading = current_user.reading
        return chosen if offered(chosen.language) else Reading(style=chosen.style)
    else:
        language, style = (session.get(SESSION_KEY) or [None, None])[:2]
        if not offered(language):
            plain = [code for code, _name in language_choices()]
            language = request.accept_languages.best_match(plain)
    return Reading.of(language if offered(language) else None, style)


def _start() -> None:
    g._coop_reading = core.set_for_request(_choice())


def _end(_exc: BaseException | None) -> None:
    token = g.pop("_coop_reading", None)
    if token is not None:
        core.end_request(token)


def init_app(app: Flask) -> None:
    """Flask-Babel for the locale (WTForms' own messages follow it); our catalogue and formats
    for every template (inside a request or not: emails from the CLI too)."""
    app.config.setdefault("PSEUDO_LANGUAGES", False)
    Babel(app, locale_selector=lambda: core.current().lang.locale)
    templates.configure(app.jinja_env)
    app.jinja_env.globals["language_choices"] = lambda: language_choices(
        pseudo=bool(app.config.get("PSEUDO_LANGUAGES"))
    )
    # The reading starts after the access check has loaded the signed-in account.
    app.before_request(_start)
    app.teardown_request(_end)
    app.register_blueprint(bp)


def _back() -> str:
    target = request.form.get("next", "")
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.scheme and not parts.netloc:
        return target
    return "/"


@bp.post("/language")
@public
def choose() -> Response:
    """A visitor's language, kept for their visit (a signed-in person chooses on their profile)."""
    language = request.form.get("language", "")
    if offered(language):
        current: Any = session.get(SESSION_KEY) or [None, None]
        session[SESSION_KEY] = [language, current[1] if len(current) > 1 else None]
    return redirect(_back())
