"""Timesheets: after a shift, the hours actually worked; coordinators approve or query them.

Pay for an entry is fixed when it is approved: worked minutes (end - start - break) × the
service's member pay rate, never below the pay floor in force on the shift's date, plus holiday
pay at the rate in force then (see coop/pay/rules.py for the rounding rule)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, contains_eager

from coop.bookings.models import Shift, ShiftStatus
from coop.db import lock, locking, write_transaction
from coop.errors import DomainError, NotFound
from coop.i18n import N_, Reading, reading
from coop.i18n import gettext as _
from coop.limits import service as limits
from coop.members.models import Member
from coop.notify import service as notify
from coop.pay import rates
from coop.pay.rules import pay_for
from coop.rota.models import Assignment, AssignmentStatus
from coop.timesheets.models import DayTimes, TimesheetEntry, TimesheetStatus
from coop.timesheets.taps import finished_early
from coop.timeutil import local_span_to_utc, london_to_utc, to_london, utcnow, week_start

FLAG_AFTER = timedelta(hours=2)  # times this far from the shift's are flagged for a look
MAX_SHIFT = timedelta(hours=16)


def due_for(session: Session, member: Member, *, now: datetime | None = None) -> list[Assignment]:
    """Shifts this member worked (ended, in the last 60 days) that have no timesheet yet."""
    now = now or utcnow()
    has_sheet = select(TimesheetEntry.assignment_id)
    # A shift the member said they finished early can be recorded before its booked end.
    finished_by = select(DayTimes.assignment_id).where(DayTimes.finished_at <= now)
    return list(
        session.scalars(
            select(Assignment)
            .join(Shift, Shift.id == Assignment.shift_id)
            .options(contains_eager(Assignment.shift))  # the join is the eager load
            .where(
                Assignment.member_id == member.id,
                Assignment.held(),
                Shift.status == ShiftStatus.SCHEDULED,
                or_(Shift.ends_at <= now, Assignment.id.in_(finished_by)),
                Shift.ends_at > now - timedelta(days=60),
                Assignment.id.not_in(has_sheet),
            )
            .order_by(Shift.starts_at)
        )
    )


def entries_for(session: Session, member: Member, *, limit: int = 50) -> list[TimesheetEntry]:
    return list(
        session.scalars(
            select(TimesheetEntry)
            .where(TimesheetEntry.member_id == member.id)
            .order_by(TimesheetEntry.actual_start.desc())
            .limit(limit)
        )
    )


def entry_for_assignment(session: Session, assignment_id: int) -> TimesheetEntry | None:
    return session.scalar(select(TimesheetEntry).where(TimesheetEntry.assignment_id == assignment_id))


def get_entry(session: Session, entry_id: int, *, member_id: int | None = None) -> TimesheetEntry:
    entry = session.get(TimesheetEntry, entry_id)
    if entry is None or (member_id is not None and entry.member_id != member_id):
        raise NotFound("No such timesheet.")
    return entry


@dataclass
class Hours:
    start: datetime
    end: datetime
    break_minutes: int
    note: str = ""


def hours_from_local(
    day: date, start: time, end: time, break_minutes: int, note: str = "", *, near: tuple[datetime, datetime]
) -> Hours:
    """London date and times from a form to UTC; an end at or before the start is the next day. A
    time the clocks going back repeat is the one nearer what is known of the work (`near`: the
    times tapped or saved, else the shift's), so the hour worked across the change is counted."""
    starts_at, ends_at = local_span_to_utc(day, start, end, near)
    return Hours(starts_at, ends_at, break_minutes, note)


def _check(hours: Hours, shift: Shift) -> bool:
    """Refuse impossible hours; return True when they should be flagged for the coordinator."""
    if hours.end <= hours.start:
        raise DomainError(_("The end must be after the start."), field="end_time")
    length = hours.end - hours.start
    if length > MAX_SHIFT:
        raise DomainError(_("That is more than 16 hours. Check the times."), field="end_time")
    if hours.break_minutes < 0:
        raise DomainError(_("The break cannot be negative."), field="break_minutes")
    if timedelta(minutes=hours.break_minutes) >= length:
        raise DomainError(_("The break must be shorter than the time worked."), field="break_minutes")
    return abs(hours.start - shift.starts_at) > FLAG_AFTER or abs(hours.end - shift.ends_at) > FLAG_AFTER


def submit(
    session: Session,
    assignment_id: int,
    hours: Hours,
    *,
    actor_id: int,
    member_id: int | None = None,
    over_limit_confirmed: bool = False,
    now: datetime | None = None,
) -> TimesheetEntry:
    """Record the hours for a worked shift (a member for themselves, or a coordinator for them).
    A queried entry can be corrected and sent again; an approved one can never be edited.
    Hours that would take a period over the member's limit are always paid, but only the member
    can send them, by saying they are right (`over_limit_confirmed`)."""
    now = now or utcnow()
    owner = session.scalar(select(Assignment.member_id).where(Assignment.id == assignment_id))
    if owner is None or (member_id is not None and owner != member_id):
        raise NotFound("No such shift of yours.")
    with write_transaction(session):
        # Lock order as everywhere: the member (their limit), then the assignment, whose lock
        # orders every submission for this shift; the entry's lock orders a correction against an
        # approval, so approval always prices the hours it approves.
        member = lock(session, Member, owner)
        assignment = lock(session, Assignment, assignment_id)
        if assignment is None or member is None:
            raise NotFound("No such shift of yours.")
        if assignment.status != AssignmentStatus.ACCEPTED:
            raise DomainError(_("This shift is not yours any more."))
        shift = assignment.shift
        if shift.ends_at > now and not finished_early(session, assignment_id, now):
            raise DomainError(_("You can record your hours once the shift has ended."))
        flagged = _check(hours, shift)
        entry = session.scalar(
            locking(
                select(TimesheetEntry).where(TimesheetEntry.assignment_id == assignment_id), TimesheetEntry
            )
        )
        if entry is not None and entry.status == TimesheetStatus.APPROVED:
            raise DomainError(_("These hours are approved already and cannot be changed. Ask a coordinator."))
        if entry is None:
            entry = TimesheetEntry(assignment=assignment, member_id=assignment.member_id)
            session.add(entry)
        entry.actual_start, entry.actual_end = hours.start, hours.end
        entry.break_minutes = hours.break_minutes
        entry.member_note = hours.note.strip()[:1000]
        entry.status = TimesheetStatus.SUBMITTED
        entry.flagged = flagged
        entry.submitted_by_id = actor_id
        entry.submitted_at = now
        breaks = _breaks_limit_once_approved(session, entry)
        if breaks is not None and not over_limit_confirmed:
            if member_id is None:
                raise DomainError(
                    _(
                        "These hours would take %(name)s over their own limit, so only they can send "
                        "them (they are paid in full). Ask them to record their hours.",
                        name=member.display_name,
                    ),
                    field="end_time",
                )
            raise DomainError(over_limit_message(breaks), field="over_limit_confirmed")
        entry.over_limit_confirmed = breaks is not None
    return entry


def over_limit_message(breaks: limits.Fit) -> str:
    """What a member reads when the hours they send would take them over their own limit: what
    goes over (earnings, hours or both), where they stand, and how to send them anyway."""
    earnings = (
        breaks.earnings_left_after is not None and breaks.earnings_left_after < 0 and breaks.pay_pence > 0
    )
    hours = breaks.minutes_left_after is not None and breaks.minutes_left_after < 0 and breaks.minutes > 0
    if earnings and hours:
        message = N_(
            "These hours would take your earnings over your limit and it would take your hours over "
            "your limit. %(summary)s You are paid for every hour you worked. If the times are right, "
            "tick 'These hours are right' and send them again."
        )
    elif hours:
        message = N_(
            "These hours would take your hours over your limit. %(summary)s You are paid for every "
            "hour you worked. If the times are right, tick 'These hours are right' and send them again."
        )
    else:
        message = N_(
            "These hours would take your earnings over your limit. %(summary)s You are paid for every "
            "hour you worked. If the times are right, tick 'These hours are right' and send them again."
        )
    return _(message, summary=breaks.summary)


def _breaks_limit_once_approved(session: Session, entry: TimesheetEntry) -> limits.Fit | None:
    """Whether approving these hours would take a period over the member's limit: the approval is
    tried out under a savepoint, through the one limit rule (limits.Guard), and undone."""
    day = to_london(entry.assignment.shift.starts_at).date()
    guard = limits.Guard(session, [entry.member_id], work_days=[day])
    if not guard.limits:
        return None
    savepoint = session.begin_nested()
    _price(session, entry)
    entry.status = TimesheetStatus.APPROVED
    broken = guard.broken().get(entry.member_id)
    savepoint.rollback()
    return broken[0] if broken else None


def _price(session: Session, entry: TimesheetEntry) -> None:
    entry.pay_rate_pence, entry.pay_pence, entry.holiday_pence = pay_for_entry(session, entry)


def query(session: Session, entry_id: int, comment: str, *, actor_id: int) -> None:
    if not comment.strip():
        raise DomainError(_("Say what needs checking."), field="comment")
    with write_transaction(session):
        _query(session, entry_id, comment)


def _query(session: Session, entry_id: int, comment: str) -> None:
    entry = lock(session, TimesheetEntry, entry_id)
    if entry is None:
        raise NotFound("No such timesheet.")
    if entry.status == TimesheetStatus.APPROVED:
        raise DomainError(_("These hours were approved a moment ago, so they can no longer be queried."))
    entry.status = TimesheetStatus.QUERIED
    entry.query_comment = comment.strip()[:1000]

    member = session.get(Member, entry.member_id)
    assert member is not None
    notify.tell_member(
        session,
        member,
        "timesheet_queried",
        shift=entry.assignment.shift,
        comment=entry.query_comment,
    )


def pay_for_entry(session: Session, entry: TimesheetEntry) -> tuple[int, int, int]:
    """(rate, pay, holiday pay) in pence for an entry, by the rules in force on the shift's date."""
    shift = entry.assignment.shift
    day = to_london(shift.starts_at).date()
    chosen = entry.assignment.chosen_pay_pence_per_hour
    # The member's own choice to take less (or nothing) counts for involvement work only.
    chosen = chosen if shift.service.involvement else None
    rules = rates.rules_on(session, day)
    rate = rates.hourly_rate(rules, shift.service.pay_pence_per_hour, chosen)
    breakdown = pay_for(entry.worked_minutes, rate, holiday_bp=rules.holiday_bp)
    return breakdown.rate_pence, breakdown.base_pence, breakdown.holiday_pence


def approve(session: Session, entry_ids: Sequence[int], *, actor_id: int, now: datetime | None = None) -> int:
    """Approve submitted entries and fix their pay. Returns how many were approved; an entry
    that is already approved (say, by a second click) is left as it was. Hours that take a period
    over the member's limit are approved only if the member said they are right; otherwise they
    go back to the member to check (a query, with no figure in it).

    A batch is judged in one stated order, so it gives the same answer however it was ticked or
    sent, and a member's own entries cannot lose by it: first, all at once, the entries that add
    nothing to what counts towards the limit (hours as booked, or fewer, already counted when the
    shift was taken) and those the member said are right; then each other entry, by shift start
    then entry, against the limit with everything before it approved."""
    now = now or utcnow()
    ids = sorted(set(entry_ids))  # one order everywhere: no deadlocks between batches
    approved = 0
    owners = sorted(set(session.scalars(select(TimesheetEntry.member_id).where(TimesheetEntry.id.in_(ids)))))
    with write_transaction(session):
        for member_id in owners:  # members first, as every change to work or pay locks them
            lock(session, Member, member_id)
        entries = []
        for entry_id in ids:
            entry = lock(session, TimesheetEntry, entry_id)
            if entry is None:
                raise NotFound("No such timesheet.")
            if entry.status == TimesheetStatus.SUBMITTED:
                entries.append(entry)
        with_limit = {m for m in owners if limits.limit_for(session, m) is not None}
        for entry in entries:
            _price(session, entry)  # priced from the locked row: a correction made a moment ago is paid
        later = [e for e in entries if _judged_later(session, e, with_limit)]
        for entry in entries:
            if entry not in later:
                _mark_approved(entry, actor_id, now)
                approved += 1
        for entry in sorted(later, key=lambda e: (e.assignment.shift.starts_at, e.id)):
            if _approve_within_limit(session, entry, actor_id, now):
                approved += 1
    return approved


def _judged_later(session: Session, entry: TimesheetEntry, with_limit: set[int]) -> bool:
    """Whether an entry of the batch is judged against the limit one at a time: only entries of
    members with a limit that add to what already counts (more minutes or more pay than the
    booked shift's estimate) and that the member has not said are right."""
    if entry.member_id not in with_limit or entry.over_limit_confirmed:
        return False
    shift = entry.assignment.shift
    day = to_london(shift.starts_at).date()
    estimate = limits.estimate_pay(
        shift.minutes,
        shift.service.pay_pence_per_hour,
        limits.pay_rules(session, day),
        entry.assignment.chosen_pay_pence_per_hour if shift.service.involvement else None,
    )
    pay = (entry.pay_pence or 0) + (entry.holiday_pence or 0)
    return entry.worked_minutes > shift.minutes or pay > estimate


def _mark_approved(entry: TimesheetEntry, actor_id: int, now: datetime) -> None:
    entry.status = TimesheetStatus.APPROVED
    entry.approved_by_id = actor_id
    entry.approved_at = now


def _approve_within_limit(session: Session, entry: TimesheetEntry, actor_id: int, now: datetime) -> bool:
    """Approve one entry through the limit rule (limits.Guard), with everything judged before it
    already approved; hours that take their period over the limit go back to the member."""
    day = to_london(entry.assignment.shift.starts_at).date()
    session.flush()
    guard = limits.Guard(session, [entry.member_id], work_days=[day])
    _mark_approved(entry, actor_id, now)
    fits = guard.broken().get(entry.member_id, [])
    if guard.planner(entry.member_id).period_of(day) not in {f.period for f in fits}:
        return True
    entry.pay_rate_pence = entry.pay_pence = entry.holiday_pence = None
    entry.approved_by_id = entry.approved_at = None
    entry.status = TimesheetStatus.SUBMITTED
    member = session.get(Member, entry.member_id)
    # The question is kept and read by the member: written in their words, not the approver's.
    with reading(member.user.reading if member is not None else Reading()):
        question = _(
            "These hours take you over your own limit. Please check the times, and if they are "
            "right, say so when you send them again: you are paid for every hour you worked."
        )
    _query(session, entry.id, question)
    return False


def waiting(
    session: Session,
    *,
    week_of: date | None = None,
    service_id: int | None = None,
    status: str = TimesheetStatus.SUBMITTED,
) -> list[TimesheetEntry]:
    """Entries for coordinators to look at, filtered by the week of the shift and the service."""
    stmt = (
        select(TimesheetEntry)
        .join(Assignment, Assignment.id == TimesheetEntry.assignment_id)
        .join(Shift, Shift.id == Assignment.shift_id)
        .where(TimesheetEntry.status == status)
        .order_by(Shift.starts_at)
    )
    if week_of is not None:
        monday = week_start(week_of)
        stmt = stmt.where(
            Shift.starts_at >= london_to_utc(monday, time(0)),
            Shift.starts_at < london_to_utc(monday + timedelta(days=7), time(0)),
        )
    if service_id:
        stmt = stmt.where(Shift.service_id == service_id)
    return list(session.scalars(stmt.limit(500)))


def to_confirm_for_client(session: Session, client_id: int) -> list[TimesheetEntry]:
    return list(
        session.scalars(
            select(TimesheetEntry)
            .join(Assignment, Assignment.id == TimesheetEntry.assignment_id)
            .join(Shift, Shift.id == Assignment.shift_id)
            .where(Shift.client_id == client_id, TimesheetEntry.client_confirmed_at.is_(None))
            .order_by(Shift.starts_at.desc())
            .limit(100)
        )
    )


def client_confirm(session: Session, client_id: int, entry_id: int, *, now: datetime | None = None) -> None:
    with write_transaction(session):
        entry = lock(session, TimesheetEntry, entry_id)
        if entry is None or entry.assignment.shift.client_id != client_id:
            raise NotFound("No such visit.")
        entry.client_confirmed_at = entry.client_confirmed_at or now or utcnow()


def coordinator_due(session: Session, *, now: datetime | None = None) -> list[Assignment]:
    """Worked shifts with no timesheet at all, for a coordinator to enter on a member's behalf."""
    now = now or utcnow()
    return list(
        session.scalars(
            select(Assignment)
            .join(Shift, Shift.id == Assignment.shift_id)
            .options(contains_eager(Assignment.shift))  # the join is the eager load
            .where(
                Assignment.held(),
                Shift.status == ShiftStatus.SCHEDULED,
                Shift.ends_at <= now,
                Shift.ends_at > now - timedelta(days=60),
                Assignment.id.not_in(select(TimesheetEntry.assignment_id)),
            )
            .order_by(Shift.starts_at)
            .limit(200)
        )
    )
