"""The invoice list filters by the status people see in the database; it must agree with
display_status for every kind of invoice, and never load the lines to do it."""

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coop.invoicing import money_in, service
from coop.invoicing.models import CreditNote, Invoice, Payment
from tests import factories

TODAY = date(2026, 11, 26)
_n = iter(range(1, 10_000))


def _invoice(session, client, *, draft, gross, due_in, paid, credited):
    n = next(_n)
    inv = Invoice(
        client_id=client.id,
        status="draft" if draft else "issued",
        number=None if draft else f"T-{n}",
        sequence_number=None if draft else n,
        period_start=TODAY - timedelta(days=30),
        period_end=TODAY - timedelta(days=1),
        issue_date=None if draft else TODAY - timedelta(days=10),
        due_date=None if draft else TODAY + timedelta(days=due_in),
        net_pence=gross,
        vat_pence=0,
        gross_pence=gross,
    )
    session.add(inv)
    session.flush()
    if paid:
        session.add(Payment(invoice_id=inv.id, paid_on=TODAY, amount_pence=paid, method="cheque"))
    if credited:
        session.add(
            CreditNote(
                invoice_id=inv.id,
                number=f"C-{n}",
                sequence_number=n,
                issue_date=TODAY,
                reason="x",
                net_pence=credited,
                vat_pence=0,
                gross_pence=credited,
            )
        )
    money_in.settle(session, inv)  # the money-in rule keeps what the overdue count reads
    return inv


invoices = st.lists(
    st.fixed_dictionaries(
        {
            "draft": st.booleans(),
            "gross": st.integers(1, 5000),
            "due_in": st.integers(-20, 20),
            "paid": st.integers(0, 6000),
            "credited": st.integers(0, 6000),
        }
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(invoices)
def test_database_status_filter_agrees_with_display_status(session, specs):
    client = factories.client(session)
    made = [_invoice(session, client, **spec) for spec in specs]
    session.commit()
    session.expire_all()
    for status in service.STATUSES:
        by_db = {
            i.id for i in service.list_invoices(session, client_id=client.id, status=status, today=TODAY)
        }
        by_rule = {i.id for i in made if service.display_status(session.get(Invoice, i.id), TODAY) == status}
        assert by_db == by_rule, status
    mine = {i.id for i in made}
    overdue = {i.id for i in made if service.display_status(session.get(Invoice, i.id), TODAY) == "overdue"}
    assert {i.id for i in service.overdue(session, TODAY)} & mine == overdue
    assert service.overdue_count(session, TODAY) >= len(overdue)
    assert {i.id for i in made if session.get(Invoice, i.id).owing} == {
        i.id
        for i in made
        if service.display_status(session.get(Invoice, i.id), TODAY) in ("issued", "part-paid", "overdue")
    }
