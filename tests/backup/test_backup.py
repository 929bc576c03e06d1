"""Backup and restore round trip: every table identical, invoice PDFs included."""

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import select, text

from coop.app import create_app
from coop.cli import cli
from coop.schema import Base
from tests.conftest import app_config


def snapshot(engine):
    out = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            out[table.name] = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
        out["alembic_version"] = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    return out


def test_backup_and_restore_round_trip(app, demo, databases, tmp_path):
    demo.close()
    engine = app.extensions["coop_db"][0]
    original = snapshot(engine)
    assert original["invoice"] and original["assignment"]
    runner = CliRunner()
    target = tmp_path / "backup"
    result = runner.invoke(cli, ["backup", str(target)], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.output
    assert list((target / "invoices").glob("CW-*.pdf"))
    # restore into a brand-new, empty database and invoice folder
    fresh_url = databases.create()
    fresh = create_app(app_config(fresh_url, tmp_path / "fresh"))
    result = runner.invoke(cli, ["restore", str(target), "--yes"], obj=ScriptInfo(create_app=lambda: fresh))
    assert result.exit_code == 0, result.output
    assert snapshot(fresh.extensions["coop_db"][0]) == original
    restored = sorted(p.name for p in (tmp_path / "fresh" / "invoices").glob("*.pdf"))
    assert restored == sorted(p.name for p in Path(app.config["INVOICE_DIR"]).glob("*.pdf"))
    fresh.extensions["coop_db"][0].dispose()
    databases.drop(fresh_url)


# --- a restore that can never destroy ------------------------------------------------------------------


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def live_state(app, engine):
    state = {"tables": snapshot(engine), "invoices": files_of(Path(app.config["INVOICE_DIR"]))}
    if engine.dialect.name == "sqlite":
        engine.dispose()
        state["file"] = Path(engine.url.database).read_bytes()
    return state


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _rehash(backup: Path) -> None:
    import hashlib
    import json

    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["database_sha256"] = hashlib.sha256((backup / manifest["database"]).read_bytes()).hexdigest()
    (backup / "manifest.json").write_text(json.dumps(manifest))


def _manifest(backup: Path, **changes) -> None:
    import json

    manifest = json.loads((backup / "manifest.json").read_text())
    for key, value in changes.items():
        if key == "member_count":
            manifest["tables"]["member"] += value
        else:
            manifest[key] = value
    (backup / "manifest.json").write_text(json.dumps(manifest))


def _db(backup: Path) -> Path:
    return next(p for p in backup.iterdir() if p.name.startswith("coop."))


CORRUPTIONS = {
    "database cut in half": (lambda b: _truncate(_db(b)), "database file is damaged"),
    "database cut in half, manifest rewritten to match": (
        lambda b: (_truncate(_db(b)), _rehash(b)),
        "database",
    ),
    "random bytes for a database, manifest rewritten": (
        lambda b: (_db(b).write_bytes(b"\x00not a database" * 500), _rehash(b)),
        "database",
    ),
    "an invoice changed": (
        lambda b: next((b / "invoices").glob("CW-*.pdf")).write_bytes(b"%PDF-1.7 forged"),
        "has changed since the backup was made",
    ),
    "an invoice missing": (lambda b: next((b / "invoices").glob("CW-*.pdf")).unlink(), "is missing 1 file"),
    "a wrong row count": (lambda b: _manifest(b, member_count=1), "does not hold what its manifest says"),
    "the other engine": (lambda b: _manifest(b, engine="oracle"), "restore it into oracle"),
    "a newer schema": (lambda b: _manifest(b, schema="9999_future"), "newer version of Co-op Works"),
    "no manifest": (lambda b: (b / "manifest.json").unlink(), "is not a Co-op Works backup"),
    "a manifest that is not JSON": (lambda b: (b / "manifest.json").write_text("{oops"), "not valid JSON"),
}


@pytest.mark.parametrize("corruption", list(CORRUPTIONS))
def test_a_damaged_backup_leaves_the_live_co_op_exactly_as_it_was(app, demo, tmp_path, corruption):
    demo.close()
    engine = app.extensions["coop_db"][0]
    runner = CliRunner()
    target = tmp_path / "backup"
    assert runner.invoke(cli, ["backup", str(target)], obj=ScriptInfo(create_app=lambda: app)).exit_code == 0
    with engine.begin() as conn:  # the live co-op moves on after the backup
        conn.execute(text("UPDATE member SET display_name = 'Changed since the backup' WHERE id = 1"))
    before = live_state(app, engine)
    damage, message = CORRUPTIONS[corruption]
    damage(target)
    result = runner.invoke(cli, ["restore", str(target), "--yes"], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 1
    assert message in result.output and "This co-op has not been changed." in result.output
    assert "Traceback" not in result.output
    assert live_state(app, engine) == before
    leftovers = [p.name for p in Path(app.config["INVOICE_DIR"]).parent.iterdir() if "restoring" in p.name]
    assert leftovers == []


def test_restore_over_a_co_op_with_data_says_what_is_replaced_and_keeps_it(app, demo, tmp_path):
    demo.close()
    engine = app.extensions["coop_db"][0]
    runner = CliRunner()
    target = tmp_path / "backup"
    runner.invoke(cli, ["backup", str(target)], obj=ScriptInfo(create_app=lambda: app))
    original = snapshot(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE member SET display_name = 'Changed since the backup' WHERE id = 1"))
    (Path(app.config["INVOICE_DIR"]) / "stray.pdf").write_bytes(b"%PDF not in the backup")
    result = runner.invoke(cli, ["restore", str(target)], input="n\n", obj=ScriptInfo(create_app=lambda: app))
    assert "This co-op now holds" in result.output and "The backup holds" in result.output
    assert "member(s)" in result.output and result.exit_code != 0  # answered no: nothing changed
    result = runner.invoke(cli, ["restore", str(target)], input="y\n", obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.output
    assert snapshot(engine) == original
    assert not (Path(app.config["INVOICE_DIR"]) / "stray.pdf").exists()  # the folder is the backup's
    kept = [p for p in Path(app.config["INVOICE_DIR"]).parent.iterdir() if "before-restore" in p.name]
    assert any((p / "stray.pdf").exists() for p in kept if p.is_dir())  # the old one is kept beside it


def test_backup_verify_and_generations(app, session, tmp_path):
    runner = CliRunner()
    app.config["BACKUP_DIR"] = str(tmp_path / "backups")
    made = []
    for _ in range(3):
        result = runner.invoke(cli, ["backup"], obj=ScriptInfo(create_app=lambda: app))
        assert result.exit_code == 0, result.output
        made.append(Path(result.output.split(" into ")[1].split(".\n")[0].strip().rstrip(".")))
        import time

        time.sleep(1.1)  # backups are named by the second
    from coop.settings import service as settings

    settings.set_value(session, "backup_generations", 2)
    session.commit()
    result = runner.invoke(cli, ["backup"], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0 and "Removed the older backup" in result.output
    kept = sorted(p.name for p in (tmp_path / "backups").iterdir())
    assert len(kept) == 2 and made[0].name not in kept
    newest = tmp_path / "backups" / kept[-1]
    result = runner.invoke(cli, ["backup", "--verify", str(newest)], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0 and "is complete" in result.output
    (newest / "manifest.json").write_text("{}")
    result = runner.invoke(cli, ["backup", "--verify", str(newest)], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 1 and "lacks what a restore checks" in result.output


def test_passwords_never_reach_a_command_line_or_a_message(tmp_path, monkeypatch):
    """pg_dump and pg_restore are run with the password in their environment: a stand-in for each
    records its own /proc/<pid>/cmdline and environment, and one that fails prints the password."""
    from sqlalchemy.engine import make_url

    from coop.backup import service as backups

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "seen"
    script = bin_dir / "pg_dump"
    script.write_text(
        "#!/bin/sh\n"
        f"tr '\\0' ' ' < /proc/$$/cmdline > {record}\n"
        f'echo " PGPASSWORD=$PGPASSWORD" >> {record}\n'
    )
    script.chmod(0o755)
    failing = bin_dir / "pg_restore"
    failing.write_text('#!/bin/sh\necho "could not connect: password $PGPASSWORD rejected" >&2\nexit 1\n')
    failing.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    url = make_url("postgresql+psycopg://coop:s3cret-Pa55@db.example:5432/coop")
    backups._pg(["pg_dump", "--format=custom", "--file=/dev/null"], url, "pg_dump")
    seen = record.read_text()
    command_line, environment = seen.split(" PGPASSWORD=")
    assert "pg_dump" in command_line and "s3cret" not in command_line
    assert environment.strip() == "s3cret-Pa55"
    with pytest.raises(backups.BackupError) as refused:
        backups._pg(["pg_restore", "x"], url, "pg_restore")
    assert "s3cret" not in str(refused.value) and "***" in str(refused.value)
