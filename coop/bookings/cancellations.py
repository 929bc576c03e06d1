"""Cancelling a booking or some of its visits, with the fee (and why) worked out before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from coop.bookings.lifecycle import lock_shifts, locked_booking, notify_client, record_event
from coop.bookings.models import (
    Booking,
    BookingEvent,
    BookingStatus,
    Service,
    Shift,
    ShiftStatus,
)
from coop.db import write_transaction
from coop.errors import DomainError, NotFound
from coop.i18n import gettext as _
from coop.money import Price, apply_rate, client_price, format_pence, format_percent, round_pence
from coop.rota.places import release_cancelled_shift
from coop.settings import service as settings
from coop.settings.keys import K
from coop.timeutil import (
    format_dt,
    format_minutes,
    utcnow,
)


def shift_charge_pence(shift: Shift) -> int:
    return round_pence(Decimal(shift.minutes * shift.slots * shift.service.charge_pence_per_hour) / 60)


def cancellation_fee(session: Session, shift: Shift, now: datetime) -> int:
    """The fee for cancelling this shift now: a share of its charge when notice is short."""
    return fee_and_reason(session, shift, now)[0]


def fee_and_reason(session: Session, shift: Shift, now: datetime) -> tuple[int, str]:
    """The fee for cancelling this visit now, and why, in words the client reads first."""
    grace = timedelta(minutes=settings.get(session, K.CANCELLATION_GRACE_MINUTES))
    if grace and now - shift.booking.created_at < grace:
        return 0, _(
            "no charge: it is within %(time)s of booking",
            time=format_minutes(int(grace.total_seconds() // 60)),
        )
    hours = settings.get(session, K.CANCELLATION_NOTICE_HOURS)
    if shift.starts_at - now >= timedelta(hours=hours):
        return 0, _("no charge: more than %(hours)s hours' notice", hours=hours)
    percent = Decimal(settings.get(session, K.CANCELLATION_FEE_PERCENT))
    fee = apply_rate(shift_charge_pence(shift), percent)
    return fee, _(
        "%(percent)s of the visit's charge: less than %(hours)s hours' notice",
        percent=format_percent(percent),
        hours=hours,
    )


def fee_price(session: Session, service: Service, fee_pence: int) -> Price:
    """A cancellation fee as the client's invoice will charge it: with the service's VAT."""
    return client_price(fee_pence, service.vat_rate_bp, bool(settings.get(session, K.VAT_REGISTERED)))


@dataclass(frozen=True)
class CancelPreview:
    shift: Shift
    fee_pence: int
    reason: str
    price: Price


def cancel_preview(
    session: Session, booking: Booking, from_shift_id: int, *, scope: str, now: datetime | None = None
) -> list[CancelPreview]:
    """What cancelling this visit (scope 'one') or this and every later visit ('later') would cost,
    visit by visit, before anything is cancelled."""
    now = now or utcnow()
    first = next((s for s in booking.shifts if s.id == from_shift_id), None)
    if first is None:
        raise NotFound(_("No such visit."))
    chosen = [first] if scope == "one" else [s for s in booking.shifts if s.starts_at >= first.starts_at]
    out = []
    for s in chosen:
        if s.status == ShiftStatus.SCHEDULED and s.starts_at > now:
            fee, reason = fee_and_reason(session, s, now)
            out.append(CancelPreview(s, fee, reason, fee_price(session, s.service, fee)))
    return out


def cancel_visits(
    session: Session,
    booking_id: int,
    from_shift_id: int,
    *,
    scope: str,
    actor_id: int,
    expected_fee_pence: int,
    now: datetime | None = None,
) -> int:
    """A client cancels one visit, or it and every later one, having seen the fee. If the fee has
    changed since they saw it (a clock passed a notice limit), nothing is cancelled and they are
    told. Returns the fee."""
    now = now or utcnow()
    if scope not in ("one", "later"):
        raise DomainError(_("Choose which visits to cancel."), field="scope")
    with write_transaction(session):
        booking = locked_booking(session, booking_id)
        lock_shifts(session, booking)
        preview = cancel_preview(session, booking, from_shift_id, scope=scope, now=now)
        if not preview:
            raise DomainError(_("Those visits have started or are cancelled already."))
        fee = sum(p.fee_pence for p in preview)
        if fee != expected_fee_pence:
            now_words = fee_price(session, booking.service, fee).words()
            raise DomainError(
                _(
                    "The fee is now %(fee)s (a notice limit passed since you looked), so nothing "
                    "was cancelled. Check it below and confirm again.",
                    fee=now_words,
                )
            )
        for p in preview:
            _cancel_one(session, p.shift, actor_id, now)
    return fee


def _cancel_shift(session: Session, shift: Shift, now: datetime, *, waive_fee: bool = False) -> int:
    shift.status = ShiftStatus.CANCELLED
    shift.cancelled_at = now
    shift.cancellation_fee_pence = 0 if waive_fee else cancellation_fee(session, shift, now)
    release_cancelled_shift(session, shift)
    return shift.cancellation_fee_pence


def cancel_booking(
    session: Session, booking: Booking, *, actor_id: int, reason: str = "", now: datetime | None = None
) -> int:
    """Cancel every visit that has not started. Returns the total cancellation fee (pence)."""
    now = now or utcnow()
    booking_id = booking.id
    with write_transaction(session):
        booking = locked_booking(session, booking_id)
        lock_shifts(session, booking)
        return _cancel_booking(session, booking, actor_id, reason, now)


def _cancel_booking(session: Session, booking: Booking, actor_id: int, reason: str, now: datetime) -> int:
    if booking.status in (
        BookingStatus.CANCELLED,
        BookingStatus.DECLINED,
        BookingStatus.COMPLETED,
        BookingStatus.INVOICED,
    ):
        raise DomainError(_("This booking can no longer be cancelled."))
    future = [s for s in booking.shifts if s.status == ShiftStatus.SCHEDULED and s.starts_at > now]
    if booking.status == BookingStatus.SCHEDULED and not future:
        raise DomainError(_("Every visit of this booking has already started."))
    fee = sum(_cancel_shift(session, s, now) for s in future)
    note = reason.strip()[:1000] + (f" Cancellation fee {format_pence(fee)}." if fee else "")
    record_event(session, booking, BookingStatus.CANCELLED, actor_id, note.strip())
    price = fee_price(session, booking.service, fee).words()
    notify_client(session, booking, "booking_cancelled", fee=fee, visits=len(future), price=price)
    return fee


def cancel_shift(session: Session, shift: Shift, *, actor_id: int, now: datetime | None = None) -> int:
    """Cancel one visit of a booking. Returns its cancellation fee (pence)."""
    now = now or utcnow()
    shift_id, booking_id = shift.id, shift.booking_id
    with write_transaction(session):
        booking = locked_booking(session, booking_id)
        lock_shifts(session, booking)
        locked = session.get(Shift, shift_id)
        assert locked is not None
        return _cancel_one(session, locked, actor_id, now)


def cancel_without_fee_within(session: Session, shift: Shift, *, actor_id: int | None, now: datetime) -> None:
    """Inside write_transaction, the booking and its shifts locked: cancel one visit with no fee,
    because the co-op could not staff it (a client's choice when cover was not found)."""
    _cancel_one(session, shift, actor_id, now, waive_fee=True)


def _cancel_one(
    session: Session, shift: Shift, actor_id: int | None, now: datetime, *, waive_fee: bool = False
) -> int:
    if shift.status != ShiftStatus.SCHEDULED:
        raise DomainError(_("This visit is already cancelled."))
    if shift.starts_at <= now:
        raise DomainError(_("This visit has already started, so it cannot be cancelled."))
    fee = _cancel_shift(session, shift, now, waive_fee=waive_fee)
    booking = shift.booking
    session.add(
        BookingEvent(
            booking=booking,
            status=booking.status,
            actor_id=actor_id,
            note=f"Visit on {format_dt(shift.starts_at)} cancelled"
            + (f" (fee {format_pence(fee)})" if fee else ""),
        )
    )
    if all(s.status == ShiftStatus.CANCELLED for s in booking.shifts):
        record_event(session, booking, BookingStatus.CANCELLED, actor_id, "All visits cancelled")
    price = fee_price(session, shift.service, fee).words()
    notify_client(session, booking, "booking_cancelled", fee=fee, visits=1, price=price)
    return fee
