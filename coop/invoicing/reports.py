"""Reading invoices: lists by status, overdue ones, aged debtors, and the CSV exports."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, lazyload, selectinload

from coop.audit.service import record
from coop.bookings.models import Client
from coop.db import write_transaction
from coop.documents import csv_text
from coop.errors import NotFound
from coop.i18n import gettext as _
from coop.invoicing.models import (
    CreditNote,
    CreditUse,
    Invoice,
    InvoiceStatus,
    Payment,
)
from coop.invoicing.money_in import balance_pence, credited_pence, display_status, paid_pence
from coop.money import plain_pounds
from coop.timeutil import to_london, today_london

STATUSES = ("draft", "issued", "part-paid", "paid", "overdue", "credited")


def _money_in() -> tuple[Any, Any]:
    """Scalar subqueries: what has been paid on, and credited against, the invoice in the row."""
    payments = (
        select(func.coalesce(func.sum(Payment.amount_pence), 0))
        .where(Payment.invoice_id == Invoice.id, Payment.reversed_at.is_(None))
        .scalar_subquery()
    )
    applied = (
        select(func.coalesce(func.sum(CreditUse.amount_pence), 0))
        .where(CreditUse.to_invoice_id == Invoice.id)
        .scalar_subquery()
    )
    used = (
        select(func.coalesce(func.sum(CreditUse.amount_pence), 0))
        .where(CreditUse.from_invoice_id == Invoice.id)
        .scalar_subquery()
    )
    paid = payments + applied - used  # as paid_pence(invoice)
    credited = (
        select(func.coalesce(func.sum(CreditNote.gross_pence), 0))
        .where(CreditNote.invoice_id == Invoice.id)
        .scalar_subquery()
    )
    return paid, credited


def _status_where(status: str, today: date) -> list[Any]:
    """SQL for display_status(invoice, today) == status (see display_status for the rules)."""
    if status == "draft":
        return [Invoice.status == InvoiceStatus.DRAFT]
    if status == "overdue":
        return _overdue_where(today)
    paid, credited = _money_in()
    issued = Invoice.status == InvoiceStatus.ISSUED
    owing = Invoice.gross_pence - credited - paid > 0
    not_credited = credited < Invoice.gross_pence
    not_due = or_(Invoice.due_date.is_(None), Invoice.due_date >= today)
    if status == "credited":
        return [issued, credited >= Invoice.gross_pence]
    if status == "paid":
        return [issued, not_credited, Invoice.gross_pence - credited - paid <= 0]
    if status == "part-paid":
        return [issued, not_credited, owing, not_due, paid > 0]
    if status == "issued":
        return [issued, not_credited, owing, not_due, paid == 0]
    return []


def list_invoices(
    session: Session,
    *,
    client_id: int | None = None,
    status: str | None = None,
    issued_only: bool = False,
    limit: int = 200,
    offset: int = 0,
    today: date | None = None,
    business_ids: Collection[int] | None = None,
) -> list[Invoice]:
    """Newest first, filtered by the status people see (by the database), without their lines;
    with `business_ids`, only those businesses' invoices."""
    stmt = (
        select(Invoice)
        .options(
            lazyload(Invoice.lines),
            # What the balance needs, without the invoices each credit use points back to.
            selectinload(Invoice.credit_used).lazyload("*"),
            selectinload(Invoice.credit_applied).lazyload("*"),
        )
        .order_by(Invoice.issue_date.desc().nulls_first(), Invoice.id.desc())
        .limit(limit)
        .offset(offset)
    )
    if client_id is not None:
        stmt = stmt.where(Invoice.client_id == client_id)
    if business_ids is not None:
        stmt = stmt.where(Invoice.business_id.in_(business_ids))
    if issued_only:
        stmt = stmt.where(Invoice.status == InvoiceStatus.ISSUED)
    if status in STATUSES:
        stmt = stmt.where(*_status_where(status, today or today_london()))
    return list(session.scalars(stmt))


def _overdue_where(today: date) -> list[Any]:
    """Issued, past its due date, not wholly credited and with something still to pay: the same
    test as display_status(...) == "overdue". Whether it still owes is stored with the money in
    (Invoice.owing, kept by money_in.settle), so this reads the invoices still owing by due date
    (a partial index) rather than adding up every invoice's payments and credits."""
    return [Invoice.owing, Invoice.status == InvoiceStatus.ISSUED, Invoice.due_date < today]


def _overdue(columns: Any, today: date) -> Any:
    return select(columns).select_from(Invoice).where(*_overdue_where(today))


def overdue_by_business(session: Session, today: date) -> dict[int, int]:
    """How many invoices are overdue today, per business id."""
    out: dict[int, int] = {}
    for business_id in session.scalars(_overdue(Invoice.business_id, today)):
        out[business_id] = out.get(business_id, 0) + 1
    return out


def overdue(session: Session, today: date) -> list[Invoice]:
    return list(session.scalars(_overdue(Invoice, today).order_by(Invoice.due_date)))


def overdue_count(session: Session, today: date, business_ids: Collection[int] | None = None) -> int:
    stmt = _overdue(func.count(), today)
    if business_ids is not None:
        stmt = stmt.where(Invoice.business_id.in_(business_ids))
    return session.scalar(stmt) or 0


@dataclass(frozen=True)
class DebtorRow:
    client: Client
    buckets: tuple[int, int, int, int, int]  # not due, 1-30, 31-60, 61-90, over 90 days late

    @property
    def total(self) -> int:
        return sum(self.buckets)


def aged_debtors(session: Session, today: date) -> list[DebtorRow]:
    rows: dict[int, list[int]] = {}
    clients: dict[int, Client] = {}
    for invoice in session.scalars(select(Invoice).where(Invoice.status == InvoiceStatus.ISSUED)):
        balance = balance_pence(invoice)
        if balance <= 0 or invoice.due_date is None:
            continue
        late = (today - invoice.due_date).days
        bucket = 0 if late <= 0 else 1 if late <= 30 else 2 if late <= 60 else 3 if late <= 90 else 4
        rows.setdefault(invoice.client_id, [0, 0, 0, 0, 0])[bucket] += balance
        clients[invoice.client_id] = invoice.client
    return sorted(
        (DebtorRow(clients[cid], (b[0], b[1], b[2], b[3], b[4])) for cid, b in rows.items()),
        key=lambda r: -r.total,
    )


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    return csv_text([header, *rows])


def export_invoices(session: Session, today: date) -> str:
    invoices = session.scalars(
        select(Invoice).where(Invoice.status == InvoiceStatus.ISSUED).order_by(Invoice.sequence_number)
    )
    return _csv(
        [
            "Number",
            "Issue date",
            "Due date",
            "Client",
            "Net",
            "VAT",
            "Gross",
            "Paid",
            "Credited",
            "Balance",
            "Status",
        ],
        [
            [
                i.number,
                i.issue_date,
                i.due_date,
                i.client.name,
                plain_pounds(i.net_pence),
                plain_pounds(i.vat_pence),
                plain_pounds(i.gross_pence),
                plain_pounds(paid_pence(i)),
                plain_pounds(credited_pence(i)),
                plain_pounds(balance_pence(i)),
                display_status(i, today),
            ]
            for i in invoices
        ],
    )


def export_credit_notes(session: Session) -> str:
    notes = session.scalars(select(CreditNote).order_by(CreditNote.sequence_number))
    return _csv(
        ["Number", "Date", "Invoice", "Client", "Net", "VAT", "Gross", "Reason"],
        [
            [
                c.number,
                c.issue_date,
                c.invoice.number,
                c.invoice.client.name,
                plain_pounds(c.net_pence),
                plain_pounds(c.vat_pence),
                plain_pounds(c.gross_pence),
                c.reason,
            ]
            for c in notes
        ],
    )


def export_payments(session: Session) -> str:
    payments = session.scalars(select(Payment).order_by(Payment.paid_on, Payment.id))
    return _csv(
        ["Date", "Invoice", "Client", "Amount", "Method", "Reference", "Reversed", "Reversal reason"],
        [
            [
                p.paid_on,
                p.invoice.number,
                p.invoice.client.name,
                plain_pounds(p.amount_pence),
                p.method,
                p.reference,
                to_london(p.reversed_at).date() if p.reversed_at else "",
                p.reversal_reason,
            ]
            for p in payments
        ],
    )


def export_csv(session: Session, kind: str, *, actor_id: int, today: date) -> str:
    """One of the accountant's CSV files, its download audit-logged (money leaving the system)."""
    makers = {
        "invoices": lambda: export_invoices(session, today),
        "credit-notes": lambda: export_credit_notes(session),
        "payments": lambda: export_payments(session),
    }
    if kind not in makers:
        raise NotFound(_("No such export."))
    body = makers[kind]()
    with write_transaction(session):
        record(session, actor_id, f"export.{kind}", ("export", kind))
    return body
