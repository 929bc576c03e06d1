"""Uploading a statement and matching its payments through the pages, as a coordinator does:
the reason for each suggestion is shown, a confirmed line becomes a payment, a split is two,
a bad file gets a message on the form and stores nothing."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import func, select

from coop.books.models import BankLine, BankStatement
from coop.invoicing import service as invoicing
from coop.invoicing.models import Payment
from coop.timeutil import today_london
from tests import factories
from tests.books.statements import BUILD, Paid
from tests.factories import fresh


def _upload(web, fmt, data, follow_redirects=False, **extra):
    return web.post(
        "/books/statements",
        {"bank": "Co-op Bank", "format": fmt, "statement": (io.BytesIO(data), f"s.{fmt}"), **extra},
        content_type="multipart/form-data",
        follow_redirects=follow_redirects,
    )


def test_a_coordinator_uploads_a_statement_and_matches_its_payments(web, session, tmp_path):
    factories.coordinator(session, "coord@example.org")
    bakery = factories.client(session, "Corner Bakery")
    a1 = factories.issued_invoice(session, bakery, tmp_path, hours=2)
    a2 = factories.issued_invoice(session, bakery, tmp_path, hours=1)
    day = today_london() - timedelta(days=1)
    web.login("coord@example.org")
    assert "Bank statements" in web.get("/home").get_data(as_text=True)

    csv_data = BUILD["csv"](
        [Paid(day, a1.gross_pence, "Corner Bakery", a1.number), Paid(day, 1_500, "Someone", "gift")]
    )
    refused = _upload(web, "csv", csv_data)  # first CSV from this bank: which columns?
    assert refused.status_code == 200
    assert "say which columns hold the date" in refused.get_data(as_text=True)
    fresh(session)
    assert session.scalar(select(func.count()).select_from(BankStatement)) == 0

    columns = {"date_column": "Date", "amount_column": "Paid in", "reference_column": "Description"}
    done = _upload(web, "csv", csv_data, **columns)
    assert done.status_code == 302 and done.headers["Location"].endswith("/books/reconcile")
    page = web.get("/books/reconcile").get_data(as_text=True)
    assert f"number {a1.number} in the reference, exact amount" in page
    assert "No invoice matches this payment for certain" in page

    fresh(session)
    line = session.scalar(select(BankLine).where(BankLine.amount_pence == a1.gross_pence))
    web.post(
        f"/books/lines/{line.id}/confirm",
        {"invoice_1": str(a1.id), "amount_1": f"{a1.gross_pence / 100:.2f}"},
    )
    fresh(session)
    assert invoicing.balance_pence(invoicing.get_invoice(session, a1.id)) == 0

    # The unmatched £15 is split by hand: £10 on the second invoice and £5 on the first (credit).
    gift = session.scalar(select(BankLine).where(BankLine.amount_pence == 1_500))
    answer = web.post(
        f"/books/lines/{gift.id}/confirm",
        {"invoice_1": str(a2.id), "amount_1": "10.00", "invoice_2": str(a1.id), "amount_2": "5.00"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Payment recorded" in answer and "more than was owed" in answer
    fresh(session)
    assert [
        (p.invoice_id, p.amount_pence) for p in session.scalars(select(Payment).order_by(Payment.id))
    ] == [
        (a1.id, a1.gross_pence),
        (a2.id, 1_000),
        (a1.id, 500),
    ]
    assert "Every payment in has been dealt with" in web.get("/books/reconcile").get_data(as_text=True)

    # The next CSV from the same bank needs no columns; the same lines again add nothing.
    again = _upload(web, "csv", csv_data, follow_redirects=True).get_data(as_text=True)
    assert "0 new, 2 already read from an earlier statement" in again


def test_bad_files_and_bad_amounts_get_a_message_and_change_nothing(web, session, tmp_path):
    factories.coordinator(session, "coord@example.org")
    invoice = factories.issued_invoice(session, factories.client(session), tmp_path)
    web.login("coord@example.org")
    for fmt, data in (
        ("ofx", b"<OFX>nonsense"),
        ("camt053", b"<x/>"),
        ("mt940", b""),
        ("ofx", b"x" * 2_200_000),
    ):
        page = _upload(web, fmt, data).get_data(as_text=True)
        assert "There is a problem" in page
    no_file = web.post("/books/statements", {"bank": "Co-op Bank", "format": "ofx"}).get_data(as_text=True)
    assert "Choose the statement file to read" in no_file
    fresh(session)
    assert session.scalar(select(func.count()).select_from(BankStatement)) == 0

    _upload(web, "ofx", BUILD["ofx"]([Paid(today_london() - timedelta(days=1), 700, "X", "y")]))
    fresh(session)
    line = session.scalar(select(BankLine))
    for form in (
        {"invoice_1": str(invoice.id), "amount_1": "abc"},
        {"invoice_1": "99999999999999999999", "amount_1": "7.00"},
        {"invoice_1": str(invoice.id), "amount_1": "6.00"},
        {"invoice_1": str(invoice.id), "amount_1": "7.00", "invoice_2": str(invoice.id), "amount_2": "0"},
    ):
        answer = web.post(f"/books/lines/{line.id}/confirm", form, follow_redirects=True)
        assert answer.status_code == 200
        assert "Payment recorded" not in answer.get_data(as_text=True)
    fresh(session)
    assert session.scalar(select(func.count()).select_from(Payment)) == 0
    web.post(f"/books/lines/{line.id}/set-aside")
    assert "Every payment in has been dealt with" in web.get("/books/reconcile").get_data(as_text=True)


def test_a_coordinator_downloads_the_journal_in_each_layout(web, session, tmp_path):
    factories.coordinator(session, "coord@example.org")
    invoice = factories.issued_invoice(session, factories.client(session, "Corner Bakery"), tmp_path)
    web.login("coord@example.org")
    assert "Download the journal for the accounts" in web.get("/books/statements").get_data(as_text=True)
    today = today_london()
    period = {"period_start": (today - timedelta(days=5)).isoformat(), "period_end": today.isoformat()}
    for layout, first_line in (
        ("xero", "*Narration,*Date"),
        ("quickbooks", "Journal No,Journal Date"),
        ("sage", "Type,Account Reference"),
        ("beancount", 'option "title"'),
    ):
        r = web.post("/books/journal", {**period, "layout": layout})
        assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
        body = r.get_data(as_text=True)
        assert body.startswith(first_line) and invoice.number in body
    backwards = {"period_start": today.isoformat(), "period_end": (today - timedelta(days=1)).isoformat()}
    page = web.post("/books/journal", {**backwards, "layout": "xero"}).get_data(as_text=True)
    assert "must end on or after the day it starts" in page
