"""Backups: the database (SQLite's online backup API, or pg_dump for PostgreSQL) together with the
issued invoice PDFs and uploaded receipts, and a manifest with the SHA-256 of every file, the row
count of every table, the engine and the schema version.

A restore can never destroy the live co-op: it verifies the whole backup first, loads it beside
the live one (a new SQLite file, a new PostgreSQL database, new file folders), checks what it
loaded, and only then switches over, each part with a rename. The live co-op is kept beside it
("...before-restore-<time>") until the operator removes it. Any failure before the switch leaves
the live co-op exactly as it was and says what was wrong in one sentence (BackupError).

Passwords reach pg_dump and pg_restore through the environment (PGPASSWORD), never the command
line, and never appear in a message."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from coop.owner_files import DIR_MODE, FILE_MODE, make_tree_private, private_dir, write_private
from coop.schema import Base

MANIFEST = "manifest.json"
FORMAT = 2  # manifests with SHA-256 for the database and every file, engine and schema version


class BackupError(Exception):
    """What is wrong, in one plain sentence. The live co-op has not been touched."""


# --- PostgreSQL without passwords on the command line -----------------------------------------------


def _pg_env(url: URL) -> dict[str, str]:
    """libpq's environment for a URL: the password stays out of every process's command line."""
    env = dict(os.environ)
    for key, value in (
        ("PGHOST", url.host),
        ("PGPORT", str(url.port) if url.port else None),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
        ("PGDATABASE", url.database),
    ):
        if value:
            env[key] = str(value)
    return env


def _pg(command: list[str], url: URL, what: str) -> None:
    result = subprocess.run(command, env=_pg_env(url), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        first = (result.stderr.strip().splitlines() or ["no message"])[0]
        if url.password:
            first = first.replace(str(url.password), "***")
        raise BackupError(f"{what} failed: {first}")


# --- what a backup holds ------------------------------------------------------------------------------


def table_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: conn.scalar(select(func.count()).select_from(t)) or 0 for t in Base.metadata.sorted_tables
        }


def schema_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        try:
            revision = conn.scalar(text("SELECT version_num FROM alembic_version"))
            return str(revision) if revision else None
        except Exception:  # no table: not a Co-op Works database
            return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files(folder: Path) -> Iterator[Path]:
    if folder.exists():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                yield path


def _copy_tree(src: Path, dst: Path) -> dict[str, str]:
    hashes = {}
    dst.mkdir(parents=True, exist_ok=True)
    for path in _files(src):
        target = dst / path.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        hashes[str(path.relative_to(src))] = _sha256(target)
    return hashes


# --- backup --------------------------------------------------------------------------------------------


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
    if target.exists():
        raise BackupError(f"{target} already exists: choose a new folder for the backup.")
    private_dir(target.parent)
    target.mkdir(mode=DIR_MODE)
    if engine.dialect.name == "sqlite":
        source = sqlite3.connect(make_url(url).database or "")
        dest = sqlite3.connect(target / "coop.sqlite3")
        with dest:
            source.backup(dest)
        source.close()
        dest.close()
        database = "coop.sqlite3"
    else:
        parsed = make_url(url)
        _pg(["pg_dump", "--format=custom", "--no-owner", f"--file={target / 'coop.dump'}"], parsed, "pg_dump")
        database = "coop.dump"
    step(60)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "made_at": datetime.now(UTC).isoformat(),
        "engine": engine.dialect.name,
        "schema": schema_revision(engine),
        "database": database,
        "database_sha256": _sha256(target / database),
        "tables": table_counts(engine),
        "invoices": _copy_tree(invoice_dir, target / "invoices"),
        "uploads": _copy_tree(upload_dir, target / "uploads"),
    }
    write_private(target / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode())
    make_tree_private(target)  # copy2 and pg_dump keep their own modes: close them up
    step(40)
    return manifest


def backup_generation(
    engine: Engine,
    url: str,
    folder: Path,
    *,
    keep: int,
    invoice_dir: Path,
    upload_dir: Path,
    progress: Callable[[int], None] | None = None,
) -> tuple[Path, dict[str, Any], list[Path]]:
    """A new backup in `folder` named by its time, keeping the newest `keep`; returns the new
    backup, its manifest and the old ones removed."""
    if keep < 1:
        raise BackupError("Keep at least one backup.")
    target = folder / datetime.now(UTC).strftime("coop-%Y%m%d-%H%M%S")
    manifest = backup(engine, url, target, invoice_dir=invoice_dir, upload_dir=upload_dir, progress=progress)
    ours = sorted(p for p in folder.glob("coop-????????-??????") if (p / MANIFEST).exists())
    removed = ours[:-keep]
    for old in removed:
        shutil.rmtree(old)
    return target, manifest, removed


# --- verify ---------------------------------------------------------------------------------------------


def read_manifest(source: Path) -> dict[str, Any]:
    if not source.is_dir():
        raise BackupError(f"{source} is not a folder.")
    path = source / MANIFEST
    if not path.exists():
        raise BackupError(
            f"{source} has no {MANIFEST}, so it is not a Co-op Works backup (or it is incomplete)."
        )
    try:
        manifest = json.loads(path.read_text())
    except (ValueError, UnicodeDecodeError):
        raise BackupError(f"The backup's {MANIFEST} is damaged (it is not valid JSON).") from None
    needed = {"format", "engine", "schema", "database", "database_sha256", "tables", "invoices", "uploads"}
    if not isinstance(manifest, dict) or not needed <= set(manifest):
        raise BackupError(
            f"The backup's {MANIFEST} lacks what a restore checks (it may be from an older version: "
            "make a new backup with this version)."
        )
    return manifest


def verify(source: Path) -> dict[str, Any]:
    """Check a backup without restoring it: the manifest, and the SHA-256 of the database and of
    every file. Returns the manifest; raises BackupError saying what is wrong."""
    manifest = read_manifest(source)
    database = source / str(manifest["database"])
    if manifest["database"] not in ("coop.sqlite3", "coop.dump") or not database.is_file():
        raise BackupError("The backup's database file is missing.")
    if _sha256(database) != manifest["database_sha256"]:
        raise BackupError("The backup's database file is damaged (its SHA-256 is not the one recorded).")
    for folder in ("invoices", "uploads"):
        expected: dict[str, str] = manifest[folder]
        found = {str(p.relative_to(source / folder)) for p in _files(source / folder)}
        missing = sorted(set(expected) - found)
        if missing:
            raise BackupError(
                f"The backup is missing {len(missing)} file(s) from {folder}/, such as {missing[0]}."
            )
        for name, digest in expected.items():
            if _sha256(source / folder / name) != digest:
                raise BackupError(f"The backup's file {folder}/{name} has changed since the backup was made.")
    return manifest


# --- restore ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Holdings:
    """What a co-op holds, for the question before a restore replaces it."""

    members: int
    invoices: int
    rows: int
    last_activity: str

    def describe(self) -> str:
        return f"{self.members} member(s), {self.invoices} invoice(s), {self.rows} rows in all" + (
            f", last activity {self.last_activity}" if self.last_activity else ""
        )


def holdings(engine: Engine) -> Holdings:
    counts = table_counts(engine)
    with engine.connect() as conn:
        last = conn.scalar(text("SELECT MAX(at) FROM audit_entry"))
    return Holdings(
        counts.get("member", 0), counts.get("invoice", 0), sum(counts.values()), str(last or "")[:16]
    )


def backup_holdings(manifest: dict[str, Any]) -> Holdings:
    tables: dict[str, int] = manifest["tables"]
    return Holdings(
        tables.get("member", 0),
        tables.get("invoice", 0),
        sum(tables.values()),
        str(manifest.get("made_at", ""))[:16],
    )


def restore(
    engine: Engine,
    url: str,
    source: Path,
    *,
    invoice_dir: Path,
    upload_dir: Path,
    known_revisions: set[str] | None = None,
) -> dict[str, Any]:
    """Put a backup in place of the live co-op, in stages (see the module's docstring). Returns
    the manifest; raises BackupError, with the live co-op untouched, on any problem before the
    switch. `known_revisions` are the schema versions this version of the software knows."""
    manifest = verify(source)
    if manifest["engine"] != engine.dialect.name:
        raise BackupError(
            f"This backup is of a {manifest['engine']} database and this co-op runs on "
            f"{engine.dialect.name}: restore it into {manifest['engine']}."
        )
    if known_revisions is not None and manifest["schema"] not in known_revisions:
        raise BackupError(
            "This backup was made by a newer version of Co-op Works (its database schema is "
            f"{manifest['schema']}): upgrade this installation first."
        )
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    staged_dirs = [(invoice_dir, _stage_files(source / "invoices", invoice_dir, manifest["invoices"], stamp))]
    try:
        staged_dirs.append(
            (upload_dir, _stage_files(source / "uploads", upload_dir, manifest["uploads"], stamp))
        )
        if engine.dialect.name == "sqlite":
            _restore_sqlite(engine, url, source, manifest, stamp)
        else:
            _restore_postgresql(engine, url, source, manifest, stamp)
    except BaseException:
        for _, staged in staged_dirs:
            shutil.rmtree(staged, ignore_errors=True)
        raise
    for live, staged in staged_dirs:  # the database is switched: now the files, each with a rename
        if live.exists():
            live.rename(live.with_name(f"{live.name}.before-restore-{stamp}"))
        staged.rename(live)
    return manifest


def _stage_files(src: Path, live: Path, expected: dict[str, str], stamp: str) -> Path:
    staged = live.with_name(f"{live.name}.restoring-{stamp}")
    hashes = _copy_tree(src, staged)
    make_tree_private(staged)
    if hashes != expected:
        shutil.rmtree(staged, ignore_errors=True)
        raise BackupError(f"The files copied from the backup's {src.name}/ do not match its manifest.")
    return staged


def _check_counts(engine: Engine, manifest: dict[str, Any]) -> None:
    counts = table_counts(engine)
    if counts != manifest["tables"]:
        wrong = sorted(t for t in counts if counts[t] != manifest["tables"].get(t))
        raise BackupError(
            f"The backup's database does not hold what its manifest says (table {wrong[0]} differs), "
            "so it was not restored."
        )


def _restore_sqlite(engine: Engine, url: str, source: Path, manifest: dict[str, Any], stamp: str) -> None:
    live = Path(make_url(url).database or "")
    staged = live.with_name(f"{live.name}.restoring-{stamp}")
    shutil.copyfile(source / "coop.sqlite3", staged)
    staged.chmod(FILE_MODE)
    try:
        try:
            check = sqlite3.connect(staged)
            ok = check.execute("PRAGMA integrity_check").fetchone()[0]
            check.close()
        except sqlite3.DatabaseError:
            ok = "not a database"
        if ok != "ok":
            raise BackupError("The backup's database file is damaged (SQLite's integrity check fails).")
        staged_engine = create_engine(f"sqlite:///{staged}", poolclass=NullPool)
        try:
            _check_counts(staged_engine, manifest)
        finally:
            staged_engine.dispose()
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    engine.dispose()
    if live.exists():
        shutil.copy2(live, live.with_name(f"{live.name}.before-restore-{stamp}"))
    for suffix in ("-wal", "-shm"):
        Path(str(live) + suffix).unlink(missing_ok=True)
    os.replace(staged, live)  # atomic: the live database is the old one or the new one, never half


def _restore_postgresql(engine: Engine, url: str, source: Path, manifest: dict[str, Any], stamp: str) -> None:
    live = make_url(url)
    name = str(live.database)
    staged_name, kept_name = f"{name}_restoring_{stamp}", f"{name}_before_restore_{stamp}"
    admin = create_engine(live.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        try:
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{staged_name}"'))
        except Exception as exc:
            raise BackupError(
                "The database role cannot create a database to load the backup into beside the live "
                "one: give it CREATEDB (see docs/DEPLOY.md)."
            ) from exc
        try:
            staged = live.set(database=staged_name)
            _pg(
                [
                    "pg_restore",
                    "--no-owner",
                    "--exit-on-error",
                    f"--dbname={staged_name}",
                    str(source / "coop.dump"),
                ],
                staged,
                "Loading the backup's database (pg_restore)",
            )
            staged_engine = create_engine(staged, poolclass=NullPool)
            try:
                _check_counts(staged_engine, manifest)
            finally:
                staged_engine.dispose()
        except BaseException:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{staged_name}" WITH (FORCE)'))
            raise
        engine.dispose()
        with admin.connect() as conn:  # the switch: two renames, the live one kept beside it
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :n AND pid <> pg_backend_pid()"
                ),
                {"n": name},
            )
            conn.execute(text(f'ALTER DATABASE "{name}" RENAME TO "{kept_name}"'))
            conn.execute(text(f'ALTER DATABASE "{staged_name}" RENAME TO "{name}"'))
    finally:
        admin.dispose()
