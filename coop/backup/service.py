"""Backups: the database (SQLite's online backup API, or pg_dump for PostgreSQL) together with the
issued invoice PDFs and uploaded receipts, and a manifest to check a restore against."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url

from coop.schema import Base


def _libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def table_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: conn.scalar(select(func.count()).select_from(t)) or 0 for t in Base.metadata.sorted_tables
        }


def _copy_tree(src: Path, dst: Path) -> dict[str, str]:
    hashes = {}
    if src.exists():
        for path in sorted(src.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                target = dst / path.relative_to(src)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
                hashes[str(path.relative_to(src))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def backup(
    engine: Engine,
    url: str,
    target: Path,
    *,
    invoice_dir: Path,
    upload_dir: Path,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Write a consistent copy of everything into `target` (which must not exist yet)."""
    step = progress or (lambda _n: None)
    target.mkdir(parents=True, exist_ok=False)
    if engine.dialect.name == "sqlite":
        source = sqlite3.connect(make_url(url).database or "")
        dest = sqlite3.connect(target / "coop.sqlite3")
        with dest:
            source.backup(dest)
        source.close()
        dest.close()
        database = "coop.sqlite3"
    else:
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", f"--file={target / 'coop.dump'}", _libpq_url(url)],
            check=True,
            capture_output=True,
        )
        database = "coop.dump"
    step(60)
    manifest: dict[str, Any] = {
        "made_at": datetime.now(UTC).isoformat(),
        "database": database,
        "tables": table_counts(engine),
        "invoices": _copy_tree(invoice_dir, target / "invoices"),
        "uploads": _copy_tree(upload_dir, target / "uploads"),
    }
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))
    step(40)
    return manifest


def restore(engine: Engine, url: str, source: Path, *, invoice_dir: Path, upload_dir: Path) -> dict[str, Any]:
    """Put a backup back: the database, then the PDFs and receipts. Checks the table counts
    against the manifest afterwards."""
    manifest: dict[str, Any] = json.loads((source / "manifest.json").read_text())
    engine.dispose()
    if manifest["database"] == "coop.sqlite3":
        if engine.dialect.name != "sqlite":
            raise ValueError("This backup is of a SQLite database; restore it into SQLite.")
        path = Path(make_url(url).database or "")
        for suffix in ("-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        shutil.copyfile(source / "coop.sqlite3", path)
    else:
        if engine.dialect.name != "postgresql":
            raise ValueError("This backup is of a PostgreSQL database; restore it into PostgreSQL.")
        subprocess.run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                f"--dbname={_libpq_url(url)}",
                str(source / "coop.dump"),
            ],
            check=True,
            capture_output=True,
        )
    _copy_tree(source / "invoices", invoice_dir)
    _copy_tree(source / "uploads", upload_dir)
    counts = table_counts(engine)
    if counts != manifest["tables"]:
        raise RuntimeError("The restored database does not match the backup's manifest.")
    return manifest
