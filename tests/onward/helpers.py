"""Approved work for a member, made directly (the rota's rules are tested elsewhere)."""

from datetime import timedelta

from coop.rota.models import Assignment
from coop.timesheets import service as timesheets
from tests import factories


def worked(session, member, *, service=None, client=None, days_ago=10, hours=3):
    service = service or factories.service(session)
    shift = factories.shift(
        session, service_=service, client_=client, hours=hours, starts_in=timedelta(days=-days_ago)
    )
    a = Assignment(shift_id=shift.id, member_id=member.id, source="assign")
    shift.filled = 1
    session.add(a)
    session.commit()
    e = timesheets.submit(
        session,
        a.id,
        timesheets.Hours(shift.starts_at, shift.ends_at, 0),
        by_user_id=member.user_id,
        member_id=member.id,
    )
    timesheets.approve(session, [e.id], by_user_id=member.user_id)
    return e
