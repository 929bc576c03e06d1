"""The impact report counts how people found the co-op, never a figure about fewer than 5, and
keeps counting enquiries after they are deleted."""

from __future__ import annotations

from datetime import timedelta

from coop.enquiries import followup, service
from coop.onward import impact
from coop.timeutil import today_london, utcnow
from tests import factories
from tests.enquiries.helpers import data, link_for


def _figures(session):
    today = today_london()
    return {f.key: f for f in impact.enquiry_figures(session, impact.Period(today.replace(day=1), today))}


def test_enquiries_by_source_and_members_made_with_small_numbers_hidden(session):
    for n in range(6):
        service.receive(
            session, data(email=f"w{n}@example.org", heard_from="ward"), ip=f"10.0.1.{n}", link_for=link_for
        )
    for n in range(2):
        service.receive(
            session, data(email=f"g{n}@example.org", heard_from="gp"), ip=f"10.0.2.{n}", link_for=link_for
        )
    figures = _figures(session)
    assert figures["enquiries"].text() == "8"
    assert figures["enquiries_ward"].text() == "6"
    assert figures["enquiries_gp"].text() == "fewer than 5"
    assert figures["enquiries_joined"].value == 0 and not figures["enquiries_joined"].shown


def test_deleted_enquiries_still_count_by_the_month_they_came_in(session):
    for n in range(5):
        service.receive(
            session,
            data(email=f"c{n}@example.org", heard_from="college"),
            ip=f"10.0.3.{n}",
            link_for=link_for,
        )
    # The clock moved on past the retention period: the rows go, the count stays.
    assert followup.delete_expired(session, utcnow() + timedelta(days=31 * 7)) == 5
    assert _figures(session)["enquiries_college"].text() == "5"


def test_the_impact_page_shows_the_enquiry_figures(session, make_web):
    factories.coordinator(session, "coord@example.org")
    web = make_web()
    web.login("coord@example.org")
    page = web.get("/impact").get_data(as_text=True)
    assert "People who asked about joining" in page and "Heard of us from a GP surgery" in page
