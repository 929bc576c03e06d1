"""What the books should hold, summed straight from the records (not from the accountant's
journal, which `tests/books` checks against these): sales and VAT invoiced, credited, money in
and refunded, what clients owe, and the finalised pay runs' parts. `coop verify` reports them,
and finds a problem if what clients owe is not the sum of every invoice's balance."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coop.governance.models import SurplusShare
from coop.i18n import gettext as _
from coop.invoicing.models import CreditNote, CreditUse, CreditUseKind, Invoice, InvoiceStatus, Payment
from coop.invoicing.money_in import balance_pence
from coop.money import format_pence
from coop.pay.models import PayLine, PayLineKind, PayRun, PayRunStatus, PayStatement

LABELS = {
    "sales": "sales invoiced (net)",
    "credit_notes": "sales credited (net)",
    "vat": "VAT on sales",
    "bank": "money in, less refunds",
    "debtors": "owed by clients",
    "wages": "gross pay",
    "holiday_pay": "holiday pay",
    "expenses": "expenses repaid",
    "surplus": "surplus shares paid",
    "net_pay": "net pay",
}


def _sum(session: Session, column: Any, *where: Any) -> int:
    return int(session.scalar(select(func.coalesce(func.sum(column), 0)).where(*where)) or 0)


def totals(session: Session) -> dict[str, int]:
    issued = Invoice.status == InvoiceStatus.ISSUED
    counted = Payment.reversed_at.is_(None)
    refunded = CreditUse.kind == CreditUseKind.REFUNDED
    out = {
        "sales": _sum(session, Invoice.net_pence, issued),
        "credit_notes": _sum(session, CreditNote.net_pence),
        "vat": _sum(session, Invoice.vat_pence, issued) - _sum(session, CreditNote.vat_pence),
        "bank": _sum(session, Payment.amount_pence, counted)
        - _sum(session, CreditUse.amount_pence, refunded),
    }
    out["debtors"] = (
        _sum(session, Invoice.gross_pence, issued)
        - _sum(session, CreditNote.gross_pence)
        - _sum(session, Payment.amount_pence, counted)
        + _sum(session, CreditUse.amount_pence, refunded)
    )
    shares = select(SurplusShare.adjustment_id).where(SurplusShare.adjustment_id.is_not(None))
    final = PayLine.statement_id.in_(
        select(PayStatement.id).join(PayRun).where(PayRun.status == PayRunStatus.FINALISED)
    )
    out["holiday_pay"] = _sum(session, PayLine.amount_pence, final, PayLine.kind == PayLineKind.HOLIDAY)
    out["expenses"] = _sum(session, PayLine.amount_pence, final, PayLine.kind == PayLineKind.EXPENSE)
    out["surplus"] = _sum(session, PayLine.amount_pence, final, PayLine.adjustment_id.in_(shares))
    out["net_pay"] = _sum(session, PayLine.amount_pence, final)
    out["wages"] = out["net_pay"] - out["holiday_pay"] - out["expenses"] - out["surplus"]
    return out


def check_ledger(session: Session, _dir: Path, report: Any, _p: object) -> Iterator[str]:
    report.balances = totals(session)
    owed = sum(
        balance_pence(i)
        for i in session.scalars(select(Invoice).where(Invoice.status == InvoiceStatus.ISSUED))
    )
    if owed != report.balances["debtors"]:
        yield (
            _(
                "What clients owe (%(amount)s) is not the sum of the invoices' balances (%(amount2)s).",
                amount=format_pence(report.balances["debtors"]),
                amount2=format_pence(owed),
            )
        )


def summary(balances: dict[str, int]) -> str:
    """What the books hold, in a sentence (printed by `coop verify`)."""
    return "The books hold: " + "; ".join(f"{LABELS[k]} {format_pence(v)}" for k, v in balances.items()) + "."
