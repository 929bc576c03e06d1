"""iCalendar feeds (secret, revocable addresses) built with the icalendar library."""

from __future__ import annotations

from collections.abc import Iterable

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.bookings.models import Client, Shift, ShiftStatus
from coop.errors import NotFound
from coop.i18n import gettext as _
from coop.secret_tokens import digest
from coop.timeutil import LONDON, utcnow


def build(name: str, shifts: Iterable[Shift], describe: dict[int, str] | None = None) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Co-op Works//Rota//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/London")
    stamp = utcnow()
    for s in shifts:
        event = Event()
        event.add("uid", f"shift-{s.id}@coop.works")
        event.add("dtstamp", stamp)
        event.add("dtstart", s.starts_at.astimezone(LONDON))
        event.add("dtend", s.ends_at.astimezone(LONDON))
        event.add("summary", f"{s.service.name} – {s.client.name}")
        event.add("location", s.site_address)
        event.add("description", (describe or {}).get(s.id, s.notes))
        cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())


def client_feed(session: Session, token: str) -> bytes:
    client = session.scalar(select(Client).where(Client.feed_token_sha256 == digest(token)))
    if client is None or not token:
        raise NotFound(_("No such calendar."))
    shifts = session.scalars(
        select(Shift)
        .where(Shift.client_id == client.id, Shift.status == ShiftStatus.SCHEDULED)
        .order_by(Shift.starts_at)
    )
    return build(_("%(name)s: Co-op Works bookings", name=client.name), shifts)
