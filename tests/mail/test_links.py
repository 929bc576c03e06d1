"""Every email that asks someone to do something links to the page where they do it: a full
address on the configured BASE_URL, through the sign-in and back for a signed-in page."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import select

from coop.config import RESOURCES
from coop.invoicing import service as invoicing
from coop.mail import service as mail
from coop.mail.models import OutboxMessage
from coop.rota import service as rota
from coop.rota.models import Assignment
from coop.timeutil import utcnow
from tests import factories

TEMPLATES = RESOURCES / "templates" / "email"

# Emails that ask the reader to do something (answer, vote, fill, confirm, pay, look at): each
# must carry a link to where they do it.
ACTION = {
    "asked_about_change",
    "asked_declined",
    "asked_to_work",
    "booking_confirmed",
    "booking_declined",
    "booking_requested",
    "cover_client_chose",
    "cover_client_short",
    "client_statement",
    "quote_requested",
    "cover_needed",
    "cover_offer",
    "credit_note_issued",
    "enquiries_waiting",
    "enquiry_received",  # the link deletes what they told us, if they wish
    "erasure_requested",
    "invitation",
    "invitation_client",
    "invoice_issued",
    "invoice_reminder",
    "limit_changed",
    "member_leaving",
    "offers_made",
    "open_shift_digest",
    "opportunity_help",
    "opportunity_interest",
    "opportunity_reply",
    "password_reset",
    "proposal_opened",
    "proposal_reminder",
    "reference_written",
    "shift_changed",
    "shift_reminder",
    "skill_place_free",
    "swap_declined",
    "swap_proposed",
    "timesheet_queried",
    "visit_change_requested",
}
# Emails that only tell the reader something has happened.
NEWS = {
    "booking_cancelled",
    "cover_closed",
    "cover_found",
    "running_late",
    "running_late_client",
    "erasure_done",  # the person has no account any more: nothing to do, nowhere to go
    "proposal_closed",
    "shift_cancelled",
    "swap_done",
    "swap_exchanged",
    "swap_taken",
    "visit_change_answered",
}
# A link in a template: page("/path" ~ thing.id ~ "/more"), or a link made by the caller.
PAGE = re.compile(r"\{\{\s*page\((.+?)\)\s*\}\}")
CALLER_LINK = re.compile(r"\{\{\s*(link|my_shifts)\s*\}\}")


def templates() -> dict[str, str]:
    return {p.stem: p.read_text() for p in sorted(TEMPLATES.glob("*.txt"))}


def test_every_email_template_is_declared_an_action_or_news():
    names = set(templates())
    assert names - ACTION - NEWS == set(), "declare each new email in ACTION or NEWS"
    assert set() == ACTION & NEWS
    assert (ACTION | NEWS) - names == set(), "a declared email no longer exists"


def test_every_action_email_links_to_where_it_is_done():
    missing = [
        n
        for n, text in templates().items()
        if n in ACTION and not (PAGE.search(text) or CALLER_LINK.search(text))
    ]
    assert missing == []


def test_every_page_an_email_names_is_a_page_of_the_site(app):
    adapter = app.url_map.bind("coop.test")
    checked = 0
    for name, text in templates().items():
        for arg in PAGE.findall(text):
            # Each value (shift.id) stands in as 1: the path must still be a page anyone can GET.
            path = "".join(
                part.strip().strip('"') if part.strip().startswith('"') else "1" for part in arg.split("~")
            )
            endpoint, _ = adapter.match(path, method="GET")
            assert endpoint != "static", (name, path)
            checked += 1
    assert checked >= 25


def test_links_are_built_from_the_configured_base_url(session):
    _subject, body = mail.render(
        "offers_made", base_url="https://works.example.org/", name="Sam", shifts=[], fmt=str
    )
    assert "https://works.example.org/home" in body
    # A session made by the app knows the app's BASE_URL (tests use http://coop.test).
    assert mail.base_url_of(session) == "http://coop.test"


def _emails_to(session, address):
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address)))


def _link(body: str, path_pattern: str) -> str:
    [found] = re.findall(r"http://coop\.test(" + path_pattern + r")\s", body)
    return found


def test_a_member_answers_an_ask_from_its_email_through_the_sign_in(session, make_web):
    svc = factories.service(session)
    shift = factories.shift(session, service_=svc)
    member = factories.member(session, email="sam@example.org", skills=[svc.skill])
    rota.ask(session, member.id, shift.id)
    [email] = _emails_to(session, "sam@example.org")
    path = _link(email.body, r"/shifts/mine")
    web = make_web()
    first = web.get(path)
    assert first.status_code == 302 and "/login?next=/shifts/mine" in first.headers["Location"]
    signed = web.post(
        "/login?next=/shifts/mine",
        {"email": "sam@example.org", "password": factories.PASSWORD, "next": "/shifts/mine"},
    )
    assert signed.status_code == 302 and signed.headers["Location"].endswith("/shifts/mine")
    page = web.get(path).get_data(as_text=True)
    assert svc.name in page and "Yes" in page


def test_cover_needed_links_to_filling_that_shift(session, make_web):
    factories.coordinator(session, "coord@example.org")
    svc = factories.service(session)
    shift = factories.shift(session, service_=svc, starts_in=timedelta(hours=5))
    member = factories.member(session, skills=[svc.skill])
    rota.claim(session, member.id, shift.id)
    assert rota.drop(session, member.id, _assignment_id(session, member.id), now=utcnow()).late
    [email] = _emails_to(session, "coord@example.org")
    path = _link(email.body, rf"/shifts/{shift.id}/fill")
    web = make_web()
    web.login("coord@example.org")
    page = web.get(path)
    assert page.status_code == 200 and svc.name in page.get_data(as_text=True)


def _assignment_id(session, member_id):
    return session.scalar(select(Assignment.id).where(Assignment.member_id == member_id))


def test_invoice_emails_carry_a_reply_to_and_how_to_pay(app, session):
    invoice_dir = Path(app.config["INVOICE_DIR"])
    client = factories.client(session, billing_email="bills@bakery.example")
    invoice = factories.issued_invoice(session, client, invoice_dir)
    [email] = _emails_to(session, "bills@bakery.example")
    assert email.reply_to == "hello@coop.example"  # the co-op's email setting
    assert "sort code" in email.body and f"give {invoice.number} as the reference" in email.body
    sent = mail._to_email(email, "Co-op Works <noreply@coop.example>")
    assert sent["Reply-To"] == "hello@coop.example"


def test_a_credit_note_is_emailed_to_the_client_with_its_pdf(app, session):
    invoice_dir = Path(app.config["INVOICE_DIR"])
    client = factories.client(session, billing_email="bills@bakery.example")
    invoice = factories.issued_invoice(session, client, invoice_dir)
    coord = factories.coordinator(session)
    note = invoicing.credit_note(
        session,
        invoice,
        gross_pence=500,
        reason="One visit was shorter",
        today=invoice.issue_date,
        render=factories.simple_render,
        invoice_dir=invoice_dir,
        actor_id=coord.id,
    )
    [email] = [e for e in _emails_to(session, "bills@bakery.example") if note.number in e.subject]
    assert [a.filename for a in email.attachments] == [f"{note.number}.pdf"]
    assert email.attachments[0].data == (invoice_dir / note.pdf_path).read_bytes()
    assert "£5.00" in email.body and "One visit was shorter" in email.body
    assert email.reply_to == "hello@coop.example"
    assert urlsplit(_link(email.body, r"/my/invoices")).path == "/my/invoices"
