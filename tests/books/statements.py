"""Bank statements written as banks write them, in the four formats, from a list of payments in
(and one payment out, which is never read as a client's payment)."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Paid:
    on: date
    pence: int
    payer: str
    reference: str
    bank_id: str = ""


def _bank_id(p: Paid) -> str:
    """A bank's own id for an entry: stable, whichever statement the entry is on."""
    return p.bank_id or f"{p.on:%Y%m%d}-{p.pence}-{zlib.crc32(f'{p.payer}|{p.reference}'.encode())}"


def _pounds(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    return f"{sign}{abs(pence) // 100}.{abs(pence) % 100:02d}"


OUT = Paid(date(2026, 11, 3), -4_500, "Office rent", "RENT NOV", "OUT1")


def ofx(payments: list[Paid]) -> bytes:
    txns = "".join(
        f"""<STMTTRN><TRNTYPE>{"CREDIT" if p.pence > 0 else "DEBIT"}</TRNTYPE>
<DTPOSTED>{p.on:%Y%m%d}120000[0:GMT]</DTPOSTED><TRNAMT>{_pounds(p.pence)}</TRNAMT>
<FITID>{_bank_id(p)}</FITID><NAME>{p.payer[:32]}</NAME><MEMO>{p.reference}</MEMO></STMTTRN>
"""
        for p in [*payments, OUT]
    )
    return f"""OFXHEADER:100
DATA:OFXSGML
VERSION:102
SECURITY:NONE
ENCODING:USASCII
CHARSET:1252
COMPRESSION:NONE
OLDFILEUID:NONE
NEWFILEUID:NONE

<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>
<DTSERVER>20261130120000[0:GMT]</DTSERVER><LANGUAGE>ENG</LANGUAGE></SONRS></SIGNONMSGSRSV1>
<BANKMSGSRSV1><STMTTRNRS><TRNUID>1</TRNUID><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>
<STMTRS><CURDEF>GBP</CURDEF><BANKACCTFROM><BANKID>089000</BANKID><ACCTID>12345678</ACCTID>
<ACCTTYPE>CHECKING</ACCTTYPE></BANKACCTFROM><BANKTRANLIST><DTSTART>20261101</DTSTART><DTEND>20261130</DTEND>
{txns}</BANKTRANLIST><LEDGERBAL><BALAMT>1000.00</BALAMT><DTASOF>20261130</DTASOF></LEDGERBAL>
</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>
""".encode()


def mt940(payments: list[Paid]) -> bytes:
    body = ""
    for p in [*payments, OUT]:
        mark = "C" if p.pence > 0 else "D"
        body += f":61:{p.on:%y%m%d}{p.on:%m%d}{mark}{_pounds(abs(p.pence)).replace('.', ',')}NTRFNONREF\r\n"
        body += f":86:{p.reference} {p.payer}\r\n"
    return (
        ":20:STATEMENT\r\n:25:08900012345678\r\n:28C:1/1\r\n:60F:C261101GBP1000,00\r\n"
        + body
        + ":62F:C261130GBP1000,00\r\n-"
    ).encode()


def camt053(payments: list[Paid]) -> bytes:
    entries = ""
    for i, p in enumerate([*payments, OUT]):
        credit = p.pence > 0
        party = (
            f"<RltdPties><Dbtr><Nm>{p.payer}</Nm></Dbtr></RltdPties>"
            if credit
            else f"<RltdPties><Cdtr><Nm>{p.payer}</Nm></Cdtr></RltdPties>"
        )
        amount = _pounds(abs(p.pence))
        entries += f"""<Ntry><NtryRef>{i}</NtryRef><Amt Ccy="GBP">{amount}</Amt>
<CdtDbtInd>{"CRDT" if credit else "DBIT"}</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>{p.on.isoformat()}</Dt></BookgDt>
<ValDt><Dt>{p.on.isoformat()}</Dt></ValDt><AcctSvcrRef>{_bank_id(p)}</AcctSvcrRef>
<BkTxCd><Prtry><Cd>TRF</Cd></Prtry></BkTxCd>
<NtryDtls><TxDtls>{party}<RmtInf><Ustrd>{p.reference}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
"""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
<BkToCstmrStmt><GrpHdr><MsgId>MSG1</MsgId><CreDtTm>2026-11-30T12:00:00</CreDtTm></GrpHdr>
<Stmt><Id>STMT1</Id><CreDtTm>2026-11-30T12:00:00</CreDtTm>
<Acct><Id><Othr><Id>08900012345678</Id></Othr></Id><Ccy>GBP</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="GBP">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
<Dt><Dt>2026-11-01</Dt></Dt></Bal>
{entries}</Stmt></BkToCstmrStmt></Document>
""".encode()


CSV_HEADER = ["Date", "Type", "Description", "Paid out", "Paid in", "Balance"]


def csv_file(payments: list[Paid]) -> bytes:
    rows = [",".join(CSV_HEADER)]
    for p in [*payments, OUT]:
        paid_in = _pounds(p.pence) if p.pence > 0 else ""
        paid_out = _pounds(-p.pence) if p.pence < 0 else ""
        rows.append(f'{p.on:%d/%m/%Y},BGC,"{p.payer} {p.reference}",{paid_out},{paid_in},1000.00')
    return ("\r\n".join(rows) + "\r\n").encode()


BUILD = {"ofx": ofx, "mt940": mt940, "camt053": camt053, "csv": csv_file}
