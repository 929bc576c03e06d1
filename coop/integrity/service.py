"""Every money invariant (and the count of places taken on each shift, which decides whether one
more member may claim it), checked against the database and the issued files.

Nothing here writes. Each check returns plain sentences naming what is wrong; an empty list
means the books are whole. Run daily by `coop verify` (exit status 1 when anything is wrong) and
on demand from the coordinators' Check the books page."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coop.bookings.models import Shift
from coop.businesses.models import Business
from coop.i18n import N_
from coop.i18n import gettext as _
from coop.integrity.ledger_totals import check_ledger
from coop.invoicing.models import CreditNote, Invoice, InvoicedItem, InvoiceStatus, NumberSequence, Payment
from coop.invoicing.service import content_fingerprint, credit_fingerprint
from coop.invoicing.totals import totals
from coop.pay.models import PayLine, PayRun, PayRunStatus
from coop.pay.service import fingerprint as pay_fingerprint
from coop.rota.models import Assignment
from coop.timesheets.models import TimesheetEntry, TimesheetStatus

# What each count in `Report.checked` is, as people read it (the keys are what `coop verify` prints).
CHECKED = {
    "issued invoices": N_("Issued invoices"),
    "payments": N_("Payments"),
    "credit notes": N_("Credit notes"),
    "approved timesheets": N_("Approved timesheets"),
    "pay runs": N_("Pay runs"),
    "shifts": N_("Shifts"),
}


@dataclass
class Report:
    checked: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    balances: dict[str, int] = field(default_factory=dict)  # what the books hold (ledger_totals)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(session: Session, invoice_dir: Path, *, progress: Callable[[int], None] | None = None) -> Report:
    """Run every check; `progress` is told about each invoice, credit note and pay run checked."""
    report = Report()
    for _name, check in CHECKS:
        report.problems.extend(check(session, invoice_dir, report, progress))
    return report


def _series(session: Session, name: str, numbers: list[int], label: str) -> Iterator[str]:
    """A number series is 1, 2, 3, ... with nothing missing or repeated, and its counter is next."""
    seen = sorted(numbers)
    for expected, actual in enumerate(seen, start=1):
        if actual != expected:
            yield (
                _(
                    "The %(label)s numbers have a gap or a repeat: number %(expected)s was expected, "
                    "%(actual)s found.",
                    label=label,
                    expected=expected,
                    actual=actual,
                )
            )
            break
    seq = session.get(NumberSequence, name)
    next_number = seq.next_number if seq else 1
    if next_number != len(seen) + 1:
        yield (
            _(
                "The %(label)s counter would give number %(next_number)s next, but %(count)s %(label)ss "
                "have been issued (it should be %(value)s).",
                label=label,
                next_number=next_number,
                count=len(seen),
                value=len(seen) + 1,
            )
        )


def _file(invoice_dir: Path, name: str, expected: str, what: str) -> Iterator[str]:
    try:
        data = (invoice_dir / name).read_bytes()
    except OSError:
        yield _("%(what)s: the file %(name)s is missing.", what=what, name=name)
        return
    if hashlib.sha256(data).hexdigest() != expected:
        yield _(
            "%(what)s: the file %(name)s is not the one that was issued (its SHA-256 differs).",
            what=what,
            name=name,
        )


def check_numbers(session: Session, _dir: Path, report: Report, _p: object) -> Iterator[str]:
    """Each business's invoice series, and the co-op's one credit note series, is gapless."""
    issued = session.execute(
        select(Invoice.business_id, Invoice.sequence_number).where(Invoice.status == InvoiceStatus.ISSUED)
    ).all()
    notes = list(session.scalars(select(CreditNote.sequence_number)))
    if any(n is None for _b, n in issued):
        yield _("An issued invoice has no number.")
    businesses = list(session.scalars(select(Business).order_by(Business.id)))
    for business in businesses:
        numbers = [n for b, n in issued if b == business.id and n is not None]
        label = _("invoice") if len(businesses) == 1 else _("%(business)s invoice", business=business.name)
        yield from _series(session, business.series, numbers, label)
    yield from _series(session, "credit_note", notes, "credit note")
    drafts_numbered = session.scalar(
        select(func.count())
        .select_from(Invoice)
        .where(Invoice.status == InvoiceStatus.DRAFT, Invoice.number.is_not(None))
    )
    if drafts_numbered:
        yield _("%(drafts_numbered)s draft invoice(s) carry a number.", drafts_numbered=drafts_numbered)


def check_invoices(
    session: Session, invoice_dir: Path, report: Report, progress: Callable[[int], None] | None
) -> Iterator[str]:
    count = 0
    for invoice in session.scalars(
        select(Invoice).where(Invoice.status == InvoiceStatus.ISSUED).order_by(Invoice.id)
    ):
        count += 1
        what = _("Invoice %(number)s", number=invoice.number)
        registered = bool(json.loads(invoice.supplier_json or "{}").get("vat_registered"))
        net, vat, gross = totals(invoice.lines, registered)
        if (net, vat, gross) != (invoice.net_pence, invoice.vat_pence, invoice.gross_pence):
            yield _(
                "%(what)s: its lines add up to %(gross)sp but its total says %(gross_pence)sp.",
                what=what,
                gross=gross,
                gross_pence=invoice.gross_pence,
            )
        if not invoice.content_sha256:
            yield _("%(what)s: it has no frozen fingerprint, so changes to it cannot be detected.", what=what)
        elif content_fingerprint(invoice) != invoice.content_sha256:
            yield _("%(what)s: its stored lines, totals or details changed after it was issued.", what=what)
        yield from _file(invoice_dir, invoice.pdf_path, invoice.pdf_sha256, what)
        yield from _file(
            invoice_dir, invoice.facturx_path, invoice.facturx_sha256, _("%(what)s (e-invoice)", what=what)
        )
        credited = sum(c.gross_pence for c in invoice.credit_notes)
        if credited > invoice.gross_pence:
            yield _(
                "%(what)s: credit notes total %(credited)sp, more than the %(gross_pence)sp invoiced.",
                what=what,
                credited=credited,
                gross_pence=invoice.gross_pence,
            )
        used = sum(u.amount_pence for u in invoice.credit_used)
        if used and invoice.gross_pence - credited - invoice.paid_in_pence > 0:
            yield _(
                "%(what)s: %(used)sp of credit was moved off it, more than the client had paid over.",
                what=what,
                used=used,
            )
        if invoice.owing and not invoice.owes_now:
            yield _(
                "%(what)s: it is stored as still owing, but its payments and credits settle it.", what=what
            )
        elif invoice.owes_now and not invoice.owing:
            yield _(
                "%(what)s: it is stored as settled, but its payments and credits leave money owed.", what=what
            )
        if progress:
            progress(1)
    report.checked["issued invoices"] = count
    paid_drafts = session.scalar(
        select(func.count()).select_from(Payment).join(Invoice).where(Invoice.status == InvoiceStatus.DRAFT)
    )
    if paid_drafts:
        yield _("%(paid_drafts)s payment(s) are recorded against draft invoices.", paid_drafts=paid_drafts)
    report.checked["payments"] = session.scalar(select(func.count()).select_from(Payment)) or 0


def check_credit_notes(
    session: Session, invoice_dir: Path, report: Report, progress: Callable[[int], None] | None
) -> Iterator[str]:
    count = 0
    for note in session.scalars(select(CreditNote).order_by(CreditNote.id)):
        count += 1
        what = _("Credit note %(number)s", number=note.number)
        if note.invoice.status != InvoiceStatus.ISSUED:
            yield _("%(what)s: it credits an invoice that was never issued.", what=what)
        if not note.content_sha256:
            yield _("%(what)s: it has no frozen fingerprint, so changes to it cannot be detected.", what=what)
        elif credit_fingerprint(note) != note.content_sha256:
            yield _("%(what)s: its amounts or reason changed after it was issued.", what=what)
        yield from _file(invoice_dir, note.pdf_path, note.pdf_sha256, what)
        if progress:
            progress(1)
    report.checked["credit notes"] = count


def check_work_billed_and_paid_once(
    session: Session, _dir: Path, report: Report, _p: object
) -> Iterator[str]:
    """Each approved timesheet is billed at most once and paid at most once, and only approved
    timesheets are billed or paid, at the pay fixed when they were approved."""
    for column, doing in ((InvoicedItem.timesheet_id, N_("billed")), (PayLine.timesheet_id, N_("paid"))):
        twice = session.scalars(
            select(column).where(column.is_not(None)).group_by(column).having(func.count() > 1)
        ).all()
        for ts in twice:
            yield _("Timesheet %(ts)s is %(doing)s more than once.", ts=ts, doing=_(doing))
        not_approved = session.scalars(
            select(TimesheetEntry.id).where(
                TimesheetEntry.id.in_(select(column).where(column.is_not(None))),
                TimesheetEntry.status != TimesheetStatus.APPROVED,
            )
        ).all()
        for ts in not_approved:
            yield _("Timesheet %(ts)s is %(doing)s but not approved.", ts=ts, doing=_(doing))
    wrong_pay = session.execute(
        select(PayLine.timesheet_id, PayLine.amount_pence, TimesheetEntry.pay_pence)
        .join(TimesheetEntry, TimesheetEntry.id == PayLine.timesheet_id)
        .where(PayLine.amount_pence != TimesheetEntry.pay_pence)
    ).all()
    for ts, line, approved in wrong_pay:
        yield _(
            "Timesheet %(ts)s was approved at %(approved)sp but its pay line says %(line)sp.",
            ts=ts,
            approved=approved,
            line=line,
        )
    report.checked["approved timesheets"] = (
        session.scalar(
            select(func.count())
            .select_from(TimesheetEntry)
            .where(TimesheetEntry.status == TimesheetStatus.APPROVED)
        )
        or 0
    )


def check_pay_runs(
    session: Session, _dir: Path, report: Report, progress: Callable[[int], None] | None
) -> Iterator[str]:
    count = 0
    for run in session.scalars(select(PayRun).order_by(PayRun.id)):
        count += 1
        what = _("Pay run %(first)s to %(last)s", first=run.period_start, last=run.period_end)
        for st in run.statements:
            if st.total_pence != sum(li.amount_pence for li in st.lines):
                yield _("%(what)s: a statement's total is not the sum of its lines.", what=what)
        if run.status == PayRunStatus.FINALISED:
            if not run.frozen_sha256:
                yield _(
                    "%(what)s: it was finalised without a fingerprint, so changes cannot be detected.",
                    what=what,
                )
            elif pay_fingerprint(run) != run.frozen_sha256:
                yield _("%(what)s: its statements changed after it was finalised.", what=what)
        if progress:
            progress(1)
    drafts = session.execute(
        select(PayRun.period_start, PayRun.period_end, func.count())
        .where(PayRun.status == PayRunStatus.DRAFT)
        .group_by(PayRun.period_start, PayRun.period_end)
        .having(func.count() > 1)
    ).all()
    for start, end, n in drafts:
        yield _(
            "There are %(n)s draft pay runs for %(start)s to %(end)s; there should be one.",
            n=n,
            start=start,
            end=end,
        )
    report.checked["pay runs"] = count


def check_places(session: Session, _dir: Path, report: Report, _p: object) -> Iterator[str]:
    """Each shift's count of places taken is the number of members holding it: claims, drops and
    swaps keep the two in step, and the rota's totals and open places rely on it."""
    held = (
        select(Assignment.shift_id, func.count().label("n"))
        .where(Assignment.held())
        .group_by(Assignment.shift_id)
        .subquery()
    )
    holding = func.coalesce(held.c.n, 0)
    wrong = session.execute(
        select(Shift.id, Shift.filled, holding)
        .outerjoin(held, held.c.shift_id == Shift.id)
        .where(Shift.filled != holding)
        .order_by(Shift.id)
    ).all()
    for shift_id, filled, n in wrong:
        yield _(
            "Shift %(shift_id)s counts %(filled)s place(s) taken but %(n)s member(s) hold it.",
            shift_id=shift_id,
            filled=filled,
            n=n,
        )
    report.checked["shifts"] = session.scalar(select(func.count()).select_from(Shift)) or 0


CHECKS: list[tuple[str, Callable[..., Iterator[str]]]] = [
    ("numbers", check_numbers),
    ("invoices", check_invoices),
    ("credit notes", check_credit_notes),
    ("timesheets", check_work_billed_and_paid_once),
    ("pay runs", check_pay_runs),
    ("places", check_places),
    ("ledger", check_ledger),
]


def work_to_check(session: Session) -> int:
    """How many documents verify will look at (for a progress bar)."""
    return (
        (
            session.scalar(
                select(func.count()).select_from(Invoice).where(Invoice.status == InvoiceStatus.ISSUED)
            )
            or 0
        )
        + (session.scalar(select(func.count()).select_from(CreditNote)) or 0)
        + (session.scalar(select(func.count()).select_from(PayRun)) or 0)
    )
