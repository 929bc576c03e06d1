"""Leads: a coordinator leading a business starts on its work (home, rota, week grid, invoices),
can see all, runs its invoices, and hears first about its booking requests."""

from datetime import time, timedelta

from sqlalchemy import select

from coop.bookings import service as bookings
from coop.businesses import service as businesses
from coop.invoicing.models import Invoice
from coop.mail.models import OutboxMessage
from coop.timeutil import today_london
from tests import factories
from tests.factories import approved_work, period


def setup_two(session):
    lead = factories.coordinator(session, "lead@example.org")
    other = factories.coordinator(session, "other@example.org")
    gardens = factories.business(session, "Green Gardens", "GG-")
    businesses.set_leads(session, gardens.id, [lead.id], actor_id=other.id)
    hedges = factories.service(session, name="Hedges", business_id=gardens.id)
    cleaning = factories.service(session, name="Cleaning")
    client = factories.client(session, "Corner Bakery")
    return lead, other, gardens, hedges, cleaning, client


def request(session, client, service):
    data = bookings.BookingData(
        service_id=service.id,
        site_address="1 Mill Lane",
        start_date=today_london() + timedelta(days=10),
        start_time=time(9),
        end_time=time(12),
        workers=1,
    )
    return bookings.request_booking(session, client, data, actor_id=1)


def test_a_request_reaches_the_business_leads_first_and_everyone_when_it_has_none(session):
    _lead, _other, _gardens, hedges, cleaning, client = setup_two(session)
    request(session, client, hedges)
    assert session.scalars(select(OutboxMessage.to_address)).all() == ["lead@example.org"]
    request(session, client, cleaning)  # the first business has no lead: every coordinator hears
    assert sorted(session.scalars(select(OutboxMessage.to_address)).all()) == [
        "lead@example.org",
        "lead@example.org",
        "other@example.org",
    ]


def test_a_lead_starts_on_their_business_sees_all_on_asking_and_runs_its_invoices(web, session):
    _lead, _other, gardens, hedges, _cleaning, client = setup_two(session)
    factories.shift(session, service_=hedges, client_=client, starts_in=timedelta(days=1))
    approved_work(session, client, hours=2)  # the first business's work
    approved_work(session, client, hours=1, service_=hedges)
    web.login("lead@example.org")
    home = web.get("/home").get_data(as_text=True)
    assert "Showing Green Gardens (the business you lead)" in home and "See all businesses" in home
    day = (today_london() + timedelta(days=1)).isoformat()
    rota = web.get(f"/rota?week={day}").get_data(as_text=True)
    assert "Hedges" in rota
    grid = web.get(f"/rota/grid?week={day}").get_data(as_text=True)
    assert "Showing Green Gardens" in grid
    # The lead's run makes their business's draft only; the other business's work waits.
    start, end = period()
    r = web.post("/invoices/run", {"period_start": start.isoformat(), "period_end": end.isoformat()})
    assert r.status_code == 302
    session.rollback()
    drafts = session.scalars(select(Invoice)).all()
    assert [d.business_id for d in drafts] == [gardens.id]
    mine = web.get("/invoices").get_data(as_text=True)
    assert f"/invoices/{drafts[0].id}" in mine
    r = web.post(
        "/invoices/run?business=all", {"period_start": start.isoformat(), "period_end": end.isoformat()}
    )
    session.rollback()
    everything = session.scalars(select(Invoice).order_by(Invoice.id)).all()
    assert len(everything) == 2
    theirs = everything[1]
    assert f'/invoices/{theirs.id}"' not in web.get("/invoices").get_data(as_text=True)
    assert f'/invoices/{theirs.id}"' in web.get("/invoices?business=all").get_data(as_text=True)
