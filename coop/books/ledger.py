"""The accountant's journal for a period, read from the records: invoices issued, credit notes,
payments received and reversed, credit refunded, and finalised pay runs (by pay date). Each
becomes an entry through `coop.books.journal`; the chart of accounts is the `account_*`
settings. Reads only."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from coop.bookings.models import Service
from coop.books.journal import (
    ACCOUNT_TYPES,
    Entry,
    credit_note_entry,
    invoice_entry,
    pay_run_entry,
    payment_entry,
    refund_entry,
)
from coop.errors import DomainError
from coop.governance.models import SurplusShare
from coop.i18n import gettext as _
from coop.invoicing.models import CreditNote, CreditUse, CreditUseKind, Invoice, InvoiceStatus, Payment
from coop.invoicing.totals import vat_summary
from coop.pay.models import PayLine, PayLineKind, PayRun, PayRunStatus, PayStatement
from coop.settings import service as settings
from coop.settings.chart import CHART_OF_ACCOUNTS
from coop.timeutil import london_days_utc, to_london

OTHER_SALES = "Other sales"
DISCOUNTS = "Discounts"


@dataclass(frozen=True)
class Account:
    key: str
    code: str
    name: str

    @property
    def kind(self) -> str:
        return ACCOUNT_TYPES[self.key]


def chart(session: Session, on: date) -> dict[str, Account]:
    """The chart of accounts in force on a day: each account's code (the first word of its
    setting) and name (the rest)."""
    out = {}
    for key in ACCOUNT_TYPES:
        text = settings.get(session, CHART_OF_ACCOUNTS[key][0], on).strip()
        code, _space, name = text.partition(" ")
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9.\-]{0,19}", code):
            raise DomainError(
                _(
                    "The account setting for %(account)s must start with its code, like “1200 Bank current "
                    "account”. It is “%(value)s”. Change it under Settings.",
                    account=key.replace("_", " "),
                    value=text[:60],
                )
            )
        out[key] = Account(key, code, name.strip() or code)
    return out


def _service_of(description: str, kind: str, services: list[str]) -> str:
    """Which service an invoice line sold: the lines an invoice run makes start with the service's
    name (a cancellation fee's after "Cancellation fee: "); lines added by hand are other sales."""
    if kind == "discount":
        return DISCOUNTS
    text = description.removeprefix("Cancellation fee: ")
    for name in services:  # longest first, so "Garden" never takes "Garden clearance"
        if text.startswith(name):
            return name
    return OTHER_SALES


def _invoice(invoice: Invoice, services: list[str]) -> Entry:
    registered = bool(json.loads(invoice.supplier_json or "{}").get("vat_registered"))
    sales: dict[tuple[str, int], int] = {}
    for line in invoice.lines:
        rate = line.vat_rate_bp if registered else 0
        key = (_service_of(line.description, line.kind, services), rate)
        sales[key] = sales.get(key, 0) + line.net_pence
    vat = {rate: v for rate, (_, v) in vat_summary(invoice.lines, registered).items()}
    assert invoice.issue_date and invoice.number
    return invoice_entry(invoice.issue_date, invoice.number, invoice.client.name, sales, vat)


def journal(session: Session, first: date, last: date) -> list[Entry]:
    """Every entry dated from `first` to `last` (London days), in date order."""
    if last < first:
        raise DomainError(_("The period must end on or after the day it starts."), field="period_end")
    services = sorted(session.scalars(select(Service.name)), key=len, reverse=True)
    start, end = london_days_utc(first, last)
    entries: list[Entry] = []
    for invoice in session.scalars(
        select(Invoice)
        .where(Invoice.status == InvoiceStatus.ISSUED, Invoice.issue_date.between(first, last))
        .order_by(Invoice.sequence_number)
    ):
        entries.append(_invoice(invoice, services))
    for note in session.scalars(
        select(CreditNote)
        .where(CreditNote.issue_date.between(first, last))
        .order_by(CreditNote.sequence_number)
    ):
        inv = note.invoice
        entries.append(
            credit_note_entry(
                note.issue_date,
                note.number,
                inv.number or "",
                inv.client.name,
                note.net_pence,
                note.vat_pence,
            )
        )
    for payment in session.scalars(
        select(Payment)
        .where(
            or_(
                Payment.paid_on.between(first, last),
                and_(Payment.reversed_at >= start, Payment.reversed_at < end),
            )
        )
        .order_by(Payment.id)
    ):
        inv = payment.invoice
        if first <= payment.paid_on <= last:
            entries.append(
                payment_entry(payment.paid_on, inv.number or "", inv.client.name, payment.amount_pence)
            )
        if payment.reversed_at is not None:
            day = to_london(payment.reversed_at).date()
            if first <= day <= last:
                entries.append(
                    payment_entry(
                        day, inv.number or "", inv.client.name, payment.amount_pence, reversed_=True
                    )
                )
    for use in session.scalars(
        select(CreditUse)
        .where(
            CreditUse.kind == CreditUseKind.REFUNDED,
            CreditUse.created_at >= start,
            CreditUse.created_at < end,
        )
        .order_by(CreditUse.id)
    ):
        source = session.get(Invoice, use.from_invoice_id)
        assert source is not None
        entries.append(
            refund_entry(
                to_london(use.created_at).date(), source.number or "", source.client.name, use.amount_pence
            )
        )
    shares = set(
        session.scalars(select(SurplusShare.adjustment_id).where(SurplusShare.adjustment_id.is_not(None)))
    )
    for run in session.scalars(
        select(PayRun)
        .where(PayRun.status == PayRunStatus.FINALISED, PayRun.pay_date.between(first, last))
        .order_by(PayRun.id)
    ):
        parts: dict[str, int] = {}
        for line in session.scalars(
            select(PayLine).join(PayStatement).where(PayStatement.pay_run_id == run.id)
        ):
            account = _pay_account(line, shares)
            parts[account] = parts.get(account, 0) + line.amount_pence
        reference = f"{run.period_start:%d/%m/%Y}-{run.period_end:%d/%m/%Y}"
        entries.append(pay_run_entry(run.pay_date, reference, parts))
    entries.sort(key=lambda e: (e.day, _ORDER[e.kind]))
    return entries


_ORDER = {"invoice": 0, "credit_note": 1, "payment": 2, "payment_reversed": 3, "refund": 4, "pay_run": 5}


def _pay_account(line: PayLine, shares: set[int | None]) -> str:
    if line.kind == PayLineKind.HOLIDAY:
        return "holiday_pay"
    if line.kind == PayLineKind.EXPENSE:
        return "expenses"
    if line.kind == PayLineKind.ADJUSTMENT and line.adjustment_id in shares:
        return "surplus"
    return "wages"
