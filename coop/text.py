"""What people write into the co-op: notes, reasons, messages, references."""

from __future__ import annotations

from coop.errors import DomainError


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
