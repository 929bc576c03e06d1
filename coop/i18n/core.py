"""Who is reading, and the catalogue their words come from."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.support import LazyProxy, NullTranslations, Translations

from coop.i18n.languages import Reading, language_choices

CATALOGUES = Path(__file__).resolve().parent.parent / "translations"
DOMAIN = "messages"
EASY_DOMAIN = "easyread"  # Easy read: the same messages in simpler words (English so far)

_current: ContextVar[Reading] = ContextVar("coop_reading", default=Reading())  # noqa: B039  (frozen)

# Called with (language, message) when a catalogue has no translation for a message it was asked
# for: the tests that prove a language complete set it; nobody else does.
on_missing: Callable[[str, str], None] | None = None


def current() -> Reading:
    """Who is reading now (English, standard, when nobody chose)."""
    return _current.get()


@contextmanager
def reading(who: Reading) -> Iterator[Reading]:
    """Make words, dates and money for `who` inside the block: an email or PDF for somebody
    other than the person asking, or the request of a person who chose."""
    token = _current.set(who)
    try:
        yield who
    finally:
        _current.reset(token)


def set_for_request(who: Reading) -> object:
    """Start a request's reading; `end_request` with what this returns puts the old one back."""
    return _current.set(who)


def end_request(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]


# --- the catalogues -------------------------------------------------------------------------


class Catalogue(Translations):
    """A compiled catalogue that says when it lacks a message (see `on_missing`)."""

    language = ""

    def _missing(self, message: str) -> None:
        if on_missing is not None and message and message not in self._catalog:
            on_missing(self.language, message)

    def gettext(self, message: str) -> str:
        self._missing(message)
        return super().gettext(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        if on_missing is not None and (msgid1, 0) not in self._catalog:
            on_missing(self.language, msgid1)
        return super().ngettext(msgid1, msgid2, n)

    ugettext = gettext
    ungettext = ngettext


# What a pseudo-translation keeps: %(name)s and %s placeholders, tags, entities, {name} fields.
_HOLE = re.compile(
    r"(%\([A-Za-z_][A-Za-z0-9_]*\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%%|%[sd]|<[^>]*>|&#?\w+;|\{\{.*?\}\}|\{\w*\})"
)
_ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "áƀçđéƒĝĥíĵķłɱñóƥʠŕšţúṽŵẋýžÁƁÇĐÉƑĜĤÍĴĶŁṀÑÓƤɊŔŠŢÚṼŴẊÝŽ",
)


def pseudo(text: str) -> str:
    """A pseudo-translation: every letter accented (placeholders, tags and entities kept), the
    whole lengthened by about a third and bracketed, so untranslated English, text cut short and
    layouts that cannot grow are all visible."""
    if not text or not text.strip():
        return text
    parts = _HOLE.split(text)
    body = "".join(part if i % 2 else part.translate(_ACCENTED) for i, part in enumerate(parts))
    letters = sum(ch.isalpha() for ch in text)
    return f"⟦{body}{'·' * (letters // 3)}⟧"


class PseudoTranslations(NullTranslations):
    """Every message rewritten by `pseudo` (plural forms chosen by English rules)."""

    def gettext(self, message: str) -> str:
        return pseudo(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return pseudo(msgid1 if n == 1 else msgid2)

    def pgettext(self, context: str, message: str) -> str:
        return pseudo(message)

    def npgettext(self, context: str, singular: str, plural: str, num: int) -> str:
        return pseudo(singular if num == 1 else plural)

    ugettext = gettext
    ungettext = ngettext
    upgettext = pgettext
    unpgettext = npgettext


def _load(folder: str, domain: str, language: str) -> NullTranslations | None:
    path = CATALOGUES / folder / "LC_MESSAGES" / f"{domain}.mo"
    if not path.exists():
        return None
    with path.open("rb") as fp:
        found = Catalogue(fp, domain=domain)
    found.language = language
    return found


@lru_cache(maxsize=16)
def translations(who: Reading) -> NullTranslations:
    """The catalogue for a reading: a pseudo-language's rewriter; else the language's catalogue
    (none for English, whose words are the messages themselves), with Easy read's words in
    front of it when the reader chose Easy read and the language has them."""
    lang = who.lang
    if lang.pseudo:
        return PseudoTranslations()
    base = _load(lang.locale.split("_")[0], DOMAIN, lang.code) if lang.code != "en" else None
    found: NullTranslations = base or NullTranslations()
    if who.easy:
        easy = _load(lang.locale.split("_")[0], EASY_DOMAIN, f"{lang.code} easy read")
        if easy is not None:
            if isinstance(easy, Catalogue):
                easy.language = ""  # standard words stand in for any it lacks: not missing
            easy.add_fallback(found)
            found = easy
    return found


# --- marking words --------------------------------------------------------------------------


def gettext(message: str, **variables: Any) -> str:
    """`message` in the reader's words, with %(name)s filled from `variables`."""
    text: str = translations(current()).ugettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """The form for `num` (available to the message as %(num)s)."""
    variables.setdefault("num", num)
    text: str = translations(current()).ungettext(singular, plural, num)
    return text % variables


def pgettext(context: str, message: str, **variables: Any) -> str:
    """A message whose English is ambiguous, told apart by `context` for translators."""
    text: str = translations(current()).upgettext(context, message)
    return text % variables if variables else text


def lazy_gettext(message: str, **variables: Any) -> LazyProxy:
    """gettext when the string is read, not when it is made: form labels, module constants."""
    return LazyProxy(gettext, message, enable_cache=False, **variables)


def lazy_ngettext(singular: str, plural: str, num: int, **variables: Any) -> LazyProxy:
    return LazyProxy(ngettext, singular, plural, num, enable_cache=False, **variables)


def N_(message: str) -> str:
    """Mark a message for the catalogue without translating it yet (it is translated where it is
    shown, with `_(value)`): enum labels, a table of messages chosen later."""
    return message


def client_language_choices(*, pseudo: bool = False) -> list[tuple[str, str]]:
    """(code, name) for the language a client's invoices and statements are written in: first
    "The co-op's language" (no choice of their own, stored as empty), then the languages offered."""
    return [("", gettext("The co-op's language")), *language_choices(pseudo=pseudo)]


# The days of the week, numbered as `date.weekday()` numbers them (0 = Monday), marked once for
# every list, menu and sentence that names a day (translated where shown: `_(WEEKDAYS[i])`).
WEEKDAYS = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)
WEEKDAYS_SHORT = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


def weekday_choices(*, short: bool = False, as_text: bool = False) -> list[tuple[Any, LazyProxy]]:
    """The days as a form's choices, Monday first: (0, "Monday") … (6, "Sunday"), with the
    numbers as text for fields that keep text ("0" … "6"), and "Mon" … "Sun" where space is short."""
    return [
        (str(i) if as_text else i, lazy_gettext(name))
        for i, name in enumerate(WEEKDAYS_SHORT if short else WEEKDAYS)
    ]
