"""Browser tests: the app served by gunicorn in a subprocess, on its own database (SQLite or
PostgreSQL, like the rest of the suite), driven by Playwright in Debian's chromium, in its headless
build (chromium-headless-shell: the same engine without the desktop browser around it).

Every journey runs four times: desktop and phone (390x844), each with JavaScript on and off.
With JavaScript on, axe-core checks every page the journey visits against WCAG 2.2 AA.
A failing test leaves a full-page screenshot under test-artifacts/."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from sqlalchemy import update
from sqlalchemy.orm import Session

from coop.app import create_app
from coop.auth.models import User
from coop.demo.service import DEMO_LOGINS
from tests.conftest import app_config, demo_template
from tests.pg import free_port
from tests.server import serve

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

VARIANTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}, "java_script_enabled": True},
    "desktop-nojs": {"viewport": {"width": 1280, "height": 900}, "java_script_enabled": False},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
        "java_script_enabled": True,
    },
    "phone-nojs": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
        "java_script_enabled": False,
    },
}


@dataclass
class Live:
    base_url: str
    app: Any
    invoice_dir: Path

    def session(self) -> Session:
        s: Session = self.app.extensions["coop_db"][1]()
        return s


@contextmanager
def serving(databases: Any, tmp: Path, env: dict[str, str] | None = None) -> Iterator[Live]:
    """The demo co-op on a database of its own (a copy of the one this test process loaded, with
    its issued invoices' files), served by gunicorn (`env` adds to what its configuration reads,
    e.g. PSEUDO_LANGUAGES)."""
    url = databases.create()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    config = app_config(url, tmp) | {"BASE_URL": base_url}
    template, invoices = demo_template(databases, tmp.parent)
    databases.replace(url, template)
    shutil.copytree(invoices, Path(config["INVOICE_DIR"]), dirs_exist_ok=True)
    app = create_app(config)
    server = serve(url, config, port, tmp, workers=2, env=env)
    try:
        yield Live(base_url, app, Path(config["INVOICE_DIR"]))
    finally:
        server.stop()
        app.extensions["coop_db"][0].dispose()
        databases.drop(url)


@pytest.fixture(scope="session")
def live(databases: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    with serving(databases, tmp_path_factory.mktemp("live")) as running:
        yield running


def _headless_chromium() -> str:
    path = shutil.which("chromium-headless-shell")
    assert path, "chromium-headless-shell is missing: `make test` installs it (Debian's package)"
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=_headless_chromium(),
            args=["--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
        )
        yield b
        b.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(params=list(VARIANTS))
def variant(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


def checked_context(browser: Browser, base_url: str, variant: str) -> BrowserContext:
    """A browser context for pages a `Checked` judges. With JavaScript on, axe-core comes with
    every document it loads, before the page's own scripts: sent to the browser once, not with
    each check (half a megabyte each time, about as long as the check itself on a small page).
    bypass_csp lets the test's axe-core run; the app's own pages never need inline script."""
    context = browser.new_context(base_url=base_url, bypass_csp=True, **VARIANTS[variant])
    if VARIANTS[variant]["java_script_enabled"]:
        context.add_init_script(path=str(AXE))
    return context


@pytest.fixture
def page(browser: Browser, live: Live, variant: str, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = checked_context(browser, live.base_url, variant)
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = request.node.name.replace("/", "_").replace("[", "-").rstrip("]")
        pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()


# Values that differ on every page load and change nothing axe looks at: CSRF tokens and nonces.
ONE_USE = re.compile(r'(name="csrf_token"[^>]*? value=")[^"]*|(nonce=")[^"]*')
AXE_RUN = "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
_AXE_PASSED: set[tuple[str, str]] = set()  # documents axe found nothing in, by variant


class Checked:
    """Wraps a page of a `checked_context`: after each navigation, with JavaScript on, axe-core
    must find nothing."""

    def __init__(self, page: Page, variant: str) -> None:
        self.page = page
        self.variant = variant
        self.js = VARIANTS[variant]["java_script_enabled"]
        self.visited: list[str] = []

    def check(self) -> None:
        self.page.wait_for_load_state()  # a click may still be loading the next page
        self.visited.append(self.page.url)
        if not self.js:
            return
        width = self.page.viewport_size["width"] if self.page.viewport_size else 0
        overflow = self.page.evaluate("() => document.documentElement.scrollWidth")
        # Nothing scrolls sideways (a wide table scrolls inside its own region instead).
        assert overflow <= width, f"{self.page.url} is {overflow - width}px wider than the {width}px screen"
        # axe judges the document as this variant shows it: the same document (but for its
        # one-use tokens) in the same variant was already judged in this run, so its verdict
        # stands (the sign-in page and some home pages come up in many journeys).
        seen = (self.variant, ONE_USE.sub(r"\1\2", self.page.content()))
        if seen not in _AXE_PASSED:  # axe-core is in the page: its context came from checked_context
            # resultTypes: only violations are collected in full (passes were gathered node by node).
            result = self.page.evaluate(AXE_RUN, WCAG_TAGS)
            problems = [
                f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
                for v in result["violations"]
            ]
            assert problems == [], f"accessibility problems on {self.page.url}: {problems}"
            _AXE_PASSED.add(seen)

    def goto(self, path: str) -> None:
        response = self.page.goto(path)
        assert response is not None and response.status == 200, (path, response and response.status)
        self.check()

    def click(self, name: str, *, role: str = "button") -> None:
        self.page.get_by_role(role, name=name, exact=True).first.click()  # type: ignore[arg-type]
        self.page.wait_for_load_state()
        self.check()

    def login(self, email: str, password: str) -> None:
        self.goto("/login")
        self.page.get_by_label("Email address").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.click("Sign in")

    def sees(self, text: str) -> None:
        from playwright.sync_api import expect

        expect(self.page.locator("main")).to_contain_text(text)


@pytest.fixture
def ui(page: Page, variant: str) -> Checked:
    return Checked(page, variant)


@pytest.fixture(scope="session")
def pseudo_live(databases: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The demo co-op served with the pseudo-languages offered (tests/browser/test_translated_pages.py):
    a server of its own, since its tests change what the demo people read in."""
    with serving(databases, tmp_path_factory.mktemp("pseudo"), env={"PSEUDO_LANGUAGES": "true"}) as running:
        yield running


def set_reading(live: Live, email: str, language: str, *, easy: bool = False) -> None:
    """What a person reads the co-op in (their profile's choice), set in the database."""
    s = live.session()
    s.execute(update(User).where(User.email == email).values(language=language, easy_read=easy))
    s.commit()
    s.close()


def sign_in(page: Page, email: str) -> None:
    """Sign in as a demo login whatever language the sign-in page is in."""
    page.goto("/login")
    page.locator("main form input[name=email]").fill(email)
    page.locator("main form input[name=password]").fill(DEMO_LOGINS["password"])
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path != "/login", "signing in failed"
