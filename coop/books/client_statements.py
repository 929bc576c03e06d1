"""A client's statement of account for a period: what they owed at the start, each invoice,
credit note, payment (and payment reversed) and refund in the period in date order with the
running balance, what they owe at the end, and which invoices are overdue. Clients who ask for
it get last month's by email, once per month however often the job runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.bookings.models import Client
from coop.books.models import StatementSent
from coop.books.rendering import statement_pdf
from coop.db import serialize, write_transaction
from coop.errors import DomainError, NotFound
from coop.i18n import gettext as _
from coop.invoicing.models import CreditUse, CreditUseKind, Invoice, InvoiceStatus
from coop.invoicing.money_in import balance_pence
from coop.mail import service as mail
from coop.mail.readers import client_reading
from coop.money import format_pence
from coop.timeutil import last_month, to_london


@dataclass(frozen=True)
class Row:
    day: date
    what: str
    debit: int = 0  # adds to what the client owes
    credit: int = 0  # takes from it
    balance: int = 0


@dataclass
class Overdue:
    number: str
    due: date
    left: int


@dataclass
class ClientStatement:
    client: Client
    first: date
    last: date
    opening: int
    rows: list[Row] = field(default_factory=list)
    overdue: list[Overdue] = field(default_factory=list)

    @property
    def closing(self) -> int:
        return self.rows[-1].balance if self.rows else self.opening

    @property
    def overdue_pence(self) -> int:
        return sum(o.left for o in self.overdue)


def _movements(session: Session, client_id: int) -> list[tuple[date, int, str, int]]:
    """(day, order, words, pence owed: + more, - less) for everything that changes what the
    client owes. Credit applied from one of their invoices to another changes nothing in total."""
    out = []
    invoices = list(
        session.scalars(
            select(Invoice)
            .where(Invoice.client_id == client_id, Invoice.status == InvoiceStatus.ISSUED)
            .order_by(Invoice.sequence_number)
        )
    )
    for invoice in invoices:
        assert invoice.issue_date
        out.append(
            (invoice.issue_date, 0, _("Invoice %(number)s", number=invoice.number), invoice.gross_pence)
        )
        for note in invoice.credit_notes:
            out.append(
                (
                    note.issue_date,
                    1,
                    _("Credit note %(number)s (%(invoice)s)", number=note.number, invoice=invoice.number),
                    -note.gross_pence,
                )
            )
        for p in invoice.payments:
            out.append(
                (p.paid_on, 2, _("Payment, thank you (%(invoice)s)", invoice=invoice.number), -p.amount_pence)
            )
            if p.reversed_at is not None:
                out.append(
                    (
                        to_london(p.reversed_at).date(),
                        3,
                        _("Payment reversed (%(invoice)s)", invoice=invoice.number),
                        p.amount_pence,
                    )
                )
    ids = [i.id for i in invoices]
    if ids:
        for use in session.scalars(
            select(CreditUse).where(
                CreditUse.from_invoice_id.in_(ids), CreditUse.kind == CreditUseKind.REFUNDED
            )
        ):
            out.append((to_london(use.created_at).date(), 4, _("Credit refunded to you"), use.amount_pence))
    return sorted(out, key=lambda m: (m[0], m[1]))


def client_statement(session: Session, client_id: int, first: date, last: date) -> ClientStatement:
    if last < first:
        raise DomainError(_("The period must end on or after the day it starts."), field="period_end")
    if (last - first).days > 3660:
        raise DomainError(_("Choose a period of ten years or less."), field="period_start")
    client = session.get(Client, client_id)
    if client is None:
        raise NotFound(_("No such client."))
    movements = _movements(session, client_id)
    opening = sum(p for day, _, _, p in movements if day < first)
    statement = ClientStatement(client, first, last, opening)
    balance = opening
    for day, _order, what, pence in movements:
        if first <= day <= last:
            balance += pence
            statement.rows.append(Row(day, what, max(pence, 0), max(-pence, 0), balance))
    for invoice in session.scalars(
        select(Invoice)
        .where(
            Invoice.client_id == client_id, Invoice.status == InvoiceStatus.ISSUED, Invoice.due_date < last
        )
        .order_by(Invoice.due_date, Invoice.id)
    ):
        left = balance_pence(invoice)
        if left > 0 and invoice.due_date and invoice.number:
            statement.overdue.append(Overdue(invoice.number, invoice.due_date, left))
    return statement


def queue_monthly_statements(session: Session, today: date) -> int:
    """Email last month's statement to each active client who asked for one and had something
    on it (anything in the month, or something owed), at most once per client and month."""
    first, last = last_month(today)
    wanted = list(
        session.scalars(
            select(Client.id)
            .where(Client.active.is_(True), Client.statement_by_email.is_(True))
            .order_by(Client.id)
        )
    )
    sent = 0
    for client_id in wanted:
        with write_transaction(session):
            serialize(session, "client statements")
            done = session.scalar(
                select(StatementSent.id).where(
                    StatementSent.client_id == client_id, StatementSent.period_start == first
                )
            )
            statement = client_statement(session, client_id, first, last)
            if done is not None or (not statement.rows and statement.closing == 0):
                continue
            name = f"statement-{first:%Y-%m}.pdf"
            mail.queue(
                session,
                statement.client.billing_email,
                "client_statement",
                reader=client_reading(session, statement.client),
                attachments=[mail.Attachment(name, "application/pdf", statement_pdf(session, statement))],
                statement=statement,
                money=format_pence,
            )
            session.add(StatementSent(client_id=client_id, period_start=first, period_end=last))
            sent += 1
    return sent
