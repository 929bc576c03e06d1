"""The sign-in, password, error, notification and offline pages in the pseudo-language: every
word people read went through the catalogue (what is left is data: addresses, names)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from tests import factories as f

READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")


class Words(HTMLParser):
    """What a person reads on a page: its text (not scripts, styles or a language's own name in
    the language chooser), and the attributes read out or shown."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("script", "style", "option"):
            self.skip.append(tag)
        self.parts += [found[a] or "" for a in READ_ATTRIBUTES if found.get(a)]
        if tag == "input" and found.get("type") in ("submit", "button"):
            self.parts.append(found.get("value") or "")
        self.parts += [v or "" for k, v in attrs if k.startswith("data-msg-")]

    def handle_endtag(self, tag: str) -> None:
        if self.skip and self.skip[-1] == tag:
            self.skip.pop()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def unmarked(html: str, *data: str) -> list[str]:
    parser = Words()
    parser.feed(html)
    text = " ".join(parser.parts)
    text = re.sub(r"⟦.*?⟧", " ", text, flags=re.S)
    text = re.sub(r"\S+@\S+", " ", text)
    for value in data:
        text = text.replace(value, " ")
    return re.findall(r"[A-Za-z]{2,}", text)


def pseudo_app(app: Flask) -> None:
    app.config["PSEUDO_LANGUAGES"] = True


def test_a_visitors_pages(app: Flask, web: Any) -> None:
    pseudo_app(app)
    web.post("/language", {"language": "en-XA", "next": "/login"})
    for url, status in [
        ("/login", 200),
        ("/forgot", 200),
        ("/reset/not-a-token", 400),
        ("/no-such-page", 404),
    ]:
        r = web.get(url)
        assert r.status_code == status, url
        assert not unmarked(r.get_data(as_text=True)), url
    refused = web.post("/login", {"email": "nobody@example.org", "password": "wrong-password-here"})
    assert not unmarked(refused.get_data(as_text=True))


def test_a_members_pages(app: Flask, session: Session, web: Any) -> None:
    pseudo_app(app)
    member = f.member(session, name="Ada Lovelace")
    member.user.language = "en-XA"
    session.commit()
    web.login(member.user.email)
    for url in ("/notifications", "/shifts/offline", "/account/password"):
        r = web.get(url)
        assert r.status_code == 200, url
        assert not unmarked(r.get_data(as_text=True), "Ada Lovelace"), url
