"""Bank statements and their lines, and the CSV layout remembered for each bank.

Only money coming in (credit lines) is kept: each is a possible client payment. A line's
fingerprint is unique in the database, so importing the same statement again, or one that
overlaps it, never records a line (or its payment) twice."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coop.datamap import ACTOR, Personal, declare, keep
from coop.db import Base, UTCDateTime
from coop.invoicing.models import Payment
from coop.timeutil import utcnow


class StatementFormat(StrEnum):
    OFX = "ofx"
    MT940 = "mt940"
    CAMT053 = "camt053"
    CSV = "csv"


FORMATS = tuple(StatementFormat)


class LineStatus(StrEnum):
    OPEN = "open"  # not dealt with yet: stays listed
    CONFIRMED = "confirmed"  # became one or more payments
    SET_ASIDE = "set_aside"  # not a client's payment (interest, a refund to us, a grant)


class BankStatement(Base):
    __tablename__ = "bank_statement"

    id: Mapped[int] = mapped_column(primary_key=True)
    bank: Mapped[str] = mapped_column(String(80))
    format: Mapped[str] = mapped_column(String(10))
    filename: Mapped[str] = mapped_column(String(200), default="")
    file_sha256: Mapped[str] = mapped_column(String(64))
    credit_lines: Mapped[int] = mapped_column(Integer, default=0)  # credit lines in the file
    new_lines: Mapped[int] = mapped_column(Integer, default=0)  # of those, not seen before
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    lines: Mapped[list[BankLine]] = relationship(
        back_populates="statement", order_by="BankLine.booked_on, BankLine.id", lazy="selectin"
    )

    __table_args__ = (
        CheckConstraint("format IN ('ofx', 'mt940', 'camt053', 'csv')", name="format_known"),
        CheckConstraint("new_lines >= 0 AND new_lines <= credit_lines", name="counts"),
    )


class BankLine(Base):
    __tablename__ = "bank_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("bank_statement.id"), index=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    booked_on: Mapped[date] = mapped_column(Date)
    amount_pence: Mapped[int] = mapped_column(Integer)
    payer_name: Mapped[str] = mapped_column(String(140), default="")
    reference: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(10), default=LineStatus.OPEN, index=True)
    dealt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dealt_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    statement: Mapped[BankStatement] = relationship(back_populates="lines")
    payments: Mapped[list[LinePayment]] = relationship(order_by="LinePayment.id", lazy="selectin")

    __table_args__ = (
        CheckConstraint("amount_pence > 0", name="credit"),
        CheckConstraint("status IN ('open', 'confirmed', 'set_aside')", name="status_known"),
        CheckConstraint("(status = 'open') = (dealt_at IS NULL)", name="dealt_when_closed"),
    )


class LinePayment(Base):
    """A payment a bank line became (several when it was split over invoices)."""

    __tablename__ = "bank_line_payment"

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("bank_line.id"), index=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payment.id"), unique=True)

    payment: Mapped[Payment] = relationship(lazy="joined")


class StatementSent(Base):
    """A client's monthly statement emailed: once per client and month, whoever runs the job."""

    __tablename__ = "client_statement_sent"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("client_id", "period_start"),
        CheckConstraint("period_end >= period_start", name="period_order"),
    )


class CsvLayout(Base):
    """Which columns of a bank's CSV export hold what, chosen once per bank and remembered."""

    __tablename__ = "bank_csv_layout"

    id: Mapped[int] = mapped_column(primary_key=True)
    bank: Mapped[str] = mapped_column(String(80), unique=True)
    date_column: Mapped[str] = mapped_column(String(80))
    amount_column: Mapped[str] = mapped_column(String(80))
    reference_column: Mapped[str] = mapped_column(String(80))
    payer_column: Mapped[str] = mapped_column(String(80), default="")


declare(
    BankStatement,
    Personal(
        what="Bank statements uploaded, and who uploaded them",
        why="to reconcile the bank with the invoices",
        kept="six years (the accounts)",
        owner="",
        columns={"uploaded_by_id": ACTOR},
    ),
)
declare(
    BankLine,
    Personal(
        what="Money into the co-op's bank account: who paid, their reference, who dealt with it",
        why="to reconcile the bank with the invoices",
        kept="six years (the accounts)",
        owner="",
        columns={
            "payer_name": keep("the accounts"),
            "reference": keep("the accounts"),
            "dealt_by_id": ACTOR,
        },
    ),
)
