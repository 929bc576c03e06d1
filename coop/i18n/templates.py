"""The reader's words and formats in any Jinja environment: the app's, and the one that prints
invoices without a request. `_`, `gettext`, `ngettext` (newstyle: %(name)s filled and escaped),
`plural`, `reading()`, and the filters money, dt, date, time, minutes, percent, number
(`x|number(places=1)`)."""

from __future__ import annotations

from jinja2 import Environment

from coop.i18n import core
from coop.i18n.formats import number_text
from coop.money import format_pence, format_percent
from coop.text import plural
from coop.timeutil import format_date, format_dt, format_minutes, format_time


def configure(env: Environment) -> None:
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: core.translations(core.current()).ugettext(s),
        ngettext=lambda s, p, n: core.translations(core.current()).ungettext(s, p, n),
        pgettext=lambda c, s: core.translations(core.current()).upgettext(c, s),
        npgettext=lambda c, s, p, n: core.translations(core.current()).unpgettext(c, s, p, n),
        newstyle=True,
    )
    env.globals["reading"] = core.current
    env.globals["plural"] = plural
    env.filters.update(
        money=format_pence,
        dt=format_dt,
        date=format_date,
        time=format_time,
        minutes=format_minutes,
        percent=format_percent,
        number=number_text,
    )
