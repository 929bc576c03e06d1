"""Money shown to a client is the money charged (issue 34, problem 6): a cancellation fee is
shown with the VAT its invoice adds, a quote says whether VAT is added, and percentages print
as people write them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from coop.bookings.models import Shift
from coop.invoicing import service as invoicing
from coop.mail.models import OutboxMessage
from coop.money import Price, format_percent
from coop.settings import service as settings
from coop.timeutil import today_london
from tests import factories
from tests.bookings.test_views import form
from tests.factories import fresh


def test_a_late_cancellation_shows_the_fee_the_invoice_charges(web, session):
    svc = factories.service(session, name="Office cleaning", charge=3000, vat_bp=2000)
    client = factories.client(session, "Corner Bakery", contact_email="a@client.example")
    shift = factories.shift(session, service_=svc, client_=client, hours=3, starts_in=timedelta(hours=5))
    web.login("a@client.example")
    page = web.get(f"/my/visits/{shift.id}/cancel").get_data(as_text=True)
    # £90.00 for 3 hours at £30, plus 20% VAT: the invoice charges £108.00.
    assert "£108.00 including VAT (£90.00 plus 20% VAT, £18.00)" in page
    assert "100% of the visit&#39;s charge" in page and "1E+2" not in page
    assert "for £108.00" in page
    r = web.post(f"/my/visits/{shift.id}/cancel", {"scope": "one", "fee": "9000"}, follow_redirects=True)
    assert "The cancellation fee is £108.00 including VAT" in r.get_data(as_text=True)
    fresh(session)
    assert session.get(Shift, shift.id).status == "cancelled"
    booking_page = web.get(f"/my/bookings/{shift.booking_id}").get_data(as_text=True)
    assert "fee £108.00 including VAT" in booking_page
    assert "(fee £108.00 including VAT" in web.get("/my/bookings").get_data(as_text=True)
    mails = session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == "a@client.example")).all()
    assert any("£108.00 including VAT" in m.body for m in mails)
    [invoice] = invoicing.invoice_run(
        session, today_london() - timedelta(days=30), today_london() + timedelta(days=1), actor_id=None
    )
    assert invoice.gross_pence == 10800


def test_without_vat_registration_the_quote_and_the_fee_add_no_vat(web, session):
    svc = factories.service(session, name="Office cleaning", charge=2600, vat_bp=2000)
    client = factories.client(session, "Corner Bakery", contact_email="a@client.example")
    settings.change(session, "vat_registered", False, effective_from=None, actor_id=None, note="")
    settings.change(session, "cancellation_fee_percent", 50, effective_from=None, actor_id=None, note="")
    web.login("a@client.example")
    page = web.post("/my/bookings/new", {**form(svc), "preview": "Check the price"}).get_data(as_text=True)
    # 3 hours × 2 workers × £26 = £156, and no VAT: the invoice would charge £156.00 too.
    assert "£156.00</strong> (no VAT is added)" in page and "£187.20" not in page
    assert "costs 50% of the charge" in page
    shift = factories.shift(session, service_=svc, client_=client, hours=2, starts_in=timedelta(hours=5))
    page = web.get(f"/my/visits/{shift.id}/cancel").get_data(as_text=True)
    assert "£26.00 (no VAT is added)" in page and "50% of the visit&#39;s charge" in page


@given(
    st.decimals(min_value=0, max_value=1000, places=4, allow_nan=False, allow_infinity=False)
    | st.integers(0, 1000)
)
def test_percentages_print_as_people_write_them(value):
    text = format_percent(value)
    number = text.removesuffix("%").replace(",", "")  # 1,000%: grouped, as Babel writes English
    assert "E" not in text and Decimal(number) == Decimal(value)
    assert not ("." in number and number.endswith("0")) and not number.endswith(".")


def test_a_price_adds_up_as_the_invoice_does():
    assert Price(9000, 2000).gross_pence == 10800 and Price(9000, 0).gross_pence == 9000
    assert format_percent(Decimal(100).normalize()) == "100%" and format_percent(Decimal("12.50")) == "12.5%"
