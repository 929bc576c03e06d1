"""Every word on every page goes through the catalogue, and the pages work right to left.

For each role (and a visitor on the public pages), in each pseudo-language, the crawl visits every
page reachable from the role's Home by links (each URL shape once) in a 390 px wide phone, and
reads what people read there: the visible text (menus opened), the document title, and the texts
of attributes (title, aria-label, placeholder, alt, the value of input buttons, the options of
selects, SVG titles). A pseudo-language rewrites every letter of a marked message into accented
letters, so after the pseudo brackets are taken away, any word of two or more plain ASCII letters
left is either data (a word of some text value in the database, or of the co-op's settings) or
English nobody marked. The test fails with each page's unmarked phrases. It also checks that
`<html dir>` follows the language and that no page scrolls sideways at 390 px.

The two pseudo-languages rewrite the same words the same way; only `<html dir>` tells them apart
(tests/i18n/test_pseudo.py keeps that true). So each role's pages are crawled once, in the
right-to-left one, and each page is laid out both ways round: as it came, and with its direction
turned to left to right, which is the left-to-right pseudo-language's page.

Words filled into a marked message (its %(name)s) are checked too: they are data, or words that
should have been translated before being filled in."""

from __future__ import annotations

import contextlib
import json
import re
from collections import deque
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import select

from coop import schema
from coop.demo.service import DEMO_LOGINS
from coop.i18n import LANGUAGES
from coop.settings.specs import SPECS
from tests.browser.conftest import ARTIFACTS, VARIANTS, Live, set_reading, sign_in
from tests.crawl import follow

PHONE = VARIANTS["phone"]
CRAWLED = "ar-XB"  # laid out right to left, and turned, left to right, on every page
ROLES = ("member", "coordinator", "client", "admin")
PUBLIC = ["/", "/login", "/forgot", "/interested", "/verify"]
MOST_PAGES = 400  # a bound, should links ever run away

# Text that is neither a message nor data, and rightly so: each language's name in its own
# language, as the language chooser shows it (a reader looks for their own language's name).
LANGUAGE_NAMES = [lang.name for lang in LANGUAGES.values()]
# Not words: the made-up example of a work record's code on /verify ("for example ABCD-1234-...").
ALLOWED: set[str] = {"ABCD", "EFGH"}

# Text values that are codes, not words people typed: enum values, event codes, kinds
# ("confirmed", "shift_reminder"). An unmarked label of the same word would hide behind them.
CODE = re.compile(r"[a-z_]+")
# Columns holding secrets or digests: random letters, not words.
SECRET_COLUMN = re.compile(r"hash|digest|token|secret|_key$|^key$|fingerprint|sha\d+")
# Tables the app writes its own words into (the emails it sends): not data.
GENERATED_TABLES = {"outbox_message", "outbox_attachment", "alembic_version"}

WORD = re.compile(r"[A-Za-z]{2,}")
# Addresses, email addresses, paths and file names are not translated.
ADDRESS = re.compile(
    r"(?:https?://|webcal://)\S+|\S+@\S+|(?<!\w)/[\w/.?=&%-]+"
    r"|[\w.-]+\.(?:pdf|csv|ics|png|jpe?g|xml|json|ofx|sta|txt|zip)\b"
)
SEGMENT = re.compile(r"⟦[^⟦⟧]*⟧")

READ_PAGE = """() => {
  const html = document.documentElement, dir = html.getAttribute('dir');
  const measure = () => ({scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth});
  const width = measure();
  html.setAttribute('dir', dir === 'rtl' ? 'ltr' : 'rtl');  // the other pseudo-language's page
  const turned = measure();
  html.setAttribute('dir', dir);
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  const attrs = [];
  const named = '[title],[aria-label],[placeholder],img[alt],area[alt],input[type=submit],' +
    'input[type=button],input[type=reset],select option,svg title,svg desc';
  for (const el of document.querySelectorAll(named)) {
    for (const name of ['title', 'aria-label', 'placeholder', 'alt']) {
      const value = el.getAttribute(name);
      if (value) attrs.push([name, value]);
    }
    if (el.matches('input') && el.value) attrs.push(['value', el.value]);
    if (el.matches('option, title, desc') && el.textContent.trim()) {
      attrs.push([el.localName, el.textContent]);
    }
  }
  return {text: document.body.innerText, attrs, title: document.title,
          dir, width, turned};
}"""


def _words_of(value: Any, into: set[str]) -> None:
    if isinstance(value, str):
        if not CODE.fullmatch(value):
            into.update(WORD.findall(value))
    elif isinstance(value, dict):
        for item in value.values():
            _words_of(item, into)
    elif isinstance(value, list | tuple):
        for item in value:
            _words_of(item, into)


def data_words(live: Live) -> set[str]:
    """Every word of every text value in the database, and of the settings' defaults."""
    words: set[str] = set()
    engine = live.app.extensions["coop_db"][0]
    # The models' tables (test_schema checks the database has exactly these): reflecting them
    # back from SQLite warns of the indexes on expressions it cannot read.
    with engine.connect() as conn:
        for table in schema.Base.metadata.sorted_tables:
            if table.name in GENERATED_TABLES:
                continue
            columns = [c for c in table.columns if not SECRET_COLUMN.search(c.name)]
            if not columns:
                continue
            for row in conn.execute(select(*columns)):
                for value in row:
                    if isinstance(value, str) and value[:1] in "[{":
                        with contextlib.suppress(ValueError):
                            value = json.loads(value)
                    _words_of(value, words)
    for spec in SPECS.values():
        _words_of(spec.default, words)
    return words


def unmarked(line: str, data: set[str]) -> list[str]:
    """The words of a line that are neither translated, nor data, nor allowed."""
    for name in LANGUAGE_NAMES:
        line = line.replace(name, " ")
    plain = ADDRESS.sub(" ", line.replace("⟦", " ").replace("⟧", " "))
    return [w for w in WORD.findall(plain) if w not in data and w not in ALLOWED]


def phrase(line: str) -> str:
    """A line as the report shows it: translated parts as …, at most 140 characters."""
    shown = line
    while SEGMENT.search(shown):
        shown = SEGMENT.sub("…", shown)
    shown = " ".join(shown.split())
    return shown if len(shown) <= 140 else shown[:139] + "…"


def choose_language(page: Page, language: str) -> None:
    """A visitor's choice, with the footer's language switch."""
    page.goto("/")
    page.locator("#language-switch").select_option(language)
    page.locator("form.language-switch [type=submit]").click()
    page.wait_for_load_state()


def here(page: Page) -> str:
    parts = urlsplit(page.url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl_and_read(page: Page, starts: list[str], language: str, data: set[str]) -> dict[str, list[str]]:
    """Visit each page shape reachable from `starts` once; return {page: problems}."""
    problems: dict[str, list[str]] = {}
    seen, shapes = set(starts), {}
    queue = deque(starts)
    read_shapes: set[str] = set()
    visited = 0
    while queue and visited < MOST_PAGES:
        url = queue.popleft()
        try:
            response = page.goto(url)
        except PlaywrightError as error:
            if "Download" in str(error) or "ERR_ABORTED" in str(error):
                continue  # a PDF, a CSV, a calendar feed: files, not pages
            raise
        if response is None:
            continue
        if response.status >= 500:
            problems[url] = [f"server error {response.status}"]
            continue
        if response.status != 200 or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        final = here(page)
        key = re.sub(r"/\d+", "/N", urlsplit(final).path)
        if final != url and key in read_shapes:
            continue  # sent elsewhere (to sign in, say) and read there already
        read_shapes.add(key)
        visited += 1
        found = page.evaluate(READ_PAGE)
        page_problems = []
        expected_dir = LANGUAGES[language].direction
        if found["dir"] != expected_dir:
            page_problems.append(f'<html dir="{found["dir"]}">, not "{expected_dir}"')
        for laid_out, width in (("", found["width"]), (" turned the other way", found["turned"])):
            if width["scroll"] > width["inner"] + 1:
                page_problems.append(f"{width['scroll'] - width['inner']}px wider than the screen{laid_out}")
        lines = [
            ("document title", found["title"]),
            *(("", line) for line in found["text"].splitlines()),
            *((kind, value) for kind, value in found["attrs"]),
        ]
        for kind, line in lines:
            shown = (f"[{kind}] " if kind else "") + phrase(line)
            if unmarked(line, data) and shown not in page_problems:
                page_problems.append(shown)
        if page_problems:
            problems[final] = page_problems
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
        queue.extend(follow(final, hrefs, seen, shapes, per_shape=1))
    return problems


def report(problems: dict[str, list[str]]) -> str:
    return "\n".join(
        f"{url}\n" + "\n".join(f"    {p}" for p in found) for url, found in sorted(problems.items())
    )


@pytest.fixture(scope="module")
def data(pseudo_live: Live) -> set[str]:
    return data_words(pseudo_live)


@pytest.fixture
def phone(browser: Browser, pseudo_live: Live, request: pytest.FixtureRequest) -> Any:
    context: BrowserContext = browser.new_context(base_url=pseudo_live.base_url, **PHONE)
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield page
    report_call = getattr(request.node, "report_call", None)
    if report_call is not None and report_call.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = request.node.name.replace("/", "_").replace("[", "-").rstrip("]")
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()


def test_the_check_tells_marked_words_from_english_left_over():
    data = {"Amira", "Riverside"}
    assert unmarked("⟦Ŝĥíƒţš··⟧ Amira ⟦óñ⟧ Thu 3 Dec", data) == ["Thu", "Dec"]
    assert unmarked("⟦Ẇéłçóɱé %(x)s⟧ ⟦Ŕíṽéŕšíđé⟧ Riverside £13.45 09:00 https://coop.test/my/pay", data) == []
    assert unmarked("Write to amira@coop.example or see /shifts/open", data) == ["Write", "to", "or", "see"]
    assert unmarked("Polski", data) == []
    assert unmarked("⟦Ðóŵñłóáđ⟧ invoice-CW-00001.pdf", data | {"CW"}) == []
    assert phrase("⟦Ţĥé ⟦ɱóñţĥ⟧ šĥíƒţš⟧ of Amira") == "… of Amira"


@pytest.mark.parametrize("role", [*ROLES, "visitor"])
def test_every_page_of_every_role_is_translated(pseudo_live: Live, phone: Page, data: set[str], role):
    language = CRAWLED
    if role == "visitor":
        choose_language(phone, language)
        starts = PUBLIC
    else:
        email = dict(DEMO_LOGINS["accounts"])[role]
        set_reading(pseudo_live, email, language)
        sign_in(phone, email)
        starts = ["/home"]
    problems = crawl_and_read(phone, starts, language, data)
    count = sum(len(found) for found in problems.values())
    if problems:  # the whole list, for whoever marks the words
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"unmarked-{role}-{language}.txt").write_text(report(problems) + "\n")
    assert not problems, (
        f"{role} in {language}: {count} unmarked phrases or layout problems on {len(problems)} pages\n"
        + report(problems)
    )
