"""Draft invoices: loading one (a client sees only theirs), and changing its lines and note."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy.orm import Session

from coop.audit.service import record
from coop.db import lock, write_transaction
from coop.errors import DomainError, NotFound
from coop.i18n import N_
from coop.i18n import gettext as _
from coop.invoicing.models import (
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    LineKind,
)
from coop.invoicing.totals import totals
from coop.money import apply_rate, format_percent, round_pence
from coop.settings import service as settings
from coop.settings.keys import K


def get_invoice(session: Session, invoice_id: int, *, client_id: int | None = None) -> Invoice:
    """An invoice; with client_id, another client's invoice (or a draft) is NotFound."""
    invoice = session.get(Invoice, invoice_id)
    if invoice is None or (
        client_id is not None and (invoice.client_id != client_id or invoice.status == InvoiceStatus.DRAFT)
    ):
        raise NotFound(_("No such invoice."))
    return invoice


# What cannot happen to an invoice, as the refusal says it (translated where it is said).
DOING = {"changed": N_("changed"), "deleted": N_("deleted"), "issued": N_("issued")}


def locked_draft(session: Session, invoice_id: int, doing: str) -> Invoice:
    """Inside write_transaction: the invoice, locked, if it is still a draft; otherwise the
    truth about why `doing` (e.g. "changed") cannot happen."""
    invoice = lock(session, Invoice, invoice_id)
    if invoice is None:
        raise DomainError(
            _(
                "This draft invoice was deleted a moment ago, so it can no longer be %(doing)s.",
                doing=_(DOING.get(doing, doing)),
            )
        )
    if invoice.status != InvoiceStatus.DRAFT and doing == "issued":
        raise DomainError(_("This invoice has already been issued, as %(number)s.", number=invoice.number))
    if invoice.status != InvoiceStatus.DRAFT:
        raise DomainError(
            _(
                "This invoice has been issued as %(number)s, so it can no longer be %(doing)s. Use a credit "
                "note to correct it.",
                number=invoice.number,
                doing=_(DOING.get(doing, doing)),
            )
        )
    return invoice


def locked_issued(session: Session, invoice_id: int) -> Invoice:
    """Inside write_transaction: the issued invoice, locked, with its payments and credits
    re-read under the lock (what is owed and what is left to credit depend on them)."""
    invoice = lock(session, Invoice, invoice_id)
    if invoice is None:
        raise DomainError(_("This draft invoice was deleted a moment ago."))
    if invoice.status != InvoiceStatus.ISSUED:
        raise DomainError(_("This invoice has not been issued yet."))
    session.refresh(invoice, ["payments", "credit_notes"])
    return invoice


def retotal(session: Session, invoice: Invoice) -> None:
    for i, line in enumerate(invoice.lines):
        line.position = i
    invoice.net_pence, invoice.vat_pence, invoice.gross_pence = totals(
        invoice.lines, settings.get(session, K.VAT_REGISTERED)
    )


def add_line(
    session: Session,
    invoice_id: int,
    *,
    description: str,
    quantity_centi: int,
    unit_pence: int,
    vat_rate_bp: int,
) -> None:
    if not description.strip():
        raise DomainError(_("Describe the line."), field="description")
    if not 1 <= quantity_centi <= 1_000_000:
        raise DomainError(_("Enter a quantity between 0.01 and 10,000."), field="quantity")
    if not 0 <= unit_pence <= 10_000_000:
        raise DomainError(_("Enter a price between £0 and £100,000."), field="unit_price")
    if not 0 <= vat_rate_bp <= 10000:
        raise DomainError(_("Enter a VAT rate between 0 and 100%."), field="vat_rate")
    net = round_pence(Decimal(quantity_centi * unit_pence) / 100)
    with write_transaction(session):
        invoice = locked_draft(session, invoice_id, "changed")
        invoice.lines.append(
            InvoiceLine(
                kind=LineKind.EXTRA,
                description=description.strip()[:300],
                quantity_centi=quantity_centi,
                unit_pence=unit_pence,
                net_pence=net,
                vat_rate_bp=vat_rate_bp,
            )
        )
        retotal(session, invoice)


def add_discount(session: Session, invoice_id: int, *, percent: Decimal, description: str) -> None:
    """A discount of a percentage of each VAT rate's work, as negative lines (one per rate)."""
    if not Decimal(0) < percent <= Decimal(100):
        raise DomainError(_("Enter a discount between 0 and 100%."), field="percent")
    with write_transaction(session):
        invoice = locked_draft(session, invoice_id, "changed")
        by_rate: dict[int, int] = defaultdict(int)
        for line in invoice.lines:
            if line.kind != LineKind.DISCOUNT:
                by_rate[line.vat_rate_bp] += line.net_pence
        for rate, net in sorted(by_rate.items()):
            amount = apply_rate(net, percent)
            if amount > 0:
                invoice.lines.append(
                    InvoiceLine(
                        kind=LineKind.DISCOUNT,
                        description=(
                            description.strip() or _("Discount %(percent)s", percent=format_percent(percent))
                        )[:300],
                        quantity_centi=100,
                        unit_pence=-amount,
                        net_pence=-amount,
                        vat_rate_bp=rate,
                    )
                )
        retotal(session, invoice)


def remove_line(session: Session, invoice_id: int, line_id: int) -> None:
    with write_transaction(session):
        invoice = locked_draft(session, invoice_id, "changed")
        line = next((li for li in invoice.lines if li.id == line_id), None)
        if line is None:
            raise DomainError(_("That line has already been removed."))
        if line.kind in (LineKind.WORK, LineKind.CANCELLATION):
            raise DomainError(
                _("Work and fee lines come from the rota. Delete the draft to leave them for later.")
            )
        invoice.lines.remove(line)
        retotal(session, invoice)


def set_note(session: Session, invoice_id: int, note: str) -> None:
    with write_transaction(session):
        invoice = locked_draft(session, invoice_id, "changed")
        invoice.note = note.strip()[:1000]


def delete_draft(session: Session, invoice_id: int, *, actor_id: int) -> None:
    """Delete a draft: its work goes back to 'not invoiced' for the next run."""
    with write_transaction(session):
        invoice = locked_draft(session, invoice_id, "deleted")
        record(
            session,
            actor_id,
            "invoice.delete_draft",
            ("invoice", invoice.id),
            {"net_pence": invoice.net_pence, "client": invoice.client.name},
            {},
        )
        session.delete(invoice)
