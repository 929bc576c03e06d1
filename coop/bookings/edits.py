"""Changing one visit or every later one, re-checked for the members who hold them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.bookings.lifecycle import lock_shifts, locked_booking
from coop.bookings.models import (
    BookingEvent,
    Shift,
    ShiftStatus,
)
from coop.bookings.planning import MAX_SHIFT_HOURS, MAX_WORKERS
from coop.db import write_transaction
from coop.errors import DomainError, NotFound
from coop.i18n import gettext as _
from coop.i18n import ngettext
from coop.limits import service as limits
from coop.rota import places
from coop.timeutil import (
    bank_holiday,
    format_dt,
    local_span_to_utc,
    missing_time,
    to_london,
    utcnow,
)


@dataclass
class ShiftChange:
    day: date
    start_time: time
    end_time: time
    site_address: str | None  # None: keep each visit's address (a client's change request)
    notes: str
    slots: int


def edit_shifts(
    session: Session,
    shift: Shift,
    change: ShiftChange,
    *,
    scope: str,
    actor_id: int,
    ask_members: bool = False,
    now: datetime | None = None,
) -> list[Shift]:
    """Change one visit, or this and every later visit of the booking. For later visits the
    new times apply on each visit's own date (and the date shift, if any, moves them all).
    A change that no longer fits a member who holds a visit is refused (rota.DoesNotFit), or,
    with ask_members, saved with those members asked whether they can still do it."""
    now = now or utcnow()
    shift_id = shift.id
    with write_transaction(session):
        return edit_shifts_within(
            session, shift_id, change, scope=scope, actor_id=actor_id, ask_members=ask_members, now=now
        )


def edit_shifts_within(
    session: Session,
    shift_id: int,
    change: ShiftChange,
    *,
    scope: str,
    actor_id: int,
    ask_members: bool,
    now: datetime,
) -> list[Shift]:
    """edit_shifts inside a write transaction the caller opened (and commits): a change request
    accepted by a coordinator is applied and marked answered in one transaction."""
    if scope not in {"one", "future"}:
        raise DomainError(_("Choose which visits to change."), field="scope")
    booking_id = session.scalar(select(Shift.booking_id).where(Shift.id == shift_id))
    if booking_id is None:
        raise NotFound(_("No such visit."))
    # Lock order as in a claim: the members who hold these visits, then the booking, its visits.
    locked = places.lock_holders(session, select(Shift.id).where(Shift.booking_id == booking_id))
    booking = locked_booking(session, booking_id)
    lock_shifts(session, booking)
    target = session.get(Shift, shift_id)
    assert target is not None
    # The days the change touches: where each visit it may move is now, and where it goes.
    moved_by = change.day - to_london(target.starts_at).date()
    days = {to_london(s.starts_at).date() for s in booking.shifts}
    guard = limits.Guard(session, locked, work_days=days | {d + moved_by for d in days})
    changed = _edit_shifts(session, target, change, scope, actor_id, now)
    asked = places.recheck_holders(session, [s.id for s in changed], guard, locked, ask=ask_members, now=now)
    if asked:
        session.add(
            BookingEvent(
                booking=booking,
                status=booking.status,
                actor_id=actor_id,
                note=f"{asked} place(s) held by members asked again, as the change did not fit them",
            )
        )
    for s in changed:
        places.notify_shift_changed(session, s)
    return changed


def _edit_shifts(
    session: Session, shift: Shift, change: ShiftChange, scope: str, actor_id: int, now: datetime
) -> list[Shift]:
    if shift.status != ShiftStatus.SCHEDULED or shift.starts_at <= now:
        raise DomainError(_("Only visits that have not started can be changed."))
    if scope not in {"one", "future"}:
        raise DomainError(_("Choose which visits to change."), field="scope")
    if not 1 <= change.slots <= MAX_WORKERS:
        raise DomainError(_("Between 1 and %(most)s workers.", most=MAX_WORKERS), field="slots")
    if change.site_address is not None and not change.site_address.strip():
        raise DomainError(_("Enter the address."), field="site_address")
    if change.start_time == change.end_time:
        raise DomainError(_("The end time must be different from the start time."), field="end_time")
    day_offset = change.day - to_london(shift.starts_at).date()
    targets = [shift]
    if scope == "future":
        targets = [
            s
            for s in shift.booking.shifts
            if s.status == ShiftStatus.SCHEDULED and s.starts_at >= shift.starts_at
        ]
    changed = []
    for target in targets:
        day = to_london(target.starts_at).date() + day_offset
        starts_at, ends_at = local_span_to_utc(day, change.start_time, change.end_time)
        if starts_at <= now:
            raise DomainError(_("The new time must be in the future."), field="day")
        end_day = day if change.end_time > change.start_time else day + timedelta(days=1)
        for field_name, on, at in (
            ("start_time", day, change.start_time),
            ("end_time", end_day, change.end_time),
        ):
            if message := missing_time(on, at):
                raise DomainError(message, field=field_name)
        if (ends_at - starts_at) > timedelta(hours=MAX_SHIFT_HOURS):
            raise DomainError(
                _("A visit can be at most %(hours)s hours long.", hours=MAX_SHIFT_HOURS), field="end_time"
            )
        if change.slots < target.filled:
            raise DomainError(
                ngettext(
                    "%(num)s member already holds a place on %(when)s; "
                    "ask them to drop first, or keep at least that many workers.",
                    "%(num)s members already hold places on %(when)s; "
                    "ask some of them to drop first, or keep at least that many workers.",
                    target.filled,
                    when=format_dt(target.starts_at),
                ),
                field="slots",
            )
        target.starts_at, target.ends_at = starts_at, ends_at
        if change.site_address is not None:
            target.site_address = change.site_address.strip()[:1000]
        target.notes = change.notes.strip()[:2000]
        target.slots = change.slots
        target.bank_holiday = bank_holiday(day)
        changed.append(target)
    session.add(
        BookingEvent(
            booking=shift.booking,
            status=shift.booking.status,
            actor_id=actor_id,
            note=f"{len(changed)} visit(s) changed from {format_dt(shift.starts_at)}",
        )
    )
    return changed
