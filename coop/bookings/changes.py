"""What clients say about single visits: asking to change one (a coordinator accepts or
declines), and how one went (a note to the coordinators, never a rating of a member)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from coop.bookings import service as bookings
from coop.bookings.models import ChangeStatus, Shift, ShiftStatus, VisitChangeRequest, VisitNote
from coop.db import lock, write_transaction
from coop.errors import DomainError, NotFound
from coop.i18n import gettext as _
from coop.i18n.formats import number_text
from coop.mail import service as mail
from coop.notify import service as notify
from coop.text import written
from coop.timeutil import format_dt, local_span_to_utc, to_london, utcnow

NOTES_MAX = 2000
VISIT_NOTE_MAX = 1000


@dataclass(frozen=True)
class Wanted:
    """The visit as the client would like it."""

    day: date
    start_time: time
    end_time: time
    slots: int
    notes: str


def client_shift(session: Session, client_id: int, shift_id: int) -> Shift:
    """One of this client's visits; another client's is NotFound (never 'not yours')."""
    shift = session.get(Shift, shift_id)
    if shift is None or shift.client_id != client_id:
        raise NotFound(_("No such visit."))
    return shift


def current(shift: Shift) -> Wanted:
    start, end = to_london(shift.starts_at), to_london(shift.ends_at)
    return Wanted(start.date(), start.time(), end.time(), shift.slots, shift.notes)


def ask_change(
    session: Session,
    client_id: int,
    shift_id: int,
    wanted: Wanted,
    *,
    actor_id: int,
    now: datetime | None = None,
) -> VisitChangeRequest:
    """A client asks to change one visit that has not started. Asking again before an answer
    replaces the earlier question. The coordinators are emailed."""
    now = now or utcnow()
    if not 1 <= wanted.slots <= bookings.MAX_WORKERS:
        raise DomainError(
            _("Ask for between 1 and %(most)s people.", most=bookings.MAX_WORKERS), field="slots"
        )
    if wanted.start_time == wanted.end_time:
        raise DomainError(_("The end time must be different from the start time."), field="end_time")
    notes = wanted.notes.strip()
    if len(notes) > NOTES_MAX:
        raise DomainError(
            _("Keep the notes to %(most)s characters.", most=number_text(NOTES_MAX)), field="notes"
        )
    starts_at, ends_at = local_span_to_utc(wanted.day, wanted.start_time, wanted.end_time)
    if ends_at - starts_at > timedelta(hours=bookings.MAX_SHIFT_HOURS):
        raise DomainError(
            _("A visit can be at most %(hours)s hours long.", hours=bookings.MAX_SHIFT_HOURS),
            field="end_time",
        )
    with write_transaction(session):
        shift = lock(session, Shift, shift_id)
        if shift is None or shift.client_id != client_id:
            raise NotFound(_("No such visit."))
        if shift.status != ShiftStatus.SCHEDULED or shift.starts_at <= now:
            raise DomainError(
                _(
                    "This visit has started or is cancelled, so it can no longer be changed. "
                    "If something is wrong, reply to any email from us."
                )
            )
        if starts_at <= now:
            raise DomainError(_("Choose a day and time that are still to come."), field="day")
        if current(shift) == Wanted(wanted.day, wanted.start_time, wanted.end_time, wanted.slots, notes):
            raise DomainError(_("That is the visit as it is now: change something first."), field="day")
        session.execute(
            update(VisitChangeRequest)
            .where(VisitChangeRequest.shift_id == shift_id, VisitChangeRequest.status == ChangeStatus.PENDING)
            .values(status=ChangeStatus.REPLACED, answered_at=now)
            .execution_options(synchronize_session=False)
        )
        session.flush()
        req = VisitChangeRequest(
            shift_id=shift_id,
            requested_by_id=actor_id,
            created_at=now,
            day=wanted.day,
            start_time=wanted.start_time,
            end_time=wanted.end_time,
            slots=wanted.slots,
            notes=notes,
        )
        session.add(req)
        session.flush()
        notify.tell_coordinators(session, "visit_change_requested", shift=shift, req=req, fmt=format_dt)
    return req


def pending(session: Session, *, now: datetime | None = None) -> list[VisitChangeRequest]:
    """Questions waiting for a coordinator, soonest visit first (visits still to come)."""
    now = now or utcnow()
    return list(
        session.scalars(
            select(VisitChangeRequest)
            .join(Shift, Shift.id == VisitChangeRequest.shift_id)
            .where(
                VisitChangeRequest.status == ChangeStatus.PENDING,
                Shift.status == ShiftStatus.SCHEDULED,
                Shift.starts_at > now,
            )
            .order_by(Shift.starts_at, VisitChangeRequest.id)
        )
    )


def latest_for_shifts(session: Session, shift_ids: list[int]) -> dict[int, VisitChangeRequest]:
    """The latest question about each visit (not the replaced ones), for the client's pages."""
    out: dict[int, VisitChangeRequest] = {}
    if not shift_ids:
        return out
    for req in session.scalars(
        select(VisitChangeRequest)
        .where(
            VisitChangeRequest.shift_id.in_(shift_ids),
            VisitChangeRequest.status != ChangeStatus.REPLACED,
        )
        .order_by(VisitChangeRequest.id)
    ):
        out[req.shift_id] = req
    return out


def _locked_pending(session: Session, request_id: int) -> VisitChangeRequest:
    req = lock(session, VisitChangeRequest, request_id)
    if req is None:
        raise NotFound(_("No such request."))
    if req.status != ChangeStatus.PENDING:
        raise DomainError(_("This request has already been answered (or the client asked again)."))
    return req


def accept(
    session: Session,
    request_id: int,
    *,
    actor_id: int,
    ask_members: bool = False,
    now: datetime | None = None,
) -> VisitChangeRequest:
    """Apply the change as a coordinator's own edit would be applied: the members who hold the
    visit are checked (availability, other work, rest, their own limit) and told; a change that
    does not fit them is refused (rota.DoesNotFit) unless ask_members, when they are asked again.
    The request is marked answered in the same transaction."""
    now = now or utcnow()
    req = session.get(VisitChangeRequest, request_id)
    if req is None:
        raise NotFound(_("No such request."))
    shift_id = req.shift_id
    change = bookings.ShiftChange(
        day=req.day,
        start_time=req.start_time,
        end_time=req.end_time,
        site_address=None,
        notes=req.notes,
        slots=req.slots,
    )
    with write_transaction(session):
        bookings.edit_shifts_within(
            session, shift_id, change, scope="one", actor_id=actor_id, ask_members=ask_members, now=now
        )
        req = _locked_pending(session, request_id)
        req.status, req.answered_at, req.answered_by_id = ChangeStatus.ACCEPTED, now, actor_id
        _tell_client(session, req)
    return req


def decline(
    session: Session, request_id: int, reason: str, *, actor_id: int, now: datetime | None = None
) -> VisitChangeRequest:
    """Say no, with a reason the client reads. The visit stays as it was."""
    now = now or utcnow()
    why = written(
        reason,
        most=500,
        field="reason",
        empty=_("Say why, in a sentence the client will read."),
        one_line=True,
    )
    with write_transaction(session):
        req = _locked_pending(session, request_id)
        req.status, req.answered_at, req.answered_by_id, req.answer = (
            ChangeStatus.DECLINED,
            now,
            actor_id,
            why,
        )
        _tell_client(session, req)
    return req


def _tell_client(session: Session, req: VisitChangeRequest) -> None:
    client = req.shift.client
    for to in sorted({client.billing_email} | {c.user.email for c in client.contacts}):
        mail.queue(
            session, to, "visit_change_answered", req=req, shift=req.shift, client=client, fmt=format_dt
        )


# --- how a visit went -------------------------------------------------------------------------------


def note_visit(
    session: Session, client_id: int, shift_id: int, text: str, *, actor_id: int, now: datetime | None = None
) -> VisitNote:
    """The client says how a visit went (after it started). Saying it again replaces the note."""
    now = now or utcnow()
    note = written(text, most=VISIT_NOTE_MAX, field="note", empty=_("Write a few words about how it went."))
    with write_transaction(session):
        shift = lock(session, Shift, shift_id)
        if shift is None or shift.client_id != client_id:
            raise NotFound(_("No such visit."))
        if shift.status != ShiftStatus.SCHEDULED or shift.starts_at > now:
            raise DomainError(_("You can say how a visit went once it has started."))
        existing = session.scalar(select(VisitNote).where(VisitNote.shift_id == shift_id))
        if existing is None:
            existing = VisitNote(
                shift_id=shift_id, written_by_id=actor_id, note=note, created_at=now, updated_at=now
            )
            session.add(existing)
        else:
            existing.note, existing.written_by_id, existing.updated_at = note, actor_id, now
    return existing


def notes_for_shifts(session: Session, shift_ids: list[int]) -> dict[int, VisitNote]:
    if not shift_ids:
        return {}
    return {
        n.shift_id: n for n in session.scalars(select(VisitNote).where(VisitNote.shift_id.in_(shift_ids)))
    }
