"""An invoice's and a credit note's printed document: HTML from templates/invoicing/*_pdf.html,
rendered without a web request, so issuing from a page, `coop invoice-run --issue`, the demo and
the workers that issue many at once all print the same document. Issuing turns the HTML into
PDF/A-3 (coop/documents.py) and embeds the Factur-X twin (einvoice.py)."""

from __future__ import annotations

import json

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import object_session

from coop.config import RESOURCES
from coop.documents import html_to_pdf
from coop.i18n import Reading, reading, templates
from coop.invoicing import einvoice
from coop.invoicing.models import CreditNote, Invoice
from coop.invoicing.totals import vat_summary
from coop.mail.readers import client_reading

_env = Environment(
    loader=FileSystemLoader(RESOURCES / "templates"),
    autoescape=select_autoescape(["html"]),  # names and addresses are typed by people
)
templates.configure(_env)


def reader_of(invoice: Invoice) -> Reading:
    """Who reads an invoice, its credit notes and their emails: the client's language, else the
    co-op's (`readers.client_reading`)."""
    session = object_session(invoice)
    if session is None:  # a document made outside any session reads the client's own choice
        return Reading.of(invoice.client.language)
    return client_reading(session, invoice.client)


def invoice_html(invoice: Invoice) -> str:
    """The invoice as HTML for WeasyPrint, from what was frozen on it (supplier, client, lines),
    in the client's language."""
    supplier = json.loads(invoice.supplier_json)
    with reading(reader_of(invoice)):
        return _env.get_template("invoicing/invoice_pdf.html").render(
            invoice=invoice,
            supplier=supplier,
            client=json.loads(invoice.client_json),
            vat=vat_summary(invoice.lines, bool(supplier.get("vat_registered"))),
        )


def credit_note_pdf(note: CreditNote) -> bytes:
    """The credit note as PDF/A-3, its amount split by the invoice's VAT rates, in the client's
    language."""
    invoice = note.invoice
    with reading(reader_of(invoice)):
        html = _env.get_template("invoicing/credit_note_pdf.html").render(
            note=note,
            invoice=invoice,
            split=einvoice.credit_split(invoice, note.gross_pence),
            supplier=json.loads(invoice.supplier_json),
            client=json.loads(invoice.client_json),
        )
    return html_to_pdf(html, variant="pdf/a-3b")
