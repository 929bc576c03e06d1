"""Figures per business and for the co-op: income, hours, members working, unfilled places and
overdue invoices, with hours and members hidden when fewer than 5 members worked."""

from datetime import timedelta

from coop.invoicing import service as invoicing
from coop.onward import business_figures as figures
from coop.timeutil import today_london
from tests import factories
from tests.factories import issue_draft, period


def test_each_business_and_the_co_op_with_small_numbers_hidden(session, tmp_path):
    gardens = factories.business(session, "Green Gardens", "GG-")
    cleaning = factories.service(session, name="Cleaning", charge=2000)
    hedges = factories.service(session, name="Hedges", charge=3000, business_id=gardens.id)
    client = factories.client(session)
    people = [factories.member(session) for _ in range(5)]
    for m in people:
        factories.approved_timesheet(session, m, service_=cleaning, client_=client, days_ago=2, hours=2)
    factories.approved_timesheet(session, people[0], service_=hedges, client_=client, days_ago=2, hours=1)
    # Earlier today or yesterday, never tomorrow: the figures are for the days up to today.
    factories.shift(session, service_=hedges, client_=client, starts_in=-timedelta(hours=20), slots=2)
    for draft in invoicing.invoice_run(session, *period()):
        issue_draft(session, draft.id, tmp_path)
    today = today_london()
    ours, theirs, coop = figures.figures(session, today - timedelta(days=10), today, today)
    assert (ours.name, ours.income_pence, ours.minutes, ours.members) == ("Co-op Works", 5 * 2 * 2000, 600, 5)
    assert ours.hours_text == "10" and ours.members_text == "5"
    assert (theirs.income_pence, theirs.minutes, theirs.members, theirs.unfilled) == (3000, 60, 1, 2)
    assert theirs.hours_text == "fewer than 5" and theirs.members_text == "fewer than 5"
    # The co-op counts the member who worked for both once.
    assert (coop.income_pence, coop.minutes, coop.members, coop.unfilled) == (23000, 660, 5, 2)


def test_the_coordinator_home_and_impact_report_show_each_business(web, session):
    factories.coordinator(session, "coord@example.org")
    factories.business(session, "Green Gardens", "GG-")
    web.login("coord@example.org")
    home = web.get("/home").get_data(as_text=True)
    assert "How each business is doing" in home and "Green Gardens" in home and "The whole co-op" in home
    impact = web.get("/impact").get_data(as_text=True)
    assert "Figures per business" in impact and "Green Gardens" in impact
