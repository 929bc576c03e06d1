"""A client's statement of account: opening balance, each invoice, payment and credit note with
the running balance, the closing balance (what the invoices say is owed), what is overdue; as a
PDF for the client (only their own) and coordinators; emailed monthly to clients who ask, once."""

from __future__ import annotations

import io
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import func, select

from coop.books import client_statements
from coop.books.models import StatementSent
from coop.invoicing import service as invoicing
from coop.mail.models import OutboxMessage
from coop.timeutil import last_month, today_london
from tests import factories
from tests.factories import fresh, simple_render


def _pay(session, invoice, pence, day):
    invoicing.record_payment(
        session, invoice, paid_on=day, amount_pence=pence, method="bank transfer", reference="",
        actor_id=None, today=today_london(),
    )  # fmt: skip


def test_a_statement_shows_the_running_balance_and_what_is_overdue(session, tmp_path):
    today = today_london()
    client = factories.client(session, "Corner Bakery")
    old = factories.issued_invoice(session, client, tmp_path, hours=2, today=today - timedelta(days=70))
    new = factories.issued_invoice(session, client, tmp_path, hours=1, today=today - timedelta(days=5))
    _pay(session, old, 1_000, today - timedelta(days=60))  # before the period: in the opening balance
    _pay(session, new, new.gross_pence, today - timedelta(days=3))
    invoicing.credit_note(
        session, invoicing.get_invoice(session, old.id), gross_pence=500, reason="Goodwill", today=today,
        render=simple_render, invoice_dir=tmp_path, actor_id=None,
    )  # fmt: skip
    fresh(session)
    s = client_statements.client_statement(session, client.id, today - timedelta(days=30), today)
    assert s.opening == old.gross_pence - 1_000
    assert [(r.what, r.debit, r.credit) for r in s.rows] == [
        (f"Invoice {new.number}", new.gross_pence, 0),
        (f"Payment, thank you ({new.number})", 0, new.gross_pence),
        (f"Credit note CN-00001 ({old.number})", 0, 500),
    ]
    owed = sum(invoicing.balance_pence(invoicing.get_invoice(session, i.id)) for i in (old, new))
    assert s.closing == owed == old.gross_pence - 1_500
    [overdue] = s.overdue
    assert (overdue.number, overdue.left) == (old.number, old.gross_pence - 1_500)


def test_a_client_downloads_only_their_own_statement_and_a_coordinator_any(web, session, tmp_path):
    today = today_london()
    mine = factories.client(session, "Corner Bakery", contact_email="a@client.example")
    theirs = factories.client(session, "Green Grocer", contact_email="b@client.example")
    factories.issued_invoice(session, mine, tmp_path, hours=2, today=today - timedelta(days=2))
    other = factories.issued_invoice(session, theirs, tmp_path, hours=1, today=today - timedelta(days=2))
    factories.coordinator(session, "coord@example.org")
    period = f"period_start={(today - timedelta(days=10)).isoformat()}&period_end={today.isoformat()}"

    web.login("a@client.example")
    assert "Download statement" in web.get("/my/invoices").get_data(as_text=True)
    r = web.get(f"/my/statement.pdf?{period}")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(r.data)).pages)
    assert "Corner Bakery" in text and other.number not in text and "Green Grocer" not in text
    assert web.get(f"/clients/{theirs.id}/statement.pdf").status_code == 403
    backwards = web.get(f"/my/statement.pdf?period_start={today.isoformat()}&period_end=2001-01-01")
    assert backwards.status_code == 400 and "must end on or after" in backwards.get_data(as_text=True)
    web.logout()

    web.login("coord@example.org")
    assert "Download statement (PDF)" in web.get(f"/clients/{theirs.id}").get_data(as_text=True)
    r = web.get(f"/clients/{theirs.id}/statement.pdf?{period}")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(r.data)).pages)
    assert "Green Grocer" in text and other.number in text
    assert web.get("/clients/999999/statement.pdf").status_code == 404


def test_monthly_statements_go_once_to_clients_who_asked(app, session, tmp_path):
    today = today_london()
    first, _ = last_month(today)
    asked = factories.client(session, "Corner Bakery", statement_by_email=True)
    factories.client(session, "Quiet Client", statement_by_email=True)  # nothing on it: no email
    not_asked = factories.client(session, "Green Grocer")
    factories.issued_invoice(session, asked, tmp_path, hours=2, today=first + timedelta(days=3))
    factories.issued_invoice(session, not_asked, tmp_path, hours=2, today=first + timedelta(days=3))
    before = session.scalar(select(func.count()).select_from(OutboxMessage))
    assert client_statements.queue_monthly_statements(session, today) == 1
    assert client_statements.queue_monthly_statements(session, today) == 0
    fresh(session)
    [message] = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(1))
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == before + 1
    assert message.to_address == asked.billing_email
    assert message.subject == f"Your statement for {first:%B %Y}"
    assert [a.filename for a in message.attachments] == [f"statement-{first:%Y-%m}.pdf"]
    assert session.scalar(select(StatementSent.client_id)) == asked.id
