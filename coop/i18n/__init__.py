"""The words people read, in the language and reading style they chose.

Every string a member, client or coordinator reads passes through `gettext` (`_` in
templates), `ngettext` for counts, or `lazy_gettext` where the string is made before anyone
reads it (form labels, constants). Babel's message catalogues hold the translations
(`coop/translations`, made by `make translations`); Easy read is its own catalogue of the same
messages (domain `easyread`), so its words can be improved without touching code. Dates, times,
numbers and money are formatted by Babel for the reader's language (`coop.i18n.formats`).

Who is reading is a context variable: set per request from the signed-in person's choice (or a
visitor's), and by `reading(...)` around an email or a PDF made for somebody else. No Flask here.
"""

from coop.i18n.core import (
    N_,
    WEEKDAYS,
    WEEKDAYS_SHORT,
    client_language_choices,
    current,
    gettext,
    lazy_gettext,
    lazy_ngettext,
    ngettext,
    pgettext,
    reading,
    translations,
    weekday_choices,
)
from coop.i18n.languages import LANGUAGES, Language, Reading, ReadingStyle, language_choices

_ = gettext

__all__ = [
    "LANGUAGES",
    "N_",
    "WEEKDAYS",
    "WEEKDAYS_SHORT",
    "Language",
    "Reading",
    "ReadingStyle",
    "_",
    "client_language_choices",
    "current",
    "gettext",
    "language_choices",
    "lazy_gettext",
    "lazy_ngettext",
    "ngettext",
    "pgettext",
    "reading",
    "translations",
    "weekday_choices",
]
