"""The jobs run from cron or systemd timers (docs/DEPLOY.md lists how often): sending the
outbox, reminders and digests, closing proposals, completing bookings, moving cover on, the
enquiry and retention jobs. `coop.cli` adds them to the `coop` command."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from coop.bookings.service import complete_finished_bookings
from coop.books import client_statements
from coop.businesses import quotes
from coop.cover import service as cover
from coop.enquiries import followup as enquiries
from coop.extensions import db
from coop.governance import service as governance
from coop.invoicing import service as invoicing
from coop.mail import service as mail
from coop.mail.models import OutboxChannel
from coop.notify.keys import folder_for, load_or_create, push_contact
from coop.notify.sending import send_push_pending
from coop.privacy import erasure
from coop.rota import service as rota
from coop.rota.offers import lapse_offers
from coop.timeutil import today_london, utcnow


@click.command("send-outbox")
@click.option("--batch", default=50, show_default=True)
@with_appcontext
def send_outbox(batch: int) -> None:
    """Send queued emails over SMTP (settings from the environment), then push notifications."""

    cfg = current_app.config
    smtp = mail.SmtpSettings(
        host=cfg["SMTP_HOST"],
        port=cfg["SMTP_PORT"],
        user=cfg["SMTP_USER"],
        password=cfg["SMTP_PASSWORD"],
        starttls=cfg["SMTP_STARTTLS"],
        sender=cfg["MAIL_FROM"],
    )
    total = mail.pending_count(db.session)
    with click.progressbar(length=total, label="Sending emails") as bar:
        sent, failed = mail.send_pending(db.session, smtp, batch=batch, progress=bar.update)
    click.echo(f"Sent {sent}, failed {failed}.")
    keys = load_or_create(folder_for(cfg, current_app.instance_path))
    with click.progressbar(
        length=mail.pending_count(db.session, OutboxChannel.PUSH), label="Sending push notifications"
    ) as bar:
        pushed = send_push_pending(
            db.session, keys, contact=push_contact(cfg), batch=batch, progress=bar.update
        )
    click.echo(f"Push: sent {pushed.sent}, failed {pushed.failed}, browsers gone {pushed.gone}.")
    if failed or pushed.failed:
        raise SystemExit(1)


@click.command("send-digests")
@with_appcontext
def send_digests_command() -> None:
    """Queue the daily email of new open shifts for members who opted in (run once a day)."""

    click.echo(f"Queued {rota.queue_digests(db.session)} digest email(s); `coop send-outbox` sends them.")


@click.command("send-reminders")
@with_appcontext
def send_reminders_command() -> None:
    """Queue reminder emails for overdue invoices (at most one per reminder interval)."""

    count = invoicing.queue_reminders(
        db.session,
        today_london(),
        invoice_dir=Path(current_app.config["INVOICE_DIR"]),
        base_url=current_app.config["BASE_URL"],
    )
    click.echo(f"Queued {count} invoice reminder(s).")


@click.command("send-statements")
@with_appcontext
def send_statements_command() -> None:
    """Email last month's statement to each client who asked for one (each month's once)."""

    count = client_statements.queue_monthly_statements(db.session, today_london())
    click.echo(f"Queued {count} client statement(s).")


@click.command("send-shift-reminders")
@with_appcontext
def send_shift_reminders_command() -> None:
    """Remind members of tomorrow's shifts, each at the hour they chose (run hourly; safe on
    several machines at once: each reminder is sent once)."""

    count = rota.queue_shift_reminders(db.session, base_url=current_app.config["BASE_URL"])
    click.echo(f"Queued {count} shift reminder(s).")


@click.command("close-proposals")
@with_appcontext
def close_proposals() -> None:
    """Close proposals past their closing time (recording results) and remind members who have
    not voted on proposals closing within 24 hours. Run hourly."""

    closed = governance.close_due(db.session)
    reminded = governance.remind_non_voters(db.session)
    click.echo(f"Closed {len(closed)} proposal(s); queued {reminded} reminder(s).")


@click.command("complete-bookings")
@with_appcontext
def complete_bookings() -> None:
    """Mark bookings whose visits have all ended as completed. Run hourly."""

    click.echo(f"Completed {complete_finished_bookings(db.session)} booking(s).")


@click.command("purge-erased")
@with_appcontext
def purge_erased() -> None:
    """Delete the pay records kept for erased members once six years have passed, and quote
    requests once a year has. Run daily."""

    done = erasure.purge_due(db.session, Path(current_app.config["UPLOAD_DIR"]))
    click.echo(
        f"Deleted the kept records of {done.members} erased member(s): {done.rows} row(s) of pay "
        f"records and {done.files} receipt file(s)."
    )
    click.echo(f"Deleted {quotes.forget_old_quotes(db.session)} quote request(s) over a year old.")


@click.command("enquiry-jobs")
@with_appcontext
def enquiry_jobs() -> None:
    """Email coordinators (once) about enquiries nobody contacted in time, and delete enquiries
    that did not lead to membership once they are older than the setting. Run daily."""

    raised = enquiries.remind_overdue(db.session, today_london())
    deleted = enquiries.delete_expired(db.session, utcnow())
    click.echo(f"Raised {raised} enquiry(ies) waiting too long; deleted {deleted} old enquiry(ies).")


@click.command("lapse-offers")
@with_appcontext
def lapse_offers_command() -> None:
    """Mark offers nobody answered in time as lapsed (run every few minutes)."""

    click.echo(f"{lapse_offers(db.session)} offer(s) lapsed.")


@click.command("cover-tick")
@with_appcontext
def cover_tick_command() -> None:
    """Move the search for cover on: the next wave of members, and the client told when a visit
    is still short (run every few minutes)."""

    done = cover.run_due(db.session)
    click.echo(
        f"{done.waves} wave(s) asked, {done.clients_told} client(s) told, {done.closed} case(s) ended."
    )


JOBS = [
    send_outbox,
    send_digests_command,
    send_reminders_command,
    send_statements_command,
    send_shift_reminders_command,
    close_proposals,
    complete_bookings,
    purge_erased,
    enquiry_jobs,
    lapse_offers_command,
    cover_tick_command,
]
