"""The co-op's businesses (trading names), who leads each, and quote requests from
organisations that are not clients yet.

The legal identity stays one: a business is a trading name of the co-op, with its own services,
its own gapless invoice series (a `number_sequence` row named in `series`) and its own leads.
A fresh install has one business, named after the co-op."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, Text, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coop.datamap import ACTOR, DELETE, Personal, declare, keep
from coop.db import Base, UTCDateTime
from coop.timeutil import utcnow


class Business(Base):
    """One trading name of the co-op: its services, invoices and figures belong to it."""

    __tablename__ = "business"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    logo_path: Mapped[str] = mapped_column(String(200), default="")
    logo_type: Mapped[str] = mapped_column(String(40), default="")
    # Unique, and ends in a character that is not a digit, so no two series can print one number.
    invoice_prefix: Mapped[str] = mapped_column(String(12), unique=True)
    # The number_sequence row holding this business's next invoice number ('invoice' for the first).
    series: Mapped[str] = mapped_column(ForeignKey("number_sequence.name"), unique=True)
    in_directory: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (CheckConstraint("invoice_prefix <> ''", name="prefix_given"),)


# The column default for a service or invoice saved without a business: the first one, so a
# co-op with one business never has to say which.
FIRST_BUSINESS = select(func.min(Business.id)).scalar_subquery()


class BusinessLead(Base):
    """A coordinator who leads a business: their pages start with its work, and its requests
    reach them first."""

    __tablename__ = "business_lead"

    business_id: Mapped[int] = mapped_column(ForeignKey("business.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class QuoteStatus:
    NEW = "new"
    ANSWERED = "answered"  # a lead replied, or decided not to go on
    CLIENT = "client"  # turned into a client and a booking request


class QuoteRequest(Base):
    """An organisation that is not a client yet asks one business for a quote (no account)."""

    __tablename__ = "quote_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    business_id: Mapped[int] = mapped_column(ForeignKey("business.id"), index=True)
    organisation: Mapped[str] = mapped_column(String(120))
    contact_name: Mapped[str] = mapped_column(String(120))
    contact_email: Mapped[str] = mapped_column(String(254))
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    need: Mapped[str] = mapped_column(Text)
    place: Mapped[str] = mapped_column(Text, default="")
    timing: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default=QuoteStatus.NEW)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id"))
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    business: Mapped[Business] = relationship(lazy="joined")

    __table_args__ = (
        CheckConstraint("status IN ('new', 'answered', 'client')", name="status_known"),
        CheckConstraint("status <> 'client' OR client_id IS NOT NULL", name="client_named"),
    )


QUOTES_KEPT = "a year after it arrives, then deleted (coop purge-erased)"

declare(
    Business,
    Personal(
        what="Each business's public contact email and phone",
        why="so clients can reach the business",
        kept="while the business trades",
        owner="",
        columns={
            "name": keep("the business's own name"),
            "description": keep("the business's own words"),
            "contact_email": keep("the business's contact, not a person's"),
            "contact_phone": keep("the business's contact, not a person's"),
        },
    ),
)
declare(
    BusinessLead,
    Personal(
        what="Which coordinators lead which business",
        why="to send a business's requests to its leads and start their pages with its work",
        kept="while they lead it",
        owner="user_id",
        columns={"user_id": DELETE},
    ),
)
declare(
    QuoteRequest,
    Personal(
        what="Requests for a quote from organisations that are not clients yet: a contact's name, "
        "email, phone and what they need",
        why="to answer the request and, if they agree, to make them a client",
        kept=QUOTES_KEPT,
        owner="",
        columns={
            "organisation": keep("the organisation's own name"),
            "contact_name": keep("until the request is deleted after a year"),
            "contact_email": keep("until the request is deleted after a year"),
            "contact_phone": keep("until the request is deleted after a year"),
            "need": keep("until the request is deleted after a year"),
            "place": keep("until the request is deleted after a year"),
            "timing": keep("until the request is deleted after a year"),
            "answered_by_id": ACTOR,
        },
    ),
)
