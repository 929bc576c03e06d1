"""Invoice runs, issuing with gapless numbers, immutable PDFs, e-invoices, credit notes, payments."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import facturx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from coop.bookings import service as bookings
from coop.errors import DomainError
from coop.invoicing import service as invoicing
from coop.invoicing.models import Invoice, NumberSequence
from coop.invoicing.totals import totals, vat_summary
from coop.timeutil import today_london
from tests import factories
from tests.conftest import pdf_text
from tests.factories import approved_work, issue_draft, period, simple_html, simple_render
from tests.parallel import run_parallel


def test_run_makes_one_draft_per_client_with_lines_and_fees(session):
    a = factories.client(session, "Corner Bakery")
    b = factories.client(session, "Other Shop", invoice_grouping="service")
    approved_work(session, a, hours=3, charge=2600)
    svc = factories.service(session, name="Gardening", charge=3000)
    approved_work(session, b, hours=2, service_=svc)
    approved_work(session, b, hours=1, service_=svc)
    # a cancellation fee for client a
    fee_shift = factories.shift(session, client_=a, starts_in=timedelta(hours=5))
    bookings.cancel_shift(session, fee_shift, actor_id=1)
    drafts = invoicing.invoice_run(session, *period())
    by_client = {d.client.name: d for d in drafts}
    assert set(by_client) == {"Corner Bakery", "Other Shop"}
    bakery = by_client["Corner Bakery"]
    assert [line.kind for line in bakery.lines] == ["work", "cancellation"]
    assert bakery.lines[0].net_pence == 3 * 2600
    shop = by_client["Other Shop"]
    assert len(shop.lines) == 1 and shop.lines[0].description.startswith("Gardening: 2 visit")
    assert shop.lines[0].net_pence == 3 * 3000 and shop.vat_pence == 1800 and shop.gross_pence == 10800
    # a second run finds nothing new
    assert invoicing.invoice_run(session, *period()) == []


def test_issue_numbers_freezes_and_checks_the_pdf(session, tmp_path):
    client = factories.client(session, "Corner Bakery")
    approved_work(session, client)
    [draft] = invoicing.invoice_run(session, *period())
    invoice = issue_draft(session, draft.id, tmp_path)
    assert invoice.number == "CW-00001" and invoice.status == "issued"
    assert invoice.due_date == today_london() + timedelta(days=30)
    assert invoicing.read_pdf(invoice, tmp_path).startswith(b"%PDF")
    with pytest.raises(DomainError, match="can no longer be changed"):
        invoicing.add_line(
            session, invoice.id, description="x", quantity_centi=100, unit_pence=100, vat_rate_bp=0
        )
    with pytest.raises(DomainError, match="can no longer be deleted"):
        invoicing.delete_draft(session, invoice.id, actor_id=1)
    # e-invoice: a PDF/A-3 whose embedded Factur-X XML validates
    fx = invoicing.read_pdf(invoice, tmp_path, facturx=True)
    name, xml = facturx.get_xml_from_pdf(fx)
    assert name == "factur-x.xml" and facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert b"CW-00001" in xml and b"Corner Bakery" in xml
    # tampering with the file on disk is detected
    path = tmp_path / invoice.pdf_path
    path.write_bytes(path.read_bytes() + b"%tampered")
    with pytest.raises(invoicing.TamperedError):
        invoicing.read_pdf(invoice, tmp_path)


def test_an_empty_invoice_cannot_be_issued(session, tmp_path):
    client = factories.client(session)
    draft = Invoice(client_id=client.id, period_start=period()[0], period_end=period()[1])
    session.add(draft)
    session.commit()
    with pytest.raises(DomainError, match="nothing to charge"):
        issue_draft(session, draft.id, tmp_path)
    session.rollback()
    assert (
        session.scalar(select(NumberSequence.next_number).where(NumberSequence.name == "invoice")) == 1
    )  # no number used


def test_payments_statuses_credit_notes_reminders_and_aged_debtors(session, tmp_path):
    client = factories.client(session, "Corner Bakery", payment_terms_days=0)
    approved_work(session, client, hours=1, charge=10000)  # £100 + £20 VAT
    [draft] = invoicing.invoice_run(session, *period())
    today = today_london()
    invoice = issue_draft(session, draft.id, tmp_path, today=today - timedelta(days=40))
    assert invoicing.display_status(invoice, today) == "overdue"
    assert invoicing.queue_reminders(session, today, invoice_dir=tmp_path, base_url="http://coop.test") == 1
    # not again within the interval
    assert invoicing.queue_reminders(session, today, invoice_dir=tmp_path, base_url="http://coop.test") == 0
    [row] = invoicing.aged_debtors(session, today)
    assert row.buckets == (0, 0, 12000, 0, 0)
    assert (
        invoicing.record_payment(
            session,
            invoice,
            paid_on=today,
            amount_pence=5000,
            method="bank transfer",
            reference="BACS 1",
            actor_id=1,
            today=today,
        )
        == ""
    )
    assert invoicing.display_status(invoice, today) == "overdue" and invoicing.balance_pence(invoice) == 7000
    note = invoicing.credit_note(
        session,
        invoice,
        gross_pence=1200,
        reason="One hour was not worked",
        today=today,
        render=simple_render,
        invoice_dir=tmp_path,
        actor_id=1,
    )
    assert note.number == "CN-00001" and (note.net_pence, note.vat_pence) == (1000, 200)
    warning = invoicing.record_payment(
        session,
        invoice,
        paid_on=today,
        amount_pence=6000,
        method="cheque",
        reference="",
        actor_id=1,
        today=today,
    )
    assert "£2.00 more than was owed" in warning and "in credit" in warning
    assert invoicing.balance_pence(invoice) == -200 and invoicing.display_status(invoice, today) == "paid"
    with pytest.raises(DomainError, match="between 1p and"):
        invoicing.credit_note(
            session,
            invoice,
            gross_pence=999_999,
            reason="x",
            today=today,
            render=simple_render,
            invoice_dir=tmp_path,
            actor_id=1,
        )
    assert "CW-00001" in invoicing.export_invoices(session, today)
    assert "CN-00001" in invoicing.export_credit_notes(session)
    assert "BACS 1" in invoicing.export_payments(session)


def test_discount_and_extra_lines_on_a_draft(session):
    client = factories.client(session)
    approved_work(session, client, hours=2, charge=5000)
    [draft] = invoicing.invoice_run(session, *period())
    invoicing.add_line(
        session,
        draft.id,
        description="Cleaning materials",
        quantity_centi=200,
        unit_pence=750,
        vat_rate_bp=2000,
    )
    invoicing.add_discount(session, draft.id, percent=Decimal(10), description="Community rate")
    nets = [line.net_pence for line in draft.lines]
    assert nets == [10000, 1500, -1150]
    assert (draft.net_pence, draft.vat_pence) == (10350, 2070)


def issue_one(session, invoice_id, invoice_dir):
    issue_draft(session, invoice_id, Path(invoice_dir))


def test_parallel_issuing_gives_gapless_unique_numbers(db_url, session, tmp_path):
    clients = [factories.client(session) for _ in range(8)]
    for c in clients:
        approved_work(session, c, hours=1)
    drafts = invoicing.invoice_run(session, *period())
    assert len(drafts) == 8
    results = run_parallel(db_url, issue_one, [(d.id, str(tmp_path)) for d in drafts])
    assert [r for r in results if r[0] != "ok"] == []
    session.rollback()
    numbers = sorted(session.scalars(select(Invoice.sequence_number)).all())
    assert numbers == list(range(1, 9))
    assert len({p.name for p in tmp_path.glob("CW-*.pdf")}) == 16  # each invoice and its e-invoice


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(
        st.tuples(st.integers(-50_000, 500_000), st.sampled_from([0, 500, 2000])), min_size=1, max_size=20
    ),
    registered=st.booleans(),
)
def test_totals_are_the_sum_of_lines_and_vat_follows_the_rounding_rule(lines, registered):
    class Line:
        def __init__(self, net, rate):
            self.net_pence, self.vat_rate_bp = net, rate

    objs = [Line(n, r) for n, r in lines]
    net, vat, gross = totals(objs, registered)
    assert net == sum(n for n, _ in lines) and gross == net + vat
    summary = vat_summary(objs, registered)
    for rate, (rate_net, rate_vat) in summary.items():
        exact = Decimal(rate_net) * rate / 10000
        assert abs(Decimal(rate_vat) - exact) <= Decimal("0.5")
    if not registered:
        assert vat == 0


def test_the_whole_run_through_the_ui_and_the_client_download(web, make_web, session, app):
    factories.coordinator(session, "coord@example.org")
    client = factories.client(session, "Corner Bakery", contact_email="a@client.example")
    factories.client(session, "Other Shop", contact_email="b@client.example")
    approved_work(session, client, hours=3, charge=2600)
    web.login("coord@example.org")
    start, end = period()
    assert (
        web.post(
            "/invoices/run", {"period_start": start.isoformat(), "period_end": end.isoformat()}
        ).status_code
        == 302
    )
    session.rollback()
    draft = session.scalars(select(Invoice)).one()
    page = web.get(f"/invoices/{draft.id}").get_data(as_text=True)
    assert "£78.00" in page and "£93.60" in page
    web.post(f"/invoices/{draft.id}/issue")
    session.rollback()
    session.expire_all()
    invoice = session.get(Invoice, draft.id)
    assert invoice.number == "CW-00001"
    owner = make_web()
    owner.login("a@client.example")
    assert "CW-00001" in owner.get("/my/invoices").get_data(as_text=True)
    pdf = owner.get(f"/my/invoices/{invoice.id}.pdf")
    assert pdf.status_code == 200
    text = pdf_text(pdf.data)
    for expected in ("CW-00001", "Corner Bakery", "£78.00", "£15.60", "£93.60", "VAT number"):
        assert expected in text
    assert owner.get(f"/my/invoices/{invoice.id}/e-invoice.pdf").status_code == 200
    stranger = make_web()
    stranger.login("b@client.example")
    assert stranger.get(f"/my/invoices/{invoice.id}.pdf").status_code == 404
    assert "CW-00001" not in stranger.get("/my/invoices").get_data(as_text=True)
    # tampered file: refused with a clear page
    path = Path(app.config["INVOICE_DIR"]) / invoice.pdf_path
    path.write_bytes(b"%PDF-1.7 forged")
    r = owner.get(f"/my/invoices/{invoice.id}.pdf")
    assert r.status_code == 409 and "not the one that was issued" in r.get_data(as_text=True)


def test_invoice_run_cli_with_issue(app, session):
    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from coop.cli import cli

    client = factories.client(session, "Corner Bakery")
    approved_work(session, client, hours=2, charge=2500)
    start, end = period()
    result = CliRunner().invoke(
        cli, ["invoice-run", "--period", f"{start}:{end}", "--issue"], obj=ScriptInfo(create_app=lambda: app)
    )
    assert result.exit_code == 0, result.output
    assert "1 draft invoice(s), 60.00 GBP in total." in result.output and "Issued." in result.output
    session.rollback()
    assert session.scalars(select(Invoice.number)).all() == ["CW-00001"]
    bad = CliRunner().invoke(
        cli, ["invoice-run", "--period", "November"], obj=ScriptInfo(create_app=lambda: app)
    )
    assert bad.exit_code != 0 and "use 2026-11" in bad.output


def test_issuing_many_renders_in_worker_processes(session, tmp_path):
    for _ in range(5):
        approved_work(session, factories.client(session), hours=1)
    drafts = invoicing.invoice_run(session, *period())
    done = []
    issued = invoicing.issue_many(
        session,
        [d.id for d in drafts],
        today=today_london(),
        render_html=simple_html,
        invoice_dir=tmp_path,
        base_url="http://coop.test",
        actor_id=None,
        workers=2,
        progress=done.append,
    )
    assert [i.number for i in issued] == [f"CW-0000{n}" for n in range(1, 6)] and len(done) == 5
    for invoice in issued:
        assert invoicing.read_pdf(invoice, tmp_path).startswith(b"%PDF")
        assert invoicing.read_pdf(invoice, tmp_path, facturx=True).startswith(b"%PDF")


def test_issuing_is_one_transaction_with_the_bookings_it_completes(session, tmp_path):
    """A failure while issuing leaves nothing behind, not even the bookings it marked completed
    on the way (they were committed before the issuing transaction began)."""
    client = factories.client(session)
    shift = approved_work(session, client)
    [draft] = invoicing.invoice_run(session, *period())

    def broken(_invoice):
        raise RuntimeError("the printer caught fire")

    with pytest.raises(RuntimeError):
        invoicing.issue(
            session,
            draft.id,
            today=today_london(),
            render_html=broken,
            invoice_dir=tmp_path,
            actor_id=None,
            base_url="http://coop.test",
        )
    session.expire_all()
    assert shift.booking.status == "scheduled"
    assert session.get(Invoice, draft.id).status == "draft"
    issue_draft(session, draft.id, tmp_path)
    session.expire_all()
    assert shift.booking.status == "invoiced"
