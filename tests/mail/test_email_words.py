"""Every email's words go through the catalogue: rendered in the pseudo-language, an email has no
plain English left, only the data it was given (shown here as ⁂) and its links."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from jinja2 import ChainableUndefined

from coop.config import RESOURCES
from coop.i18n import Reading, core, reading
from coop.mail import service as mail

TEMPLATES = sorted(p.stem for p in (RESOURCES / "templates" / "email").glob("*.txt"))
DATA = "⁂"


class Data(ChainableUndefined):
    """Whatever a template reads from its context: shown as ⁂, iterable, a count of 2."""

    def __str__(self) -> str:
        return DATA

    def __iter__(self) -> Any:
        return iter([Data(), Data()])

    def __len__(self) -> int:
        return 2

    def __bool__(self) -> bool:
        return True

    def __getitem__(self, key: Any) -> Any:
        return list(self) if isinstance(key, slice) else Data()

    def __gt__(self, other: Any) -> bool:
        return True

    def __lt__(self, other: Any) -> bool:
        return False

    def __sub__(self, other: Any) -> int:
        return 2

    __rsub__ = __sub__

    def __neg__(self) -> Data:
        return Data()


class Supplier(dict[str, str]):
    bank = DATA


def render(template: str, count: int) -> str:
    env = mail._env.overlay(undefined=Data)
    env.filters = {**env.filters, "date": lambda *_a: DATA, "time": lambda *_a: DATA}
    context: dict[str, Any] = {
        "page": lambda path: f"https://coop.test{path}",
        "fmt": lambda *_a: DATA,
        "money": lambda *_a: DATA,
        "supplier": Supplier(bank=DATA, name=DATA),
        "received": [],
    }
    for name in ("visits", "count", "days", "months", "minutes", "coming", "link_days", "balance"):
        context[name] = count
    return env.get_template(f"{template}.txt").render(**context)


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("count", [1, 3])
def test_no_unmarked_english(template: str, count: int) -> None:
    with reading(Reading("en-XA")):
        text = render(template, count)
    assert text.startswith("Subject: ")
    words = re.sub(r"https?://\S+", "", text.removeprefix("Subject: "))
    left = re.findall(r"[A-Za-z]{2,}", words)
    assert not left, f"{template}: unmarked {left}"


def test_english_is_unchanged_by_marking(tmp_path: Path) -> None:
    """A sample of the English, as members have always read it."""
    subject, body = mail.render(
        "offers_made",
        name="Ada",
        shifts=[],
        fmt=lambda *_a: "Thu 3 Dec",
    )
    assert subject == "Work you could do: 0 offers"
    assert body.startswith("Hello Ada,\n\nWe think you could do these shifts:\n")
    assert "Saying no is always fine and is never held against you." in body


# The emails a member receives (the rest go to clients, coordinators or enquirers).
MEMBER_EMAILS = [
    "asked_about_change",
    "asked_to_work",
    "cover_closed",
    "cover_offer",
    "erasure_done",
    "invitation",
    "limit_changed",
    "offers_made",
    "open_shift_digest",
    "opportunity_reply",
    "password_reset",
    "proposal_closed",
    "proposal_opened",
    "proposal_reminder",
    "reference_written",
    "shift_cancelled",
    "shift_changed",
    "shift_reminder",
    "skill_place_free",
    "swap_declined",
    "swap_exchanged",
    "swap_proposed",
    "swap_taken",
    "timesheet_queried",
]


@pytest.mark.parametrize("template", MEMBER_EMAILS)
@pytest.mark.parametrize("count", [1, 3])
def test_every_email_a_member_receives_is_in_polish(template: str, count: int) -> None:
    missing: set[str] = set()
    core.on_missing = lambda language, message: missing.add(message)
    try:
        with reading(Reading("pl")):
            text = render(template, count)
    finally:
        core.on_missing = None
    assert text.startswith("Subject: ")
    assert missing == set(), f"{template}: no Polish for {sorted(missing)}"
