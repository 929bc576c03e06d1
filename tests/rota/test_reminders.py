"""Reminders of tomorrow's shifts: at the hour each member chose, never twice (even from two
processes at once), none for a shift let go or cancelled, and none for members who turned them off.
Coordinators are told at once when a client asks for a booking."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from coop.bookings import service as bookings
from coop.mail.models import OutboxMessage
from coop.rota import service as rota
from coop.timeutil import london_to_utc, today_london
from tests import factories
from tests.parallel import run_parallel


def held_tomorrow(session, *, hour=10, reminder_hour=18):
    skill = factories.skill(session)
    client = factories.client(session, contact_email=f"contact{hour}{reminder_hour}@client.example")
    # Tomorrow as of the test, not of the import: a run may cross midnight.
    starts_at = london_to_utc(today_london() + timedelta(days=1), time(hour))
    starts = starts_at - datetime.now(starts_at.tzinfo)
    shift = factories.shift(
        session, service_=factories.service(session, skill), client_=client, starts_in=starts
    )
    m = factories.member(session, skills=[skill])
    rota.save_preferences(
        session,
        m,
        preferred_hours_week=None,
        show_open_when_paused=False,
        daily_digest=False,
        reminder_hour=reminder_hour,
    )
    a = rota.claim(session, m.id, shift.id)
    return m, shift, a


def at(hour: int) -> datetime:
    return london_to_utc(today_london(), time(hour))


def reminders(session):
    session.rollback()
    return session.scalars(select(OutboxMessage).where(OutboxMessage.subject.like("Tomorrow:%"))).all()


def test_reminded_from_the_hour_chosen_once_with_where_and_who(session):
    m, shift, _ = held_tomorrow(session, reminder_hour=18)
    held_tomorrow(session, hour=14, reminder_hour=None)
    assert rota.queue_shift_reminders(session, base_url="https://coop.test", now=at(17)) == 0
    assert rota.queue_shift_reminders(session, base_url="https://coop.test", now=at(19)) == 1
    assert rota.queue_shift_reminders(session, base_url="https://coop.test", now=at(20)) == 0
    [email] = reminders(session)
    assert email.to_address == m.user.email
    assert shift.site_address in email.body and "Pat Contact" in email.body
    assert "https://coop.test/shifts/mine" in email.body


def test_no_reminder_for_a_shift_let_go(session):
    m, _, a = held_tomorrow(session)
    rota.drop(session, m.id, a.id)
    assert rota.queue_shift_reminders(session, base_url="https://coop.test", now=at(19)) == 0


def _send(session, now):
    rota.queue_shift_reminders(session, base_url="https://coop.test", now=now)


def test_two_senders_at_once_send_each_reminder_once(db_url, session):
    for hour in (9, 12, 15):
        held_tomorrow(session, hour=hour)
    results = run_parallel(db_url, _send, [(at(19),), (at(19),), (at(19),)])
    assert [status for status, _ in results] == ["ok"] * 3, results
    assert len(reminders(session)) == 3


def test_coordinators_are_told_at_once_of_a_booking_request(session):
    skill = factories.skill(session)
    svc = factories.service(session, skill, name="Window cleaning")
    client = factories.client(session, "Corner Bakery")
    coordinator = factories.coordinator(session, "coord@example.org")
    bookings.request_booking(
        session,
        client,
        bookings.BookingData(
            service_id=svc.id,
            site_address="1 Mill Lane",
            start_date=today_london() + timedelta(days=5),
            start_time=time(9),
            end_time=time(12),
            workers=1,
        ),
        actor_id=coordinator.id,
    )
    session.rollback()
    [email] = session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == "coord@example.org")
    ).all()
    assert "Booking request from Corner Bakery" in email.subject and "Window cleaning" in email.subject
