"""A member can't come, or is running late. No reason is asked, nothing is recorded against the
member, and the words they see say what happens next. Running late is told once per shift: only
that they told us is kept (`LateNotice`), so a second try changes nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.bookings.models import Shift
from coop.cover.models import LateNotice
from coop.cover.search import open_case_within
from coop.db import write_transaction
from coop.errors import DomainError
from coop.i18n import gettext as _
from coop.mail import service as mail
from coop.notify import service as notify
from coop.rota import service as rota
from coop.timeutil import format_dt, utcnow

LATE_MINUTES = (15, 30, 60)


def cant_make_it(
    session: Session, member_id: int, assignment_id: int, *, now: datetime | None = None
) -> rota.DropResult:
    """The member lets a held shift go, up to its end ("I can't make it"). When it is close to
    the start the search for cover starts at once, in the same transaction (cover.search)."""
    now = now or utcnow()
    with write_transaction(session):
        result = rota.drop_within(session, member_id, assignment_id, now=now)
        if result.late and not result.started:
            shift = session.get(Shift, result.shift_id)
            assert shift is not None
            open_case_within(session, shift, now=now)
    return result


def running_late(
    session: Session, member_id: int, assignment_id: int, minutes: int, *, now: datetime | None = None
) -> bool:
    """The member will be about `minutes` late: the client's contacts for the visit and the
    coordinators are told, once per shift. Under the member's lock, so two tries at once tell
    them once. False (and nothing changes) when the member already told us for this shift."""
    now = now or utcnow()
    if minutes not in LATE_MINUTES:
        raise DomainError(_("Choose about how late you will be."), field="minutes")
    with write_transaction(session):
        member = rota.lock_member(session, member_id)
        assignment = rota.my_assignment(session, member_id, assignment_id)
        shift = assignment.shift
        if shift.ends_at <= now:
            raise DomainError(_("This shift has already ended."))
        told = session.scalar(
            select(LateNotice.id).where(LateNotice.shift_id == shift.id, LateNotice.member_id == member_id)
        )
        if told is not None:
            return False
        session.add(LateNotice(shift_id=shift.id, member_id=member_id, told_at=now))
        for contact in shift.client.contacts:
            if contact.user.active:
                mail.queue(
                    session,
                    contact.user.email,
                    "running_late_client",
                    name=contact.name,
                    first_name=member.first_name,
                    minutes=minutes,
                    shift=shift,
                    fmt=format_dt,
                )
        notify.tell_coordinators(
            session, "running_late", first_name=member.first_name, minutes=minutes, shift=shift, fmt=format_dt
        )
    return True
