"""Reading bookings: one (a client sees only theirs), the coordinator's queue and lists, staffing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, lazyload, selectinload

from coop.bookings.models import (
    Booking,
    BookingStatus,
    Service,
    Shift,
)
from coop.db import found
from coop.errors import NotFound
from coop.i18n import gettext as _
from coop.members.models import Member, MemberStatus
from coop.rota.eligibility import free_members
from coop.timeutil import (
    local_span_to_utc,
    utcnow,
)


def get_booking(session: Session, booking_id: int, *, client_id: int | None = None) -> Booking:
    """A booking by id. With client_id, someone else's booking is NotFound (so a client can
    never learn that it exists)."""
    booking = session.get(Booking, booking_id)
    if booking is None or (client_id is not None and booking.client_id != client_id):
        raise NotFound(_("No such booking."))
    return booking


def get_shift(session: Session, shift_id: int) -> Shift:
    return found(session, Shift, shift_id, _("No such shift."))


def request_queue(session: Session) -> list[Booking]:
    stmt = (
        select(Booking)
        .where(Booking.status == BookingStatus.REQUESTED)
        .order_by(Booking.start_date, Booking.id)
    )
    return list(session.scalars(stmt))


def list_bookings(
    session: Session, *, status: str | None = None, client_id: int | None = None, limit: int = 200
) -> list[Booking]:
    stmt = select(Booking).order_by(Booking.start_date.desc(), Booking.id.desc()).limit(limit)
    if status:
        stmt = stmt.where(Booking.status == status)
    if client_id:
        stmt = stmt.where(Booking.client_id == client_id)
    return list(session.scalars(stmt))


@dataclass
class Staffing:
    with_skill: int
    available: int


def staffing_for(session: Session, booking: Booking) -> Staffing:
    """How many active members have the skill, and how many of them are free for the first
    visit (their weekly pattern and time off allow it and they have no clashing shift)."""
    members = list(
        session.scalars(
            select(Member)
            .options(selectinload(Member.skills))
            .where(
                Member.status == MemberStatus.ACTIVE,
                Member.skills.any(id=booking.service.skill_id),
            )
        )
    )
    starts_at, ends_at = local_span_to_utc(booking.start_date, booking.start_time, booking.end_time)
    available = len(free_members(session, members, starts_at, ends_at))
    return Staffing(with_skill=len(members), available=available)


@dataclass
class ClientBookings:
    upcoming: list[Shift]
    past: list[Shift]
    requests: list[Booking]


def client_overview(
    session: Session,
    client_id: int,
    now: datetime | None = None,
    *,
    upcoming_limit: int = 100,
    past_limit: int = 50,
) -> ClientBookings:
    """A client's visits (upcoming and recent past) and their open requests."""
    now = now or utcnow()
    # The pages show each visit's times, state and service name: no client (it is theirs) or skill.
    base = (
        select(Shift)
        .where(Shift.client_id == client_id)
        .options(lazyload(Shift.client), joinedload(Shift.service).lazyload(Service.skill))
    )
    upcoming = session.scalars(
        base.where(Shift.ends_at > now).order_by(Shift.starts_at).limit(upcoming_limit)
    )
    past: list[Shift] = []
    if past_limit:
        past = list(
            session.scalars(
                base.where(Shift.ends_at <= now).order_by(Shift.starts_at.desc()).limit(past_limit)
            )
        )
    requests = session.scalars(
        select(Booking)
        .where(
            Booking.client_id == client_id,
            Booking.status.in_([BookingStatus.REQUESTED, BookingStatus.DECLINED]),
        )
        .order_by(Booking.created_at.desc())
        .limit(50)
    )
    return ClientBookings(list(upcoming), list(past), list(requests))
