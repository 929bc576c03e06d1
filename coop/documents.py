"""Every PDF the co-op makes is rendered here, from HTML, by WeasyPrint."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any


def html_to_pdf(
    html: str, *, variant: str | None = None, base_url: str | None = None, public: bool = False
) -> bytes:
    """The PDF of an HTML page (`variant` e.g. "pdf/a-3b" for invoices). A `public` document says
    nothing about any person (the directory, a poster): anyone may ask for it, again and again,
    so each process keeps the last few it made, by their HTML, and makes a PDF again only when
    the page changed (a new setting, a new day). Nothing with a person's details is kept."""
    if public:
        return _kept_pdf(html, variant, base_url)
    return _pdf(html, variant, base_url)


@lru_cache(maxsize=8)
def _kept_pdf(html: str, variant: str | None, base_url: str | None) -> bytes:
    return _pdf(html, variant, base_url)


def _pdf(html: str, variant: str | None, base_url: str | None) -> bytes:
    # WeasyPrint takes about a second to import (Pango, fonts): only the processes that render a
    # PDF pay for it, not every worker, CLI command and test process.
    from weasyprint import HTML  # noqa: PLC0415

    options = {"pdf_variant": variant} if variant else {}
    return bytes(HTML(string=html, base_url=base_url).write_pdf(**options))


def csv_text(rows: Iterable[Sequence[Any]]) -> str:
    """Every CSV file the co-op hands out: the header row first, UTF-8 with a byte-order mark so
    spreadsheet programs read £ and names with accents correctly."""
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return "\ufeff" + out.getvalue()
