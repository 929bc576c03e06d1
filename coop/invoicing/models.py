"""Invoices, their lines, credit notes, payments and the gapless number sequences.

An issued invoice never changes: its totals, the supplier's and client's details and the PDF's
SHA-256 are fixed at issue. Corrections are credit notes, with their own number series."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coop.bookings.models import Client
from coop.businesses.models import FIRST_BUSINESS, Business
from coop.datamap import ACTOR, CLIENTS, WHILE_CLIENT, Personal, declare, keep
from coop.db import Base, UTCDateTime, partial_index
from coop.timeutil import utcnow


class NumberSequence(Base):
    """The next number of a series ('invoice', 'credit_note'), taken under a row lock in the
    same transaction that issues the document, so numbers are never skipped or repeated."""

    __tablename__ = "number_sequence"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    next_number: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (CheckConstraint("next_number >= 1", name="positive"),)


class InvoiceStatus(StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"


class Invoice(Base):
    __tablename__ = "invoice"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    # Whose invoice it is: its series, its trading name on the document, its figures.
    business_id: Mapped[int] = mapped_column(ForeignKey("business.id"), index=True, default=FIRST_BUSINESS)
    number: Mapped[str | None] = mapped_column(String(40), unique=True)
    sequence_number: Mapped[int | None] = mapped_column(Integer)  # unique within its business's series
    status: Mapped[str] = mapped_column(String(10), default=InvoiceStatus.DRAFT)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    issue_date: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    net_pence: Mapped[int] = mapped_column(Integer, default=0)
    vat_pence: Mapped[int] = mapped_column(Integer, default=0)
    gross_pence: Mapped[int] = mapped_column(Integer, default=0)
    supplier_json: Mapped[str] = mapped_column(Text, default="{}")
    client_json: Mapped[str] = mapped_column(Text, default="{}")
    pdf_path: Mapped[str] = mapped_column(String(200), default="")
    pdf_sha256: Mapped[str] = mapped_column(String(64), default="")
    facturx_path: Mapped[str] = mapped_column(String(200), default="")
    facturx_sha256: Mapped[str] = mapped_column(String(64), default="")
    # invoicing.service.content_fingerprint at issue: lines, totals and parties, for `coop verify`.
    content_sha256: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Issued and something still to pay (`owes_now`): kept by issuing and by the money-in rule
    # (money_in.settle) in the same transaction as the payment or credit, checked by `coop
    # verify`. The overdue count reads the invoices still owing, not every invoice's payments.
    owing: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    client: Mapped[Client] = relationship(lazy="joined")
    business: Mapped[Business] = relationship(lazy="joined")
    lines: Mapped[list[InvoiceLine]] = relationship(
        back_populates="invoice",
        cascade="all, delete-orphan",
        order_by="InvoiceLine.position",
        lazy="selectin",
    )
    payments: Mapped[list[Payment]] = relationship(
        back_populates="invoice", order_by="Payment.paid_on", lazy="selectin"
    )
    credit_notes: Mapped[list[CreditNote]] = relationship(
        back_populates="invoice", order_by="CreditNote.id", lazy="selectin"
    )
    # A client's overpayment on this invoice, moved to another invoice or refunded.
    credit_used: Mapped[list[CreditUse]] = relationship(
        foreign_keys="CreditUse.from_invoice_id", order_by="CreditUse.id", lazy="selectin", viewonly=True
    )
    # Credit from the client's overpayment elsewhere, applied to this invoice.
    credit_applied: Mapped[list[CreditUse]] = relationship(
        foreign_keys="CreditUse.to_invoice_id", order_by="CreditUse.id", lazy="selectin", viewonly=True
    )

    @property
    def paid_in_pence(self) -> int:
        """What the client has paid towards this invoice: payments that count, plus credit from
        their overpayment elsewhere applied to it, less this invoice's own overpayment moved
        elsewhere or refunded."""
        return (
            sum(p.amount_pence for p in self.payments if p.counts)
            + sum(u.amount_pence for u in self.credit_applied)
            - sum(u.amount_pence for u in self.credit_used)
        )

    @property
    def owes_now(self) -> bool:
        """What `owing` must say, from the records: issued, not wholly credited, and more invoiced
        than credited and paid (display_status's "part-paid", "issued" or "overdue")."""
        credited = sum(c.gross_pence for c in self.credit_notes)
        return (
            self.status == InvoiceStatus.ISSUED
            and credited < self.gross_pence
            and self.gross_pence - credited - self.paid_in_pence > 0
        )

    __table_args__ = (
        CheckConstraint("status IN ('draft', 'issued')", name="status_known"),
        CheckConstraint(
            "status = 'draft' OR (number IS NOT NULL AND issue_date IS NOT NULL)", name="issued_numbered"
        ),
        CheckConstraint("gross_pence = net_pence + vat_pence", name="gross_is_sum"),
        UniqueConstraint("business_id", "sequence_number"),
        Index("ix_invoice_status_due", "status", "due_date"),
        # The invoice list, newest first, a page at a time (PostgreSQL puts the drafts' empty
        # dates first in a descending index, as the list does).
        Index("ix_invoice_newest", text("issue_date DESC"), text("id DESC")),
        # The invoices still owing, by due date: the overdue count and list read only these.
        # (With the status, the count is read from the index alone.)
        partial_index("ix_invoice_owing_due", "due_date", "status", where="owing"),
    )


class LineKind(StrEnum):
    WORK = "work"
    CANCELLATION = "cancellation"
    EXTRA = "extra"
    DISCOUNT = "discount"


class InvoiceLine(Base):
    __tablename__ = "invoice_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(12))  # work | cancellation | extra | discount
    description: Mapped[str] = mapped_column(Text)
    quantity_centi: Mapped[int] = mapped_column(Integer, default=100)  # hours or items × 100
    # Work lines: the exact time, so that "3 h 52 min at £26.55 an hour = £102.66" adds up.
    minutes: Mapped[int | None] = mapped_column(Integer)
    unit_pence: Mapped[int] = mapped_column(Integer, default=0)
    net_pence: Mapped[int] = mapped_column(Integer)
    vat_rate_bp: Mapped[int] = mapped_column(Integer, default=0)
    supply_date: Mapped[date | None] = mapped_column(Date)

    invoice: Mapped[Invoice] = relationship(back_populates="lines")

    __table_args__ = (
        CheckConstraint("kind IN ('work', 'cancellation', 'extra', 'discount')", name="kind_known"),
        CheckConstraint("vat_rate_bp BETWEEN 0 AND 10000", name="vat_range"),
        CheckConstraint("minutes IS NULL OR minutes > 0", name="minutes_positive"),
    )


class InvoicedItem(Base):
    """What an invoice bills: an approved timesheet or a cancelled shift's fee. Unique, so work
    is never billed twice; deleting a draft frees its items for the next run."""

    __tablename__ = "invoiced_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id", ondelete="CASCADE"), index=True)
    timesheet_id: Mapped[int | None] = mapped_column(ForeignKey("timesheet_entry.id"), unique=True)
    fee_shift_id: Mapped[int | None] = mapped_column(ForeignKey("shift.id"), unique=True)

    __table_args__ = (CheckConstraint("(timesheet_id IS NULL) != (fee_shift_id IS NULL)", name="one_source"),)


class CreditNote(Base):
    __tablename__ = "credit_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"), index=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    sequence_number: Mapped[int] = mapped_column(Integer, unique=True)
    issue_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    net_pence: Mapped[int] = mapped_column(Integer)
    vat_pence: Mapped[int] = mapped_column(Integer)
    gross_pence: Mapped[int] = mapped_column(Integer)
    pdf_path: Mapped[str] = mapped_column(String(200), default="")
    pdf_sha256: Mapped[str] = mapped_column(String(64), default="")
    content_sha256: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    invoice: Mapped[Invoice] = relationship(back_populates="credit_notes")

    __table_args__ = (
        CheckConstraint("gross_pence = net_pence + vat_pence", name="gross_is_sum"),
        CheckConstraint("gross_pence > 0", name="positive"),
    )


class Payment(Base):
    __tablename__ = "payment"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"), index=True)
    paid_on: Mapped[date] = mapped_column(Date)
    amount_pence: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # A payment recorded by mistake is reversed, never deleted: it then counts for nothing.
    reversed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reversed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reversal_reason: Mapped[str] = mapped_column(Text, default="")

    invoice: Mapped[Invoice] = relationship(back_populates="payments")

    @property
    def counts(self) -> bool:
        return self.reversed_at is None

    __table_args__ = (CheckConstraint("amount_pence > 0", name="positive"),)


class CreditUseKind(StrEnum):
    APPLIED = "applied"
    REFUNDED = "refunded"


class CreditUse(Base):
    """A client's credit (what they paid beyond an invoice) put to use: applied to another of
    their invoices, where it counts as paid, or refunded to them. Never edited or deleted."""

    __tablename__ = "credit_use"

    id: Mapped[int] = mapped_column(primary_key=True)
    from_invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"), index=True)
    to_invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoice.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # applied | refunded
    amount_pence: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    from_invoice: Mapped[Invoice] = relationship(foreign_keys=[from_invoice_id], lazy="joined")
    to_invoice: Mapped[Invoice | None] = relationship(foreign_keys=[to_invoice_id], lazy="joined")

    __table_args__ = (
        CheckConstraint("amount_pence > 0", name="positive"),
        CheckConstraint("kind IN ('applied', 'refunded')", name="kind_known"),
        CheckConstraint("(kind = 'applied') = (to_invoice_id IS NOT NULL)", name="applied_has_target"),
        CheckConstraint("to_invoice_id IS NULL OR to_invoice_id != from_invoice_id", name="not_to_itself"),
    )


class InvoiceLink(Base):
    """A link, sent in an invoice email, that opens that one invoice without an account (billing
    addresses often have none). The link carries a random 256-bit token; only its SHA-256 is kept,
    so a changed link matches nothing. It expires, and a coordinator can turn it off."""

    __tablename__ = "invoice_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    sent_to: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    last_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (CheckConstraint("expires_at > created_at", name="expires_after_made"),)


_INVOICE = keep("the client's issued invoice; it never changes")
declare(
    InvoicedItem,
    Personal(
        what="Which hours worked are on which invoice",
        why="so nothing is billed twice",
        kept="six years (the invoices)",
        owner="",
        columns={"timesheet_id": _INVOICE},
    ),
)
declare(
    Payment,
    Personal(
        what="Payments from clients, and who recorded them",
        why="to keep the accounts",
        kept="six years (the accounts)",
        owner="",
        columns={"created_by_id": ACTOR, "reversed_by_id": ACTOR, "reversal_reason": keep("the accounts")},
    ),
)
declare(
    CreditUse,
    Personal(
        what="A client's credit used or refunded, and who did it",
        why="to keep the accounts",
        kept="six years (the accounts)",
        owner="",
        columns={"created_by_id": ACTOR},
    ),
)
declare(
    InvoiceLink,
    Personal(
        what="Links that open one invoice, and the billing address they were sent to",
        why="so clients can open their invoice without an account",
        kept=WHILE_CLIENT,
        owner="",
        columns={"sent_to": keep(CLIENTS), "revoked_by_id": ACTOR},
    ),
)
