"""A coordinator uploads the bank statement and reconciles it: the payment matched to its
invoice by number is confirmed, and the invoice is paid (conftest: four variants, axe on each
page with JavaScript on)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from coop.invoicing import service as invoicing
from coop.invoicing.models import Invoice
from coop.timeutil import today_london
from tests import factories
from tests.books.statements import BUILD, Paid
from tests.conftest import PASSWORD
from tests.factories import unique


def test_coordinator_uploads_a_statement_and_reconciles_it(live, ui, tmp_path):
    s = live.session()
    coordinator = factories.coordinator(s, email=unique("treasurer") + "@example.org")
    client = factories.client(s, name=unique("Harbour Cafe"))
    factories.approved_work(s, client, hours=2)
    [draft] = [d for d in invoicing.invoice_run(s, *factories.period()) if d.client_id == client.id]
    invoice = factories.issue_draft(s, draft.id, live.invoice_dir)
    email, invoice_id, number, gross = coordinator.email, invoice.id, invoice.number, invoice.gross_pence
    s.close()
    statement = tmp_path / "november.ofx"
    day = today_london() - timedelta(days=1)
    statement.write_bytes(
        BUILD["ofx"]([Paid(day, gross, client.name, f"INV {number}", bank_id=unique("fit"))])
    )

    ui.login(email, PASSWORD)
    ui.goto("/books/statements")
    page = ui.page
    page.get_by_label("Bank account").fill("Co-op Bank current account")
    page.get_by_label("OFX (Money, Quicken)").check()
    page.get_by_label("Statement file (up to 2 MB)").set_input_files(str(statement))
    ui.click("Read the statement")
    ui.sees("1 new")
    line = page.locator("section.bank-line").filter(has_text=f"INV {number}")
    assert f"number {number} in the reference, exact amount" in line.inner_text()
    line.get_by_role("button", name="Confirm", exact=True).click()
    page.wait_for_load_state()
    ui.check()
    ui.sees("Payment recorded")
    assert page.locator("section.bank-line").filter(has_text=f"INV {number}").count() == 0

    s = live.session()
    paid = s.scalar(select(Invoice).where(Invoice.id == invoice_id))
    assert paid is not None and invoicing.balance_pence(paid) == 0
    s.close()
