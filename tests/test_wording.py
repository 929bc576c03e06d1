"""Counts read as people say them (one pluralising helper), money reads in pounds, the booking
page shows a kept place waiting for its answer, and the rates page counts holiday pay."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from coop.mail import service as mail
from coop.rota import service as rota
from coop.settings import service as settings
from coop.text import plural
from coop.timeutil import today_london
from tests import factories


@given(st.integers(min_value=0, max_value=10**7))
def test_plural_says_one_for_one_and_the_plural_otherwise(n):
    words = plural(n, "shift", "shifts")
    assert words == (f"{n:,} shift" if n == 1 else f"{n:,} shifts")
    assert "(s)" not in words


def test_emails_use_the_same_helper():
    _subject, body = mail.render(
        "booking_cancelled",
        visits=1,
        booking=type("B", (), {"service": type("S", (), {"name": "Cleaning"})(), "site_address": "1 Road"})(),
        client=type("C", (), {"name": "Bakery"})(),
        fee=0,
        money=str,
    )
    assert "1 visit of your booking" in body and "visit(s)" not in body


def test_the_settings_history_shows_pounds(web, session):
    factories.user(session, "admin@example.org", ("admin",))
    settings.set_value(session, "pay_floor_pence", 1500, effective_from=today_london() + timedelta(days=30))
    session.commit()
    web.login("admin@example.org")
    page = web.get("/settings/pay_floor_pence").get_data(as_text=True)
    history = page[page.index("<h2>History</h2>") :]
    assert "£15.00" in history and ">1500<" not in history


def test_the_booking_page_shows_a_place_waiting_for_an_answer(web, session):
    factories.coordinator(session, "coord@example.org")
    svc = factories.service(session)
    shift = factories.shift(session, service_=svc, slots=2)
    ffion = factories.member(session, name="Ffion Jones", skills=[svc.skill])
    chris = factories.member(session, name="Chris Taylor", skills=[svc.skill])
    rota.claim(session, ffion.id, shift.id)
    rota.ask(session, chris.id, shift.id)
    web.login("coord@example.org")
    page = web.get(f"/bookings/{shift.booking_id}").get_data(as_text=True)
    assert "Ffion Jones" in page
    assert 'Chris Taylor <span class="tag tag-warn">asked, not answered yet</span>' in page
    assert "(1 waiting for an answer)" in page


def test_the_rates_page_counts_holiday_pay_in_what_the_coop_keeps(web, session):
    svc = factories.service(session, name="Gardening", charge=3000, pay=1500)
    factories.member(session, email="m@example.org", skills=[svc.skill])
    web.login("m@example.org")
    page = web.get("/rates").get_data(as_text=True)
    row = page[page.index("Gardening") :]
    row = row[: row.index("</tr>")]
    floor = max(1500, settings.get(session, "pay_floor_pence"))
    holiday = round(floor * settings.get(session, "holiday_pay_percent_bp") / 10000)
    keeps = 3000 - floor - holiday
    assert f"£{holiday / 100:.2f}" in row and f"£{keeps / 100:.2f}" in row
