"""Member pages are written for a reading age of about 12 and never blame anyone.

Reading age is estimated with the Flesch-Kincaid grade of the sentences in each page's main
content (US grade + 5 = reading age), counting syllables by vowel groups. Labels and table cells
are short and score low, so the figure is for the running text: paragraphs, hints, list items."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from tests.conftest import signed_in
from tests.crawl import crawl

BLAME = re.compile(
    r"you (?:have )?(?:dropped|missed|failed|declined|cancelled) \d|\bno[- ]shows?\b|unreliable|"
    r"\bstrikes?\b|\bpenalt|\bwarning against you|reliability score",
    re.IGNORECASE,
)
PROSE_TAGS = {"p", "li", "dd"}


class Prose(HTMLParser):
    """Collects the text of paragraphs, list items and descriptions inside <main>."""

    def __init__(self) -> None:
        super().__init__()
        self.in_main = 0
        self.depth = 0
        self.current: list[str] = []
        self.blocks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self.in_main = 1
        elif self.in_main and tag in PROSE_TAGS:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.in_main = 0
        elif self.in_main and tag in PROSE_TAGS and self.depth:
            self.depth -= 1
            if not self.depth:
                self.blocks.append(" ".join("".join(self.current).split()))
                self.current = []

    def handle_data(self, data: str) -> None:
        if self.in_main and self.depth:
            self.current.append(data)


def syllables(word: str) -> int:
    word = word.lower()
    groups = len(re.findall(r"[aeiouy]+", word))
    if word.endswith("e") and not word.endswith(("le", "ee")) and groups > 1:
        groups -= 1
    return max(1, groups)


def grade(text: str) -> float:
    sentences = [s for s in re.split(r"[.!?:;]+\s", text) if re.search(r"[A-Za-z]", s)]
    words = re.findall(r"[A-Za-z][A-Za-z'’-]*", text)
    if not sentences or not words:
        return 0.0
    return 0.39 * len(words) / len(sentences) + 11.8 * sum(map(syllables, words)) / len(words) - 15.59


def test_grade_formula_tells_plain_from_dense_text():
    assert grade("Only say yes if it suits you. Saying no is always fine.") < 3
    dense = (
        "Notwithstanding contractual obligations, remuneration determinations necessitate "
        "comprehensive administrative consideration of supplementary entitlements."
    )
    assert grade(dense) > 15


def test_member_pages_read_at_about_age_twelve_and_never_blame(demo, make_web):
    web = signed_in(make_web, "member")
    pages = crawl(web, ["/home"])
    assert len(pages) > 15
    scores = {}
    everything = []
    for url, html in pages.items():
        parser = Prose()
        parser.feed(html)
        text = ". ".join(b.rstrip(".") for b in parser.blocks if b) + "."
        assert not BLAME.search(text), (url, BLAME.search(text))
        everything.append(text)
        if len(text.split()) >= 30:
            scores[url] = grade(text)
    overall = grade(" ".join(everything))
    print(
        f"reading grade over {len(pages)} member pages: {overall:.1f}; worst: "
        f"{max(scores.items(), key=lambda kv: kv[1])}"
    )
    # US grade 7 is a reading age of 12; no single page may be much harder than that.
    assert overall <= 7.0, overall
    hard = {url: round(g, 1) for url, g in scores.items() if g > 9.0}
    assert hard == {}, hard
