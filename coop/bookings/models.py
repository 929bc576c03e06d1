"""Services the co-op sells, its clients, their bookings, and the shifts bookings become."""

from __future__ import annotations

from datetime import date, datetime, time
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
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coop.auth.models import User
from coop.businesses.models import FIRST_BUSINESS, Business
from coop.datamap import ACTOR, CLIENTS, WHILE_CLIENT, Personal, declare, keep
from coop.db import Base, UTCDateTime, partial_index
from coop.i18n import N_
from coop.members.models import Skill
from coop.timeutil import utcnow, whole_minutes


class Service(Base):
    """Something clients can book, with what it charges and what it pays members (pence/hour)."""

    __tablename__ = "service"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    skill_id: Mapped[int] = mapped_column(ForeignKey("skill.id"))
    business_id: Mapped[int] = mapped_column(ForeignKey("business.id"), index=True, default=FIRST_BUSINESS)
    charge_pence_per_hour: Mapped[int] = mapped_column(Integer)
    pay_pence_per_hour: Mapped[int] = mapped_column(Integer)
    vat_rate_bp: Mapped[int] = mapped_column(Integer, default=2000)  # basis points: 2000 = 20%
    min_booking_minutes: Mapped[int] = mapped_column(Integer, default=60)
    # Paid involvement (consultation, panels, research, training): members may take less or no pay.
    involvement: Mapped[bool] = mapped_column(Boolean, default=False)
    # Answering the co-op's helpline: members holding its shift today may record enquiry calls.
    helpline: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    skill: Mapped[Skill] = relationship(lazy="joined")
    business: Mapped[Business] = relationship(lazy="joined")

    __table_args__ = (
        CheckConstraint("charge_pence_per_hour >= 0", name="charge_non_negative"),
        CheckConstraint("pay_pence_per_hour > 0", name="pay_positive"),
        CheckConstraint("vat_rate_bp BETWEEN 0 AND 10000", name="vat_rate_range"),
        CheckConstraint("min_booking_minutes BETWEEN 0 AND 1440", name="min_booking_range"),
    )

    @property
    def margin_pence_per_hour(self) -> int:
        return self.charge_pence_per_hour - self.pay_pence_per_hour


SECTORS = {
    "retail": N_("Shops and retail"),
    "hospitality": N_("Cafes, restaurants and hospitality"),
    "charity": N_("Charities and community groups"),
    "health": N_("Health and social care"),
    "public": N_("Councils and public services"),
    "office": N_("Offices and business services"),
    "other": N_("Other local organisations"),
}


class InvoiceGrouping(StrEnum):
    SHIFT = "shift"  # one invoice line per visit
    SERVICE = "service"  # one line per service


class Client(Base):
    """A business or organisation (a shop, a charity, a health trust) that books work."""

    __tablename__ = "client"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    address: Mapped[str] = mapped_column(Text, default="")
    billing_email: Mapped[str] = mapped_column(String(254))
    payment_terms_days: Mapped[int] = mapped_column(Integer, default=30)
    invoice_grouping: Mapped[str] = mapped_column(String(10), default="shift")
    confirms_work: Mapped[bool] = mapped_column(Boolean, default=False)
    wants_einvoice: Mapped[bool] = mapped_column(Boolean, default=False)  # Factur-X with invoice emails
    # The language of their invoices, statements and reminders; None: the co-op's language.
    language: Mapped[str | None] = mapped_column(String(8))
    statement_by_email: Mapped[bool] = mapped_column(Boolean, default=False)  # a statement each month
    sector: Mapped[str] = mapped_column(String(20), default="other")  # for members' work records
    # The SHA-256 of the client's secret calendar address (coop.secret_tokens); none until made.
    feed_token_sha256: Mapped[str | None] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contacts: Mapped[list[ClientContact]] = relationship(back_populates="client", lazy="select")

    __table_args__ = (
        CheckConstraint("payment_terms_days BETWEEN 0 AND 120", name="terms_range"),
        CheckConstraint("invoice_grouping IN ('shift', 'service')", name="grouping_known"),
        CheckConstraint(
            "sector IN ('retail', 'hospitality', 'charity', 'health', 'public', 'office', 'other')",
            name="sector_known",
        ),
    )


class ClientContact(Base):
    """A person who acts for a client. Each contact belongs to exactly one client."""

    __tablename__ = "client_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    phone: Mapped[str] = mapped_column(String(40), default="")

    client: Mapped[Client] = relationship(back_populates="contacts")
    user: Mapped[User] = relationship(lazy="joined")


class BookingStatus(StrEnum):
    REQUESTED = "requested"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    SCHEDULED = "scheduled"
    COMPLETED = "completed"
    INVOICED = "invoiced"
    CANCELLED = "cancelled"


# What each status is called where people read it (translated where shown: `_(label)`).
BOOKING_STATUSES: dict[str, str] = {
    BookingStatus.REQUESTED: N_("requested"),
    BookingStatus.CONFIRMED: N_("confirmed"),
    BookingStatus.DECLINED: N_("declined"),
    BookingStatus.SCHEDULED: N_("scheduled"),
    BookingStatus.COMPLETED: N_("completed"),
    BookingStatus.INVOICED: N_("invoiced"),
    BookingStatus.CANCELLED: N_("cancelled"),
}


class Recurrence(StrEnum):
    NONE = "none"
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"


# How often a booking repeats, in the words its page uses ("weekly until 3 Dec 2026").
RECURRENCES = {
    Recurrence.NONE: N_("once"),
    Recurrence.WEEKLY: N_("weekly"),
    Recurrence.FORTNIGHTLY: N_("fortnightly"),
    Recurrence.MONTHLY: N_("monthly"),
}


class Booking(Base):
    """A client's request for a service at a place and time, once or repeating."""

    __tablename__ = "booking"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    site_address: Mapped[str] = mapped_column(Text)
    notes: Mapped[str] = mapped_column(Text, default="")
    workers: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time] = mapped_column(Time)  # Europe/London wall clock
    end_time: Mapped[time] = mapped_column(Time)  # at or before start_time: ends next day
    recurrence: Mapped[str] = mapped_column(String(12), default=Recurrence.NONE)
    weekdays: Mapped[str] = mapped_column(String(20), default="")  # "0,2,4" = Mon, Wed, Fri
    until_date: Mapped[date | None] = mapped_column(Date)
    occurrences: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default=BookingStatus.REQUESTED)
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    client: Mapped[Client] = relationship(lazy="joined")
    service: Mapped[Service] = relationship(lazy="joined")
    shifts: Mapped[list[Shift]] = relationship(
        back_populates="booking", order_by="Shift.starts_at", lazy="select"
    )
    events: Mapped[list[BookingEvent]] = relationship(
        back_populates="booking", order_by="BookingEvent.id", lazy="select"
    )

    @property
    def status_label(self) -> str:
        """The status's word, for `_()` where it is shown."""
        return BOOKING_STATUSES.get(self.status, self.status)

    @property
    def recurrence_label(self) -> str:
        """How often it repeats, for `_()` where it is shown."""
        return RECURRENCES.get(Recurrence(self.recurrence), self.recurrence)

    __table_args__ = (
        CheckConstraint("workers BETWEEN 1 AND 50", name="workers_range"),
        CheckConstraint(
            "status IN ('requested', 'confirmed', 'declined', 'scheduled', 'completed', "
            "'invoiced', 'cancelled')",
            name="status_known",
        ),
        CheckConstraint(
            "recurrence IN ('none', 'weekly', 'fortnightly', 'monthly')", name="recurrence_known"
        ),
        CheckConstraint(
            "recurrence = 'none' OR until_date IS NOT NULL OR occurrences IS NOT NULL",
            name="recurrence_has_end",
        ),
        Index("ix_booking_status", "status"),
        Index("ix_booking_client_id", "client_id"),
    )


class BookingEvent(Base):
    """Every change of a booking's status: when, who, and why."""

    __tablename__ = "booking_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    status: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(Text, default="")

    booking: Mapped[Booking] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship(lazy="joined")

    @property
    def status_label(self) -> str:
        return BOOKING_STATUSES.get(self.status, self.status)


class ShiftStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


# The week grid reads a week's shifts from ix_shift_starts_at alone on PostgreSQL (0042); the
# open-shift lists read the shifts with a free place, by start, from ix_shift_open_starts (0037).
WEEK_READS = ["id", "status", "ends_at", "filled", "slots", "service_id", "client_id"]
# What counting the unfilled places of a week reads (the coordinator's home; migration 0044).
OPEN_COUNTS = ["status", "slots", "filled", "service_id"]


class Shift(Base):
    """One occurrence of a booking: a time, a place and a number of slots for members.

    `filled` counts accepted assignments; claims raise it with a conditional update
    (filled < slots), so a shift can never be over-filled, and the database checks it too."""

    __tablename__ = "shift"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"))
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    slots: Mapped[int] = mapped_column(Integer)
    filled: Mapped[int] = mapped_column(Integer, default=0)
    site_address: Mapped[str] = mapped_column(Text)
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default=ShiftStatus.SCHEDULED)
    bank_holiday: Mapped[str] = mapped_column(String(80), default="")
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancellation_fee_pence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Fair release: until then only the members held for it can claim it (NULL: open to all).
    open_to_all_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    booking: Mapped[Booking] = relationship(back_populates="shifts")
    service: Mapped[Service] = relationship(lazy="joined")
    client: Mapped[Client] = relationship(lazy="joined")

    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("slots BETWEEN 1 AND 50", name="slots_range"),
        CheckConstraint("filled >= 0 AND filled <= slots", name="never_overfilled"),
        CheckConstraint("status IN ('scheduled', 'cancelled')", name="status_known"),
        CheckConstraint("cancellation_fee_pence >= 0", name="fee_non_negative"),
        UniqueConstraint("id", "starts_at", name="uq_shift_id_starts_at"),  # see Assignment
        Index("ix_shift_starts_at", "starts_at", postgresql_include=WEEK_READS),
        Index("ix_shift_booking_id", "booking_id"),
        Index("ix_shift_client_starts", "client_id", "starts_at"),
        partial_index(
            "ix_shift_open_starts", "starts_at", where="filled < slots", postgresql_include=OPEN_COUNTS
        ),
    )

    @property
    def minutes(self) -> int:
        return whole_minutes(self.starts_at, self.ends_at)

    @property
    def open_slots(self) -> int:
        return self.slots - self.filled if self.status == ShiftStatus.SCHEDULED else 0


class ChangeStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REPLACED = "replaced"  # the client asked again before an answer


class VisitChangeRequest(Base):
    """A client asks to change one visit (day, times, number of people, notes). A coordinator
    accepts it (applied through the same checks as their own edit, so members who hold the visit
    are told and re-checked as for a claim) or declines it with a reason."""

    __tablename__ = "visit_change_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shift.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    day: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time] = mapped_column(Time)  # Europe/London wall clock
    end_time: Mapped[time] = mapped_column(Time)
    slots: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default=ChangeStatus.PENDING)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    answer: Mapped[str] = mapped_column(Text, default="")  # a coordinator's reason for saying no

    shift: Mapped[Shift] = relationship(lazy="joined")

    __table_args__ = (
        CheckConstraint("status IN ('pending', 'accepted', 'declined', 'replaced')", name="status_known"),
        CheckConstraint("slots BETWEEN 1 AND 50", name="slots_range"),
        CheckConstraint("start_time != end_time", name="has_length"),
        # one open question per visit
        partial_index(
            "uq_visit_change_request_one_pending", "shift_id", where="status = 'pending'", unique=True
        ),
    )


class VisitNote(Base):
    """How a visit went, in the client's words: a note to the coordinators about the service,
    never a rating of a member. Shown beside the visit's timesheets."""

    __tablename__ = "visit_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shift.id", ondelete="CASCADE"), unique=True)
    written_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (CheckConstraint("length(note) BETWEEN 1 AND 1000", name="note_length"),)


_CLIENT_TEXT = keep(CLIENTS)
declare(
    Client,
    Personal(
        what="Client businesses: name, address, billing email, calendar link",
        why="to book and invoice work",
        kept=WHILE_CLIENT + ", and six years after for the invoices",
        owner="",
        columns={
            "name": _CLIENT_TEXT,
            "address": _CLIENT_TEXT,
            "billing_email": _CLIENT_TEXT,
            "feed_token_sha256": _CLIENT_TEXT,
        },
    ),
)
declare(
    ClientContact,
    Personal(
        what="Client contacts' names and phone numbers",
        why="to arrange visits with the client",
        kept=WHILE_CLIENT,
        owner="",
        columns={"user_id": keep("their sign-in"), "name": _CLIENT_TEXT, "phone": _CLIENT_TEXT},
    ),
)
declare(
    Booking,
    Personal(
        what="Bookings: where the work is, the client's notes, who booked it",
        why="to plan the work",
        kept=WHILE_CLIENT + ", and six years after for the invoices",
        owner="",
        columns={
            "site_address": _CLIENT_TEXT,
            "notes": _CLIENT_TEXT,
            "decline_reason": _CLIENT_TEXT,
            "created_by_id": ACTOR,
        },
    ),
)
declare(
    BookingEvent,
    Personal(
        what="What happened to each booking, and who did it",
        why="to show a booking's history",
        kept="with the booking",
        owner="",
        columns={"actor_id": ACTOR, "note": _CLIENT_TEXT},
    ),
)
declare(
    VisitChangeRequest,
    Personal(
        what="A client's requests to change one visit, and the answer",
        why="to change visits",
        kept="with the booking",
        owner="",
        columns={
            "requested_by_id": ACTOR,
            "answered_by_id": ACTOR,
            "notes": _CLIENT_TEXT,
            "answer": _CLIENT_TEXT,
        },
    ),
)
declare(
    VisitNote,
    Personal(
        what="Coordinators' notes on a visit for the client",
        why="to tell the client about the visit",
        kept="with the booking",
        owner="",
        columns={"written_by_id": ACTOR, "note": _CLIENT_TEXT},
    ),
)
