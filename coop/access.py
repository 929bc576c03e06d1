"""Who may open which page. Every view is either @public or declares the roles it serves with
@roles(...) (or @signed_in for any signed-in person); a request to anything else is refused, so a
new route cannot be left open by mistake. Object-level checks live in the services' loaders,
which raise NotFound for someone else's object."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

F = TypeVar("F", bound=Callable[..., Any])

ANY_SIGNED_IN = frozenset({"*"})


def public(view: F) -> F:
    """Open to everyone, signed in or not."""
    view._coop_public = True  # type: ignore[attr-defined]
    return view


def secret_link(view: F) -> F:
    """A page opened by a secret in its address (an invoice link, a password-reset or invitation
    link, a calendar feed, a reference code): never stored by browsers or proxies, and its
    address never sent on to another site as a Referer."""
    view._coop_secret_link = True  # type: ignore[attr-defined]
    return view


def is_secret_link(view: Callable[..., Any] | None) -> bool:
    return bool(getattr(view, "_coop_secret_link", False))


SECRET_LINK_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def roles(*allowed: str) -> Callable[[F], F]:
    """Only for signed-in people holding at least one of these roles; others get 403."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.has_role(*allowed):
                abort(403)
            return view(*args, **kwargs)

        wrapper._coop_roles = frozenset(allowed)  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def signed_in(view: F) -> F:
    """Any signed-in person, whatever their roles."""
    view._coop_roles = ANY_SIGNED_IN  # type: ignore[attr-defined]
    return view


def view_access(view: Callable[..., Any] | None) -> str | frozenset[str] | None:
    """'public', the roles a view declares, or None when it declares nothing."""
    if view is None:
        return None
    if getattr(view, "_coop_public", False):
        return "public"
    declared: frozenset[str] | None = getattr(view, "_coop_roles", None)
    return declared


def enforce_access() -> Response | None:
    """before_request: send anonymous people to sign in; refuse views that declare no access."""
    endpoint = request.endpoint
    if endpoint is None or endpoint == "static":
        return None
    access = view_access(current_app.view_functions.get(endpoint))
    if access == "public":
        return None
    if access is None:
        abort(403)  # an undeclared view is closed, not open
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    return None


SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def add_security_headers(response: Response) -> Response:
    if request.endpoint and is_secret_link(current_app.view_functions.get(request.endpoint)):
        response.headers.update(SECRET_LINK_HEADERS)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if current_user.is_authenticated:
        response.headers.setdefault("Cache-Control", "no-store")
    return response
