"""Configuration read from the environment, with safe defaults for a local install."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent
CHECKOUT = PACKAGE_DIR.parent

# Templates, static files and migrations: inside the installed package (the wheel maps them there),
# or at the top of the checkout during development (an editable install).
RESOURCES = PACKAGE_DIR if (PACKAGE_DIR / "templates").is_dir() else CHECKOUT
IN_CHECKOUT = RESOURCES == CHECKOUT and (CHECKOUT / "pyproject.toml").is_file()


def data_dir() -> Path:
    """The one folder for everything the co-op writes: instance/ (secret key, SQLite database,
    uploaded receipts), invoices/ and backups/. COOP_DATA_DIR sets it; in a checkout it is the
    checkout (so `make run` keeps using instance/ and invoices/ there); an installed copy defaults to
    $XDG_DATA_HOME/coop-works (~/.local/share/coop-works), never the virtualenv."""
    configured = os.environ.get("COOP_DATA_DIR")
    if configured:
        return Path(configured).expanduser().resolve()
    if IN_CHECKOUT:
        return CHECKOUT
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "coop-works"


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _proxies() -> int:
    value = os.environ.get("TRUSTED_PROXIES", "0").strip() or "0"
    if not value.isdigit():
        raise ValueError(f"TRUSTED_PROXIES must be a whole number of proxies (0, 1, ...), not {value!r}.")
    return int(value)


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


# Where a local install serves; BASE_URL says where the site really is (links in emails).
DEFAULT_BASE_URL = "http://127.0.0.1:5000"


def default_backup_dir(instance_path: Path) -> Path:
    """`backups/` in the data folder; when the data folder is a checkout (`make run`), inside
    its private instance/ folder instead, so a full copy of the co-op never sits in the working
    tree where it could be committed or shared."""
    data = instance_path.parent
    if IN_CHECKOUT and data.resolve() == CHECKOUT:
        return instance_path / "backups"
    return data / "backups"


def default_database_url(instance_path: Path) -> str:
    return f"sqlite:///{instance_path / 'coop.sqlite3'}"


def load_config(instance_path: Path, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the Flask config mapping: defaults, then the environment, then overrides."""
    overrides = dict(overrides or {})
    config: dict[str, Any] = {
        "DATABASE_URL": os.environ.get("DATABASE_URL") or default_database_url(instance_path),
        "BASE_URL": os.environ.get("BASE_URL", DEFAULT_BASE_URL).rstrip("/"),
        "INVOICE_DIR": os.environ.get("INVOICE_DIR", str(instance_path.parent / "invoices")),
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR", str(instance_path / "uploads")),
        "BACKUP_DIR": os.environ.get("BACKUP_DIR", str(default_backup_dir(instance_path))),
        "SMTP_HOST": os.environ.get("SMTP_HOST", "localhost"),
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", "25")),
        "SMTP_USER": os.environ.get("SMTP_USER", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _bool("SMTP_STARTTLS", False),
        # How many reverse proxies in front of the app to believe about the client's address and
        # scheme (X-Forwarded-For/-Proto). 0: none, the connecting address is the client; 1 for
        # nginx on the same machine. Too many lets anyone pick an address and dodge the throttles.
        "TRUSTED_PROXIES": _proxies(),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Co-op Works <noreply@coop.example>"),
        # Cookies: secure by default; set SESSION_COOKIE_SECURE=false only for plain-http local use.
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", True),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "coop_session",
        "REMEMBER_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", True),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 12,
        "WTF_CSRF_TIME_LIMIT": 60 * 60 * 8,
        "MAX_CONTENT_LENGTH": 6 * 1024 * 1024,
        "INVITE_MAX_AGE": 60 * 60 * 24 * 7,
        "RESET_MAX_AGE": 60 * 60 * 2,
        # argon2id cost; tests lower it so the suite stays quick.
        "ARGON2_TIME_COST": int(os.environ.get("ARGON2_TIME_COST", "3")),
        "ARGON2_MEMORY_COST": int(os.environ.get("ARGON2_MEMORY_COST", str(64 * 1024))),
        "LOGIN_MAX_FAILURES_ACCOUNT": 5,
        "LOGIN_MAX_FAILURES_IP": 20,
        "LOGIN_WINDOW_SECONDS": 15 * 60,
        # Offer the pseudo-languages (every translated word rewritten, to find words nobody
        # marked): for tests and translators, never a live site.
        "PSEUDO_LANGUAGES": _bool("PSEUDO_LANGUAGES", False),
    }
    config.update(overrides)
    if "SECRET_KEY" not in config:
        config["SECRET_KEY"] = _secret_key(instance_path)
    return config
