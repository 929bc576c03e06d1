"""The two pseudo-languages differ only in direction: the same words, rewritten the same way, with
`<html dir>` ltr for en-XA and rtl for ar-XB. The browser crawl of translated pages relies on this
to read each page once (tests/browser/test_translated_pages.py), so it is kept true here, both by
where the code reads a language's direction and by the pages themselves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import update

from coop import timeutil
from coop.auth.models import User
from coop.demo.service import DEMO_LOGINS
from tests.conftest import signed_in
from tests.crawl import Links

ROOT = Path(__file__).resolve().parents[2]
HTML_DIR = re.compile(r'<html lang="\{\{[^}]*\}\}" dir="\{\{ [\w().]+\.direction \}\}">')
# What may differ between the two: the <html> tag, and what differs on every page load anyway.
# The language menus show the chosen one as chosen.
CHOSEN = re.compile(r'<option selected (?=value="(?:en-XA|ar-XB)")')
VARIES = re.compile(r'<html lang="[^"]*" dir="[^"]*"|name="csrf_token"[^>]*|data-csrf="[^"]*"|nonce="[^"]*"')


def test_only_the_html_tag_reads_a_languages_direction():
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for line in path.read_text().splitlines():
            if "direction" in line or "rtl" in line:
                rest = HTML_DIR.sub("", line)
                if "direction" in rest or "rtl" in rest:
                    found.append(f"{path.relative_to(ROOT)}: {line.strip()[:100]}")
    for path in sorted((ROOT / "coop").rglob("*.py")):
        if path.name != "languages.py" and re.search(r"\.direction\b|\brtl\b", path.read_text()):
            found.append(str(path.relative_to(ROOT)))
    assert found == []


def test_the_check_sees_a_second_use_of_the_direction():
    assert HTML_DIR.sub("", '<html lang="{{ r.lang.code }}" dir="{{ r.lang.direction }}">') == ""
    line = '<html lang="{{ r.lang.code }}" dir="{{ r.lang.direction }}"><i class="{{ r.lang.direction }}">'
    assert "direction" in HTML_DIR.sub("", line)


@pytest.mark.parametrize("role", ["member", "coordinator", "client", "admin"])
def test_each_roles_pages_are_the_same_in_both_but_for_direction(demo, make_web, role):
    # The clock stands still while the pages are read: a page such as the cover board says how
    # many minutes are left, and both languages must be shown the same minute.
    with time_machine.travel(timeutil.utcnow(), tick=False):
        check_pages_alike(make_web, demo, role)


def check_pages_alike(make_web, demo, role):
    web = signed_in(make_web, role)
    links = Links()
    links.feed(web.get("/home").get_data(as_text=True))
    pages = ["/home", *sorted({h for h in links.hrefs if h.startswith("/") and "logout" not in h})]
    shown: dict[str, dict[str, str]] = {}
    for language in ("en-XA", "ar-XB"):
        email = dict(DEMO_LOGINS["accounts"])[role]
        demo.execute(update(User).where(User.email == email).values(language=language))
        demo.commit()
        responses = {p: web.get(p) for p in pages}
        shown[language] = {
            p: VARIES.sub("", CHOSEN.sub("<option ", r.get_data(as_text=True)))
            for p, r in responses.items()
            if r.status_code == 200 and r.mimetype == "text/html"
        }
        assert len(shown[language]) > 5
        assert [p for p, page in shown[language].items() if "⟦" not in page] == []
    assert shown["en-XA"].keys() == shown["ar-XB"].keys()
    for page, ltr in shown["en-XA"].items():
        assert ltr == shown["ar-XB"][page], page
