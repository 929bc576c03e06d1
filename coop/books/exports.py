"""The accountant's journal for a period as a file, in the layout asked for; each download is
audited, as the other accountant's files are."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from coop.audit.service import record
from coop.books import layouts
from coop.books.ledger import chart, journal
from coop.db import write_transaction
from coop.errors import DomainError
from coop.i18n import gettext as _
from coop.settings import service as settings
from coop.settings.keys import K


def export_journal(
    session: Session, first: date, last: date, layout: str, *, actor_id: int | None
) -> tuple[str, str]:
    """(file text, file name) of the period's journal in one of layouts.LAYOUTS."""
    if layout not in layouts.LAYOUTS:
        raise DomainError(_("Choose which accounts package the file is for."), field="layout")
    entries = journal(session, first, last)
    accounts = chart(session, last)
    name = f"journal-{first:%Y-%m-%d}-to-{last:%Y-%m-%d}"
    if layout == "beancount":
        title = settings.get(session, K.COOP_NAME)
        body, filename = layouts.beancount(entries, accounts, first, last, title), f"{name}.beancount"
    else:
        writer = {"xero": layouts.xero, "quickbooks": layouts.quickbooks, "sage": layouts.sage}[layout]
        body, filename = writer(entries, accounts), f"{name}-{layout}.csv"
    with write_transaction(session):
        record(session, actor_id, "export.journal", ("export", "journal"))
    return body, filename
