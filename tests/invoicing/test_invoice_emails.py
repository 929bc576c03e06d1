"""Invoice emails carry the PDF (and the e-invoice when the client wants it) and a link that
opens that one invoice without an account: expiring, revocable, and useless once changed."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import facturx
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from coop.invoicing import sending
from coop.invoicing import service as invoicing
from coop.invoicing.models import InvoiceLink
from coop.mail import service as mail
from coop.mail.models import OutboxMessage
from coop.timeutil import today_london, utcnow
from tests import factories
from tests.factories import approved_work, issue_draft, period
from tests.mail.test_outbox import settings_for, smtp_server  # noqa: F401  (a fixture)


def issued(session, invoice_dir, client, *, days_ago=0):
    approved_work(session, client, hours=2)
    [draft] = invoicing.invoice_run(session, *period())
    return issue_draft(session, draft.id, invoice_dir, today=today_london() - timedelta(days=days_ago))


def link_in(body: str) -> str:
    [link] = re.findall(r"http://coop\.test(/invoice-link/\S+)", body)
    return link


def test_the_emails_go_over_smtp_with_readable_attachments_and_a_link(app, session, smtp_server):  # noqa: F811
    controller, handler = smtp_server
    invoice_dir = Path(app.config["INVOICE_DIR"])
    plain = factories.client(session, "Corner Bakery", billing_email="bills@bakery.example")
    keen = factories.client(
        session, "Riverside Trust", billing_email="accounts@river.example", wants_einvoice=True
    )
    a = issued(session, invoice_dir, plain)
    b = issued(session, invoice_dir, keen)
    assert mail.send_pending(session, settings_for(controller)) == (2, 0)
    got = {tos[0]: msg for tos, msg in handler.messages}
    for invoice, to, files in (
        (a, "bills@bakery.example", [f"{a.number}.pdf"]),
        (b, "accounts@river.example", [f"{b.number}.pdf", f"{b.number}-e-invoice.pdf"]),
    ):
        msg = got[to]
        parts = list(msg.iter_attachments())
        assert [p.get_filename() for p in parts] == files
        pdf = parts[0].get_content()
        assert pdf == invoicing.read_pdf(invoice, invoice_dir)  # the issued file, byte for byte
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        assert invoice.number in text
        body = msg.get_body(preferencelist=("plain",)).get_content()
        assert "/invoice-link/" in body and "90 days" in body
    _, xml = facturx.get_xml_from_pdf(list(got["accounts@river.example"].iter_attachments())[1].get_content())
    assert b.number.encode() in xml


def test_a_link_opens_only_its_invoice_without_an_account(app, session, make_web):
    invoice_dir = Path(app.config["INVOICE_DIR"])
    client = factories.client(session, billing_email="bills@bakery.example")
    invoice = issued(session, invoice_dir, client)
    other = issued(session, invoice_dir, factories.client(session))
    [email] = session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == "bills@bakery.example"))
    link = link_in(email.body)
    anon = make_web()
    page = anon.get(link)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert invoice.number in text and other.number not in text
    pdf = anon.get(link + "/invoice.pdf")
    assert pdf.status_code == 200 and pdf.data == invoicing.read_pdf(invoice, invoice_dir)
    assert anon.get(link + "/e-invoice.pdf").data == invoicing.read_pdf(invoice, invoice_dir, facturx=True)
    assert anon.get(link + "/other.pdf").status_code == 404
    assert anon.get("/my/invoices").status_code == 302  # still not signed in: nothing else opens
    # an edited link opens nothing and says so
    edited = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    r = anon.get(edited)
    assert r.status_code == 404 and "cut short or changed" in r.get_data(as_text=True)
    assert anon.get(edited + "/invoice.pdf").status_code == 404
    session.rollback()
    opened = session.scalars(select(InvoiceLink).where(InvoiceLink.invoice_id == invoice.id)).one()
    assert opened.last_opened_at is not None


def test_expired_and_revoked_links_say_so(app, session, make_web, web):
    invoice_dir = Path(app.config["INVOICE_DIR"])
    invoice = issued(session, invoice_dir, factories.client(session, billing_email="bills@bakery.example"))
    token = sending.new_link(session, invoice, now=utcnow() - timedelta(days=91))
    session.commit()
    anon = make_web()
    r = anon.get(f"/invoice-link/{token}")
    assert r.status_code == 410 and "expired" in r.get_data(as_text=True)
    [email] = session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == "bills@bakery.example"))
    link = link_in(email.body)
    assert anon.get(link).status_code == 200
    session.rollback()  # the page wrote when it was opened: start from what is there now
    factories.coordinator(session, "coord@example.org")
    web.login("coord@example.org")
    page = web.get(f"/invoices/{invoice.id}").get_data(as_text=True)
    assert "bills@bakery.example" in page and "Expired" in page and "Turn off" in page
    live = session.scalars(select(InvoiceLink).where(InvoiceLink.revoked_at.is_(None))).all()
    live_id = next(x.id for x in live if x.expires_at > utcnow())
    r = web.post(f"/invoices/{invoice.id}/links/revoke", {"link_id": str(live_id)}, follow_redirects=True)
    assert "Turned off 1 link." in r.get_data(as_text=True)
    r = anon.get(link)
    assert r.status_code == 410 and "turned off" in r.get_data(as_text=True)
    assert anon.get(link + "/invoice.pdf").status_code == 410
    # a reminder sends a new link, which works
    invoicing.remind_now(
        session,
        invoice.id,
        actor_id=1,
        today=today_london(),
        invoice_dir=invoice_dir,
        base_url="http://coop.test",
    )
    reminder = session.scalars(select(OutboxMessage).where(OutboxMessage.subject.like("Reminder%"))).one()
    assert anon.get(link_in(reminder.body)).status_code == 200
    assert [a.filename for a in reminder.attachments] == [f"{invoice.number}.pdf"]


def test_guessing_links_is_slowed_down(make_web):
    anon = make_web()
    codes = [anon.get(f"/invoice-link/guess{i}").status_code for i in range(21)]
    assert codes[:20] == [404] * 20 and codes[20] == 429


@pytest.mark.parametrize("field", ["link_id"])
def test_revoke_with_a_bad_link_id_is_a_message_not_an_error(app, session, web, field):
    invoice = issued(session, Path(app.config["INVOICE_DIR"]), factories.client(session))
    factories.coordinator(session, "coord@example.org")
    web.login("coord@example.org")
    r = web.post(f"/invoices/{invoice.id}/links/revoke", {field: "abc"}, follow_redirects=True)
    assert r.status_code == 200 and "That link was not found." in r.get_data(as_text=True)
    assert all(x.revoked_at is None for x in session.scalars(select(InvoiceLink)))
