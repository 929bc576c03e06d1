"""Secret link tokens kept only as digests. A token is 256 random bits, shown once (in an email
or on the page that made it); the database keeps its SHA-256, so a copy of the database, a backup
or a log of queries opens nothing. Looking a token up by its digest through a unique index is safe
against timing: an attacker who cannot invert SHA-256 cannot steer which digest they probe."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """The hex SHA-256 the database keeps in place of the token."""
    return hashlib.sha256(token.encode()).hexdigest()
