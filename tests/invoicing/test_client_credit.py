"""A client's credit from an overpayment: applied to another of their invoices (which then counts
as paid: not overdue, no reminder) or refunded; never used twice, even by two people at once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from coop.integrity.service import verify
from coop.invoicing import service as invoicing
from coop.invoicing.models import CreditUse, Invoice
from coop.mail.models import OutboxMessage
from coop.timeutil import today_london
from tests import factories
from tests.factories import approved_work, fresh, issue_draft, period
from tests.parallel import run_parallel


def two_invoices(session, tmp_path, client):
    """Two issued invoices for one client, both long past due."""
    long_ago = today_london() - timedelta(days=60)
    out = []
    for hours in (3, 2):
        approved_work(session, client, hours=hours)
        [draft] = invoicing.invoice_run(session, *period())
        out.append(issue_draft(session, draft.id, tmp_path, today=long_ago, actor_id=1))
    return out


def pay(session, invoice, pence):
    invoicing.record_payment(
        session,
        invoice,
        paid_on=today_london(),
        amount_pence=pence,
        method="bank transfer",
        reference="",
        actor_id=1,
        today=today_london(),
    )


def test_an_overpayment_pays_another_invoice_and_the_rest_is_refunded(web, session, tmp_path):
    client = factories.client(session, "Corner Bakery", contact_email="a@client.example")
    a, b = two_invoices(session, tmp_path, client)
    pay(session, a, a.gross_pence + b.gross_pence + 1_000)  # paid both at once, and £10 more
    factories.coordinator(session, "coord@example.org")
    web.login("a@client.example")
    assert "You are in credit by" in web.get("/my/invoices").get_data(as_text=True)
    web.logout()
    web.login("coord@example.org")
    page = web.get(f"/invoices/{a.id}").get_data(as_text=True)
    assert "The client&#39;s credit" in page or "The client's credit" in page
    assert invoicing.display_status(b, today_london()) == "overdue"
    # More than the credit is refused, and changes nothing.
    too_much = f"{(b.gross_pence + 1_001 + b.gross_pence) / 100:.2f}"
    web.post(f"/invoices/{a.id}/credit", {"to_invoice_id": str(b.id), "amount": too_much, "reference": ""})
    fresh(session)
    assert session.scalars(select(CreditUse)).all() == []
    r = web.post(
        f"/invoices/{a.id}/credit",
        {"to_invoice_id": str(b.id), "amount": f"{b.gross_pence / 100:.2f}", "reference": ""},
        follow_redirects=True,
    )
    assert f"applied to {b.number}" in r.get_data(as_text=True)
    fresh(session)
    a, b = session.get(Invoice, a.id), session.get(Invoice, b.id)
    assert invoicing.display_status(b, today_london()) == "paid"
    assert b.id not in [i.id for i in invoicing.overdue(session, today_london())]
    assert (
        invoicing.queue_reminders(session, today_london(), invoice_dir=tmp_path, base_url="http://coop.test")
        == 0
    )
    assert not session.scalars(select(OutboxMessage).where(OutboxMessage.subject.like("%reminder%"))).all()
    assert invoicing.balance_pence(a) == -1_000
    web.post(f"/invoices/{a.id}/credit", {"to_invoice_id": "0", "amount": "10.00", "reference": "BACS 123"})
    fresh(session)
    uses = session.scalars(select(CreditUse).order_by(CreditUse.id)).all()
    assert [(u.kind, u.amount_pence) for u in uses] == [("applied", b.gross_pence), ("refunded", 1_000)]
    assert invoicing.balance_pence(session.get(Invoice, a.id)) == 0
    # The payment that made the credit cannot now be reversed on its own.
    [payment] = session.get(Invoice, a.id).payments
    page = web.post(
        f"/invoices/{a.id}/payments/{payment.id}/reverse", {"reason": "Bounced"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "cannot be reversed on its own" in page
    assert verify(session, Path(tmp_path)).problems == []


def _apply(session, from_id, to_id, pence):
    invoicing.use_credit(session, from_id, amount_pence=pence, to_invoice_id=to_id, reference="", actor_id=1)


def test_the_same_credit_used_twice_at_once_is_used_once(db_url, session, tmp_path):
    client = factories.client(session)
    a, b = two_invoices(session, tmp_path, client)
    pay(session, a, a.gross_pence + 5_000)
    results = run_parallel(db_url, _apply, [(a.id, b.id, 5_000), (a.id, None, 5_000)])
    assert sorted(status for status, _ in results) == ["ok", "refused"], results
    assert any("no credit left" in message for _, message in results)
    fresh(session)
    assert len(session.scalars(select(CreditUse)).all()) == 1
    assert invoicing.balance_pence(session.get(Invoice, a.id)) == 0
    assert verify(session, Path(tmp_path)).problems == []


def test_a_coordinator_sends_a_reminder_now(web, session, tmp_path):
    client = factories.client(session, "Corner Bakery")
    a, _ = two_invoices(session, tmp_path / "invoices", client)
    factories.coordinator(session, "coord@example.org")
    web.login("coord@example.org")
    r = web.post(f"/invoices/{a.id}/remind", {}, follow_redirects=True)
    assert "Reminder sent" in r.get_data(as_text=True)
    fresh(session)
    [email] = session.scalars(select(OutboxMessage).where(OutboxMessage.subject.like("Reminder%"))).all()
    assert a.number in email.subject and email.to_address == "bills@example.org"
    assert session.get(Invoice, a.id).last_reminder_at is not None


def _remind(session, invoice_dir):
    invoicing.queue_reminders(
        session, today_london(), invoice_dir=Path(invoice_dir), base_url="http://coop.test"
    )


def test_two_reminder_runs_at_once_send_each_reminder_once(db_url, session, tmp_path):
    client = factories.client(session)
    two_invoices(session, tmp_path, client)
    results = run_parallel(db_url, _remind, [(str(tmp_path),)] * 3)
    assert [status for status, _ in results] == ["ok"] * 3, results
    fresh(session)
    assert (
        len(session.scalars(select(OutboxMessage).where(OutboxMessage.subject.like("Reminder%"))).all()) == 2
    )
