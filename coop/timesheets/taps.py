"""'I've arrived' and 'I've finished': on the day of a held shift a member taps as they go, and
the times fill in their hours form, which they check, change if they like, and send as ever.

The rule: a tap is open from two hours before the shift starts until six hours after it ends
(overnight shifts included), for the member holding it, until they have sent their hours. A tap
records the minute it is made; tapping again records the new minute. No location is asked for
or kept: only the two times."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.bookings.models import Shift, ShiftStatus
from coop.db import lock, write_transaction
from coop.errors import DomainError, NotFound
from coop.i18n import gettext as _
from coop.members.models import Member
from coop.rota.models import Assignment, AssignmentStatus
from coop.timesheets.models import DayTimes, TimesheetEntry
from coop.timeutil import utcnow

OPENS_BEFORE = timedelta(hours=2)
CLOSES_AFTER = timedelta(hours=6)


def on_the_day(shift: Shift, now: datetime) -> bool:
    """Whether the taps are offered for this shift now."""
    return shift.starts_at - OPENS_BEFORE <= now <= shift.ends_at + CLOSES_AFTER


@dataclass(frozen=True)
class Taps:
    """What a held shift shows on the day: the times tapped so far (None when not yet)."""

    arrived_at: datetime | None
    finished_at: datetime | None


def taps_for(
    session: Session, assignments: Iterable[Assignment], *, now: datetime | None = None
) -> dict[int, Taps]:
    """For each of these held places that is on the day and has no hours sent yet, its taps so far
    (one statement for all of them). The statement is sent whenever the member holds a place, on
    the day or not: a page then sends the same statements at any hour (the benchmark compares
    their number at two sizes of the co-op), and the rows of a few places cost nothing."""
    now = now or utcnow()
    held = {
        a.id: a
        for a in assignments
        if a.status == AssignmentStatus.ACCEPTED and a.shift.status == ShiftStatus.SCHEDULED
    }
    if not held:
        return {}
    rows = session.execute(
        select(Assignment.id, DayTimes.arrived_at, DayTimes.finished_at, TimesheetEntry.id)
        .outerjoin(DayTimes, DayTimes.assignment_id == Assignment.id)
        .outerjoin(TimesheetEntry, TimesheetEntry.assignment_id == Assignment.id)
        .where(Assignment.id.in_(list(held)))
    ).all()
    return {
        aid: Taps(arrived, finished)
        for aid, arrived, finished, sent in rows
        if sent is None and on_the_day(held[aid].shift, now)
    }


def day_times(session: Session, assignment_id: int) -> DayTimes | None:
    return session.scalar(select(DayTimes).where(DayTimes.assignment_id == assignment_id))


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def tap(
    session: Session, member_id: int, assignment_id: int, which: str, *, now: datetime | None = None
) -> datetime:
    """Record 'arrived' or 'finished' now for the member's own held shift; returns the time kept."""
    if which not in ("arrived", "finished"):
        raise ValueError(which)
    now = now or utcnow()
    moment = _minute(now)
    with write_transaction(session):
        # The member's row first, as every change to their work takes it; then the place.
        lock(session, Member, member_id)
        assignment = lock(session, Assignment, assignment_id)
        if assignment is None or assignment.member_id != member_id:
            raise NotFound("No such shift of yours.")
        shift = assignment.shift
        if assignment.status != AssignmentStatus.ACCEPTED or shift.status != ShiftStatus.SCHEDULED:
            raise DomainError(_("This shift is not yours any more."))
        if not on_the_day(shift, now):
            raise DomainError(_("You can tap this on the day of the shift. You can still record your hours."))
        if session.scalar(select(TimesheetEntry.id).where(TimesheetEntry.assignment_id == assignment_id)):
            raise DomainError(_("You have sent your hours for this shift already."))
        times = day_times(session, assignment_id)
        if times is None:
            times = DayTimes(assignment_id=assignment_id, member_id=member_id)
            session.add(times)
        if which == "arrived":
            if times.finished_at is not None and times.finished_at <= moment:
                raise DomainError(
                    _("You have said you finished already. Change the times on your hours form.")
                )
            times.arrived_at = moment
        else:
            if times.arrived_at is not None and moment <= times.arrived_at:
                raise DomainError(_("That is the same minute you arrived. Tap again in a minute."))
            times.finished_at = moment
        return moment


def prefill(session: Session, assignment: Assignment) -> tuple[datetime, datetime]:
    """The start and end to offer on the hours form: the tapped times, else the shift's."""
    times = day_times(session, assignment.id)
    start = times.arrived_at if times and times.arrived_at else assignment.shift.starts_at
    end = times.finished_at if times and times.finished_at else assignment.shift.ends_at
    if end <= start:  # a tapped arrival after the shift's booked end, with no finish tapped
        end = start + (assignment.shift.ends_at - assignment.shift.starts_at)
    return start, end


def finished_early(session: Session, assignment_id: int, now: datetime) -> bool:
    """Whether the member tapped 'I've finished' (so they may send hours before the booked end)."""
    finished = session.scalar(select(DayTimes.finished_at).where(DayTimes.assignment_id == assignment_id))
    return finished is not None and finished <= now
