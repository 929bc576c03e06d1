"""Each role's home page on the demo co-op shows what that person came for, passes axe, and is
photographed. `make screenshots` runs only this file with COOP_SCREENSHOTS=docs/screenshots, on a
fresh demo co-op, to refresh the pictures linked from the README."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from coop.demo.service import DEMO_LOGINS
from tests.browser.conftest import ARTIFACTS

EXPECT = {
    "member": ["Work offered to you", "Next shifts", "Your limit this period", "Have your say"],
    "coordinator": ["Hours per member this month", "Income and member pay by month"],
    "client": ["Your next visits", "Invoices to pay"],
}


@pytest.mark.parametrize("role", list(EXPECT))
def test_dashboard(live, ui, variant, role):
    ui.login(dict(DEMO_LOGINS["accounts"])[role], DEMO_LOGINS["password"])
    for text in EXPECT[role]:
        ui.sees(text)
    if variant in ("desktop", "phone"):
        out = Path(os.environ.get("COOP_SCREENSHOTS") or ARTIFACTS / "dashboards")
        out.mkdir(parents=True, exist_ok=True)
        ui.page.screenshot(path=str(out / f"{role}-{variant}.png"), full_page=True)


@pytest.mark.parametrize("variant", ["phone"])
@pytest.mark.parametrize("role", list(EXPECT))
def test_every_menu_page_fits_a_phone_and_starts_on_the_first_screen(live, ui, variant, role):
    """At 390 x 844: the menu leaves each page's own content on the first screen, every page in
    the menu (the everyday places and each folded menu) fits the width (checked on every page by
    `ui.check`), and the folded menus open without JavaScript (details elements)."""
    ui.login(dict(DEMO_LOGINS["accounts"])[role], DEMO_LOGINS["password"])
    links = ui.page.locator(".site-nav a")  # every page in the menu, folded away or not
    paths = sorted({links.nth(i).get_attribute("href") or "" for i in range(links.count())})
    assert paths
    for path in paths:
        ui.goto(path)
        top = ui.page.evaluate("() => document.querySelector('main h1').getBoundingClientRect().top")
        assert top < 844 / 2, f"{path}: the page's heading starts {top}px down"
    menus = ui.page.locator(".site-menu")
    for i in range(menus.count()):
        menus.nth(i).locator("summary").click()
        assert menus.nth(i).locator("ul a").first.is_visible()


@pytest.mark.parametrize("variant", ["phone"])
def test_the_pages_once_too_wide_fit_a_phone(live, ui, variant):
    """The client's calendar page (its feed address), a person's roles page and a member's page."""
    from sqlalchemy import select

    from coop.members.models import Member

    s = live.session()
    member = s.scalars(select(Member).order_by(Member.id)).first()
    member_id, user_id = member.id, member.user_id
    s.close()
    ui.login(dict(DEMO_LOGINS["accounts"])["client"], DEMO_LOGINS["password"])
    ui.goto("/my/calendar")
    ui.page.get_by_role("button", name="Make a new calendar address").click()
    assert "/calendar/" in ui.page.locator("main code").inner_text()  # the long feed address
    ui.page.get_by_role("button", name="Sign out").click()
    ui.login(dict(DEMO_LOGINS["accounts"])["admin"], DEMO_LOGINS["password"])
    ui.goto(f"/people/{user_id}/roles")
    ui.goto(f"/members/{member_id}")


@pytest.mark.parametrize("variant", ["desktop", "phone"])
def test_the_check_finds_a_problem_planted_in_a_page(live, ui, variant):
    """The judge itself: axe-core is in the page before the check (loaded with the document), and
    a picture without a text alternative, added to a page that passed, fails it."""
    ui.goto("/login")
    assert ui.page.evaluate("() => 'axe' in window")
    ui.page.evaluate(
        "() => document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/x.png\">')"
    )
    with pytest.raises(AssertionError, match="image-alt"):
        ui.check()
