"""Easy read: a member who chose it reads their everyday pages (Home, Open shifts, a shift, My
shifts, My hours, My pay, My limit) in the larger easy-read layout, and each page passes axe and
reads at a reading age of about 9: a Flesch-Kincaid grade of 4 or less over the pages' running
text (tests/test_plain_language.py's measure, whose target for standard words is 7), and no page
above 6."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from coop.demo.service import DEMO_LOGINS
from tests.browser.conftest import Checked, Live, checked_context, set_reading, sign_in
from tests.test_plain_language import Prose, grade

EVERYDAY = ["/home", "/shifts/open", "/shifts/mine", "/timesheets", "/my/pay", "/my/limit"]
# A page of one shift: the shift's own page where there is one, else a page about a shift the
# member holds (can't make it, running late, swap), linked from My shifts or Open shifts.
ONE_SHIFT = (re.compile(r"^/shifts/\d+(?:\?.*)?$"), re.compile(r"^/assignments/\d+/[a-z-]+$"))
OVERALL, PER_PAGE = 4.0, 6.0


@pytest.fixture(params=["phone", "desktop"])
def easy_ui(browser: Browser, pseudo_live: Live, request: pytest.FixtureRequest) -> Iterator[Checked]:
    email = dict(DEMO_LOGINS["accounts"])["member"]
    set_reading(pseudo_live, email, "en", easy=True)
    context = checked_context(browser, pseudo_live.base_url, request.param)
    context.set_default_timeout(20_000)
    page = context.new_page()
    sign_in(page, email)
    yield Checked(page, request.param)
    context.close()


def one_shift(page: Page) -> str:
    hrefs: list[str] = []
    for path in ("/shifts/mine", "/shifts/open"):
        page.goto(path)
        hrefs += page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))")
    for pattern in ONE_SHIFT:
        for href in hrefs:
            if pattern.match(href):
                return href
    raise AssertionError(f"no page of one shift is linked from My shifts or Open shifts: {hrefs}")


def running_text(html: str) -> str:
    parser = Prose()
    parser.feed(html)
    return ". ".join(b.rstrip(".") for b in parser.blocks if b) + "."


def test_easy_read_pages_pass_axe_and_read_at_about_age_nine(easy_ui: Checked):
    page = easy_ui.page
    paths = [*EVERYDAY[:2], one_shift(page), *EVERYDAY[2:]]
    texts, grades = [], {}
    for path in paths:
        easy_ui.goto(path)  # axe, and nothing scrolls sideways
        assert page.evaluate("() => document.body.classList.contains('easy-read')"), (
            f"{path}: not in Easy read"
        )
        text = running_text(page.content())
        texts.append(text)
        if len(text.split()) >= 30:
            grades[path] = round(grade(text), 1)
    overall = grade(" ".join(texts))
    print(f"Easy read grade over {len(paths)} pages: {overall:.1f}; each: {grades}")
    hard = {path: g for path, g in grades.items() if g > PER_PAGE}
    assert overall <= OVERALL and not hard, (
        f"Easy read grade {overall:.1f} (at most {OVERALL}); hard pages: {hard}"
    )
