"""Honesty with the client: when a visit is still short of people a set time before it starts
(`cover_client_notice_hours`), its client's contacts are told once, plainly, with the choices the
co-op offers: go ahead with fewer people (charged only for those who come, since an invoice
bills the hours worked), move the visit, or cancel it without a fee. Their choice is recorded on
the case and in the booking's history, and changes the visit (and so the invoice)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.bookings.cancellations import cancel_without_fee_within
from coop.bookings.lifecycle import lock_shifts, locked_booking
from coop.bookings.models import BookingEvent, Shift, ShiftStatus
from coop.cover.models import CaseStatus, ClientChoice, CoverCase
from coop.cover.search import close_within, lock_case
from coop.db import write_transaction
from coop.errors import DomainError, NotFound
from coop.i18n import N_
from coop.i18n import gettext as _
from coop.mail import service as mail
from coop.notify import service as notify
from coop.settings import service as settings
from coop.settings.keys import K
from coop.timeutil import format_dt, utcnow

CHOICES: dict[str, str] = {
    ClientChoice.FEWER: N_("Go ahead with fewer people"),
    ClientChoice.MOVE: N_("Move the visit to another time"),
    ClientChoice.CANCEL: N_("Cancel the visit, with no fee"),
}


def client_notice_due(session: Session, case: CoverCase, now: datetime) -> bool:
    hours = settings.get(session, K.COVER_CLIENT_NOTICE_HOURS)
    return (
        case.status == CaseStatus.OPEN
        and case.client_told_at is None
        and case.shift.starts_at - now <= timedelta(hours=hours)
    )


def tell_client_within(session: Session, case: CoverCase, *, now: datetime) -> None:
    """Inside write_transaction, the case locked: tell the client's contacts once."""
    shift = case.shift
    short = shift.slots - shift.filled
    for contact in shift.client.contacts:
        if contact.user.active:
            mail.queue(
                session,
                contact.user.email,
                "cover_client_short",
                name=contact.name,
                shift=shift,
                short=short,
                coming=shift.filled,
                case_id=case.id,
                fmt=format_dt,
            )
    case.client_told_at = now


def case_for_client(session: Session, client_id: int, case_id: int) -> CoverCase:
    """A cover case about one of this client's visits (anyone else's is not found)."""
    case = session.get(CoverCase, case_id)
    if case is None or case.shift.client_id != client_id:
        raise NotFound("No such visit.")
    return case


def choices_for(case: CoverCase) -> list[tuple[str, str]]:
    """What the client may choose now: fewer people only while someone is coming."""
    return [(k, _(v)) for k, v in CHOICES.items() if k != ClientChoice.FEWER or case.shift.filled > 0]


def choose(
    session: Session, client_id: int, case_id: int, choice: str, *, actor_id: int, now: datetime | None = None
) -> None:
    """Record the client's choice and apply it: fewer people (the visit keeps only the places
    held, the search stops), move (coordinators are asked to arrange a new time; the search goes
    on meanwhile), or cancel (no fee)."""
    now = now or utcnow()
    case = case_for_client(session, client_id, case_id)
    if choice not in set(CHOICES):
        raise DomainError(_("Choose one of the options."), field="choice")
    booking_id = case.shift.booking_id
    with write_transaction(session):
        booking = locked_booking(session, booking_id)
        lock_shifts(session, booking)
        case = lock_case(session, case_id)
        shift = session.get(Shift, case.shift_id)
        assert shift is not None
        if case.client_choice:
            raise DomainError(_("You have already chosen. To change it, please contact the co-op."))
        if case.status != CaseStatus.OPEN or shift.status != ShiftStatus.SCHEDULED or shift.starts_at <= now:
            raise DomainError(
                _("This visit is covered, has started or is cancelled, so there is nothing to choose.")
            )
        if choice not in {k for k, _ in choices_for(case)}:
            raise DomainError(_("Nobody is coming yet, so the visit cannot go ahead with fewer people."))
        case.client_choice, case.client_chose_at = choice, now
        words = CHOICES[choice].lower()
        note = f"Visit on {format_dt(shift.starts_at)}: {words}, as the client chose"
        if choice == ClientChoice.CANCEL:
            cancel_without_fee_within(session, shift, actor_id=actor_id, now=now)
        else:
            session.add(BookingEvent(booking=booking, status=booking.status, actor_id=actor_id, note=note))
        if choice == ClientChoice.FEWER:
            shift.slots = shift.filled
        if choice != ClientChoice.MOVE:  # the search ends for every place on the visit
            for other in session.scalars(
                select(CoverCase).where(CoverCase.shift_id == shift.id, CoverCase.status == CaseStatus.OPEN)
            ):
                close_within(session, other, CaseStatus.UNCOVERED, now, thank=False)
        notify.tell_coordinators(
            session, "cover_client_chose", shift=shift, choice=CHOICES[choice], fmt=format_dt
        )


def cases_for_client(session: Session, client_id: int, *, now: datetime | None = None) -> list[CoverCase]:
    """Visits the client was told are short and that have not started, for their bookings page."""
    now = now or utcnow()
    return list(
        session.scalars(
            select(CoverCase)
            .join(Shift, Shift.id == CoverCase.shift_id)
            .where(Shift.client_id == client_id, CoverCase.client_told_at.is_not(None), Shift.starts_at > now)
            .order_by(Shift.starts_at)
        )
    )
