"""Invoicing: invoice runs, editing drafts, issuing under a gapless number, PDFs that never
change (checked by SHA-256), credit notes, payments, reminders, exports and aged debtors."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import multiprocessing
import os
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, lazyload

from coop.audit.service import record
from coop.bookings.models import Booking, BookingEvent, BookingStatus, Client, Shift, ShiftStatus
from coop.bookings.service import complete_finished_bookings
from coop.db import lock, serialize, write_transaction
from coop.errors import DomainError, NotFound
from coop.invoicing import einvoice, sending
from coop.invoicing.models import (
    CreditNote,
    CreditUse,
    Invoice,
    InvoicedItem,
    InvoiceLine,
    NumberSequence,
    Payment,
)
from coop.invoicing.totals import totals
from coop.money import apply_rate, format_pence, round_pence
from coop.rota.models import Assignment
from coop.settings import service as settings
from coop.timesheets.models import TimesheetEntry, TimesheetStatus
from coop.timeutil import format_dt, london_to_utc, to_london, today_london, utcnow

RenderHtml = Callable[[Invoice], str]
DAY = "%a %-d %b %Y"


class TamperedError(DomainError):
    """The file on disk is not the one that was issued."""


# --- runs ----------------------------------------------------------------------------------------


@dataclass
class _Work:
    shift: Shift
    entries: list[TimesheetEntry]

    @property
    def minutes(self) -> int:
        return sum(e.worked_minutes for e in self.entries)


def _uninvoiced_work(session: Session, until: datetime) -> dict[int, list[_Work]]:
    billed = select(InvoicedItem.timesheet_id).where(InvoicedItem.timesheet_id.is_not(None))
    rows = session.execute(
        select(TimesheetEntry, Shift)
        .join(Assignment, Assignment.id == TimesheetEntry.assignment_id)
        .join(Shift, Shift.id == Assignment.shift_id)
        .where(
            TimesheetEntry.status == TimesheetStatus.APPROVED,
            Shift.starts_at < until,
            TimesheetEntry.id.not_in(billed),
        )
        .order_by(Shift.starts_at, Shift.id)
    ).all()
    by_shift: dict[int, _Work] = {}
    for entry, shift in rows:
        by_shift.setdefault(shift.id, _Work(shift, [])).entries.append(entry)
    by_client: dict[int, list[_Work]] = defaultdict(list)
    for work in by_shift.values():
        by_client[work.shift.client_id].append(work)
    return by_client


def _uninvoiced_fees(session: Session, until: datetime) -> dict[int, list[Shift]]:
    billed = select(InvoicedItem.fee_shift_id).where(InvoicedItem.fee_shift_id.is_not(None))
    shifts = session.scalars(
        select(Shift)
        .where(
            Shift.status == ShiftStatus.CANCELLED,
            Shift.cancellation_fee_pence > 0,
            Shift.cancelled_at < until,
            Shift.id.not_in(billed),
        )
        .order_by(Shift.starts_at)
    )
    by_client: dict[int, list[Shift]] = defaultdict(list)
    for s in shifts:
        by_client[s.client_id].append(s)
    return by_client


def _work_lines(client: Client, works: list[_Work], registered: bool) -> list[InvoiceLine]:
    def vat(rate: int) -> int:
        return rate if registered else 0

    if client.invoice_grouping == "service":
        grouped: dict[int, list[_Work]] = defaultdict(list)
        for w in works:
            grouped[w.shift.service_id].append(w)
        lines = []
        for group in grouped.values():
            svc = group[0].shift.service
            minutes = sum(w.minutes for w in group)
            lines.append(
                InvoiceLine(
                    kind="work",
                    description=f"{svc.name}: {len(group)} visit(s)",
                    quantity_centi=round(minutes * 100 / 60),
                    minutes=minutes,
                    unit_pence=svc.charge_pence_per_hour,
                    net_pence=round_pence(Decimal(minutes * svc.charge_pence_per_hour) / 60),
                    vat_rate_bp=vat(svc.vat_rate_bp),
                    supply_date=to_london(group[-1].shift.starts_at).date(),
                )
            )
        return lines
    return [
        InvoiceLine(
            kind="work",
            description=(
                f"{w.shift.service.name}, {format_dt(w.shift.starts_at, '%a %-d %b %Y')}, "
                f"{len(w.entries)} worker(s)"
            ),
            quantity_centi=round(w.minutes * 100 / 60),
            minutes=w.minutes,
            unit_pence=w.shift.service.charge_pence_per_hour,
            net_pence=round_pence(Decimal(w.minutes * w.shift.service.charge_pence_per_hour) / 60),
            vat_rate_bp=vat(w.shift.service.vat_rate_bp),
            supply_date=to_london(w.shift.starts_at).date(),
        )
        for w in works
    ]


def invoice_run(
    session: Session,
    period_start: date,
    period_end: date,
    *,
    progress: Callable[[int], None] | None = None,
    actor_id: int | None = None,
) -> list[Invoice]:
    """One draft invoice per client for approved, not yet invoiced work on shifts up to the end
    of the period (earlier stragglers included), with cancellation fees due."""
    if period_end < period_start:
        raise DomainError("The period must end after it starts.", field="period_end")
    registered = settings.get(session, "vat_registered")
    until = london_to_utc(period_end + timedelta(days=1), time(0))
    with write_transaction(session):
        serialize(session, "invoice_run")  # what is "not yet invoiced" is decided under the lock
        work = _uninvoiced_work(session, until)
        fees = _uninvoiced_fees(session, until)
        client_ids = sorted(set(work) | set(fees))
        invoices = []
        for client_id in client_ids:
            client = session.get(Client, client_id)
            assert client is not None
            lines = _work_lines(client, work.get(client_id, []), registered)
            for s in fees.get(client_id, []):
                lines.append(
                    InvoiceLine(
                        kind="cancellation",
                        description=f"Cancellation fee: {s.service.name}, {format_dt(s.starts_at, DAY)}",
                        quantity_centi=100,
                        unit_pence=s.cancellation_fee_pence,
                        net_pence=s.cancellation_fee_pence,
                        vat_rate_bp=s.service.vat_rate_bp if registered else 0,
                        supply_date=to_london(s.starts_at).date(),
                    )
                )
            for i, line in enumerate(lines):
                line.position = i
            invoice = Invoice(
                client_id=client_id, period_start=period_start, period_end=period_end, lines=lines
            )
            invoice.net_pence, invoice.vat_pence, invoice.gross_pence = totals(lines, registered)
            session.add(invoice)
            session.flush()
            for w in work.get(client_id, []):
                session.add_all(InvoicedItem(invoice_id=invoice.id, timesheet_id=e.id) for e in w.entries)
            session.add_all(
                InvoicedItem(invoice_id=invoice.id, fee_shift_id=s.id) for s in fees.get(client_id, [])
            )
            invoices.append(invoice)
            if progress:
                progress(1)
        if invoices:
            record(
                session,
                actor_id,
                "invoice.run",
                ("invoice_run", f"{period_start}..{period_end}"),
                {},
                {"drafts": len(invoices), "net_pence": sum(i.net_pence for i in invoices)},
            )
    return invoices


def pending_clients(session: Session, period_end: date) -> int:
    """How many clients an invoice run up to this date would invoice (for a progress bar)."""
    until = london_to_utc(period_end + timedelta(days=1), time(0))
    return len(set(_uninvoiced_work(session, until)) | set(_uninvoiced_fees(session, until)))


# --- drafts ------------------------------------------------------------------------------------------


def get_invoice(session: Session, invoice_id: int, *, client_id: int | None = None) -> Invoice:
    """An invoice; with client_id, another client's invoice (or a draft) is NotFound."""
    invoice = session.get(Invoice, invoice_id)
    if invoice is None or (
        client_id is not None and (invoice.client_id != client_id or invoice.status == "draft")
    ):
        raise NotFound("No such invoice.")
    return invoice


def _locked_draft(session: Session, invoice_id: int, doing: str) -> Invoice:
    """Inside write_transaction: the invoice, locked, if it is still a draft; otherwise the
    truth about why `doing` (e.g. "changed") cannot happen."""
    invoice = lock(session, Invoice, invoice_id)
    if invoice is None:
        raise DomainError(f"This draft invoice was deleted a moment ago, so it can no longer be {doing}.")
    if invoice.status != "draft" and doing == "issued":
        raise DomainError(f"This invoice has already been issued, as {invoice.number}.")
    if invoice.status != "draft":
        raise DomainError(
            f"This invoice has been issued as {invoice.number}, so it can no longer be {doing}. "
            "Use a credit note to correct it."
        )
    return invoice


def _locked_issued(session: Session, invoice_id: int) -> Invoice:
    """Inside write_transaction: the issued invoice, locked, with its payments and credits
    re-read under the lock (what is owed and what is left to credit depend on them)."""
    invoice = lock(session, Invoice, invoice_id)
    if invoice is None:
        raise DomainError("This draft invoice was deleted a moment ago.")
    if invoice.status != "issued":
        raise DomainError("This invoice has not been issued yet.")
    session.refresh(invoice, ["payments", "credit_notes"])
    return invoice


def _retotal(session: Session, invoice: Invoice) -> None:
    for i, line in enumerate(invoice.lines):
        line.position = i
    invoice.net_pence, invoice.vat_pence, invoice.gross_pence = totals(
        invoice.lines, settings.get(session, "vat_registered")
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
        raise DomainError("Describe the line.", field="description")
    if not 1 <= quantity_centi <= 1_000_000:
        raise DomainError("Enter a quantity between 0.01 and 10,000.", field="quantity")
    if not 0 <= unit_pence <= 10_000_000:
        raise DomainError("Enter a price between £0 and £100,000.", field="unit_price")
    if not 0 <= vat_rate_bp <= 10000:
        raise DomainError("Enter a VAT rate between 0 and 100%.", field="vat_rate")
    net = round_pence(Decimal(quantity_centi * unit_pence) / 100)
    with write_transaction(session):
        invoice = _locked_draft(session, invoice_id, "changed")
        invoice.lines.append(
            InvoiceLine(
                kind="extra",
                description=description.strip()[:300],
                quantity_centi=quantity_centi,
                unit_pence=unit_pence,
                net_pence=net,
                vat_rate_bp=vat_rate_bp,
            )
        )
        _retotal(session, invoice)


def add_discount(session: Session, invoice_id: int, *, percent: Decimal, description: str) -> None:
    """A discount of a percentage of each VAT rate's work, as negative lines (one per rate)."""
    if not Decimal(0) < percent <= Decimal(100):
        raise DomainError("Enter a discount between 0 and 100%.", field="percent")
    with write_transaction(session):
        invoice = _locked_draft(session, invoice_id, "changed")
        by_rate: dict[int, int] = defaultdict(int)
        for line in invoice.lines:
            if line.kind != "discount":
                by_rate[line.vat_rate_bp] += line.net_pence
        for rate, net in sorted(by_rate.items()):
            amount = apply_rate(net, percent)
            if amount > 0:
                invoice.lines.append(
                    InvoiceLine(
                        kind="discount",
                        description=(description.strip() or f"Discount {percent.normalize()}%")[:300],
                        quantity_centi=100,
                        unit_pence=-amount,
                        net_pence=-amount,
                        vat_rate_bp=rate,
                    )
                )
        _retotal(session, invoice)


def remove_line(session: Session, invoice_id: int, line_id: int) -> None:
    with write_transaction(session):
        invoice = _locked_draft(session, invoice_id, "changed")
        line = next((li for li in invoice.lines if li.id == line_id), None)
        if line is None:
            raise DomainError("That line has already been removed.")
        if line.kind in ("work", "cancellation"):
            raise DomainError(
                "Work and fee lines come from the rota. Delete the draft to leave them for later."
            )
        invoice.lines.remove(line)
        _retotal(session, invoice)


def set_note(session: Session, invoice_id: int, note: str) -> None:
    with write_transaction(session):
        invoice = _locked_draft(session, invoice_id, "changed")
        invoice.note = note.strip()[:1000]


def delete_draft(session: Session, invoice_id: int, *, actor_id: int) -> None:
    """Delete a draft: its work goes back to 'not invoiced' for the next run."""
    with write_transaction(session):
        invoice = _locked_draft(session, invoice_id, "deleted")
        record(
            session,
            actor_id,
            "invoice.delete_draft",
            ("invoice", invoice.id),
            {"net_pence": invoice.net_pence},
            {},
        )
        session.delete(invoice)


# --- issuing ------------------------------------------------------------------------------------------


def supplier_details(session: Session) -> dict[str, Any]:
    return {
        "name": settings.get(session, "coop_name"),
        "address": settings.get(session, "coop_address"),
        "email": settings.get(session, "coop_email"),
        "vat_registered": settings.get(session, "vat_registered"),
        "vat_number": settings.get(session, "vat_number") if settings.get(session, "vat_registered") else "",
        "registration_number": settings.get(session, "coop_registration_number"),
        "bank": settings.get(session, "coop_bank_details"),
    }


def content_fingerprint(invoice: Invoice) -> str:
    """SHA-256 of what an issued invoice says: number, dates, parties, lines and totals. Frozen
    at issue; `coop verify` recomputes it to prove nothing changed since."""
    data = [
        invoice.number,
        str(invoice.issue_date),
        str(invoice.due_date),
        invoice.client_id,
        invoice.supplier_json,
        invoice.client_json,
        invoice.net_pence,
        invoice.vat_pence,
        invoice.gross_pence,
        [
            [li.kind, li.description, li.quantity_centi, li.unit_pence, li.net_pence, li.vat_rate_bp]
            + ([li.minutes] if li.minutes is not None else [])  # lines from before minutes were kept
            for li in sorted(invoice.lines, key=lambda li: li.position)
        ],
    ]
    return hashlib.sha256(json.dumps(data, separators=(",", ":")).encode()).hexdigest()


def credit_fingerprint(note: CreditNote) -> str:
    """SHA-256 of what a credit note says, frozen when it is issued."""
    data = [
        note.number,
        note.invoice_id,
        str(note.issue_date),
        note.reason,
        note.net_pence,
        note.vat_pence,
        note.gross_pence,
    ]
    return hashlib.sha256(json.dumps(data, separators=(",", ":")).encode()).hexdigest()


def _next_number(session: Session, series: str) -> int:
    seq = session.scalar(select(NumberSequence).where(NumberSequence.name == series).with_for_update())
    if seq is None:
        raise RuntimeError(f"number sequence {series} missing")
    number = seq.next_number
    seq.next_number = number + 1
    session.flush()
    return number


def _write(directory: Path, name: str, data: bytes) -> str:
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / f".{name}.tmp"
    tmp.write_bytes(data)
    os.replace(tmp, directory / name)
    return hashlib.sha256(data).hexdigest()


def issue(
    session: Session,
    invoice_id: int,
    *,
    today: date,
    render_html: RenderHtml,
    invoice_dir: Path,
    actor_id: int | None,
    base_url: str,
) -> Invoice:
    """Issue one draft (see issue_many)."""
    return issue_many(
        session,
        [invoice_id],
        today=today,
        render_html=render_html,
        invoice_dir=invoice_dir,
        actor_id=actor_id,
        base_url=base_url,
    )[0]


def issue_many(
    session: Session,
    invoice_ids: Sequence[int],
    *,
    today: date,
    render_html: RenderHtml,
    invoice_dir: Path,
    actor_id: int | None,
    base_url: str,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> list[Invoice]:
    """Give each draft the next number, fix its dates, details and totals, render its PDF/A-3
    and its Factur-X twin, store their SHA-256 and freeze it. All in one transaction holding
    the number sequence's row lock: a failure leaves no number used, and parallel issuing never
    duplicates or skips one. With workers > 1 the PDFs are rendered in that many processes.
    Each invoice is emailed to the billing address with its PDF and a link (`base_url` is the
    site's address, for the link)."""

    complete_finished_bookings(session)  # so bookings whose work is all invoiced can say so
    with write_transaction(session):
        supplier = json.dumps(supplier_details(session))
        prefix = settings.get(session, "invoice_prefix")
        jobs: list[tuple[str, bytes]] = []
        invoices = []
        for invoice_id in invoice_ids:
            invoice = _locked_draft(session, invoice_id, "issued")
            if not invoice.lines or invoice.gross_pence <= 0:
                raise DomainError("This invoice has nothing to charge, so it cannot be issued.")
            n = _next_number(session, "invoice")
            invoice.sequence_number = n
            invoice.number = f"{prefix}{n:05d}"
            invoice.issue_date = today
            invoice.due_date = today + timedelta(days=invoice.client.payment_terms_days)
            invoice.supplier_json = supplier
            invoice.client_json = json.dumps(
                {
                    "name": invoice.client.name,
                    "address": invoice.client.address,
                    "email": invoice.client.billing_email,
                }
            )
            _retotal(session, invoice)
            invoice.status = "issued"
            invoice.issued_at = utcnow()
            invoice.content_sha256 = content_fingerprint(invoice)
            jobs.append((render_html(invoice), einvoice.cii_xml(invoice)))
            invoices.append(invoice)
        for invoice, (pdf, fx) in zip(invoices, _render_all(jobs, workers, progress), strict=True):
            invoice.pdf_path = f"{invoice.number}.pdf"
            invoice.pdf_sha256 = _write(invoice_dir, invoice.pdf_path, pdf)
            invoice.facturx_path = f"{invoice.number}-facturx.pdf"
            invoice.facturx_sha256 = _write(invoice_dir, invoice.facturx_path, fx)
            _mark_bookings_invoiced(session, invoice, actor_id)
            record(
                session,
                actor_id,
                "invoice.issue",
                ("invoice", invoice.number),
                {},
                {"gross_pence": invoice.gross_pence, "client": invoice.client.name},
            )
            sending.queue_invoice_email(
                session,
                invoice,
                "invoice_issued",
                pdf=pdf,
                einvoice_pdf=fx,
                base_url=base_url,
                money=format_pence,
            )
    return invoices


def _render_all(
    jobs: list[tuple[str, bytes]], workers: int, progress: Callable[[int], None] | None
) -> Iterator[tuple[bytes, bytes]]:
    if workers <= 1 or len(jobs) < 4:
        for html, xml in jobs:
            yield einvoice.render_pdfs(html, xml)
            if progress:
                progress(1)
        return

    # spawn: the workers start clean, with no copy of this process's database connections.
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        for result in pool.map(einvoice.render_pdfs, *zip(*jobs, strict=True), chunksize=4):
            yield result
            if progress:
                progress(1)


def _mark_bookings_invoiced(session: Session, invoice: Invoice, actor_id: int | None) -> None:
    """Completed bookings whose approved work is now all on issued invoices become 'invoiced'."""
    booking_ids = set(
        session.scalars(
            select(Shift.booking_id)
            .join(Assignment, Assignment.shift_id == Shift.id)
            .join(TimesheetEntry, TimesheetEntry.assignment_id == Assignment.id)
            .join(InvoicedItem, InvoicedItem.timesheet_id == TimesheetEntry.id)
            .where(InvoicedItem.invoice_id == invoice.id)
        )
    )
    for booking_id in booking_ids:
        booking = session.get(Booking, booking_id)
        if booking is None or booking.status != BookingStatus.COMPLETED:
            continue
        invoiced = (
            select(TimesheetEntry.assignment_id)
            .join(InvoicedItem, InvoicedItem.timesheet_id == TimesheetEntry.id)
            .join(Invoice, Invoice.id == InvoicedItem.invoice_id)
            .where(Invoice.status == "issued")
        )
        open_work = session.scalar(
            select(func.count())
            .select_from(Assignment)
            .join(Shift, Shift.id == Assignment.shift_id)
            .where(
                Shift.booking_id == booking_id,
                Shift.status == ShiftStatus.SCHEDULED,
                Assignment.status == "accepted",
                Assignment.id.not_in(invoiced),
            )
        )
        if not open_work:
            booking.status = BookingStatus.INVOICED
            session.add(
                BookingEvent(
                    booking=booking,
                    status=BookingStatus.INVOICED,
                    actor_id=actor_id,
                    note=f"Invoice {invoice.number}",
                )
            )


def read_pdf(invoice: Invoice | CreditNote, invoice_dir: Path, *, facturx: bool = False) -> bytes:
    """The issued file, after checking it is byte for byte the one that was issued."""
    if isinstance(invoice, Invoice) and invoice.status != "issued":
        raise DomainError("A draft has no PDF yet.")
    name = invoice.facturx_path if isinstance(invoice, Invoice) and facturx else invoice.pdf_path
    expected = invoice.facturx_sha256 if isinstance(invoice, Invoice) and facturx else invoice.pdf_sha256
    try:
        data = (invoice_dir / name).read_bytes()
    except OSError as exc:
        raise TamperedError("The issued file is missing. Restore it from the backup.") from exc
    if hashlib.sha256(data).hexdigest() != expected:
        raise TamperedError(
            "The file on disk is not the one that was issued (its fingerprint differs). "
            "It has not been sent. Restore it from the backup."
        )
    return data


# --- money in --------------------------------------------------------------------------------------


def credited_pence(invoice: Invoice) -> int:
    return sum(c.gross_pence for c in invoice.credit_notes)


def paid_pence(invoice: Invoice) -> int:
    return invoice.paid_in_pence


def client_credit(session: Session, client_id: int) -> list[tuple[Invoice, int]]:
    """The client's credit: each issued invoice they have paid more than, with how much more."""
    invoices = session.scalars(
        select(Invoice).where(Invoice.client_id == client_id, Invoice.status == "issued").order_by(Invoice.id)
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
        raise DomainError("Enter an amount above zero.", field="amount")
    if to_invoice_id == invoice_id:
        raise DomainError("Choose another invoice to apply the credit to.", field="to_invoice_id")
    with write_transaction(session):
        ids = sorted({invoice_id} | ({to_invoice_id} if to_invoice_id is not None else set()))
        locked = {i: _locked_issued(session, i) for i in ids}
        source = locked[invoice_id]
        credit = -balance_pence(source)
        if credit <= 0:
            raise DomainError(
                "There is no credit left on this invoice: it was used a moment ago, or never paid over."
            )
        if amount_pence > credit:
            raise DomainError(
                f"The client has {format_pence(credit)} of credit on this invoice.", field="amount"
            )
        if to_invoice_id is not None:
            target = locked[to_invoice_id]
            if target.client_id != source.client_id:
                raise DomainError("Credit can only go to the same client's invoices.", field="to_invoice_id")
            owing = balance_pence(target)
            if amount_pence > owing:
                raise DomainError(
                    f"{target.number} has {format_pence(max(owing, 0))} left to pay: apply at most that.",
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
        session.flush()
        record(
            session,
            actor_id,
            "invoice.credit_" + use.kind,
            ("invoice", source.number),
            {"credit_pence": credit},
            {"amount_pence": amount_pence, "to": locked[to_invoice_id].number if to_invoice_id else "refund"},
        )
    return use


def balance_pence(invoice: Invoice) -> int:
    return invoice.gross_pence - credited_pence(invoice) - paid_pence(invoice)


def display_status(invoice: Invoice, today: date) -> str:
    """draft, issued, part-paid, paid, overdue or credited."""
    if invoice.status == "draft":
        return "draft"
    if credited_pence(invoice) >= invoice.gross_pence:
        return "credited"
    balance = balance_pence(invoice)
    if balance <= 0:
        return "paid"
    if invoice.due_date and today > invoice.due_date:
        return "overdue"
    return "part-paid" if paid_pence(invoice) > 0 else "issued"


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
    if amount_pence <= 0 or amount_pence > 100_000_000:
        raise DomainError("Enter an amount above zero.", field="amount")
    if paid_on > today:
        raise DomainError("The payment date cannot be in the future.", field="paid_on")
    if method not in ("bank transfer", "cheque", "cash", "card", "other"):
        raise DomainError("Choose how it was paid.", field="method")
    invoice_id = invoice.id
    with write_transaction(session):
        invoice = _locked_issued(session, invoice_id)
        balance = balance_pence(invoice)
        session.add(
            Payment(
                invoice=invoice,
                paid_on=paid_on,
                amount_pence=amount_pence,
                method=method,
                reference=reference.strip()[:100],
                created_by_id=actor_id,
            )
        )
        record(
            session,
            actor_id,
            "invoice.payment",
            ("invoice", invoice.number),
            {"balance_pence": balance},
            {"balance_pence": balance - amount_pence, "amount_pence": amount_pence},
        )
    if amount_pence > balance:
        return (
            f"That is {format_pence(amount_pence - balance)} more than was owed. "
            "It is recorded, and the client is in credit by that much."
        )
    return ""


def reverse_payment(
    session: Session, invoice: Invoice, payment_id: int, *, reason: str, actor_id: int
) -> None:
    """Undo a payment recorded by mistake (wrong invoice, wrong amount, a bounced cheque). It is
    kept, marked reversed with the reason, and no longer counts towards the balance."""
    if not reason.strip():
        raise DomainError("Say why this payment is being reversed.", field="reason")
    invoice_id = invoice.id
    with write_transaction(session):
        invoice = _locked_issued(session, invoice_id)
        payment = next((p for p in invoice.payments if p.id == payment_id), None)
        if payment is None:
            raise NotFound("No such payment on this invoice.")
        if not payment.counts:
            raise DomainError("This payment has already been reversed.")
        balance = balance_pence(invoice)
        if invoice.credit_used and balance + payment.amount_pence > 0:
            raise DomainError(
                "Part of this payment is credit the client has already used (applied to another "
                "invoice or refunded), so it cannot be reversed on its own. Correct that first."
            )
        payment.reversed_at = utcnow()
        payment.reversed_by_id = actor_id
        payment.reversal_reason = reason.strip()[:500]
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
        raise DomainError("Say why the invoice is being corrected.", field="reason")
    invoice_id = invoice.id
    with write_transaction(session):
        invoice = _locked_issued(session, invoice_id)
        left = invoice.gross_pence - credited_pence(invoice)
        if left <= 0:
            raise DomainError("This invoice has already been credited in full.", field="amount")
        if not 0 < gross_pence <= left:
            raise DomainError(f"Enter an amount between 1p and {format_pence(left)}.", field="amount")
        # The amount asked, or a penny either side where its VAT rates cannot make it exactly.
        for candidate in (gross_pence, gross_pence - 1, gross_pence + 1):
            split = einvoice.credit_split(invoice, candidate)
            if 0 < candidate <= left and sum(n + v for n, v in split.values()) == candidate:
                break
        else:
            raise DomainError(
                "Enter an amount a penny or two different: this one cannot be split by VAT rate."
            )
        net = sum(n for n, _ in split.values())
        vat = sum(v for _, v in split.values())
        n = _next_number(session, "credit_note")
        note = CreditNote(
            invoice_id=invoice.id,
            sequence_number=n,
            number=f"{settings.get(session, 'credit_note_prefix')}{n:05d}",
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
        note.pdf_sha256 = _write(
            invoice_dir, note.pdf_path, einvoice.embed(render(note), einvoice.credit_note_xml(note))
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
        raise NotFound("No such credit note.")
    return note


# --- lists, reminders, exports --------------------------------------------------------------------


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
        return [Invoice.status == "draft"]
    if status == "overdue":
        return _overdue_where(today)
    paid, credited = _money_in()
    issued = Invoice.status == "issued"
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
) -> list[Invoice]:
    """Newest first, filtered by the status people see (by the database), without their lines."""
    stmt = (
        select(Invoice)
        .options(lazyload(Invoice.lines))
        .order_by(Invoice.issue_date.desc().nulls_first(), Invoice.id.desc())
        .limit(limit)
        .offset(offset)
    )
    if client_id is not None:
        stmt = stmt.where(Invoice.client_id == client_id)
    if issued_only:
        stmt = stmt.where(Invoice.status == "issued")
    if status in STATUSES:
        stmt = stmt.where(*_status_where(status, today or today_london()))
    return list(session.scalars(stmt))


def _overdue_where(today: date) -> list[Any]:
    """Issued, past its due date, not wholly credited and with something still to pay: the same
    test as display_status(...) == "overdue", done by the database."""
    paid, credited = _money_in()
    return [
        Invoice.status == "issued",
        Invoice.due_date < today,
        credited < Invoice.gross_pence,
        Invoice.gross_pence - credited - paid > 0,
    ]


def overdue(session: Session, today: date) -> list[Invoice]:
    return list(session.scalars(select(Invoice).where(*_overdue_where(today)).order_by(Invoice.due_date)))


def overdue_count(session: Session, today: date) -> int:
    return session.scalar(select(func.count()).select_from(Invoice).where(*_overdue_where(today))) or 0


def send_reminders(
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
    since = now - timedelta(days=settings.get(session, "reminder_interval_days"))
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
        invoice = _locked_issued(session, invoice_id)
        if balance_pence(invoice) <= 0:
            raise DomainError("Nothing is owed on this invoice, so there is nothing to remind about.")
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
    for invoice in session.scalars(select(Invoice).where(Invoice.status == "issued")):
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
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return "\ufeff" + out.getvalue()


def _pounds(pence: int) -> str:
    return f"{pence / 100:.2f}"


def export_invoices(session: Session, today: date) -> str:
    invoices = session.scalars(
        select(Invoice).where(Invoice.status == "issued").order_by(Invoice.sequence_number)
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
                _pounds(i.net_pence),
                _pounds(i.vat_pence),
                _pounds(i.gross_pence),
                _pounds(paid_pence(i)),
                _pounds(credited_pence(i)),
                _pounds(balance_pence(i)),
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
                _pounds(c.net_pence),
                _pounds(c.vat_pence),
                _pounds(c.gross_pence),
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
                _pounds(p.amount_pence),
                p.method,
                p.reference,
                to_london(p.reversed_at).date() if p.reversed_at else "",
                p.reversal_reason,
            ]
            for p in payments
        ],
    )
