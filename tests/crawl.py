"""Follow every same-site link from some starting pages, as a person clicking around would."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

PER_SHAPE = 2  # pages of each URL shape (/members/1 and /members/2 have the same shape)


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def shape(url: str) -> str:
    parts = urlsplit(url)
    query = "&".join(sorted(p.split("=")[0] for p in parts.query.split("&") if p))
    return re.sub(r"/\d+", "/N", parts.path) + "?" + query


def crawl(web: Any, starts: list[str], reached: set[str] | None = None) -> dict[str, str]:
    """GET every reachable same-site page; return {url: html}. Fails on any 5xx. `reached`, when
    given, collects the path of every address a link led to (downloads too)."""
    pages: dict[str, str] = {}
    seen_shapes: dict[str, int] = {}
    queue = deque(starts)
    seen = set(starts)
    while queue:
        url = queue.popleft()
        r = web.get(url)
        if reached is not None:
            reached.add(urlsplit(url).path)
        assert r.status_code < 500, f"{url} -> {r.status_code}"
        if r.status_code != 200 or r.mimetype != "text/html":
            continue
        html = r.get_data(as_text=True)
        pages[url] = html
        parser = Links()
        parser.feed(html)
        queue.extend(follow(url, parser.hrefs, seen, seen_shapes))
    return pages


def follow(
    url: str, hrefs: list[str], seen: set[str], seen_shapes: dict[str, int], per_shape: int = PER_SHAPE
) -> list[str]:
    """The same-site pages behind `hrefs` (links on the page at `url`) not visited yet, at most
    `per_shape` of each URL shape; `seen` and `seen_shapes` are updated."""
    found = []
    for href in hrefs:
        target = urljoin(url, href.split("#")[0])
        parts = urlsplit(target)
        if parts.scheme or parts.netloc or not parts.path.startswith("/") or target in seen:
            continue
        if parts.path.startswith("/static/"):
            continue
        key = shape(target)
        if seen_shapes.get(key, 0) >= per_shape:
            continue
        seen_shapes[key] = seen_shapes.get(key, 0) + 1
        seen.add(target)
        found.append(target)
    return found
