"""Bank statements in, reconciled with the invoices.

A statement is read (coop.books.reading), and each credit line not seen before is kept with its
fingerprint; a line seen before (the same statement again, or an overlapping one) is counted and
skipped. Imports take one lock, so two at once cannot both add the same line. A coordinator
confirms a line (on one invoice, or split over several), which records its payments through the
invoicing payment rule in the same transaction that closes the line, or sets it aside as not a
client's payment. An open line stays listed until one of those happens."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coop.audit.service import record
from coop.books.matching import OpenInvoice, Suggestion, candidates, suggest
from coop.books.models import (
    FORMATS,
    BankLine,
    BankStatement,
    CsvLayout,
    LinePayment,
    LineStatus,
    StatementFormat,
)
from coop.books.reading import CsvColumns, fingerprint, read_statement
from coop.db import lock, serialize, write_transaction
from coop.errors import DomainError, NotFound
from coop.i18n import gettext as _
from coop.invoicing import service as invoicing
from coop.invoicing.models import Invoice, InvoiceStatus
from coop.money import format_pence
from coop.timeutil import utcnow


def layout_for(session: Session, bank: str) -> CsvLayout | None:
    return session.scalar(select(CsvLayout).where(CsvLayout.bank == _bank_name(bank)))


def _bank_name(bank: str) -> str:
    return " ".join(bank.split())[:80]


def import_statement(
    session: Session,
    data: bytes,
    *,
    fmt: str,
    bank: str,
    filename: str,
    actor_id: int,
    columns: CsvColumns | None = None,
) -> BankStatement:
    """Read a statement and keep its new credit lines. For CSV, `columns` (when given) become the
    bank's remembered layout; without them the bank's remembered layout is used."""
    bank = _bank_name(bank)
    if not bank:
        raise DomainError(_("Say which bank account this statement is from."), field="bank")
    if fmt not in FORMATS:
        raise DomainError(_("Choose the statement's format."), field="format")
    if fmt == StatementFormat.CSV and columns is None:
        layout = layout_for(session, bank)
        if layout is None:
            raise DomainError(
                _(
                    "This is the first CSV statement from %(bank)s: say which columns hold the date, the "
                    "amount paid in and the reference. They are remembered for next time.",
                    bank=bank,
                ),
                field="date_column",
            )
        columns = CsvColumns(
            layout.date_column, layout.amount_column, layout.reference_column, layout.payer_column
        )
    lines = read_statement(data, fmt, columns)  # before the transaction: it needs nothing stored
    seen: Counter[tuple[object, ...]] = Counter()
    prints = []
    for line in lines:
        key = (line.booked_on, line.amount_pence, line.payer_name, line.reference, line.bank_id)
        prints.append(fingerprint(bank, line, seen[key]))
        seen[key] += 1
    with write_transaction(session):
        serialize(session, "bank-import")  # two imports of one statement at once add it once
        if fmt == StatementFormat.CSV and columns is not None:
            _remember_layout_within(session, bank, columns)
        known = set()
        for start in range(0, len(prints), 500):
            known |= set(
                session.scalars(
                    select(BankLine.fingerprint).where(BankLine.fingerprint.in_(prints[start : start + 500]))
                )
            )
        statement = BankStatement(
            bank=bank,
            format=StatementFormat(fmt),
            filename=filename[:200],
            file_sha256=hashlib.sha256(data).hexdigest(),
            credit_lines=len(lines),
            uploaded_by_id=actor_id,
        )
        session.add(statement)
        session.flush()
        new = 0
        for line, print_ in zip(lines, prints, strict=True):
            if print_ in known:
                continue
            known.add(print_)
            session.add(
                BankLine(
                    statement_id=statement.id,
                    fingerprint=print_,
                    booked_on=line.booked_on,
                    amount_pence=line.amount_pence,
                    payer_name=line.payer_name,
                    reference=line.reference,
                )
            )
            new += 1
        statement.new_lines = new
    return statement


def _remember_layout_within(session: Session, bank: str, columns: CsvColumns) -> None:
    layout = session.scalar(select(CsvLayout).where(CsvLayout.bank == bank)) or CsvLayout(bank=bank)
    layout.date_column = columns.date[:80]
    layout.amount_column = columns.amount[:80]
    layout.reference_column = columns.reference[:80]
    layout.payer_column = columns.payer[:80]
    session.add(layout)


def statements(session: Session, limit: int = 50) -> list[BankStatement]:
    return list(session.scalars(select(BankStatement).order_by(BankStatement.id.desc()).limit(limit)))


def get_statement(session: Session, statement_id: int) -> BankStatement:
    statement = session.get(BankStatement, statement_id)
    if statement is None:
        raise NotFound(_("No such bank statement."))
    return statement


def get_line(session: Session, line_id: int) -> BankLine:
    line = session.get(BankLine, line_id)
    if line is None:
        raise NotFound(_("No such bank line."))
    return line


def open_lines(session: Session) -> list[BankLine]:
    """Every line not yet dealt with, from any statement, oldest first."""
    return list(
        session.scalars(
            select(BankLine)
            .where(BankLine.status == LineStatus.OPEN)
            .order_by(BankLine.booked_on, BankLine.id)
        )
    )


def open_line_count(session: Session) -> int:
    return session.scalar(select(func.count()).where(BankLine.status == LineStatus.OPEN)) or 0


def open_invoices(session: Session) -> list[OpenInvoice]:
    """Issued invoices with something left to pay, oldest first."""
    issued = session.scalars(
        select(Invoice).where(Invoice.status == InvoiceStatus.ISSUED).order_by(Invoice.id)
    )
    out = []
    for invoice in issued:
        balance = invoicing.balance_pence(invoice)
        if balance > 0 and invoice.number:
            out.append(
                OpenInvoice(
                    invoice.id,
                    invoice.number,
                    invoice.client_id,
                    invoice.client.name,
                    balance,
                    invoice.gross_pence,
                )
            )
    return out


@dataclass
class LineView:
    line: BankLine
    suggestion: Suggestion
    choices: list[OpenInvoice]


def reconcile_view(session: Session, lines: list[BankLine]) -> list[LineView]:
    """Each open line with its suggestion and the invoices to choose from."""
    invoices = open_invoices(session)
    return [
        LineView(
            line,
            suggest(line.amount_pence, line.payer_name, line.reference, invoices),
            candidates(line.payer_name, line.reference, invoices),
        )
        for line in lines
        if line.status == LineStatus.OPEN
    ]


def confirm_line(
    session: Session,
    line_id: int,
    allocations: list[tuple[int, int]],
    *,
    actor_id: int,
    today: date,
) -> list[str]:
    """Turn a bank line into payments: (invoice id, pence) for each invoice it pays, adding up to
    the line's amount. Each is recorded by the invoicing payment rule (more than an invoice owes
    is the client's credit), in one transaction with closing the line, which is locked first: a
    line confirmed twice at once becomes payments once. Returns the payment rule's warnings."""
    allocations = [(i, p) for i, p in allocations if i]
    if not allocations:
        raise DomainError(_("Choose the invoice this payment is for."), field="invoice_id")
    if any(p <= 0 for _invoice, p in allocations):
        raise DomainError(_("Each amount must be above zero."), field="amount")
    if len({i for i, _ in allocations}) != len(allocations):
        raise DomainError(_("Choose each invoice once."), field="invoice_id")
    with write_transaction(session):
        line = lock(session, BankLine, line_id)
        if line is None:
            raise NotFound(_("No such bank line."))
        if line.status != LineStatus.OPEN:
            raise DomainError(
                _("This payment has already been dealt with (a moment ago, perhaps by someone else).")
            )
        total = sum(p for _, p in allocations)
        if total != line.amount_pence:
            raise DomainError(
                _(
                    "The amounts add up to %(amount)s, but the bank received %(amount2)s. Make them add up.",
                    amount=format_pence(total),
                    amount2=format_pence(line.amount_pence),
                ),
                field="amount",
            )
        for _invoice_id, pence in allocations:
            invoicing.check_payment(
                paid_on=line.booked_on, amount_pence=pence, method="bank transfer", today=today
            )
        invoices = {i: invoicing.locked_issued(session, i) for i in sorted(i for i, _ in allocations)}
        warnings = []
        for invoice_id, pence in allocations:
            payment, warning = invoicing.record_payment_within(
                session,
                invoices[invoice_id],
                paid_on=line.booked_on,
                amount_pence=pence,
                method="bank transfer",
                reference=line.reference or line.payer_name,
                actor_id=actor_id,
            )
            session.add(LinePayment(line_id=line.id, payment_id=payment.id))
            if warning:
                warnings.append(f"{invoices[invoice_id].number}: {warning}")
        line.status = LineStatus.CONFIRMED
        line.dealt_at = utcnow()
        line.dealt_by_id = actor_id
        record(
            session,
            actor_id,
            "books.line_confirmed",
            ("bank_line", line.id),
            {},
            {"amount_pence": line.amount_pence, "payments": len(allocations)},
        )
    return warnings


def set_aside(session: Session, line_id: int, *, actor_id: int) -> None:
    """Mark a line as not a client's payment (bank interest, a grant, money moved between
    accounts): it leaves the list of lines to deal with and becomes no payment."""
    with write_transaction(session):
        line = lock(session, BankLine, line_id)
        if line is None:
            raise NotFound(_("No such bank line."))
        if line.status != LineStatus.OPEN:
            raise DomainError(
                _("This payment has already been dealt with (a moment ago, perhaps by someone else).")
            )
        line.status = LineStatus.SET_ASIDE
        line.dealt_at = utcnow()
        line.dealt_by_id = actor_id
        record(
            session,
            actor_id,
            "books.line_set_aside",
            ("bank_line", line.id),
            {},
            {"amount_pence": line.amount_pence},
        )
