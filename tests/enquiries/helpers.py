"""Test facts for enquiries."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.bookings.models import Service, Shift
from coop.enquiries import service
from coop.mail.models import OutboxMessage
from coop.members.models import Member
from coop.rota import service as rota
from coop.timeutil import utcnow
from tests import factories

FORM = {
    "name": "Robin",
    "email": "robin@example.org",
    "phone": "",
    "good_time": "Mornings",
    "work_interests": "Gardening",
    "would_help": "Starting with short shifts",
    "heard_from": "ward",
    "consent": "y",
    "website": "",
}


def data(**kw: Any) -> service.EnquiryData:
    values = {k: v for k, v in FORM.items() if k not in ("website", "consent")}
    values.update(kw)
    return service.EnquiryData(consent=kw.pop("consent", True), **values)  # type: ignore[arg-type]


def link_for(token: str) -> str:
    return f"http://coop.test/interested/forget/{token}"


def emails_to(session: Session, address: str) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address)))


def forget_path(body: str) -> str:
    [found] = re.findall(r"http://coop\.test(/interested/forget/\S+)", body)
    return found


def helpline_member(
    session: Session, *, email: str = "helper@example.org", today_shift: bool = True
) -> Member:
    """A member holding a shift of a helpline service today (or in three days)."""
    skill = factories.skill(session, factories.unique("Answering the phone"))
    svc = factories.service(session, skill, name=factories.unique("Helpline"), helpline=True)
    member = factories.member(session, name=factories.unique("Hana Helper"), email=email, skills=[skill])
    starts = timedelta(minutes=5) if today_shift else timedelta(days=3)
    shift = factories.shift(session, service_=svc, starts_in=starts, hours=1)
    rota.claim(session, member.id, shift.id)
    if today_shift:
        # Claimed while in the future, then moved to have started a moment ago (still today).
        start = utcnow().replace(second=0, microsecond=0) - timedelta(minutes=1)
        row = session.get(Shift, shift.id)
        assert row is not None
        row.starts_at, row.ends_at = start, start + timedelta(minutes=90)
        session.commit()
    assert session.scalar(select(Service.helpline).where(Service.id == svc.id))
    return member
