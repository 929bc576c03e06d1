"""EN 16931 (Factur-X) XML for an issued invoice, built with drafthorse and embedded into the
invoice's PDF/A-3 with the factur-x library (which checks it against the XSD)."""

from __future__ import annotations

import json
from decimal import Decimal

import facturx
from drafthorse.models.accounting import ApplicableTradeTax
from drafthorse.models.document import Document
from drafthorse.models.note import IncludedNote
from drafthorse.models.party import TaxRegistration
from drafthorse.models.payment import PaymentTerms
from drafthorse.models.tradelines import LineItem

from coop.invoicing.models import Invoice
from coop.invoicing.totals import vat_summary


def _money(pence: int) -> Decimal:
    return (Decimal(pence) / 100).quantize(Decimal("0.01"))


def _category(rate_bp: int, registered: bool) -> str:
    if not registered:
        return "O"  # outside the scope of VAT
    return "S" if rate_bp > 0 else "Z"


def cii_xml(invoice: Invoice) -> bytes:
    supplier = json.loads(invoice.supplier_json)
    client = json.loads(invoice.client_json)
    registered = bool(supplier.get("vat_registered"))
    assert invoice.number and invoice.issue_date and invoice.due_date
    doc = Document()
    doc.context.guideline_parameter.id = "urn:cen.eu:en16931:2017"
    doc.header.id = invoice.number
    doc.header.type_code = "380"
    doc.header.issue_date_time = invoice.issue_date
    if invoice.note:
        note = IncludedNote()
        note.content = invoice.note
        doc.header.notes.add(note)
    seller = doc.trade.agreement.seller
    seller.name = supplier["name"]
    seller.address.line_one = supplier["address"].replace("\n", ", ")[:200]
    seller.address.country_id = "GB"
    if registered:
        seller.tax_registrations.add(TaxRegistration(id=("VA", supplier["vat_number"].replace(" ", ""))))
    buyer = doc.trade.agreement.buyer
    buyer.name = client["name"]
    buyer.address.line_one = client["address"].replace("\n", ", ")[:200]
    buyer.address.country_id = "GB"
    doc.trade.delivery.event.occurrence = invoice.period_end
    settlement = doc.trade.settlement
    settlement.currency_code = "GBP"
    settlement.payment_means.type_code = "30"  # credit transfer
    terms = PaymentTerms()
    terms.due = invoice.due_date
    settlement.terms.add(terms)
    for i, line in enumerate(invoice.lines, start=1):
        item = LineItem()
        item.document.line_id = str(i)
        item.product.name = line.description[:200]
        qty = Decimal(line.quantity_centi) / 100
        price = _money(line.net_pence) / qty if qty else _money(line.net_pence)
        item.agreement.net.amount = price.quantize(Decimal("0.0001"))
        item.delivery.billed_quantity = (
            qty.quantize(Decimal("0.0001")),
            "HUR" if line.kind == "work" else "C62",
        )
        item.settlement.trade_tax.type_code = "VAT"
        item.settlement.trade_tax.category_code = _category(line.vat_rate_bp, registered)
        if registered:
            item.settlement.trade_tax.rate_applicable_percent = Decimal(line.vat_rate_bp) / 100
        item.settlement.monetary_summation.total_amount = _money(line.net_pence)
        doc.trade.items.add(item)
    for rate_bp, (net, vat) in vat_summary(invoice.lines, registered).items():
        tax = ApplicableTradeTax()
        tax.type_code = "VAT"
        tax.category_code = _category(rate_bp, registered)
        tax.basis_amount = _money(net)
        tax.calculated_amount = _money(vat)
        if registered:
            tax.rate_applicable_percent = Decimal(rate_bp) / 100
        else:
            tax.exemption_reason = "Not registered for VAT"
        settlement.trade_tax.add(tax)
    paid = sum(p.amount_pence for p in invoice.payments if p.counts)
    totals = settlement.monetary_summation
    totals.line_total = _money(invoice.net_pence)
    totals.charge_total = Decimal("0.00")
    totals.allowance_total = Decimal("0.00")
    totals.tax_basis_total = _money(invoice.net_pence)
    totals.tax_total = (_money(invoice.vat_pence), "GBP")
    totals.grand_total = _money(invoice.gross_pence)
    totals.prepaid_total = _money(paid)
    totals.due_amount = _money(invoice.gross_pence - paid)
    return bytes(doc.serialize(schema="FACTUR-X_EN16931"))


def embed(pdf: bytes, xml: bytes) -> bytes:
    """The PDF/A-3 with the XML attached as factur-x.xml (validated against the XSD)."""
    return bytes(facturx.generate_from_binary(pdf, xml, flavor="factur-x", level="en16931", check_xsd=True))


def render_pdfs(html: str, xml: bytes) -> tuple[bytes, bytes]:
    """The invoice PDF (PDF/A-3b) and its e-invoice twin with the XML embedded. A plain
    function of strings, so it can run in a worker process."""
    from weasyprint import HTML

    pdf = bytes(HTML(string=html).write_pdf(pdf_variant="pdf/a-3b"))
    return pdf, embed(pdf, xml)
