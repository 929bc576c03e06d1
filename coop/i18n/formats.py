"""Dates, times, numbers and money for the reader's language, by Babel (CLDR patterns).

A pseudo-language's dates are rewritten too, so a date formatted by hand (strftime) shows up as
the English it is."""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from coop.i18n.core import current, pseudo
from coop.i18n.languages import Language


@lru_cache(maxsize=16)
def _locale(code: str) -> Locale:
    return Locale.parse(code)


def locale() -> Locale:
    """The Babel locale of the person reading now."""
    return _locale(current().lang.locale)


def _words(text: str) -> str:
    return pseudo(text) if current().lang.pseudo else text


def date_text(day: date, pattern: str) -> str:
    if type(day) is not date:  # a datetime: equal instants in other zones hash alike
        return _words(babel_dates.format_date(day, pattern, locale=locale()))
    return _date_text(day, pattern, current().lang)


@lru_cache(maxsize=4096)
def _date_text(day: date, pattern: str, lang: Language) -> str:
    """Kept per day, pattern and language: a page of shifts or periods writes the same few days
    many times (each open shift's limit period), and Babel takes about 30 microseconds a date."""
    text = babel_dates.format_date(day, pattern, locale=_locale(lang.locale))
    return pseudo(text) if lang.pseudo else text


@lru_cache(maxsize=16)
def _plain_clock(code: str) -> bool:
    """Whether this language writes a 24-hour clock as ASCII digits, as Babel would."""
    return babel_dates.format_time(time(13, 5), CLOCK_24, locale=_locale(code)) == "13:05"


CLOCK_24 = "HH:mm"


def datetime_text(moment: datetime, pattern: str) -> str:
    """`moment` (aware, already in the zone to show) by a CLDR pattern. A 24-hour clock, in a
    language that writes it as Babel's ASCII digits, is written directly: pages show hundreds
    (a rota day, the week grid), and Babel takes about 20 microseconds for each."""
    lang = current().lang
    if pattern == CLOCK_24 and _plain_clock(lang.locale):
        return _words(f"{moment.hour:02d}:{moment.minute:02d}")
    # The key is the wall clock, its fold and its zone: aware datetimes of one instant in two
    # zones are equal and hash alike, but are written differently.
    return _datetime_text(moment.replace(tzinfo=None), moment.fold, moment.tzinfo, pattern, lang)


@lru_cache(maxsize=4096)
def _datetime_text(wall: datetime, fold: int, zone: tzinfo | None, pattern: str, lang: Language) -> str:
    """Kept like dates: a shift's start is written on several pages, and in turn by each."""
    moment = wall.replace(tzinfo=zone, fold=fold)
    text = babel_dates.format_datetime(moment, pattern, tzinfo=zone, locale=_locale(lang.locale))
    return pseudo(text) if lang.pseudo else text


def time_text(at: time, pattern: str) -> str:
    return _words(babel_dates.format_time(at, pattern, locale=locale()))


def money_text(pence: int) -> str:
    """£13.45 in English, 13,45 £ in Polish; a negative amount with its sign."""
    return _money_text(pence, current().lang.locale)


@lru_cache(maxsize=4096)
def _money_text(pence: int, code: str) -> str:
    """Kept per amount and language: Babel takes about 40 microseconds an amount, and a page of
    pay or prices repeats the same few (the week grid shows up to 175)."""
    return babel_numbers.format_currency(Decimal(pence).scaleb(-2), "GBP", locale=_locale(code))


def number_text(value: int | Decimal | float, *, places: int | None = None) -> str:
    """A number with the reader's grouping and decimal mark (`places` fixes the decimals)."""
    if places is None:
        return babel_numbers.format_decimal(value, locale=locale())
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return babel_numbers.format_decimal(value, format=pattern, locale=locale())


def percent_text(value: Decimal | int | float | str) -> str:
    """100 -> 100%, 12.5 -> 12.5% (12,5% in Polish)."""
    number = Decimal(str(value)).normalize()
    places = max(0, -int(number.as_tuple().exponent))
    pattern = "#,##0" + ("." + "#" * places if places else "") + "%"
    return babel_numbers.format_percent(number / 100, format=pattern, locale=locale())
