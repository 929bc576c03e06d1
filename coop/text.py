"""What people write into the co-op: notes, reasons, messages, references."""

from __future__ import annotations

from coop.errors import DomainError
from coop.i18n import gettext as _
from coop.i18n import ngettext
from coop.i18n.formats import number_text


def plural(n: int, singular: str, plural_: str) -> str:
    """A count with its word: "1 shift", "8 shifts", "0 members who hold", in the reader's
    language (the words are catalogue messages: `make translations` finds them as plurals)."""
    return f"{number_text(n)} {ngettext(singular, plural_, n)}"


def written(text: str, *, most: int, field: str, empty: str, one_line: bool = False) -> str:
    """The text trimmed (one_line: its runs of spaces and line breaks made single spaces), or a
    DomainError on `field`: `empty` when nothing is written, the limit and the length when it
    is longer than `most` characters."""
    words = " ".join(text.split()) if one_line else text.replace("\r\n", "\n").strip()
    if not words:
        raise DomainError(empty, field=field)
    if len(words) > most:
        raise DomainError(
            _(
                "Keep it to %(most)s characters (this is %(length)s).",
                most=number_text(most),
                length=number_text(len(words)),
            ),
            field=field,
        )
    return words
