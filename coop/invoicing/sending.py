"""Invoice emails: the PDF (and the e-invoice when the client wants one) as attachments, and a
link that opens that one invoice without an account, expiring and revocable."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from coop.audit.service import record
from coop.db import write_transaction
from coop.errors import DomainError
from coop.i18n import gettext as _
from coop.invoicing.models import Invoice, InvoiceLink, InvoiceStatus
from coop.mail import service as mail
from coop.mail.readers import client_reading
from coop.secret_tokens import digest, new_token
from coop.settings import service as settings
from coop.settings.keys import K
from coop.timeutil import utcnow

LINK_PATH = "/invoice-link/"


class LinkProblem(DomainError):
    """A link that does not open an invoice: `state` is 'invalid', 'expired' or 'revoked'."""

    def __init__(self, state: str, message: str) -> None:
        super().__init__(message)
        self.state = state


def new_link(session: Session, invoice: Invoice, *, now: datetime | None = None) -> str:
    """Make a link for this invoice, in the caller's transaction; returns its token (shown once)."""
    now = now or utcnow()
    token = new_token()
    days = settings.get(session, K.INVOICE_LINK_DAYS)
    session.add(
        InvoiceLink(
            invoice_id=invoice.id,
            token_sha256=digest(token),
            sent_to=invoice.client.billing_email,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
    )
    return token


def open_link(session: Session, token: str, *, now: datetime | None = None) -> Invoice:
    """The invoice this link opens, or LinkProblem saying plainly why it does not."""
    now = now or utcnow()
    link = session.scalar(select(InvoiceLink).where(InvoiceLink.token_sha256 == digest(token)))
    if link is None:
        raise LinkProblem(
            "invalid",
            _(
                "This link does not open an invoice. It may have been cut short or changed when it was "
                "copied. Copy the whole link from the email, or ask us to send the invoice again."
            ),
        )
    if link.revoked_at is not None:
        raise LinkProblem(
            "revoked", _("This link has been turned off. Ask us to send the invoice again if you need it.")
        )
    if link.expires_at <= now:
        raise LinkProblem(
            "expired", _("This link has expired. Ask us to send the invoice again, with a new link.")
        )
    invoice = session.get(Invoice, link.invoice_id)
    if invoice is None or invoice.status != InvoiceStatus.ISSUED:
        raise LinkProblem("invalid", _("This link does not open an invoice."))
    link_id = link.id
    with write_transaction(session):
        session.execute(update(InvoiceLink).where(InvoiceLink.id == link_id).values(last_opened_at=now))
    return invoice


def links_for(session: Session, invoice_id: int) -> list[InvoiceLink]:
    return list(
        session.scalars(
            select(InvoiceLink).where(InvoiceLink.invoice_id == invoice_id).order_by(InvoiceLink.id.desc())
        )
    )


def revoke_links(session: Session, invoice_id: int, *, actor_id: int, link_id: int | None = None) -> int:
    """Turn off one link, or every link still working, for this invoice. Returns how many."""
    now = utcnow()
    with write_transaction(session):
        where = [
            InvoiceLink.invoice_id == invoice_id,
            InvoiceLink.revoked_at.is_(None),
            InvoiceLink.expires_at > now,
        ]
        if link_id is not None:
            where.append(InvoiceLink.id == link_id)
        result = session.execute(
            update(InvoiceLink)
            .where(*where)
            .values(revoked_at=now, revoked_by_id=actor_id)
            .execution_options(synchronize_session=False)
        )
        count = int(result.rowcount)  # type: ignore[attr-defined]
        if count:
            record(session, actor_id, "invoice.links_revoked", ("invoice", invoice_id), {}, {"links": count})
    return count


def queue_invoice_email(
    session: Session,
    invoice: Invoice,
    template: str,
    *,
    pdf: bytes,
    einvoice_pdf: bytes,
    base_url: str,
    **context: Any,
) -> None:
    """Queue an invoice email to the billing address with the PDF attached (and the Factur-X
    e-invoice when the client asked for it) and a fresh link that opens the invoice, in the
    client's language (else the co-op's)."""
    token = new_link(session, invoice)
    files = [mail.Attachment(f"{invoice.number}.pdf", "application/pdf", pdf)]
    if invoice.client.wants_einvoice:
        files.append(mail.Attachment(f"{invoice.number}-e-invoice.pdf", "application/pdf", einvoice_pdf))
    supplier = json.loads(invoice.supplier_json or "{}")
    mail.queue(
        session,
        invoice.client.billing_email,
        template,
        reader=client_reading(session, invoice.client),
        attachments=files,
        reply_to=supplier.get("email", ""),
        supplier=supplier,
        invoice=invoice,
        link=f"{base_url}{LINK_PATH}{token}",
        link_days=settings.get(session, K.INVOICE_LINK_DAYS),
        **context,
    )
