"""Issuing: the next number under the sequence's row lock, frozen details and totals, the PDF/A-3
and its Factur-X twin stored with their SHA-256, and reading them back checked."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coop.audit.service import record
from coop.bookings.models import Booking, BookingEvent, BookingStatus, Shift, ShiftStatus
from coop.bookings.service import complete_finished_within
from coop.businesses.models import Business
from coop.db import locking, write_transaction
from coop.errors import DomainError
from coop.i18n import gettext as _
from coop.invoicing import einvoice, sending
from coop.invoicing.drafts import locked_draft, retotal
from coop.invoicing.models import (
    CreditNote,
    Invoice,
    InvoicedItem,
    InvoiceStatus,
    NumberSequence,
)
from coop.money import format_pence
from coop.owner_files import private_dir, write_private
from coop.rota.models import Assignment, AssignmentStatus
from coop.settings import service as settings
from coop.settings.keys import K
from coop.timesheets.models import TimesheetEntry
from coop.timeutil import utcnow

RenderHtml = Callable[[Invoice], str]


DAY = "EEE d MMM y"


class TamperedError(DomainError):
    """The file on disk is not the one that was issued."""


def supplier_details(session: Session, business: Business | None = None) -> dict[str, Any]:
    """Who supplies: the co-op (its legal name, registration number and address, as UK law asks
    of a business trading under another name) and the business's trading name, when it has one
    other than the co-op's own."""
    legal = settings.get(session, K.COOP_NAME)
    trading = business.name if business is not None and business.name != legal else ""
    return {
        "name": legal,
        "trading_name": trading,
        "address": settings.get(session, K.COOP_ADDRESS),
        "email": (business.contact_email if business is not None else "")
        or settings.get(session, K.COOP_EMAIL),
        "vat_registered": settings.get(session, K.VAT_REGISTERED),
        "vat_number": settings.get(session, K.VAT_NUMBER) if settings.get(session, K.VAT_REGISTERED) else "",
        "registration_number": settings.get(session, K.COOP_REGISTRATION_NUMBER),
        "bank": settings.get(session, K.COOP_BANK_DETAILS),
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


def lock_series(session: Session, names: Sequence[str]) -> None:
    """Lock several number series at once, in name order, so two issues of invoices of
    different businesses can never wait on each other in a circle."""
    stmt = select(NumberSequence).where(NumberSequence.name.in_(sorted(set(names))))
    list(session.scalars(locking(stmt.order_by(NumberSequence.name), NumberSequence)))


def next_number(session: Session, series: str) -> int:
    seq = session.scalar(locking(select(NumberSequence).where(NumberSequence.name == series), NumberSequence))
    if seq is None:
        raise RuntimeError(f"number sequence {series} missing")
    number = seq.next_number
    seq.next_number = number + 1
    session.flush()
    return number


def write_file(directory: Path, name: str, data: bytes) -> str:
    private_dir(directory)
    tmp = directory / f".{name}.tmp"
    write_private(tmp, data)
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
    """Give each draft the next number of its business's series, fix its dates, details and
    totals, render its PDF/A-3 and its Factur-X twin, store their SHA-256 and freeze it. All in
    one transaction holding the series' row locks (taken together, in name order): a failure
    leaves no number used, and parallel issuing never duplicates or skips one in any series.
    With workers > 1 the PDFs are rendered in that many processes.
    Each invoice is emailed to the billing address with its PDF and a link (`base_url` is the
    site's address, for the link)."""

    with write_transaction(session):
        complete_finished_within(session)  # so bookings whose work is all invoiced can say so
        jobs: list[tuple[str, bytes]] = []
        invoices = [locked_draft(session, invoice_id, "issued") for invoice_id in invoice_ids]
        lock_series(session, [i.business.series for i in invoices])
        for invoice in invoices:
            if invoice.status != InvoiceStatus.DRAFT:  # the same draft twice in one batch
                raise DomainError(
                    _("This invoice has already been issued, as %(number)s.", number=invoice.number)
                )
            if not invoice.lines or invoice.gross_pence <= 0:
                raise DomainError(_("This invoice has nothing to charge, so it cannot be issued."))
            business = invoice.business
            n = next_number(session, business.series)
            invoice.sequence_number = n
            invoice.number = f"{business.invoice_prefix}{n:05d}"
            invoice.issue_date = today
            invoice.due_date = today + timedelta(days=invoice.client.payment_terms_days)
            invoice.supplier_json = json.dumps(supplier_details(session, business))
            invoice.client_json = json.dumps(
                {
                    "name": invoice.client.name,
                    "address": invoice.client.address,
                    "email": invoice.client.billing_email,
                }
            )
            retotal(session, invoice)
            invoice.status = InvoiceStatus.ISSUED
            invoice.owing = True  # as owes_now: something to charge, nothing paid or credited yet
            invoice.issued_at = utcnow()
            invoice.content_sha256 = content_fingerprint(invoice)
            jobs.append((render_html(invoice), einvoice.cii_xml(invoice)))
        for invoice, (pdf, fx) in zip(invoices, _render_all(jobs, workers, progress), strict=True):
            invoice.pdf_path = f"{invoice.number}.pdf"
            invoice.pdf_sha256 = write_file(invoice_dir, invoice.pdf_path, pdf)
            invoice.facturx_path = f"{invoice.number}-facturx.pdf"
            invoice.facturx_sha256 = write_file(invoice_dir, invoice.facturx_path, fx)
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
            .where(Invoice.status == InvoiceStatus.ISSUED)
        )
        open_work = session.scalar(
            select(func.count())
            .select_from(Assignment)
            .join(Shift, Shift.id == Assignment.shift_id)
            .where(
                Shift.booking_id == booking_id,
                Shift.status == ShiftStatus.SCHEDULED,
                Assignment.status == AssignmentStatus.ACCEPTED,
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
    if isinstance(invoice, Invoice) and invoice.status != InvoiceStatus.ISSUED:
        raise DomainError(_("A draft has no PDF yet."))
    name = invoice.facturx_path if isinstance(invoice, Invoice) and facturx else invoice.pdf_path
    expected = invoice.facturx_sha256 if isinstance(invoice, Invoice) and facturx else invoice.pdf_sha256
    try:
        data = (invoice_dir / name).read_bytes()
    except OSError as exc:
        raise TamperedError(_("The issued file is missing. Restore it from the backup.")) from exc
    if hashlib.sha256(data).hexdigest() != expected:
        raise TamperedError(
            _(
                "The file on disk is not the one that was issued (its fingerprint differs). "
                "It has not been sent. Restore it from the backup."
            )
        )
    return data
