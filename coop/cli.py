"""The `coop` command: database, accounts, demo data and the jobs run from cron."""

from __future__ import annotations

import os
import time
from datetime import date, timedelta
from pathlib import Path

import click
from alembic.script import ScriptDirectory
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import func, select

from coop import cli_jobs, datamap, schema
from coop.app import create_app
from coop.auth import service as auth
from coop.auth.models import User
from coop.auth.service import find_user
from coop.backup import service as backups
from coop.demo import generate as gen
from coop.demo.service import DEMO_LOGINS, load_demo
from coop.deploy.service import check_install
from coop.errors import DomainError
from coop.extensions import db
from coop.integrity import service as integrity
from coop.integrity.ledger_totals import summary as ledger_summary
from coop.invoicing import service as invoicing
from coop.invoicing.rendering import invoice_html
from coop.migrate import alembic_config, upgrade
from coop.money import plain_pounds
from coop.rota import offers
from coop.settings import service as settings
from coop.settings.keys import K
from coop.timeutil import today_london


@click.group(cls=FlaskGroup, create_app=create_app, add_version_option=False)
def cli() -> None:
    """Co-op Works command line."""


@cli.group("db")
def db_group() -> None:
    """Database schema."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Apply migrations up to the latest (or the given) revision."""

    upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"Database is at {revision}.")


@db_group.command("is-empty")
@with_appcontext
def db_is_empty() -> None:
    """Exit 0 when the database has no users yet (used by `make run`)."""

    count = db.session.scalar(select(func.count()).select_from(User)) or 0
    raise SystemExit(0 if count == 0 else 1)


@cli.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def create_admin(email: str, password: str) -> None:
    """Create the first admin (who is also a coordinator)."""

    try:
        user = auth.create_admin(db.session, email, password)
    except DomainError as e:
        db.session.rollback()
        raise click.ClickException(e.message) from e
    click.echo(f"Admin {user.email} created.")


@cli.command("demo")
@with_appcontext
def demo() -> None:
    """Load a believable small co-op (safe to run again: it adds nothing twice)."""

    with current_app.test_request_context(), click.progressbar(length=100, label="Loading demo co-op") as bar:
        created = load_demo(
            db.session,
            progress=bar.update,
            render_html=invoice_html,
            invoice_dir=Path(current_app.config["INVOICE_DIR"]),
            base_url=current_app.config["BASE_URL"],
        )
    click.echo("Demo data loaded." if created else "Demo data was already there.")
    _print_logins()


@cli.command("generate")
@click.option("--members", default=1000, show_default=True)
@click.option("--clients", default=200, show_default=True)
@click.option("--weeks", default=52, show_default=True, help="Weeks of shifts, the last four ahead of today.")
@click.option("--seed", default=1, show_default=True, help="The same seed gives the same co-op.")
@with_appcontext
def generate(members: int, clients: int, weeks: int, seed: int) -> None:
    """Fill an empty database with a large generated co-op, for benchmarks."""

    started = time.perf_counter()
    spec = gen.Spec(members=members, clients=clients, weeks=weeks, seed=seed)
    try:
        with click.progressbar(length=100, label="Generating") as bar:
            counts = gen.generate(db.session, spec, progress=bar.update)
    except DomainError as e:
        raise click.ClickException(e.message) from None
    click.echo(
        f"Made {counts['member']} members, {counts['client']} clients, {counts['shift']} shifts, "
        f"{counts['assignment']} assignments, {counts['timesheet_entry']} timesheets and "
        f"{counts.get('invoice', 0)} invoices in {time.perf_counter() - started:.1f} s."
    )
    for role, email in gen.logins():
        click.echo(f"  {role:12} {email}")

    click.echo(f"  password     {DEMO_LOGINS['password']}")


@cli.command("demo-logins")
@with_appcontext
def demo_logins() -> None:
    """Print the demo sign-ins, if the demo co-op is loaded."""

    if find_user(db.session, DEMO_LOGINS["accounts"][0][1]) is None:
        click.echo("No demo data in this database.")
        return
    _print_logins()


def _print_logins() -> None:

    click.echo(f"Demo sign-ins (password for all: {DEMO_LOGINS['password']}):")
    for role, email in DEMO_LOGINS["accounts"]:
        click.echo(f"  {role:<12} {email}")


@cli.command("invoice-run")
@click.option("--period", required=True, help="A month (2026-11) or a range (2026-11-01:2026-11-30).")
@click.option("--issue", is_flag=True, help="Issue the drafts straight away (numbers, PDFs, emails).")
@with_appcontext
def invoice_run(period: str, issue: bool) -> None:
    """Make one draft invoice per client from approved, un-invoiced work (with a progress bar)."""

    try:
        if ":" in period:
            first, last = (date.fromisoformat(p) for p in period.split(":", 1))
        else:
            first = date.fromisoformat(period + "-01")
            last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    except ValueError as exc:
        raise click.BadParameter("use 2026-11 or 2026-11-01:2026-11-30", param_hint="--period") from exc
    total = invoicing.pending_clients(db.session, last)
    with click.progressbar(length=max(total, 1), label="Making draft invoices") as bar:
        drafts = invoicing.invoice_run(db.session, first, last, progress=bar.update)
    click.echo(
        f"{len(drafts)} draft invoice(s), {plain_pounds(sum(d.gross_pence for d in drafts))} GBP in total."
    )
    if issue and drafts:
        with click.progressbar(length=len(drafts), label="Issuing") as bar:
            invoicing.issue_many(
                db.session,
                [d.id for d in drafts],
                today=today_london(),
                render_html=invoice_html,
                invoice_dir=Path(current_app.config["INVOICE_DIR"]),
                actor_id=None,
                base_url=current_app.config["BASE_URL"],
                workers=os.cpu_count() or 1,
                progress=bar.update,
            )
        click.echo("Issued.")


@cli.command("record-of-processing")
def record_of_processing() -> None:
    """Print the record of processing made from the data map (docs/SECURITY.md carries it)."""
    click.echo(datamap.record_of_processing(schema.Base.metadata), nl=False)


@cli.command("autofill")
@click.option("--from", "first", required=True, help="First day, like 2026-12-01.")
@click.option("--to", "last", required=True, help="Last day, like 2026-12-14.")
@click.option("--send", is_flag=True, help="Send the proposals as offers.")
@with_appcontext
def autofill(first: str, last: str, send: bool) -> None:
    """Propose who to offer each open slot to, and print the summary."""

    try:
        start, end = date.fromisoformat(first), date.fromisoformat(last)
    except ValueError as exc:
        raise click.BadParameter("use dates like 2026-12-01") from exc
    plan = offers.plan(db.session, start, end)
    r = plan.result
    left = sum(n for n, _ in r.unfilled.values())
    click.echo(f"Open places: {r.filled + left}; proposals: {r.filled}; no one can take: {left}.")
    for shift_id, (n, reason) in sorted(r.unfilled.items()):
        s = plan.shifts[shift_id]
        click.echo(f"  unfilled: {s.service.name} {s.starts_at:%Y-%m-%d %H:%M} UTC x{n}: {reason}")
    changed = sum(1 for m, after in r.minutes_after.items() if after != r.minutes_before[m])
    click.echo(f"Members offered work: {changed}.")
    if send:
        click.echo(f"Sent {offers.queue_offers(db.session, r.proposals)} offer(s).")


@cli.command("verify")
@with_appcontext
def verify_command() -> None:
    """Check every money record: number series, frozen invoices, credit notes and pay runs, their
    files, work billed and paid at most once. Exits 1, listing what is wrong, if anything is."""

    with click.progressbar(length=integrity.work_to_check(db.session), label="Checking", file=None) as bar:
        report = integrity.verify(db.session, Path(current_app.config["INVOICE_DIR"]), progress=bar.update)
    counts = ", ".join(f"{n} {name}" for name, n in report.checked.items())
    click.echo(ledger_summary(report.balances))
    if report.ok:
        click.echo(f"All is well: checked {counts}.")
        return
    click.echo(f"{len(report.problems)} problem(s) found (checked {counts}):", err=True)
    for problem in report.problems:
        click.echo(f"- {problem}", err=True)
    raise SystemExit(1)


@cli.command("check-install")
@with_appcontext
def check_install_command() -> None:
    """Check this installation: database at head, files, data directory, PDFs, email, secret key
    and base URL. One line per item; exits 1 if any is not right."""

    items = check_install(db.engine, dict(current_app.config))
    for item in items:
        click.echo(f"{'ok  ' if item.ok else 'FAIL'}  {item.name}: {item.detail}")
    if not all(item.ok for item in items):
        raise SystemExit(1)


@cli.command("backup")
@click.argument("target", required=False, type=click.Path(path_type=Path))
@click.option("--verify", "verify_only", is_flag=True, help="Check the backup in TARGET; change nothing.")
@with_appcontext
def backup_command(target: Path | None, verify_only: bool) -> None:
    """Back up the database, issued invoices and receipts into a new folder TARGET; with no
    TARGET, into a new dated folder under BACKUP_DIR, keeping the newest backups (the
    'backup_generations' setting). With --verify, check the backup in TARGET instead."""

    cfg = current_app.config
    try:
        if verify_only:
            if target is None:
                raise backups.BackupError("Say which backup to check: coop backup --verify FOLDER.")
            manifest = backups.verify(target)
            click.echo(
                f"The backup in {target} is complete: {backups.backup_holdings(manifest).describe()}; "
                f"{len(manifest['invoices'])} invoice file(s) and {len(manifest['uploads'])} receipt(s), "
                "every file as it was made."
            )
            return
        dirs = {"invoice_dir": Path(cfg["INVOICE_DIR"]), "upload_dir": Path(cfg["UPLOAD_DIR"])}
        with click.progressbar(length=100, label="Backing up") as bar:
            if target is None:
                keep = int(settings.get(db.session, K.BACKUP_GENERATIONS))
                target, manifest, removed = backups.backup_generation(
                    db.engine,
                    cfg["DATABASE_URL"],
                    Path(cfg["BACKUP_DIR"]),
                    keep=keep,
                    progress=bar.update,
                    **dirs,
                )
            else:
                manifest, removed = (
                    backups.backup(db.engine, cfg["DATABASE_URL"], target, progress=bar.update, **dirs),
                    [],
                )
    except backups.BackupError as e:
        click.echo(f"Backup stopped: {e}", err=True)
        raise SystemExit(1) from None
    rows = sum(manifest["tables"].values())
    click.echo(f"Backed up {rows} rows, {len(manifest['invoices'])} invoice files into {target}.")
    for old in removed:
        click.echo(f"Removed the older backup {old}.")


@cli.command("restore")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the co-op (for scripts).")
@with_appcontext
def restore_command(source: Path, yes: bool) -> None:
    """Replace the database, invoices and receipts with the backup in SOURCE. The backup is
    checked first and loaded beside the live co-op; the live co-op is only replaced once the
    copy is known to be whole, and is kept beside it."""

    cfg = current_app.config
    try:
        manifest = backups.verify(source)
        now = backups.holdings(db.engine)
        if not yes and now.rows:
            click.echo(f"This co-op now holds {now.describe()}.")
            click.echo(f"The backup holds {backups.backup_holdings(manifest).describe()}.")
            click.confirm("Replace this co-op with the backup? (it is kept beside it)", abort=True)
        db.session.close()
        known = {
            r.revision
            for r in ScriptDirectory.from_config(alembic_config(cfg["DATABASE_URL"])).walk_revisions()
        }
        backups.restore(
            db.engine,
            cfg["DATABASE_URL"],
            source,
            invoice_dir=Path(cfg["INVOICE_DIR"]),
            upload_dir=Path(cfg["UPLOAD_DIR"]),
            known_revisions=known,
        )
    except backups.BackupError as e:
        click.echo(f"Restore stopped: {e} This co-op has not been changed.", err=True)
        raise SystemExit(1) from None
    upgrade(cfg["DATABASE_URL"])  # a backup from an older version is brought up to date
    click.echo(
        "Restored: every file and table count matches the backup. The co-op as it was before is "
        "kept beside it (named ...before-restore-...) until you remove it."
    )


for _job in cli_jobs.JOBS:
    cli.add_command(_job)


def main() -> None:
    cli()
