"""On the phone like a rota app: the manifest and service worker pass chromium's installability
checks; with the browser offline the member's next two weeks still show; and a different member
signing in on the same browser sees none of what was kept for the first."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page, expect

from coop.demo.service import DEMO_LOGINS
from coop.members.service import member_for_user
from coop.rota import service as rota
from tests import factories
from tests.conftest import PASSWORD

PHONE: dict[str, Any] = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
KEYS = "async () => (await caches.keys()).filter(n => n.startsWith('coop-offline-'))"


def _sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url("**/home")


def _kept_for(page: Page, key: str) -> None:
    """Wait (up to 15 s) until the service worker keeps the page for this person, and only them."""
    for _ in range(150):
        names = page.evaluate(KEYS)
        if names == [f"coop-offline-{key}"] and page.evaluate(
            "async n => !!(await (await caches.open(n)).match('/shifts/offline'))", names[0]
        ):
            return
        time.sleep(0.1)
    raise AssertionError(f"not kept for this person: {page.evaluate(KEYS)}")


def _person(page: Page) -> str:
    key = page.locator('meta[name="coop-person"]').get_attribute("content")
    assert key
    return key


def test_installable_readable_offline_and_never_shown_to_another(browser: Browser, live: Any) -> None:
    s = live.session()
    demo = member_for_user(s, factories_user_id(s, dict(DEMO_LOGINS["accounts"])["member"]))
    skill = factories.skill(s)
    demo.skills.append(skill)
    s.commit()
    # at a time the demo member is free (their places depend on the hour the co-op was made)
    starts_in = factories.free_offset(s, demo.id, at_least=timedelta(days=2))
    shift = factories.shift(s, service_=factories.service(s, skill), starts_in=starts_in)
    shift.site_address = "7 Lantern Yard"
    s.commit()
    rota.claim(s, demo.id, shift.id)
    factories.member(s, name="Second Person", email="second@example.org")
    s.close()

    context: BrowserContext = browser.new_context(base_url=live.base_url, **PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        _sign_in(page, dict(DEMO_LOGINS["accounts"])["member"], DEMO_LOGINS["password"])
        # installable: chromium fetched and parsed the manifest, and finds nothing missing
        page.evaluate("() => navigator.serviceWorker.ready")
        cdp = context.new_cdp_session(page)
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["errors"] == [], manifest["errors"]
        assert manifest["url"].endswith("/manifest.webmanifest")
        assert '"start_url": "/home"' in manifest["data"]
        # Playwright's contexts are incognito windows, where chromium never offers to install;
        # every other check (manifest fields, icons, service worker, secure origin) must pass.
        errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == []
        state = page.evaluate(
            "async () => { const r = await navigator.serviceWorker.ready;"
            " return [r.scope, r.active && r.active.state]; }"
        )
        assert state == [f"{live.base_url}/", "activated"]

        first = _person(page)
        _kept_for(page, first)
        context.set_offline(True)
        page.goto("/home")  # any page, without signal: the kept copy
        expect(page.locator("h1")).to_have_text("Your next two weeks")
        expect(page.locator("main")).to_contain_text("7 Lantern Yard")
        expect(page.locator("main")).to_contain_text("Last updated")
        context.set_offline(False)

        page.goto("/home")
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url("**/login")
        _sign_in(page, "second@example.org", PASSWORD)
        second = _person(page)
        assert second != first
        _kept_for(page, second)  # the first person's copy is gone
        context.set_offline(True)
        page.goto("/shifts/mine")
        expect(page.locator("h1")).to_have_text("Your next two weeks")
        expect(page.locator("main")).to_contain_text("no shifts in the next two weeks")
        assert "Lantern Yard" not in page.content()
    finally:
        context.close()


def factories_user_id(session: Any, email: str) -> int:
    from coop.auth.service import find_user

    user = find_user(session, email)
    assert user is not None
    return int(user.id)
