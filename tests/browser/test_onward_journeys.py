"""Onward in a real browser (four variants each, axe on every page with JavaScript on): a member
builds and shares a work record, an anonymous visitor checks it, the member withdraws it and the
link says so; a coordinator downloads the impact report."""

from __future__ import annotations

import re

from coop.timeutil import today_london
from tests import factories
from tests.browser.conftest import Checked, checked_context
from tests.conftest import PASSWORD
from tests.factories import approved_timesheet, unique


def test_a_member_shares_a_work_record_a_visitor_checks_it_and_it_is_withdrawn(live, ui, browser):
    s = live.session()
    member = factories.member(s, name=unique("Alex"))
    cleaning = factories.service(
        s, factories.skill(s, unique("Deep cleaning")), name=unique("Office cleaning")
    )
    approved_timesheet(s, member, service_=cleaning, hours=3)
    email, skill_name = member.user.email, cleaning.skill.name
    s.close()

    ui.login(email, PASSWORD)
    ui.goto("/my/record")
    ui.sees(skill_name)
    page = ui.page
    page.get_by_role("checkbox", name="Paid work, by service and year").uncheck()
    page.get_by_role("checkbox", name="Kinds of work", exact=True).check()
    ui.click("Make my record")
    ui.sees("Your record is ready")
    code = re.search(r"[0-9A-Z]{4}(?:-[0-9A-Z]{4}){3}", page.locator("h1").inner_text()).group(0)

    visitor = checked_context(browser, live.base_url, ui.variant)  # someone else, on the same kind of browser
    other = visitor.new_page()
    checker = Checked(other, ui.variant)
    checker.goto("/verify")
    other.get_by_label("Code").fill(code.lower())
    other.get_by_role("button", name="Check").click()
    checker.check()
    checker.sees("genuine")
    checker.sees(skill_name)
    assert "Office cleaning" not in other.locator("main").inner_text()  # left out: not shown

    ui.click("Withdraw this record")
    ui.sees("Withdrawn")
    response = other.goto(f"/verify/{code}")
    assert response is not None and response.status == 410
    checker.check()
    checker.sees("withdrawn")
    assert skill_name not in other.locator("main").inner_text()
    visitor.close()


def test_a_coordinator_downloads_the_impact_report(live, ui):
    s = live.session()
    coordinator = factories.coordinator(s, email=unique("coord") + "@example.org")
    email = coordinator.email
    s.close()
    ui.login(email, PASSWORD)
    ui.goto("/impact")
    ui.sees("Impact report")
    today = today_london()
    ui.page.get_by_label("First day").fill(today.replace(day=1).isoformat())
    ui.page.get_by_label("Last day").fill(today.isoformat())
    ui.click("Show the report")
    ui.sees("Hours of paid work")
    ui.sees("fewer than 5")
    for name, magic in (("Download as PDF", b"%PDF"), ("Download as CSV", b"\xef\xbb\xbfFigure,")):
        with ui.page.expect_download() as download:
            ui.page.get_by_role("link", name=name).click(modifiers=["Alt"])
        assert download.value.path().read_bytes().startswith(magic)
