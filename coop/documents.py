"""Every PDF the co-op makes is rendered here, from HTML, by WeasyPrint."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any


def html_to_pdf(html: str, *, variant: str | None = None, base_url: str | None = None) -> bytes:
    """The PDF of an HTML page (`variant` e.g. "pdf/a-3b" for invoices)."""
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
