"""Backup and restore round trip: every table identical, invoice PDFs included."""

from pathlib import Path

from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import select, text

from coop import create_app
from coop.cli import cli
from coop.demo.service import load_demo
from coop.invoicing.views import invoice_html
from coop.schema import Base
from tests.conftest import app_config


def snapshot(engine):
    out = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            out[table.name] = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
        out["alembic_version"] = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    return out


def test_backup_and_restore_round_trip(app, session, databases, tmp_path):
    with app.test_request_context():
        load_demo(session, render_html=invoice_html, invoice_dir=Path(app.config["INVOICE_DIR"]))
    session.close()
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
