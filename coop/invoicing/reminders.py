"""Reminders for invoices still owed: automatic (claimed once per interval) and sent now."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from coop.audit.service import record
from coop.db import write_transaction
from coop.errors import DomainError
from coop.i18n import gettext as _
from coop.invoicing import sending
from coop.invoicing.drafts import locked_issued
from coop.invoicing.issuing import TamperedError, read_pdf
from coop.invoicing.models import (
    Invoice,
)
from coop.invoicing.money_in import balance_pence
from coop.invoicing.reports import overdue
from coop.money import format_pence
from coop.settings import service as settings
from coop.settings.keys import K
from coop.timeutil import utcnow


def queue_reminders(
    session: Session,
    today: date,
    *,
    invoice_dir: Path,
    base_url: str,
    now: datetime | None = None,
) -> int:
    """Email a reminder for each overdue invoice, at most once per reminder interval. Each is
    claimed with a conditional update before its email is queued, so two runs at once never send
    one twice. An invoice whose stored PDF fails its check is skipped (and left unclaimed) so the
    others still go; `coop verify` reports it."""
    now = now or utcnow()
    since = now - timedelta(days=settings.get(session, K.REMINDER_INTERVAL_DAYS))
    sent = 0
    for invoice_id in [i.id for i in overdue(session, today)]:
        try:
            with write_transaction(session):
                claimed = session.execute(
                    update(Invoice)
                    .where(
                        Invoice.id == invoice_id,
                        or_(Invoice.last_reminder_at.is_(None), Invoice.last_reminder_at < since),
                    )
                    .values(last_reminder_at=now)
                    .execution_options(synchronize_session=False)
                )
                if claimed.rowcount == 1:  # type: ignore[attr-defined]
                    invoice = session.get(Invoice, invoice_id)
                    assert invoice is not None
                    _queue_reminder(session, invoice, today, invoice_dir=invoice_dir, base_url=base_url)
                    sent += 1
        except TamperedError:
            continue  # rolled back: not claimed, nothing queued
    return sent


def remind_now(
    session: Session, invoice_id: int, *, actor_id: int, today: date, invoice_dir: Path, base_url: str
) -> None:
    """A coordinator sends a reminder now, from the invoice's page (automatic ones carry on)."""
    with write_transaction(session):
        invoice = locked_issued(session, invoice_id)
        if balance_pence(invoice) <= 0:
            raise DomainError(_("Nothing is owed on this invoice, so there is nothing to remind about."))
        _queue_reminder(session, invoice, today, invoice_dir=invoice_dir, base_url=base_url)
        invoice.last_reminder_at = utcnow()
        record(session, actor_id, "invoice.reminder", ("invoice", invoice.number), {}, {})


def _queue_reminder(
    session: Session, invoice: Invoice, today: date, *, invoice_dir: Path, base_url: str
) -> None:
    sending.queue_invoice_email(
        session,
        invoice,
        "invoice_reminder",
        pdf=read_pdf(invoice, invoice_dir),
        einvoice_pdf=read_pdf(invoice, invoice_dir, facturx=True) if invoice.client.wants_einvoice else b"",
        base_url=base_url,
        balance=balance_pence(invoice),
        money=format_pence,
        days=max(0, (today - invoice.due_date).days) if invoice.due_date else 0,
    )
