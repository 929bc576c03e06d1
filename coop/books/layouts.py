"""The journal written the way each accounting package imports a manual journal (the columns are
the ones each documents; docs/DECISIONS.md names the sources), and as a Beancount file.

- Xero: Narration, Date, Description, AccountCode, TaxRate, Amount (debit positive, credit
  negative); lines with the same narration and date are one journal. VAT is its own line, so
  every line's tax rate is "No VAT".
- QuickBooks Online: Journal No, Journal Date, Account Name, Debits, Credits, Description, Name
  (the customer, on the debtors lines). QuickBooks matches accounts by name.
- Sage 50 Accounts: audit trail transactions, JD (journal debit) and JC (journal credit) to
  nominal codes, net amount positive, tax code T9 (outside the scope of VAT: the VAT is posted
  as its own line)."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from coop.books.journal import ACCOUNT_TYPES, Entry, Posting
from coop.books.ledger import Account
from coop.money import plain_pounds

XERO_COLUMNS = [
    "*Narration",
    "*Date",
    "Description",
    "*AccountCode",
    "*TaxRate",
    "*Amount",
    "TrackingName1",
    "TrackingOption1",
    "TrackingName2",
    "TrackingOption2",
]
QUICKBOOKS_COLUMNS = [
    "Journal No",
    "Journal Date",
    "Account Name",
    "Debits",
    "Credits",
    "Description",
    "Name",
]
SAGE_COLUMNS = [
    "Type",
    "Account Reference",
    "Nominal A/C Ref",
    "Department Code",
    "Date",
    "Reference",
    "Details",
    "Net Amount",
    "Tax Code",
    "Tax Amount",
]
LAYOUTS = ("xero", "quickbooks", "sage", "beancount")


def _cell(text: str) -> str:
    """Text for a spreadsheet cell: a leading =, +, - or @ would be read as a formula."""
    text = " ".join(text.split())
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _describe(p: Posting, chart: dict[str, Account]) -> str:
    return " - ".join([chart[p.account].name, *p.detail])


def _csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _day(d: date) -> str:
    return f"{d:%d/%m/%Y}"


def xero(entries: list[Entry], chart: dict[str, Account]) -> str:
    rows = []
    for e in entries:
        narration = _cell(f"{e.narration} ({e.day:%Y-%m-%d})")
        for p in e.postings:
            description = _cell(f"{_describe(p, chart)}{', ' + p.name if p.name else ''}")
            amount = plain_pounds(p.pence)
            rows.append(
                [narration, _day(e.day), description, chart[p.account].code, "No VAT", amount, "", "", "", ""]
            )
    return _csv(XERO_COLUMNS, rows)


def quickbooks(entries: list[Entry], chart: dict[str, Account]) -> str:
    rows = []
    for number, e in enumerate(entries, start=1):
        for p in e.postings:
            debit = plain_pounds(p.pence) if p.pence >= 0 else ""
            credit = plain_pounds(-p.pence) if p.pence < 0 else ""
            rows.append(
                [
                    f"CW{e.day:%Y%m%d}-{number}",
                    _day(e.day),
                    _cell(chart[p.account].name),
                    debit,
                    credit,
                    _cell(f"{e.narration}: {' - '.join(p.detail)}" if p.detail else e.narration),
                    _cell(p.name),
                ]
            )
    return _csv(QUICKBOOKS_COLUMNS, rows)


def sage(entries: list[Entry], chart: dict[str, Account]) -> str:
    rows = []
    for e in entries:
        for p in e.postings:
            rows.append(
                [
                    "JD" if p.pence >= 0 else "JC",
                    "",
                    chart[p.account].code,
                    "",
                    _day(e.day),
                    _cell(e.reference[:30]),
                    _cell(f"{e.narration} {' '.join(p.detail)} {p.name}"[:60]),
                    plain_pounds(abs(p.pence)),
                    "T9",
                    "0.00",
                ]
            )
    return _csv(SAGE_COLUMNS, rows)


def _component(text: str) -> str:
    """A Beancount account name part: starts with a capital letter or digit, then letters,
    digits and hyphens only."""
    words = re.findall(r"[A-Za-z0-9]+", text)
    name = "".join(w[:1].upper() + w[1:] for w in words) or "Other"
    return name


def beancount_account(p: Posting, chart: dict[str, Account]) -> str:
    account = chart[p.account]
    parts = [ACCOUNT_TYPES[p.account], f"{_component(account.code)}-{_component(account.name)}"]
    parts += [_component(d) for d in p.detail]
    return ":".join(parts)


def _quote(text: str) -> str:
    return '"' + " ".join(text.replace("\\", "/").replace('"', "'").split()) + '"'


def beancount(entries: list[Entry], chart: dict[str, Account], first: date, last: date, title: str) -> str:
    lines = [
        f"option {_quote('title')} {_quote(f'{title}: journal {first:%Y-%m-%d} to {last:%Y-%m-%d}')}",
        'option "operating_currency" "GBP"',
        "",
    ]
    accounts = sorted({beancount_account(p, chart) for e in entries for p in e.postings})
    lines += [f"{first:%Y-%m-%d} open {a} GBP" for a in accounts]
    for e in entries:
        payee = next((_quote(p.name) + " " for p in e.postings if p.name), "")
        lines += ["", f"{e.day:%Y-%m-%d} * {payee}{_quote(e.narration)}"]
        lines += [f"  {beancount_account(p, chart)}  {plain_pounds(p.pence)} GBP" for p in e.postings]
    return "\n".join(lines) + "\n"
