"""Which open invoices a bank line probably pays, and why, said in words.

The rule, strongest first: an invoice number written in the reference (one or several: a split);
then the exact amount left to pay on one invoice of a client whose name is in the payer or the
reference; then the exact amount alone when only one open invoice is owed that much. Nothing is
suggested on a guess weaker than that: the line stays unmatched for a person to decide. Pure
functions of the line and the open invoices, so they are tested without a database."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from coop.i18n import gettext as _
from coop.money import format_pence


@dataclass(frozen=True)
class OpenInvoice:
    id: int
    number: str
    client_id: int
    client_name: str
    balance_pence: int  # left to pay (above zero)
    gross_pence: int


@dataclass(frozen=True)
class Allocation:
    invoice_id: int
    number: str
    amount_pence: int


@dataclass
class Suggestion:
    allocations: list[Allocation] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.allocations)


def _number_in(number: str, reference: str) -> bool:
    """The invoice number appears in the reference, however the payer spaced or punctuated it
    ("CW-00123", "cw 00123", "CW00123"), and not as part of a longer number or word."""
    chunks = re.findall(r"[a-z]+|[0-9]+", number.lower())
    if not chunks:
        return False
    pattern = r"[\s\-_/.#:]*".join(re.escape(c) for c in chunks)
    return re.search(rf"(?<![a-z0-9]){pattern}(?![0-9])", reference.lower()) is not None


def _name_in(name: str, text: str) -> bool:
    words = [w for w in re.findall(r"[a-z0-9]+", name.lower()) if len(w) > 2 and w not in _COMMON]
    hay = text.lower()
    return bool(words) and all(w in hay for w in words[:2])


_COMMON = {"the", "and", "ltd", "limited", "plc", "llp", "cic", "co"}


def suggest(amount_pence: int, payer_name: str, reference: str, invoices: list[OpenInvoice]) -> Suggestion:
    """The invoices this payment probably settles, each with the amount to put on it, and the
    reasons. Money over what the named invoices owe goes on the last of them (the client's
    credit, as when a payment is recorded by hand)."""
    named = [i for i in invoices if _number_in(i.number, reference)]
    if named:
        named.sort(key=lambda i: i.id)
        allocations, left = [], amount_pence
        for i, invoice in enumerate(named):
            last = i == len(named) - 1
            share = left if last else min(left, invoice.balance_pence)
            if share <= 0:
                break
            allocations.append(Allocation(invoice.id, invoice.number, share))
            left -= share
        numbers = ", ".join(i.number for i in named)
        reasons = [_("number %(numbers)s in the reference", numbers=numbers)]
        owed = sum(i.balance_pence for i in named)
        if amount_pence == owed:
            reasons.append(_("exact amount") if len(named) == 1 else _("exactly what they owe together"))
        elif amount_pence > owed:
            reasons.append(
                _("%(amount)s more than owed: the client's credit", amount=format_pence(amount_pence - owed))
            )
        else:
            reasons.append(
                _("%(amount)s less than owed: part-paid", amount=format_pence(owed - amount_pence))
            )
        return Suggestion(allocations, reasons)
    exact = [i for i in invoices if i.balance_pence == amount_pence]
    said = f"{payer_name} {reference}"
    by_name = [i for i in exact if _name_in(i.client_name, said)]
    if len(by_name) >= 1:
        invoice = min(by_name, key=lambda i: i.id)  # the oldest of theirs owed exactly this
        return Suggestion(
            [Allocation(invoice.id, invoice.number, amount_pence)],
            [_("paid by %(client)s", client=invoice.client_name), _("exact amount")],
        )
    if len(exact) == 1:
        [invoice] = exact
        return Suggestion(
            [Allocation(invoice.id, invoice.number, amount_pence)],
            [_("exact amount (the only open invoice for that much); check who paid")],
        )
    return Suggestion()


def candidates(payer_name: str, reference: str, invoices: list[OpenInvoice]) -> list[OpenInvoice]:
    """Invoices to offer first when a person chooses: the payer's client's, then the rest."""
    said = f"{payer_name} {reference}"
    return sorted(invoices, key=lambda i: (not _name_in(i.client_name, said), i.id))
