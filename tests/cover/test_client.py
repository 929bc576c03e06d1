"""Honesty with the client: told once at the set time (the clock moved), their choice recorded,
and flowing into the visit and the invoice."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from coop.bookings import service as bookings
from coop.bookings.models import BookingEvent, Shift
from coop.cover import service as cover
from coop.cover.models import CoverCase
from coop.invoicing import service as invoicing
from coop.mail.models import OutboxMessage
from coop.rota import service as rota
from coop.timesheets import service as timesheets
from coop.timeutil import to_london
from tests import factories
from tests.factories import fresh


def _short_visit(session, *, slots: int = 2):
    skill = factories.skill(session, "Cleaning")
    client = factories.client(session, name="Corner Cafe", contact_email="contact@cafe.example")
    svc = factories.service(session, skill, name="Cleaning", charge=2500)
    shift = factories.shift(
        session, service_=svc, client_=client, starts_in=timedelta(hours=10), hours=2, slots=slots
    )
    stays = factories.member(session, name="Sam Stays", skills=[skill])
    leaver = factories.member(session, name="Lee Leaver", skills=[skill])
    factories.coordinator(session, "coord@example.org")
    if slots > 1:
        rota.claim(session, stays.id, shift.id)
    held = rota.claim(session, leaver.id, shift.id)
    cover.cant_make_it(session, leaver.id, held.id)
    fresh(session)
    case = session.scalars(select(CoverCase)).one()
    return client, case.shift, case, stays


def _told(session) -> list[OutboxMessage]:
    return [m for m in session.scalars(select(OutboxMessage)) if "short of people" in m.subject]


def test_the_client_is_told_once_at_the_set_time_with_the_clock_moved(session):
    _client, shift, case, _stays = _short_visit(session)
    notice = timedelta(hours=4)  # the setting's default
    assert cover.run_due(session, now=shift.starts_at - notice - timedelta(minutes=1)).clients_told == 0
    assert _told(session) == []
    assert cover.run_due(session, now=shift.starts_at - notice).clients_told == 1
    assert cover.run_due(session, now=shift.starts_at - notice + timedelta(minutes=30)).clients_told == 0
    [email] = _told(session)
    assert email.to_address == "contact@cafe.example"
    assert "1 of 2 people" not in email.body and "1 of 2 person is still coming" in email.body
    assert "no fee" in email.body and f"/bookings/cover/{case.id}" in email.body
    # once the visit starts the search ends, uncovered
    assert cover.run_due(session, now=shift.starts_at).closed == 1
    fresh(session)
    assert session.get(CoverCase, case.id).status == "uncovered"


def test_fewer_people_keeps_the_place_held_and_the_invoice_bills_only_who_came(make_web, session):
    _client, shift, case, stays = _short_visit(session)
    cover.run_due(session, now=shift.starts_at - timedelta(hours=4))
    web = make_web()
    web.login("contact@cafe.example")
    assert f"/bookings/cover/{case.id}" in web.get("/home").get_data(as_text=True)
    page = web.get(f"/bookings/cover/{case.id}").get_data(as_text=True)
    assert "Go ahead with fewer people" in page and "Cancel the visit, with no fee" in page
    web.post(f"/bookings/cover/{case.id}", {"choice": "fewer"})
    fresh(session)
    case = session.get(CoverCase, case.id)
    shift = session.get(Shift, shift.id)
    assert case.client_choice == "fewer" and case.status == "uncovered" and shift.slots == 1
    notes = [
        e.note
        for e in session.scalars(select(BookingEvent).where(BookingEvent.booking_id == shift.booking_id))
    ]
    assert any("fewer people" in n for n in notes)
    assert "You chose" in web.get(f"/bookings/cover/{case.id}").get_data(as_text=True)
    # the visit happens with one person; the invoice bills that person's two hours only
    shift.starts_at -= timedelta(days=2)
    shift.ends_at -= timedelta(days=2)
    session.commit()
    [held] = [a for a in rota.my_shifts(session, stays) if a.shift_id == shift.id]
    entry = timesheets.submit(
        session, held.id, timesheets.Hours(shift.starts_at, shift.ends_at, 0), actor_id=1
    )
    timesheets.approve(session, [entry.id], actor_id=1)
    day = to_london(shift.starts_at).date()
    [invoice] = invoicing.invoice_run(session, day - timedelta(days=1), day)
    assert invoice.net_pence == 2 * 2500  # one person for two hours, not the booked two people


def test_cancel_without_a_fee_where_a_late_cancellation_would_charge_one(session):
    client, shift, case, _stays = _short_visit(session, slots=1)
    # the same client cancels another visit just as late the usual way: it has a fee
    other = factories.shift(
        session, service_=shift.service, client_=client, starts_in=timedelta(hours=10, minutes=30), hours=2
    )
    fee = bookings.cancel_shift(session, other, actor_id=1)
    assert fee == 2 * 2500  # 100% of the charge under 24 hours' notice
    contact = client.contacts[0]
    cover.choose(session, client.id, case.id, "cancel", actor_id=contact.user_id)
    fresh(session)
    shift = session.get(Shift, shift.id)
    assert shift.status == "cancelled" and shift.cancellation_fee_pence == 0
    assert session.get(CoverCase, case.id).client_choice == "cancel"
    day = to_london(shift.starts_at).date()
    [invoice] = invoicing.invoice_run(session, day - timedelta(days=1), day + timedelta(days=1))
    assert invoice.net_pence == fee  # only the usual cancellation's fee; the cover one is free
    assert len(invoice.lines) == 1


def test_fewer_is_not_offered_when_nobody_is_coming_and_another_client_cannot_choose(make_web, session):
    _client, _shift, case, _stays = _short_visit(session, slots=1)
    assert [k for k, _ in cover.choices_for(case)] == ["move", "cancel"]
    factories.client(session, name="Other", contact_email="other@client.example")
    web = make_web()
    web.login("other@client.example")
    assert web.get(f"/bookings/cover/{case.id}").status_code == 404
    assert web.post(f"/bookings/cover/{case.id}", {"choice": "cancel"}).status_code == 404
    fresh(session)
    assert session.get(CoverCase, case.id).client_choice == ""
    mine = make_web()
    mine.login("contact@cafe.example")
    refused = mine.post(f"/bookings/cover/{case.id}", {"choice": "fewer"}).get_data(as_text=True)
    assert re.search(r"Not a valid choice|Nobody is coming", refused)
    fresh(session)
    assert session.get(CoverCase, case.id).client_choice == ""
