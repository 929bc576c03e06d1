"""PDFs are in their reader's language, whoever downloads or issues them: a member's pay
statement in the member's; a client's invoice, its email and statement of account in the
client's language, else the co-op's."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select

from coop.bookings.models import Client
from coop.books.client_statements import client_statement
from coop.books.rendering import statement_pdf
from coop.i18n import Reading, reading
from coop.invoicing import rendering
from coop.invoicing import service as invoicing
from coop.mail import readers
from coop.mail.models import OutboxMessage
from coop.timeutil import today_london
from tests import factories
from tests.factories import BASE_URL, approved_work, period
from tests.i18n.conftest import PSEUDO


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_pay_statement_is_in_the_members_language_for_them_and_the_coordinator(session, make_web):
    statement = factories.finalised_pay_statement(
        session, name="Priya Shah", email="priya@example.org", language="en-XA"
    )
    theirs = make_web()
    theirs.login("priya@example.org")
    office = make_web()
    office.login("coord@example.org")
    for got in (theirs.get(f"/my/pay/{statement.id}.pdf"), office.get(f"/pay/statements/{statement.id}.pdf")):
        assert got.status_code == 200
        text = _text(got.data)
        assert PSEUDO in text and "Priya Shah" in text
    # the coordinator's own pages stay in their language
    assert PSEUDO not in office.get("/pay/runs").get_data(as_text=True)


def _issue(session, client, invoice_dir: Path):
    approved_work(session, client, hours=2)
    drafts = invoicing.invoice_run(session, *period())
    [draft] = [d for d in drafts if d.client_id == client.id]
    with reading(Reading("en")):  # a coordinator reading English issues it
        return invoicing.issue(
            session,
            draft.id,
            today=today_london(),
            render_html=rendering.invoice_html,
            invoice_dir=invoice_dir,
            actor_id=None,
            base_url=BASE_URL,
        )


def test_an_invoice_is_in_the_clients_language_and_another_clients_in_the_coops(app, session):
    invoice_dir = Path(app.config["INVOICE_DIR"])
    keen = factories.client(
        session, "Riverside Trust", billing_email="accounts@river.example", language="en-XA"
    )
    plain = factories.client(session, "Corner Bakery", billing_email="bills@bakery.example")
    theirs = _issue(session, keen, invoice_dir)
    other = _issue(session, plain, invoice_dir)
    keen_text = _text(invoicing.read_pdf(theirs, invoice_dir))
    plain_text = _text(invoicing.read_pdf(other, invoice_dir))
    assert PSEUDO in keen_text and theirs.number in keen_text
    assert PSEUDO not in plain_text and other.number in plain_text
    session.rollback()
    emails = {m.to_address: m for m in session.scalars(select(OutboxMessage))}
    assert PSEUDO in emails["accounts@river.example"].body
    assert PSEUDO not in emails["bills@bakery.example"].body
    # the statement of account follows the client too
    first, last = period()
    assert PSEUDO in _text(statement_pdf(session, client_statement(session, keen.id, first, last)))
    assert PSEUDO not in _text(statement_pdf(session, client_statement(session, plain.id, first, last)))


CLIENT_FORM = {
    "name": "Riverside Trust",
    "address": "2 River Walk",
    "billing_email": "accounts@river.example",
    "payment_terms_days": "30",
    "invoice_grouping": "shift",
    "sector": "other",
}


def test_a_coordinator_sets_a_clients_invoice_language_on_the_client_form(session, web):
    factories.coordinator(session, "coord@example.org")
    web.login("coord@example.org")
    form = web.get("/clients/new").get_data(as_text=True)
    assert "Language of their invoices" in form and "The co-op&#39;s language" in form
    assert web.post("/clients/new", {**CLIENT_FORM, "language": "xx"}).status_code == 200  # refused
    r = web.post("/clients/new", {**CLIENT_FORM, "language": "en-XA"})
    assert r.status_code == 302
    session.rollback()
    client = session.scalars(select(Client).where(Client.name == "Riverside Trust")).one()
    assert client.language == "en-XA"
    assert web.post(f"/clients/{client.id}", {**CLIENT_FORM, "language": ""}).status_code == 302
    session.rollback()
    assert session.get(Client, client.id).language is None  # the co-op's language from now on


def test_the_admin_sets_the_coops_language(session, web):
    factories.user(session, "admin@example.org", ("admin",))
    web.login("admin@example.org")
    assert "Language of the co-op" in web.get("/settings").get_data(as_text=True)
    assert web.post("/settings/coop_language", {"value": "fr"}).status_code == 200  # not offered
    assert web.post("/settings/coop_language", {"value": "pl"}).status_code == 302
    session.rollback()
    assert readers.coop_reading(session) == Reading("pl")


def test_a_client_chooses_the_language_of_their_own_invoices(session, web):
    client = factories.client(
        session,
        name="Nowak Deli",
        contact_email="contact@nowak.example",
        billing_email="billing@nowak.example",
    )
    web.login("contact@nowak.example")
    page = web.get("/my/invoices").get_data(as_text=True)
    assert "Language of your invoices" in page and 'value="en-XA"' in page
    refused = web.post("/my/invoices/language", {"language": "xx"})
    assert refused.status_code == 400 and "Not a valid choice" in refused.get_data(as_text=True)
    session.rollback()
    session.expire_all()
    assert session.get(Client, client.id).language is None
    saved = web.post("/my/invoices/language", {"language": "en-XA"})
    assert saved.status_code == 302
    session.rollback()
    session.expire_all()
    assert session.get(Client, client.id).language == "en-XA"
    assert readers.reader_of(session, "billing@nowak.example") == Reading("en-XA")
    web.post("/my/invoices/language", {"language": ""})
    session.rollback()
    session.expire_all()
    assert session.get(Client, client.id).language is None  # the co-op's language again
