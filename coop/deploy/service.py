"""Is this installation ready to serve? One plain line per item, for `coop check-install`.

Each check returns (ok, what it found). Nothing here changes the co-op's data: the write test
creates and removes a scratch file, and the PDF is rendered in memory."""

from __future__ import annotations

import os
import smtplib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import Engine

from coop.config import RESOURCES, data_dir
from coop.documents import html_to_pdf
from coop.home.service import health


@dataclass(frozen=True)
class Item:
    name: str
    ok: bool
    detail: str


def _database(engine: Engine, _config: dict[str, Any]) -> tuple[bool, str]:
    ok, message = health(engine)
    return ok, message


def _files(_engine: Engine, _config: dict[str, Any]) -> tuple[bool, str]:
    needed = [
        RESOURCES / "templates" / "base.html",
        RESOURCES / "templates" / "errors" / "500.html",
        RESOURCES / "templates" / "email",
        RESOURCES / "static",
        RESOURCES / "migrations" / "env.py",
    ]
    missing = [str(p) for p in needed if not p.exists()]
    if missing:
        return False, "missing: " + ", ".join(missing)
    return True, f"templates, static files and migrations in {RESOURCES}"


def _writable(_engine: Engine, config: dict[str, Any]) -> tuple[bool, str]:
    folders = [Path(config["INVOICE_DIR"]), Path(config["UPLOAD_DIR"]), data_dir() / "instance"]
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".check-"):
                pass
        except OSError as e:
            return False, f"cannot write to {folder}: {e.strerror}"
    return True, f"data directory {data_dir()} (invoices in {folders[0]}, uploads in {folders[1]})"


def _pdf(_engine: Engine, _config: dict[str, Any]) -> tuple[bool, str]:
    try:
        pdf = html_to_pdf("<p style='font-family: sans-serif'>Co-op Works £12.34</p>")
    except Exception as e:  # any failure here is what the operator needs to see
        return False, f"WeasyPrint could not render a PDF: {e}"
    if not pdf or not pdf.startswith(b"%PDF"):
        return False, "WeasyPrint returned no PDF"
    return True, f"a test page rendered ({len(pdf):,} bytes)"


FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts")


def _fonts(_engine: Engine, _config: dict[str, Any]) -> tuple[bool, str]:
    found = [f for d in FONT_DIRS if d.is_dir() for f in d.rglob("*") if f.suffix.lower() in (".ttf", ".otf")]
    if not found:
        return False, "no fonts for PDFs: install fonts-dejavu-core (or another TrueType font)"
    return True, f"{len(found)} font file(s), e.g. {found[0].name}"


def _smtp(_engine: Engine, config: dict[str, Any]) -> tuple[bool, str]:
    if "SMTP_HOST" not in os.environ:
        return True, "not configured (SMTP_HOST unset): email waits in the outbox"
    host, port = config["SMTP_HOST"], config["SMTP_PORT"]
    try:
        with smtplib.SMTP(host, port, timeout=5) as smtp:
            smtp.noop()
    except (OSError, smtplib.SMTPException) as e:
        return False, f"cannot reach {host}:{port}: {e}"
    return True, f"{host}:{port} answers"


def _secret(_engine: Engine, config: dict[str, Any]) -> tuple[bool, str]:
    key = str(config.get("SECRET_KEY") or "")
    if len(key) < 32:
        return False, "SECRET_KEY is shorter than 32 characters"
    if os.environ.get("SECRET_KEY"):
        return True, "set from the environment"
    key_file = data_dir() / "instance" / "secret_key"
    if key_file.exists():
        return True, f"generated once and kept in {key_file}"
    return False, "not set and not kept in a file: sessions would end at every restart"


def _base_url(_engine: Engine, config: dict[str, Any]) -> tuple[bool, str]:
    url = urlparse(config["BASE_URL"])
    local = url.hostname in ("127.0.0.1", "localhost", "::1")
    if url.scheme == "https":
        return True, config["BASE_URL"]
    if local:
        return True, f"{config['BASE_URL']} (this machine only; use https in production)"
    return False, f"{config['BASE_URL']} must start with https:// (links in emails, secure cookies)"


CHECKS: list[tuple[str, Callable[[Engine, dict[str, Any]], tuple[bool, str]]]] = [
    ("database", _database),
    ("files", _files),
    ("data directory", _writable),
    ("fonts", _fonts),
    ("PDF", _pdf),
    ("email", _smtp),
    ("secret key", _secret),
    ("base URL", _base_url),
]


def check_install(engine: Engine, config: dict[str, Any]) -> list[Item]:
    return [Item(name, *check(engine, config)) for name, check in CHECKS]
