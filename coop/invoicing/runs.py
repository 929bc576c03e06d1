"""Invoice runs: approved work and cancellation fees not yet billed become one draft per client
per business (each business invoices its own work, in its own series)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.audit.service import record
from coop.bookings.models import Client, InvoiceGrouping, Shift, ShiftStatus
from coop.db import serialize, write_transaction
from coop.errors import DomainError
from coop.i18n import gettext as _
from coop.invoicing.issuing import DAY
from coop.invoicing.models import (
    Invoice,
    InvoicedItem,
    InvoiceLine,
    LineKind,
)
from coop.invoicing.totals import totals
from coop.money import round_pence
from coop.rota.models import Assignment
from coop.settings import service as settings
from coop.settings.keys import K
from coop.timesheets.models import TimesheetEntry, TimesheetStatus
from coop.timeutil import format_dt, london_to_utc, to_london


@dataclass
class _Work:
    shift: Shift
    entries: list[TimesheetEntry]

    @property
    def minutes(self) -> int:
        return sum(e.worked_minutes for e in self.entries)


Key = tuple[int, int]  # (client id, business id): one draft each


def _uninvoiced_work(session: Session, until: datetime) -> dict[Key, list[_Work]]:
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
    by_client: dict[Key, list[_Work]] = defaultdict(list)
    for work in by_shift.values():
        by_client[work.shift.client_id, work.shift.service.business_id].append(work)
    return by_client


def _uninvoiced_fees(session: Session, until: datetime) -> dict[Key, list[Shift]]:
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
    by_client: dict[Key, list[Shift]] = defaultdict(list)
    for s in shifts:
        by_client[s.client_id, s.service.business_id].append(s)
    return by_client


def _work_lines(client: Client, works: list[_Work], registered: bool) -> list[InvoiceLine]:
    def vat(rate: int) -> int:
        return rate if registered else 0

    if client.invoice_grouping == InvoiceGrouping.SERVICE:
        grouped: dict[int, list[_Work]] = defaultdict(list)
        for w in works:
            grouped[w.shift.service_id].append(w)
        lines = []
        for group in grouped.values():
            svc = group[0].shift.service
            minutes = sum(w.minutes for w in group)
            lines.append(
                InvoiceLine(
                    kind=LineKind.WORK,
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
            kind=LineKind.WORK,
            description=(
                f"{w.shift.service.name}, {format_dt(w.shift.starts_at, 'EEE d MMM y')}, "
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
    business_ids: Collection[int] | None = None,
) -> list[Invoice]:
    """One draft invoice per client and business for approved, not yet invoiced work on shifts
    up to the end of the period (earlier stragglers included), with cancellation fees due. With
    `business_ids`, only those businesses' work (a lead running their business's invoices)."""
    if period_end < period_start:
        raise DomainError(_("The period must end after it starts."), field="period_end")
    registered = settings.get(session, K.VAT_REGISTERED)
    until = london_to_utc(period_end + timedelta(days=1), time(0))
    with write_transaction(session):
        serialize(session, "invoice_run")  # what is "not yet invoiced" is decided under the lock
        work = _uninvoiced_work(session, until)
        fees = _uninvoiced_fees(session, until)
        keys = sorted(set(work) | set(fees))
        if business_ids is not None:
            keys = [k for k in keys if k[1] in business_ids]
        invoices = []
        for key in keys:
            client_id, business_id = key
            client = session.get(Client, client_id)
            assert client is not None
            lines = _work_lines(client, work.get(key, []), registered)
            for s in fees.get(key, []):
                lines.append(
                    InvoiceLine(
                        kind=LineKind.CANCELLATION,
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
                client_id=client_id,
                business_id=business_id,
                period_start=period_start,
                period_end=period_end,
                lines=lines,
            )
            invoice.net_pence, invoice.vat_pence, invoice.gross_pence = totals(lines, registered)
            session.add(invoice)
            session.flush()
            for w in work.get(key, []):
                session.add_all(InvoicedItem(invoice_id=invoice.id, timesheet_id=e.id) for e in w.entries)
            session.add_all(InvoicedItem(invoice_id=invoice.id, fee_shift_id=s.id) for s in fees.get(key, []))
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
    """How many drafts (a client's work for one business) an invoice run up to this date would
    make (for a progress bar)."""
    until = london_to_utc(period_end + timedelta(days=1), time(0))
    return len(set(_uninvoiced_work(session, until)) | set(_uninvoiced_fees(session, until)))
