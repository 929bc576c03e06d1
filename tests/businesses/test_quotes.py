"""A prospective client asks one business for a quote from its public page (no account); its
leads are emailed and see it; a lead makes them a client and books their work."""

from datetime import timedelta

from sqlalchemy import select

from coop.bookings.models import Client
from coop.businesses import quotes
from coop.businesses import service as businesses
from coop.businesses.models import QuoteRequest
from coop.mail.models import OutboxMessage
from coop.timeutil import utcnow
from tests import factories

ASK = {
    "organisation": "Sunny Cafe",
    "contact_name": "Ali Owner",
    "contact_email": "ali@cafe.example",
    "contact_phone": "",
    "need": "Our garden tidied every fortnight",
    "place": "2 Park Road",
    "timing": "From March, Monday mornings",
}


def setup(session):
    lead = factories.coordinator(session, "lead@example.org")
    factories.coordinator(session, "other@example.org")
    gardens = factories.business(session, "Green Gardens", "GG-", description="Gardens kept lovely")
    businesses.set_leads(session, gardens.id, [lead.id], actor_id=lead.id)
    factories.service(session, name="Hedges", business_id=gardens.id)
    return gardens


def test_a_prospective_client_asks_for_a_quote_and_a_lead_makes_them_a_client(web, make_web, session):
    gardens = setup(session)
    page = web.get(f"/our-businesses/{gardens.id}").get_data(as_text=True)
    assert "Gardens kept lovely" in page and "Hedges" in page and "Ask us for a quote" in page
    assert 'href="/interested"' in page  # "Interested in working with us?"
    r = web.post(f"/our-businesses/{gardens.id}", ASK)
    assert r.status_code == 302
    assert "has your request" in web.get(r.headers["Location"]).get_data(as_text=True)
    [quote] = session.scalars(select(QuoteRequest)).all()
    assert (quote.business_id, quote.organisation, quote.status) == (gardens.id, "Sunny Cafe", "new")
    [email] = session.scalars(select(OutboxMessage)).all()
    assert email.to_address == "lead@example.org" and "Sunny Cafe" in email.subject
    lead = make_web()
    lead.login("lead@example.org")
    assert "Sunny Cafe" in lead.get("/quotes").get_data(as_text=True)
    r = lead.post(f"/quotes/{quote.id}/client")
    assert r.status_code == 302 and "/bookings/new?client=" in r.headers["Location"]
    session.rollback()
    client = session.scalar(select(Client).where(Client.name == "Sunny Cafe"))
    assert client is not None and client.billing_email == "ali@cafe.example"
    booking_page = lead.get(r.headers["Location"]).get_data(as_text=True)
    assert f'<option selected value="{client.id}">Sunny Cafe</option>' in booking_page
    r = lead.post(f"/quotes/{quote.id}/client")  # twice: refused, still one client
    session.rollback()
    assert session.scalars(select(Client).where(Client.name == "Sunny Cafe")).all() == [client]


def test_bad_requests_say_what_to_fix_and_many_from_one_address_wait(web, session):
    gardens = setup(session)
    r = web.post(f"/our-businesses/{gardens.id}", {**ASK, "need": ""})
    assert r.status_code == 200 and "There is a problem" in r.get_data(as_text=True)
    assert session.scalars(select(QuoteRequest)).all() == []
    for _ in range(3):
        assert web.post(f"/our-businesses/{gardens.id}", ASK).status_code == 302
    r = web.post(f"/our-businesses/{gardens.id}", ASK)
    assert "Please wait an hour" in r.get_data(as_text=True)
    session.rollback()
    assert len(session.scalars(select(QuoteRequest)).all()) == 3


def test_the_directory_lists_each_business_with_its_services_and_contact(web, session):
    gardens = setup(session)
    hidden = factories.business(session, "Back Office", "BO-", in_directory=False)
    page = web.get("/directory").get_data(as_text=True)
    assert "Green Gardens" in page and f"/our-businesses/{gardens.id}" in page and "Hedges" in page
    assert "Back Office" not in page
    assert web.get(f"/our-businesses/{hidden.id}").status_code == 404


def test_requests_are_deleted_after_a_year(session):
    gardens = setup(session)
    data = quotes.QuoteData(*ASK.values())
    old = quotes.ask_for_quote(session, gardens.id, data, ip="192.0.2.1")
    new = quotes.ask_for_quote(session, gardens.id, data, ip="192.0.2.2")
    old.created_at = utcnow() - timedelta(days=400)
    session.commit()
    assert quotes.forget_old_quotes(session) == 1
    assert [q.id for q in session.scalars(select(QuoteRequest))] == [new.id]
