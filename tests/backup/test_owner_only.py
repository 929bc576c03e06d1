"""Everything the co-op writes about people is owner-only (issue 33, problem 6): the SQLite
database, backups, uploaded receipts and issued invoices are 0600 in 0700 folders whatever the
umask, and a backup with no folder goes to the private data folder, never into a checkout."""

from __future__ import annotations

import io
import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import select

from coop.app import create_app
from coop.cli import cli
from coop.config import CHECKOUT, IN_CHECKOUT, load_config
from coop.migrate import upgrade
from coop.pay.models import Expense
from coop.timeutil import today_london
from tests import factories
from tests.conftest import app_config
from tests.invoicing.test_invoice_emails import issued


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def assert_private(root: Path) -> int:
    """Every folder under root 0700 and every file 0600; returns how many files."""
    assert mode(root) == 0o700, root
    files = 0
    for path in root.rglob("*"):
        expected = 0o700 if path.is_dir() else 0o600
        assert mode(path) == expected, f"{path} is {oct(mode(path))}"
        files += path.is_file()
    return files


@pytest.fixture(autouse=True)
def open_umask() -> Iterator[None]:
    """The umask a careless service manager might give: files would be world-readable."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_receipts_invoices_and_backups_are_owner_only(app, session, web, tmp_path):
    issued(session, Path(app.config["INVOICE_DIR"]), factories.client(session))
    factories.member(session, email="m@example.org")
    web.login("m@example.org")
    r = web.post(
        "/expenses",
        {
            "kind": "travel",
            "spent_on": today_london().isoformat(),
            "description": "Bus to the allotment",
            "amount": "3",
            "receipt": (io.BytesIO(factories.png_bytes()), "ticket.png"),
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    [expense] = session.scalars(select(Expense)).all()
    receipt = Path(app.config["UPLOAD_DIR"]) / expense.receipt_path
    assert mode(receipt) == 0o600 and mode(receipt.parent) == 0o700
    assert assert_private(Path(app.config["INVOICE_DIR"])) >= 1  # the invoice (and its e-invoice)

    app.config["BACKUP_DIR"] = str(tmp_path / "data" / "backups")
    runner = CliRunner()
    result = runner.invoke(cli, ["backup"], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.output
    [made] = (tmp_path / "data" / "backups").iterdir()
    assert mode(made.parent) == 0o700  # the folder it made for backups
    assert assert_private(made) >= 4  # database, manifest, invoice, receipt
    named = tmp_path / "chosen" / "backup"
    result = runner.invoke(cli, ["backup", str(named)], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.output
    assert assert_private(named) >= 4


def test_the_sqlite_database_is_owner_only_from_upgrade_and_app_start(tmp_path):
    fresh = tmp_path / "data" / "instance" / "coop.sqlite3"
    upgrade(f"sqlite:///{fresh}")  # what `coop db upgrade` runs
    assert mode(fresh) == 0o600 and mode(fresh.parent) == 0o700
    fresh.chmod(0o644)  # a file made by an older version
    app = create_app(app_config(f"sqlite:///{fresh}", tmp_path))
    assert mode(fresh) == 0o600
    assert mode(Path(app.instance_path)) == 0o700
    app.extensions["coop_db"][0].dispose()


def test_a_backup_with_no_folder_goes_to_the_data_folder_never_the_checkout(monkeypatch, tmp_path):
    monkeypatch.delenv("BACKUP_DIR", raising=False)
    elsewhere = tmp_path / "srv" / "data"
    assert load_config(elsewhere / "instance", {"SECRET_KEY": "x"})["BACKUP_DIR"] == str(
        elsewhere / "backups"
    )
    if IN_CHECKOUT:  # `make run`: the data folder is the checkout, so backups go in its private instance/
        backups = Path(load_config(CHECKOUT / "instance", {"SECRET_KEY": "x"})["BACKUP_DIR"])
        assert backups == CHECKOUT / "instance" / "backups"


def test_gitignore_covers_everything_make_run_writes():
    written = [
        "instance/coop.sqlite3",
        "instance/coop.sqlite3-wal",
        "instance/secret_key",
        "instance/uploads/receipts/a.png",
        "instance/backups/2026-12-01-0300/coop.sqlite3",
        "invoices/CW-2026-0001.pdf",
        "backups/2026-12-01-0300/coop.sqlite3",  # where older versions put them
        ".venv/bin/python",
        "coop_works.egg-info/PKG-INFO",
    ]
    for path in written:
        ignored = subprocess.run(
            ["git", "-C", str(CHECKOUT), "check-ignore", "-q", "--no-index", path], check=False
        )
        assert ignored.returncode == 0, f"{path} is not in .gitignore"
