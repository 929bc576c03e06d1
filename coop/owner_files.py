"""Files only the co-op's own account may read: the database, backups, receipts and invoices
hold people's names, pay and addresses, so they are made 0600 (folders 0700) as they are
created, whatever the umask of the shell or service manager that started the process."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: Path) -> Path:
    """Make the folder and any missing parents, owner-only. A folder that is already there keeps
    its mode (it may be /tmp or a mount someone else set up); what goes in it is private."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    path.mkdir(parents=True, exist_ok=True)
    for folder in missing:
        folder.chmod(DIR_MODE)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write the file so that it is never readable by others, not even for a moment."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "wb") as f:
        os.fchmod(f.fileno(), FILE_MODE)  # an existing file keeps its old mode otherwise
        f.write(data)


def make_tree_private(root: Path) -> None:
    """Close up a folder filled by tools that keep their own modes (shutil.copy2, pg_dump)."""
    root.chmod(DIR_MODE)
    for path in root.rglob("*"):
        if path.is_symlink():
            continue
        path.chmod(DIR_MODE if path.is_dir() else FILE_MODE)


def private_database(url: str) -> None:
    """For a SQLite URL: create the file owner-only before SQLite opens it (SQLite then gives its
    journal and WAL files the same mode), or close up one made earlier with the umask's mode.
    PostgreSQL keeps its own files private."""
    parsed = make_url(url)
    database = parsed.database
    if not parsed.drivername.startswith("sqlite") or not database or database == ":memory:":
        return
    path = Path(database)
    if not path.parent.exists():
        private_dir(path.parent)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE))
    for file in (path, *(Path(f"{path}{suffix}") for suffix in ("-wal", "-shm", "-journal"))):
        try:
            if file.exists():
                file.chmod(FILE_MODE)
        except PermissionError:  # another account's file: say so, but let the co-op start
            log.warning("Could not make %s readable by its owner only: it belongs to another account.", file)
