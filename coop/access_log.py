"""Log lines that never carry a secret: the addresses of secret links (invoice links, password
reset and invitation links, calendar feeds, reference codes) and every query-string value are
replaced by [redacted] before gunicorn writes its access log or the app logs an error.

gunicorn uses it with `--logger-class coop.access_log.RedactingLogger`; the app adds
`RedactFilter` to its own logger. tests/test_secret_links.py checks that every route marked
@secret_link is covered here."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any

from gunicorn.glogging import Logger

REDACTED = "[redacted]"

# The first path segment after each of these is the secret (the token or the code).
SECRET_PREFIXES = (
    "invoice-link",
    "invite",
    "reset",
    "verify",
    "calendar/member",
    "calendar/client",
    "interested/forget",
)
_SECRET_PATH = re.compile(r"(/(?:" + "|".join(re.escape(p) for p in SECRET_PREFIXES) + r")/)[^/?#\s\"]+")
_QUERY_VALUE = re.compile(r"([?&][^=&#\s\"]*=)[^&#\s\"]*")
_BARE_QUERY_VALUE = re.compile(r"((?:^|&)[^=&]*=)[^&]*")


def redact(text: str) -> str:
    """The text with secret path segments and query-string values replaced by [redacted]."""
    return _QUERY_VALUE.sub(r"\1" + REDACTED, _SECRET_PATH.sub(r"\1" + REDACTED, text))


class RedactingLogger(Logger):
    """gunicorn's logger, with the request line, path, query string and every header or environ
    value redacted (a Referer header can carry a secret link too)."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: timedelta) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():
            if isinstance(value, str):
                atoms[key] = redact(value)
        if isinstance(atoms.get("q"), str):
            atoms["q"] = _BARE_QUERY_VALUE.sub(r"\1" + REDACTED, atoms["q"])
        return atoms


class RedactFilter(logging.Filter):
    """Redacts the app's own log records ("Exception on /invoice-link/... [GET]")."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        return True
