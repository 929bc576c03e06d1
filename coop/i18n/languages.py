"""The languages and reading styles the co-op can be read in."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ReadingStyle(StrEnum):
    STANDARD = "standard"
    EASY = "easy"  # short sentences, common words, an icon beside each key fact, larger type


@dataclass(frozen=True)
class Language:
    code: str  # what is stored on a person and sent as <html lang>
    name: str  # in its own language, as the chooser shows it
    locale: str  # the Babel locale dates, numbers and money are formatted for
    direction: str = "ltr"
    pseudo: bool = False  # a test language: every translated word rewritten, never offered to people


DEFAULT = "en"

LANGUAGES: dict[str, Language] = {
    "en": Language("en", "English", "en_GB"),
    "pl": Language("pl", "Polski", "pl_PL"),
    # Pseudo-languages for tests and translators: every string that went through the catalogue
    # is accented and lengthened (left to right, and right to left), so English left on a page
    # is English nobody marked for translation.
    "en-XA": Language("en-XA", "Ȇńĝłíšĥ (pseudo)", "en_GB", pseudo=True),
    "ar-XB": Language("ar-XB", "Ƥšéúđó, ŕíĝĥţ ţó łéƒţ (pseudo)", "en_GB", direction="rtl", pseudo=True),
}


@dataclass(frozen=True)
class Reading:
    """Who is reading: their language and reading style. Easy read has English words so far;
    in another language it reads that language's standard words, in the larger easy-read layout."""

    language: str = DEFAULT
    style: ReadingStyle = ReadingStyle.STANDARD

    @property
    def lang(self) -> Language:
        return LANGUAGES.get(self.language, LANGUAGES[DEFAULT])

    @property
    def easy(self) -> bool:
        return self.style == ReadingStyle.EASY

    @classmethod
    def of(cls, language: str | None, style: str | None = None) -> Reading:
        """A reading from stored choices; anything unknown reads as the default."""
        code = language if language in LANGUAGES else DEFAULT
        try:
            chosen = ReadingStyle(style or ReadingStyle.STANDARD)
        except ValueError:
            chosen = ReadingStyle.STANDARD
        return cls(code, chosen)


def language_choices(*, pseudo: bool = False) -> list[tuple[str, str]]:
    """(code, name) for a language chooser; the pseudo-languages only when the site offers them."""
    return [(lang.code, lang.name) for lang in LANGUAGES.values() if pseudo or not lang.pseudo]
