"""Money in: payments (reversible, never deleted), credit notes, a client's credit, and what is owed."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.audit.service import record
from coop.db import write_transaction
from coop.errors import DomainError, NotFound
from coop.i18n import gettext as _
from coop.invoicing import einvoice
from coop.invoicing.drafts import locked_issued
from coop.invoicing.issuing import credit_fingerprint, next_number, write_file
from coop.invoicing.models import (
    CreditNote,
    CreditUse,
    Invoice,
    InvoiceStatus,
    Payment,
)
from coop.mail import service as mail
from coop.mail.readers import client_reading
from coop.money import format_pence
from coop.settings import service as settings
from coop.settings.keys import K
from coop.timeutil import utcnow


def credited_pence(invoice: Invoice) -> int:
    return sum(c.gross_pence for c in invoice.credit_notes)


def paid_pence(invoice: Invoice) -> int:
    return invoice.paid_in_pence


def client_credit(session: Session, client_id: int) -> list[tuple[Invoice, int]]:
    """The client's credit: each issued invoice they have paid more than, with how much more."""
    invoices = session.scalars(
        select(Invoice)
        .where(Invoice.client_id == client_id, Invoice.status == InvoiceStatus.ISSUED)
        .order_by(Invoice.id)
    )
    return [(i, -balance_pence(i)) for i in invoices if balance_pence(i) < 0]


def use_credit(
    session: Session,
    invoice_id: int,
    *,
    amount_pence: int,
    to_invoice_id: int | None,
    reference: str,
    actor_id: int,
) -> CreditUse:
    """Put a client's overpayment on this invoice to use: apply it to another of their invoices
    (`to_invoice_id`), where it counts as paid, or refund it (None). Both invoices are locked (in
    id order) before what is left is worked out, so the same credit is never used twice."""
    if amount_pence <= 0:
        raise DomainError(_("Enter an amount above zero."), field="amount")
    if to_invoice_id == invoice_id:
        raise DomainError(_("Choose another invoice to apply the credit to."), field="to_invoice_id")
    with write_transaction(session):
        ids = sorted({invoice_id} | ({to_invoice_id} if to_invoice_id is not None else set()))
        locked = {i: locked_issued(session, i) for i in ids}
        source = locked[invoice_id]
        credit = -balance_pence(source)
        if credit <= 0:
            raise DomainError(
                _("There is no credit left on this invoice: it was used a moment ago, or never paid over.")
            )
        if amount_pence > credit:
            raise DomainError(
                _("The client has %(amount)s of credit on this invoice.", amount=format_pence(credit)),
                field="amount",
            )
        if to_invoice_id is not None:
            target = locked[to_invoice_id]
            if target.client_id != source.client_id:
                raise DomainError(
                    _("Credit can only go to the same client's invoices."), field="to_invoice_id"
                )
            owing = balance_pence(target)
            if amount_pence > owing:
                raise DomainError(
                    _(
                        "%(number)s has %(amount)s left to pay: apply at most that.",
                        number=target.number,
                        amount=format_pence(max(owing, 0)),
                    ),
                    field="amount",
                )
        use = CreditUse(
            from_invoice_id=source.id,
            to_invoice_id=to_invoice_id,
            kind="applied" if to_invoice_id is not None else "refunded",
            amount_pence=amount_pence,
            reference=reference.strip()[:100],
            created_by_id=actor_id,
        )
        session.add(use)
        settle(session, *locked.values())
        record(
            session,
            actor_id,
            "invoice.credit_" + use.kind,
            ("invoice", source.number),
            {"credit_pence": credit},
            {"amount_pence": amount_pence, "to": locked[to_invoice_id].number if to_invoice_id else "refund"},
        )
    return use


def settle(session: Session, *invoices: Invoice) -> None:
    """Part of every payment and credit rule, inside its write transaction after its rows are
    written: each invoice's stored `owing` is made what its records now say (Invoice.owes_now),
    so the overdue count reads the invoices still owing rather than every invoice's money in."""
    session.flush()
    for invoice in invoices:
        session.expire(invoice, ["payments", "credit_notes", "credit_used", "credit_applied"])
        invoice.owing = invoice.owes_now


def balance_pence(invoice: Invoice) -> int:
    return invoice.gross_pence - credited_pence(invoice) - paid_pence(invoice)


def display_status(invoice: Invoice, today: date) -> str:
    """draft, issued, part-paid, paid, overdue or credited."""
    if invoice.status == InvoiceStatus.DRAFT:
        return "draft"
    if credited_pence(invoice) >= invoice.gross_pence:
        return "credited"
    balance = balance_pence(invoice)
    if balance <= 0:
        return "paid"
    if invoice.due_date and today > invoice.due_date:
        return "overdue"
    return "part-paid" if paid_pence(invoice) > 0 else "issued"


PAYMENT_METHODS = ("bank transfer", "cheque", "cash", "card", "other")


def check_payment(*, paid_on: date, amount_pence: int, method: str, today: date) -> None:
    """What a payment must be before anything is locked: above zero, not in the future, a known method."""
    if amount_pence <= 0 or amount_pence > 100_000_000:
        raise DomainError(_("Enter an amount above zero."), field="amount")
    if paid_on > today:
        raise DomainError(_("The payment date cannot be in the future."), field="paid_on")
    if method not in PAYMENT_METHODS:
        raise DomainError(_("Choose how it was paid."), field="method")


def record_payment(
    session: Session,
    invoice: Invoice,
    *,
    paid_on: date,
    amount_pence: int,
    method: str,
    reference: str,
    actor_id: int,
    today: date,
) -> str:
    """Record money received. More than the balance is kept as credit, with a warning."""
    check_payment(paid_on=paid_on, amount_pence=amount_pence, method=method, today=today)
    invoice_id = invoice.id
    with write_transaction(session):
        invoice = locked_issued(session, invoice_id)
        _payment, warning = record_payment_within(
            session,
            invoice,
            paid_on=paid_on,
            amount_pence=amount_pence,
            method=method,
            reference=reference,
            actor_id=actor_id,
        )
    return warning


def record_payment_within(
    session: Session,
    invoice: Invoice,
    *,
    paid_on: date,
    amount_pence: int,
    method: str,
    reference: str,
    actor_id: int,
) -> tuple[Payment, str]:
    """The payment rule, inside the caller's write transaction, on an invoice it has locked
    (`locked_issued`) and checked with `check_payment`: the payment counts towards the balance,
    anything over the balance is the client's credit (the warning says so), and it is audited."""
    balance = balance_pence(invoice)
    payment = Payment(
        invoice=invoice,
        paid_on=paid_on,
        amount_pence=amount_pence,
        method=method,
        reference=reference.strip()[:100],
        created_by_id=actor_id,
    )
    session.add(payment)
    settle(session, invoice)
    record(
        session,
        actor_id,
        "invoice.payment",
        ("invoice", invoice.number),
        {"balance_pence": balance},
        {"balance_pence": balance - amount_pence, "amount_pence": amount_pence},
    )
    if amount_pence > balance:
        return payment, (
            _(
                "That is %(amount)s more than was owed. "
                "It is recorded, and the client is in credit by that much.",
                amount=format_pence(amount_pence - balance),
            )
        )
    return payment, ""


def reverse_payment(
    session: Session, invoice: Invoice, payment_id: int, *, reason: str, actor_id: int
) -> None:
    """Undo a payment recorded by mistake (wrong invoice, wrong amount, a bounced cheque). It is
    kept, marked reversed with the reason, and no longer counts towards the balance."""
    if not reason.strip():
        raise DomainError(_("Say why this payment is being reversed."), field="reason")
    invoice_id = invoice.id
    with write_transaction(session):
        invoice = locked_issued(session, invoice_id)
        payment = next((p for p in invoice.payments if p.id == payment_id), None)
        if payment is None:
            raise NotFound(_("No such payment on this invoice."))
        if not payment.counts:
            raise DomainError(_("This payment has already been reversed."))
        balance = balance_pence(invoice)
        if invoice.credit_used and balance + payment.amount_pence > 0:
            raise DomainError(
                _(
                    "Part of this payment is credit the client has already used (applied to another "
                    "invoice or refunded), so it cannot be reversed on its own. Correct that first."
                )
            )
        payment.reversed_at = utcnow()
        payment.reversed_by_id = actor_id
        payment.reversal_reason = reason.strip()[:500]
        settle(session, invoice)
        record(
            session,
            actor_id,
            "invoice.payment_reversed",
            ("invoice", invoice.number),
            {"balance_pence": balance},
            {
                "balance_pence": balance + payment.amount_pence,
                "amount_pence": payment.amount_pence,
                "reason": payment.reversal_reason,
            },
        )


def credit_note(
    session: Session,
    invoice: Invoice,
    *,
    gross_pence: int,
    reason: str,
    today: date,
    render: Callable[[CreditNote], bytes],
    invoice_dir: Path,
    actor_id: int,
) -> CreditNote:
    """A credit note against an issued invoice, for up to what is left uncredited, issued as a
    PDF/A-3 with its EN 16931 XML (type 381) inside. It falls across the invoice's VAT rates in
    proportion (einvoice.credit_split), each rate's VAT worked out as on the invoice, so its gross
    can differ from the amount asked by a penny. What is left is worked out holding the
    invoice's lock, so parallel credit notes can never credit more than was invoiced."""
    if not reason.strip():
        raise DomainError(_("Say why the invoice is being corrected."), field="reason")
    invoice_id = invoice.id
    with write_transaction(session):
        invoice = locked_issued(session, invoice_id)
        left = invoice.gross_pence - credited_pence(invoice)
        if left <= 0:
            raise DomainError(_("This invoice has already been credited in full."), field="amount")
        if not 0 < gross_pence <= left:
            raise DomainError(
                _("Enter an amount between 1p and %(amount)s.", amount=format_pence(left)), field="amount"
            )
        # The amount asked, or a penny either side where its VAT rates cannot make it exactly.
        for candidate in (gross_pence, gross_pence - 1, gross_pence + 1):
            split = einvoice.credit_split(invoice, candidate)
            if 0 < candidate <= left and sum(n + v for n, v in split.values()) == candidate:
                break
        else:
            raise DomainError(
                _("Enter an amount a penny or two different: this one cannot be split by VAT rate.")
            )
        net = sum(n for n, _ in split.values())
        vat = sum(v for _, v in split.values())
        n = next_number(session, "credit_note")
        note = CreditNote(
            invoice_id=invoice.id,
            sequence_number=n,
            number=f"{settings.get(session, K.CREDIT_NOTE_PREFIX)}{n:05d}",
            issue_date=today,
            reason=reason.strip()[:1000],
            net_pence=net,
            vat_pence=vat,
            gross_pence=net + vat,
        )
        session.add(note)
        session.flush()
        note.content_sha256 = credit_fingerprint(note)
        note.pdf_path = f"{note.number}.pdf"
        pdf = einvoice.embed(render(note), einvoice.credit_note_xml(note))
        note.pdf_sha256 = write_file(invoice_dir, note.pdf_path, pdf)
        settle(session, invoice)
        supplier = json.loads(invoice.supplier_json or "{}")
        mail.queue(
            session,
            invoice.client.billing_email,
            "credit_note_issued",
            reader=client_reading(session, invoice.client),
            attachments=[mail.Attachment(f"{note.number}.pdf", "application/pdf", pdf)],
            reply_to=supplier.get("email", ""),
            supplier=supplier,
            note=note,
            invoice=invoice,
            money=format_pence,
        )
        record(
            session,
            actor_id,
            "invoice.credit_note",
            ("invoice", invoice.number),
            {},
            {"credit_note": note.number, "gross_pence": note.gross_pence},
        )
    return note


def get_credit_note(session: Session, note_id: int, *, client_id: int | None = None) -> CreditNote:
    note = session.get(CreditNote, note_id)
    if note is None or (client_id is not None and note.invoice.client_id != client_id):
        raise NotFound(_("No such credit note."))
    return note
