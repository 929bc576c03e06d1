"""Reading a bank statement: OFX (ofxtools), MT940 (mt-940), ISO 20022 CAMT.053 (checked against
its XSD first) or CSV (the bank's columns named once). Only money coming in is read: each credit
becomes a `StatementLine`. A file is untrusted: anything that cannot be read is a DomainError
saying so, never a crash, and nothing is stored."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import mt940
from lxml import etree

from coop.books.models import StatementFormat
from coop.errors import DomainError
from coop.i18n import gettext as _
from coop.money import MOST_POUNDS

MAX_BYTES = 2 * 1024 * 1024
MAX_LINES = 5000
CAMT_NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
_SCHEMA_PATH = Path(__file__).parent / "schemas" / "camt.053.001.02.xsd"
_schema: etree.XMLSchema | None = None


@dataclass(frozen=True)
class StatementLine:
    booked_on: date
    amount_pence: int
    payer_name: str
    reference: str
    bank_id: str = ""  # the bank's own id for the entry (OFX FITID, CAMT AcctSvcrRef), if any


@dataclass(frozen=True)
class CsvColumns:
    date: str
    amount: str
    reference: str
    payer: str = ""


def fingerprint(bank: str, line: StatementLine, occurrence: int) -> str:
    """The same payment read from the same bank gives the same fingerprint, whichever statement
    (or overlapping statement) it comes in. The bank's own id is used where the format has one;
    otherwise the date, amount, payer and reference, and which of several identical lines on
    that statement it is (two equal payments on one day are two payments)."""
    bank_key = " ".join(bank.lower().split())
    if line.bank_id:
        parts = [bank_key, "id", line.bank_id]
    else:
        parts = [
            bank_key,
            line.booked_on.isoformat(),
            str(line.amount_pence),
            " ".join(line.payer_name.lower().split()),
            " ".join(line.reference.lower().split()),
            str(occurrence),
        ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def read_statement(data: bytes, fmt: str, columns: CsvColumns | None = None) -> list[StatementLine]:
    """The credit lines of a statement file in the given format."""
    if not data:
        raise DomainError(_("The file is empty."), field="statement")
    if len(data) > MAX_BYTES:
        raise DomainError(_("The file is larger than 2 MB. Download a shorter period."), field="statement")
    readers: dict[str, Callable[[bytes], list[StatementLine]]] = {
        StatementFormat.OFX: _ofx,
        StatementFormat.MT940: _mt940,
        StatementFormat.CAMT053: _camt053,
    }
    if fmt == StatementFormat.CSV:
        if columns is None:
            raise DomainError(
                _("Say which columns hold the date, the amount and the reference."), field="date_column"
            )
        lines = _csv(data, columns)
    elif fmt in readers:
        lines = readers[fmt](data)
    else:
        raise DomainError(_("Choose the statement's format."), field="format")
    if len(lines) > MAX_LINES:
        raise DomainError(
            _(
                "The statement has more than %(MAX_LINES)s payments in. Download a shorter period.",
                MAX_LINES=MAX_LINES,
            )
        )
    return lines


def _pence(amount: Any) -> int:
    """A statement's amount in pence, or ValueError for what is not pounds and pence ('abc',
    '1.234', or a figure past any real payment, which decimal arithmetic would not even hold)."""
    try:
        value = Decimal(str(amount))
        whole = (
            value.is_finite() and value.copy_abs() < MOST_POUNDS and value == value.quantize(Decimal("0.01"))
        )
    except InvalidOperation as exc:
        raise ValueError(_("not an amount in pounds and pence")) from exc
    if not whole:
        raise ValueError(_("not an amount in pounds and pence"))
    return int(value * 100)


def _clip(text: Any, size: int) -> str:
    return " ".join(str(text or "").replace("\x00", "").split())[:size]


def _refused(fmt: str) -> DomainError:
    return DomainError(
        _(
            "This file could not be read as %(fmt)s. Check the format chosen matches the file your bank "
            "gave you.",
            fmt=fmt,
        ),
        field="statement",
    )


def _ofx(data: bytes) -> list[StatementLine]:
    # ofxtools takes a quarter of a second to import (its models of every OFX message): only a
    # process that reads an OFX statement pays for it, not every worker, command and test.
    from ofxtools.Parser import OFXTree  # noqa: PLC0415

    try:
        tree = OFXTree()
        tree.parse(io.BytesIO(data))
        ofx = tree.convert()
        out = []
        for statement in ofx.statements:
            for txn in statement.transactions:
                pence = _pence(txn.trnamt)
                if pence <= 0:
                    continue
                out.append(
                    StatementLine(
                        booked_on=txn.dtposted.date(),
                        amount_pence=pence,
                        payer_name=_clip(txn.name, 140),
                        reference=_clip(txn.memo or txn.refnum or "", 300),
                        bank_id=_clip(txn.fitid, 255),
                    )
                )
        return out
    except DomainError:
        raise
    except Exception as exc:  # ofxtools raises many kinds of error for a bad file
        raise _refused("OFX") from exc


def _mt940(data: bytes) -> list[StatementLine]:
    try:
        text = data.decode("utf-8", errors="replace")
        transactions = mt940.models.Transactions()
        transactions.parse(text)
        if not transactions.data and not len(transactions):
            raise ValueError(_("no statement found"))
        out = []
        for txn in transactions:
            pence = _pence(txn.data["amount"].amount)
            if pence <= 0:
                continue
            details = _clip(txn.data.get("transaction_details", ""), 300)
            reference = details or _clip(txn.data.get("customer_reference", ""), 300)
            day = txn.data["date"]
            out.append(
                StatementLine(
                    booked_on=date(day.year, day.month, day.day),
                    amount_pence=pence,
                    payer_name=_clip(txn.data.get("applicant_name", ""), 140),
                    reference=reference,
                )
            )
        return out
    except DomainError:
        raise
    except Exception as exc:  # the parser raises many kinds of error for a bad file
        raise _refused("MT940") from exc


def _camt_schema() -> etree.XMLSchema:
    global _schema
    if _schema is None:
        _schema = etree.XMLSchema(etree.parse(str(_SCHEMA_PATH)))
    return _schema


def _camt053(data: bytes) -> list[StatementLine]:
    # No entities, no network, no huge trees: the file is untrusted.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        doc = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise _refused("CAMT.053 (it is not well-formed XML)") from exc
    schema = _camt_schema()
    if not schema.validate(doc):
        error = schema.error_log.last_error
        where = f" (line {error.line}: {error.message[:200]})" if error else ""
        raise DomainError(
            _("This file is not a valid CAMT.053 version 02 statement%(where)s.", where=where),
            field="statement",
        )
    ns = {"c": CAMT_NS}
    out = []
    for entry in doc.iterfind(".//c:Stmt/c:Ntry", ns):
        if entry.findtext("c:CdtDbtInd", namespaces=ns) != "CRDT":
            continue
        if entry.findtext("c:Sts", namespaces=ns) not in ("BOOK", None):
            continue  # pending or information-only entries are not money in yet
        if entry.find("c:Amt", ns).get("Ccy") != "GBP":
            continue
        try:
            pence = _pence(entry.findtext("c:Amt", namespaces=ns))
            day = entry.findtext("c:BookgDt/c:Dt", namespaces=ns) or entry.findtext(
                "c:BookgDt/c:DtTm", namespaces=ns
            )
            booked = date.fromisoformat((day or "")[:10])
        except ValueError as exc:
            raise _refused("CAMT.053") from exc
        remittance = " ".join(t.text or "" for t in entry.iterfind(".//c:RmtInf/c:Ustrd", ns)) or " ".join(
            t.text or "" for t in entry.iterfind(".//c:RmtInf//c:Ref", ns)
        )
        out.append(
            StatementLine(
                booked_on=booked,
                amount_pence=pence,
                payer_name=_clip(entry.findtext(".//c:RltdPties/c:Dbtr/c:Nm", namespaces=ns), 140),
                reference=_clip(remittance or entry.findtext("c:AddtlNtryInf", namespaces=ns), 300),
                bank_id=_clip(
                    entry.findtext("c:AcctSvcrRef", namespaces=ns)
                    or entry.findtext("c:NtryRef", namespaces=ns),
                    255,
                ),
            )
        )
    return out


DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d/%m/%y", "%d %b %Y", "%d-%b-%Y", "%d.%m.%Y")
_AMOUNT = re.compile(r"^[+-]?£?[+-]?[\d,]*\.?\d+$")


def _csv_date(text: str) -> date:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _csv_amount(text: str) -> int:
    cleaned = text.strip().replace(" ", "")
    if cleaned in ("", "-"):
        return 0
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    cleaned = cleaned.strip("()")
    if not _AMOUNT.match(cleaned):
        raise ValueError(text)
    pence = _pence(cleaned.replace("£", "").replace(",", ""))
    return -pence if negative else pence


def _csv(data: bytes, columns: CsvColumns) -> list[StatementLine]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    try:
        rows = csv.DictReader(io.StringIO(text, newline=""))
        header = [h.strip() for h in rows.fieldnames or []]
    except csv.Error as exc:
        raise _refused("CSV") from exc
    missing = [
        c for c in (columns.date, columns.amount, columns.reference, columns.payer) if c and c not in header
    ]
    if missing:
        shown = ", ".join(f"“{h}”" for h in header[:12]) or "none"
        raise DomainError(
            _(
                "The file has no column called “%(value)s”. Its columns are: %(value2)s.",
                value=missing[0][:80],
                value2=shown[:600],
            ),
            field="date_column",
        )
    out = []
    try:
        for number, raw in enumerate(rows, start=2):
            row = {(k or "").strip(): v or "" for k, v in raw.items() if isinstance(v, str)}
            if not any(row.values()):
                continue
            try:
                pence = _csv_amount(row.get(columns.amount, ""))
                if pence <= 0:
                    continue
                booked = _csv_date(row.get(columns.date, ""))
            except ValueError as exc:
                raise DomainError(
                    _(
                        "Row %(number)s of the file has a date or amount that could not be read.",
                        number=number,
                    ),
                    field="statement",
                ) from exc
            out.append(
                StatementLine(
                    booked_on=booked,
                    amount_pence=pence,
                    payer_name=_clip(row.get(columns.payer, "") if columns.payer else "", 140),
                    reference=_clip(row.get(columns.reference, ""), 300),
                )
            )
            if len(out) > MAX_LINES:
                break
    except csv.Error as exc:
        raise _refused("CSV") from exc
    return out
