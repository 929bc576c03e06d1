"""What people write into the co-op: notes, reasons, messages, references."""

from __future__ import annotations

import gettext

from coop.errors import DomainError

# Until the co-op's words are translated, English plural rules (gettext's, as Babel's would be).
_WORDS = gettext.NullTranslations()


def plural(n: int, singular: str, plural_: str) -> str:
    """A count with its word: "1 shift", "8 shifts", "0 members who hold". The one place counts
    are worded, through gettext's ngettext, so translations can choose the form for n."""
    return f"{n:,} {_WORDS.ngettext(singular, plural_, n)}"


def written(text: str, *, most: int, field: str, empty: str, one_line: bool = False) -> str:
    """The text trimmed (one_line: its runs of spaces and line breaks made single spaces), or a
    DomainError on `field`: `empty` when nothing is written, the limit and the length when it
    is longer than `most` characters."""
    words = " ".join(text.split()) if one_line else text.replace("\r\n", "\n").strip()
    if not words:
        raise DomainError(empty, field=field)
    if len(words) > most:
        raise DomainError(f"Keep it to {most:,} characters (this is {len(words):,}).", field=field)
    return words
