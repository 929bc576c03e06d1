"""A booking's life: requested, confirmed into shifts (or declined), completed when its visits end."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from coop.bookings.models import (
    Booking,
    BookingEvent,
    BookingStatus,
    Client,
    Recurrence,
    Shift,
    ShiftStatus,
)
from coop.bookings.planning import BookingData, plan_booking
from coop.businesses import leads
from coop.db import lock, locking, write_transaction
from coop.errors import DomainError, NotFound
from coop.i18n import gettext as _
from coop.mail import service as mail
from coop.rota.fair_release import hold_new_shifts
from coop.timeutil import (
    format_dt,
    utcnow,
)


def record_event(
    session: Session, booking: Booking, status: str, actor_id: int | None, note: str = ""
) -> None:
    booking.status = status
    session.add(BookingEvent(booking=booking, status=status, actor_id=actor_id, note=note))


def notify_client(session: Session, booking: Booking, template: str, **context: Any) -> None:
    recipients = {booking.client.billing_email} | {c.user.email for c in booking.client.contacts}
    for to in sorted(recipients):
        mail.queue(session, to, template, booking=booking, client=booking.client, fmt=format_dt, **context)


def request_booking(session: Session, client: Client, data: BookingData, *, actor_id: int) -> Booking:
    """A client asks for a service. Nothing is scheduled until a coordinator confirms it."""
    client_id = client.id
    with write_transaction(session):
        booking = request_within(session, session.get(Client, client_id) or client, data, actor_id=actor_id)
        # The business's leads hear first; with no lead, every coordinator.
        leads.tell_leads_within(
            session, booking.service.business_id, "booking_requested", booking=booking, fmt=format_dt
        )
        return booking


def request_within(session: Session, client: Client, data: BookingData, *, actor_id: int) -> Booking:
    """Inside a write transaction: the booking request itself (see request_booking)."""
    plan = plan_booking(session, data)
    booking = Booking(
        client=client,
        service=plan.service,
        site_address=data.site_address.strip()[:1000],
        notes=data.notes.strip()[:2000],
        workers=data.workers,
        start_date=data.start_date,
        start_time=data.start_time,
        end_time=data.end_time,
        recurrence=data.recurrence,
        weekdays=",".join(str(d) for d in sorted(set(data.weekdays))),
        until_date=data.until_date if data.recurrence != Recurrence.NONE else None,
        occurrences=data.occurrences if data.recurrence != Recurrence.NONE else None,
        created_by_id=actor_id,
    )
    session.add(booking)
    record_event(session, booking, BookingStatus.REQUESTED, actor_id)
    session.flush()
    return booking


def booking_data(booking: Booking) -> BookingData:
    return BookingData(
        service_id=booking.service_id,
        site_address=booking.site_address,
        start_date=booking.start_date,
        start_time=booking.start_time,
        end_time=booking.end_time,
        workers=booking.workers,
        notes=booking.notes,
        recurrence=booking.recurrence,
        weekdays=[int(d) for d in booking.weekdays.split(",") if d],
        until_date=booking.until_date,
        occurrences=booking.occurrences,
    )


def confirm_booking(session: Session, booking: Booking, *, actor_id: int) -> list[Shift]:
    """A coordinator accepts a request: one shift per occurrence, each with a slot per worker."""
    booking_id = booking.id
    with write_transaction(session):
        return _confirm(session, locked_booking(session, booking_id), actor_id)


def locked_booking(session: Session, booking_id: int) -> Booking:
    booking = lock(session, Booking, booking_id)
    if booking is None:
        raise NotFound(_("No such booking."))
    return booking


def lock_shifts(session: Session, booking: Booking) -> None:
    """Lock the booking's shifts (in id order, as everywhere) and re-read them, so a claim, a
    change or a cancellation of the same visits waits for this one."""
    session.scalars(
        locking(select(Shift).where(Shift.booking_id == booking.id).order_by(Shift.id), Shift)
    ).all()
    session.refresh(booking, ["shifts"])


def _confirm(session: Session, booking: Booking, actor_id: int) -> list[Shift]:
    if booking.status != BookingStatus.REQUESTED:
        raise DomainError(
            _(
                "This booking has already been %(status)s, so it cannot be confirmed.",
                status=_(booking.status_label),
            )
        )
    plan = plan_booking(session, booking_data(booking), ahead_only=True)
    shifts = [
        Shift(
            booking=booking,
            service_id=booking.service_id,
            client_id=booking.client_id,
            starts_at=o.starts_at,
            ends_at=o.ends_at,
            slots=booking.workers,
            site_address=booking.site_address,
            notes=booking.notes,
            bank_holiday=o.bank_holiday,
        )
        for o in plan.occurrences
    ]
    session.add_all(shifts)
    session.flush()
    hold_new_shifts(session, shifts)
    record_event(session, booking, BookingStatus.CONFIRMED, actor_id)
    record_event(session, booking, BookingStatus.SCHEDULED, actor_id, f"{len(shifts)} shift(s) created")
    notify_client(session, booking, "booking_confirmed", shifts=shifts)
    return shifts


def decline_booking(session: Session, booking: Booking, reason: str, *, actor_id: int) -> None:
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Tell the client why, in a sentence."), field="reason")
    booking_id = booking.id
    with write_transaction(session):
        booking = locked_booking(session, booking_id)
        if booking.status != BookingStatus.REQUESTED:
            raise DomainError(
                _(
                    "This booking has already been %(status)s, so it cannot be declined.",
                    status=_(booking.status_label),
                )
            )
        booking.decline_reason = reason[:1000]
        record_event(session, booking, BookingStatus.DECLINED, actor_id, reason[:1000])
        notify_client(session, booking, "booking_declined", reason=reason)


def book_on_behalf(session: Session, client: Client, data: BookingData, *, actor_id: int) -> Booking:
    """A phone booking: the coordinator enters the request and confirms it, in one transaction."""
    client_id = client.id
    with write_transaction(session):
        return book_within(session, session.get(Client, client_id) or client, data, actor_id=actor_id)


def book_within(session: Session, client: Client, data: BookingData, *, actor_id: int) -> Booking:
    """Inside a write transaction: request and confirm (see book_on_behalf)."""
    booking = request_within(session, client, data, actor_id=actor_id)
    _confirm(session, booking, actor_id)
    return booking


def complete_finished_bookings(session: Session, now: datetime | None = None) -> int:
    """Scheduled bookings whose visits have all ended become completed (`coop complete-bookings`,
    hourly). Returns how many."""
    if not session.scalars(_finished(now or utcnow()).limit(1)).first():
        return 0
    with write_transaction(session):  # found some: look again holding the write lock, then mark
        return complete_finished_within(session, now)


def complete_finished_within(session: Session, now: datetime | None = None) -> int:
    """Inside a write transaction: mark finished bookings completed (also as invoices are issued,
    in the same transaction, so bookings whose work is all invoiced can say so)."""
    ids = list(session.scalars(_finished(now or utcnow())))
    if ids:
        session.execute(update(Booking).where(Booking.id.in_(ids)).values(status=BookingStatus.COMPLETED))
        session.add_all(
            BookingEvent(booking_id=i, status=BookingStatus.COMPLETED, note="All visits done") for i in ids
        )
    return len(ids)


def _finished(now: datetime) -> Select[int]:
    unfinished = select(Shift.booking_id).where(Shift.status == ShiftStatus.SCHEDULED, Shift.ends_at > now)
    worked = select(Shift.booking_id).where(Shift.status == ShiftStatus.SCHEDULED)
    return select(Booking.id).where(
        Booking.status == BookingStatus.SCHEDULED, Booking.id.not_in(unfinished), Booking.id.in_(worked)
    )
