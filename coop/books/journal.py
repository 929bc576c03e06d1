"""The double-entry journal, as plain values: an entry is a date, words and postings whose
amounts (pence, debit positive, credit negative) add up to zero. Built by pure functions from
the facts of one invoice, credit note, payment or pay run, so every kind of entry balances by
construction and a property test can say so. `coop.books.ledger` reads the facts;
`coop.books.layouts` writes the entries for Xero, QuickBooks, Sage and Beancount."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# What each account of the chart is, for Beancount's five kinds (and the sign people expect).
ACCOUNT_TYPES = {
    "bank": "Assets",
    "debtors": "Assets",
    "vat": "Liabilities",
    "deductions": "Liabilities",
    "net_pay": "Liabilities",
    "surplus": "Equity",
    "sales": "Income",
    "credit_notes": "Income",
    "wages": "Expenses",
    "holiday_pay": "Expenses",
    "expenses": "Expenses",
}


@dataclass(frozen=True)
class Posting:
    account: str  # a key of ACCOUNT_TYPES
    pence: int  # debit positive, credit negative
    detail: tuple[str, ...] = ()  # sub-accounts: the service and VAT rate of a sale
    name: str = ""  # the client, on the debtors account


@dataclass(frozen=True)
class Entry:
    day: date
    kind: str  # invoice | credit_note | payment | payment_reversed | refund | pay_run
    reference: str  # the invoice or credit note number, or the pay run
    narration: str
    postings: tuple[Posting, ...] = field(default_factory=tuple)

    @property
    def balanced(self) -> bool:
        return sum(p.pence for p in self.postings) == 0


def vat_label(rate_bp: int) -> str:
    return f"VAT {rate_bp / 100:g}%"


def invoice_entry(
    day: date,
    number: str,
    client: str,
    sales: dict[tuple[str, int], int],
    vat_by_rate: dict[int, int],
) -> Entry:
    """An issued invoice: the client owes its total (debtors), its sales by service and VAT rate
    are income, its VAT by rate is owed to HMRC. `sales` is {(service, rate): net}."""
    postings = [
        Posting("sales", -net, (service, vat_label(rate)))
        for (service, rate), net in sorted(sales.items())
        if net
    ]
    postings += [Posting("vat", -vat, (vat_label(rate),)) for rate, vat in sorted(vat_by_rate.items()) if vat]
    gross = -sum(p.pence for p in postings)
    return Entry(
        day, "invoice", number, f"Invoice {number}", (Posting("debtors", gross, name=client), *postings)
    )


def credit_note_entry(day: date, number: str, invoice_number: str, client: str, net: int, vat: int) -> Entry:
    """A credit note: sales credited and their VAT come off; the client owes that much less."""
    postings = [Posting("credit_notes", net)]
    if vat:
        postings.append(Posting("vat", vat))
    postings.append(Posting("debtors", -(net + vat), name=client))
    return Entry(
        day, "credit_note", number, f"Credit note {number} against {invoice_number}", tuple(postings)
    )


def payment_entry(
    day: date, invoice_number: str, client: str, pence: int, *, reversed_: bool = False
) -> Entry:
    """Money received from a client (into the bank, off what they owe); a reversal undoes it."""
    sign = -1 if reversed_ else 1
    return Entry(
        day,
        "payment_reversed" if reversed_ else "payment",
        invoice_number,
        f"{'Reversed payment' if reversed_ else 'Payment'} for {invoice_number}",
        (Posting("bank", sign * pence), Posting("debtors", -sign * pence, name=client)),
    )


def refund_entry(day: date, invoice_number: str, client: str, pence: int) -> Entry:
    """A client's credit paid back to them: out of the bank, and they are owed that much less."""
    return Entry(
        day,
        "refund",
        invoice_number,
        f"Refund of the client's credit on {invoice_number}",
        (Posting("debtors", pence, name=client), Posting("bank", -pence)),
    )


def pay_run_entry(pay_date: date, reference: str, parts: dict[str, int]) -> Entry:
    """A finalised pay run: gross pay, holiday pay, expenses repaid and surplus shares (each a
    cost, or for shares the co-op's surplus given out), deductions (none: shown as zero) and the
    net pay owed to members, which is their sum. `parts` is {account: pence}."""
    kinds = ("wages", "holiday_pay", "expenses", "surplus")
    postings = [Posting(k, parts.get(k, 0)) for k in kinds if parts.get(k, 0)]
    net = sum(p.pence for p in postings)
    postings += [Posting("deductions", 0), Posting("net_pay", -net)]
    return Entry(pay_date, "pay_run", reference, f"Pay run {reference}", tuple(postings))


def balances(entries: list[Entry]) -> dict[str, int]:
    """Each account's balance (debit positive) after the entries."""
    out: dict[str, int] = {}
    for entry in entries:
        for p in entry.postings:
            out[p.account] = out.get(p.account, 0) + p.pence
    return out
