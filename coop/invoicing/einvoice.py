"""EN 16931 (Factur-X) XML for an issued invoice, built with drafthorse and embedded into the
invoice's PDF/A-3 with the factur-x library (which checks it against the XSD)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import facturx
from drafthorse.models.accounting import ApplicableTradeTax, CategoryTradeTax, TradeAllowanceCharge
from drafthorse.models.document import Document
from drafthorse.models.note import IncludedNote
from drafthorse.models.party import TaxRegistration
from drafthorse.models.payment import PaymentTerms
from drafthorse.models.tradelines import LineItem

from coop.documents import html_to_pdf
from coop.invoicing.models import CreditNote, Invoice, LineKind
from coop.invoicing.totals import vat_summary
from coop.money import apply_rate, round_pence


def _money(pence: int) -> Decimal:
    return (Decimal(pence) / 100).quantize(Decimal("0.01"))


def _category(rate_bp: int, registered: bool) -> str:
    if not registered:
        return "O"  # outside the scope of VAT
    return "S" if rate_bp > 0 else "Z"


def _document(
    number: str, type_code: str, issue_date: date, supplier: dict[str, Any], client: dict[str, Any]
) -> Document:
    """The parts every e-invoice shares: the header, the seller and the buyer."""
    doc = Document()
    doc.context.guideline_parameter.id = "urn:cen.eu:en16931:2017"
    doc.header.id = number
    doc.header.type_code = type_code
    doc.header.issue_date_time = issue_date
    seller = doc.trade.agreement.seller
    seller.name = supplier["name"]
    seller.address.line_one = supplier["address"].replace("\n", ", ")[:200]
    seller.address.country_id = "GB"
    if supplier.get("registration_number"):
        seller.legal_organization.id = supplier["registration_number"]
    if supplier.get("trading_name"):  # BT-28: the business's trading name, the co-op the legal seller
        seller.legal_organization.trade_name = supplier["trading_name"]
    if supplier.get("vat_registered"):
        seller.tax_registrations.add(TaxRegistration(id=("VA", supplier["vat_number"].replace(" ", ""))))
    buyer = doc.trade.agreement.buyer
    buyer.name = client["name"]
    buyer.address.line_one = client["address"].replace("\n", ", ")[:200]
    buyer.address.country_id = "GB"
    doc.trade.settlement.currency_code = "GBP"
    doc.trade.settlement.payment_means.type_code = "30"  # credit transfer
    return doc


def _tax(trade_tax: Any, rate_bp: int, registered: bool) -> None:
    trade_tax.type_code = "VAT"
    trade_tax.category_code = _category(rate_bp, registered)
    if registered:
        trade_tax.rate_applicable_percent = Decimal(rate_bp) / 100


def _item(doc: Document, number: int, name: str, rate_bp: int, registered: bool, net_pence: int) -> LineItem:
    item = LineItem()
    item.document.line_id = str(number)
    item.product.name = name[:200]
    _tax(item.settlement.trade_tax, rate_bp, registered)
    item.settlement.monetary_summation.total_amount = _money(net_pence)
    doc.trade.items.add(item)
    return item


def _breakdown(doc: Document, by_rate: dict[int, tuple[int, int]], registered: bool) -> None:
    for rate_bp, (net, vat) in sorted(by_rate.items()):
        tax = ApplicableTradeTax()
        _tax(tax, rate_bp, registered)
        tax.basis_amount = _money(net)
        tax.calculated_amount = _money(vat)
        if not registered:
            tax.exemption_reason = "Not registered for VAT"
        doc.trade.settlement.trade_tax.add(tax)


def cii_xml(invoice: Invoice) -> bytes:
    """The invoice (type 380). Work is billed in minutes at the hourly rate (a price for a base
    quantity of 60 minutes), so quantity / 60 x price is the line net; a discount is a
    document-level allowance for each VAT rate, never a negative price (EN 16931 BR-27)."""
    supplier = json.loads(invoice.supplier_json)
    registered = bool(supplier.get("vat_registered"))
    assert invoice.number and invoice.issue_date and invoice.due_date
    doc = _document(invoice.number, "380", invoice.issue_date, supplier, json.loads(invoice.client_json))
    if invoice.note:
        note = IncludedNote()
        note.content = invoice.note
        doc.header.notes.add(note)
    doc.trade.delivery.event.occurrence = invoice.period_end
    terms = PaymentTerms()
    terms.due = invoice.due_date
    doc.trade.settlement.terms.add(terms)
    charged = [li for li in invoice.lines if li.kind != LineKind.DISCOUNT]
    for i, line in enumerate(charged, start=1):
        item = _item(doc, i, line.description, line.vat_rate_bp, registered, line.net_pence)
        item.agreement.net.amount = _money(line.unit_pence)
        if line.minutes is not None:
            item.delivery.billed_quantity = (Decimal(line.minutes), "MIN")
            item.agreement.net.basis_quantity = (Decimal(60), "MIN")
        else:
            unit = "HUR" if line.kind == LineKind.WORK else "C62"
            item.delivery.billed_quantity = (
                (Decimal(line.quantity_centi) / 100).quantize(Decimal("0.01")),
                unit,
            )
    allowances = 0
    for line in invoice.lines:
        if line.kind == LineKind.DISCOUNT:
            allowance = TradeAllowanceCharge()
            allowance.indicator = False
            allowance.actual_amount = _money(-line.net_pence)
            allowance.reason = line.description[:200]
            category = CategoryTradeTax()
            _tax(category, line.vat_rate_bp, registered)
            allowance.trade_tax.add(category)
            doc.trade.settlement.allowance_charge.add(allowance)
            allowances += -line.net_pence
    _breakdown(doc, vat_summary(invoice.lines, registered), registered)
    paid = max(0, min(invoice.gross_pence, invoice.paid_in_pence))  # beyond it is the client's credit
    totals = doc.trade.settlement.monetary_summation
    totals.line_total = _money(sum(li.net_pence for li in charged))
    totals.charge_total = Decimal("0.00")
    totals.allowance_total = _money(allowances)
    totals.tax_basis_total = _money(invoice.net_pence)
    totals.tax_total = (_money(invoice.vat_pence), "GBP")
    totals.grand_total = _money(invoice.gross_pence)
    totals.prepaid_total = _money(paid)
    totals.due_amount = _money(invoice.gross_pence - paid)
    return bytes(doc.serialize(schema="FACTUR-X_EN16931"))


def credit_split(invoice: Invoice, gross_pence: int) -> dict[int, tuple[int, int]]:
    """How a credit of `gross_pence` falls across the invoice's VAT rates: {rate: (net, VAT)}, in
    proportion to each rate's gross, with each rate's VAT worked out on its net as on an invoice.
    A plain function of the invoice and the amount: the credit note's XML and PDF use it too."""
    registered = bool(json.loads(invoice.supplier_json).get("vat_registered"))
    summary = sorted(vat_summary(invoice.lines, registered).items())
    total = sum(net + vat for _, (net, vat) in summary)
    out: dict[int, tuple[int, int]] = {}
    left = gross_pence
    for i, (rate_bp, (net, vat)) in enumerate(summary):
        share = left if i == len(summary) - 1 else round_pence(Decimal(gross_pence * (net + vat)) / total)
        left -= share
        if share <= 0:
            continue
        base = round_pence(Decimal(share * 10000) / (10000 + rate_bp)) if registered else share
        options = [n for n in (base, base - 1, base + 1) if n + _vat(n, rate_bp, registered) == share]
        credit_net = options[0] if options else base
        out[rate_bp] = (credit_net, _vat(credit_net, rate_bp, registered))
    return out


def _vat(net: int, rate_bp: int, registered: bool) -> int:
    return apply_rate(net, Decimal(rate_bp) / 100) if registered else 0


def credit_note_xml(note: CreditNote) -> bytes:
    """The credit note (type 381), referring to the invoice it corrects: a line for each VAT rate
    it falls in, quantity 1 at the line's amount."""
    invoice = note.invoice
    supplier = json.loads(invoice.supplier_json)
    registered = bool(supplier.get("vat_registered"))
    assert invoice.number and invoice.issue_date
    doc = _document(note.number, "381", note.issue_date, supplier, json.loads(invoice.client_json))
    reason = IncludedNote()
    reason.content = note.reason
    doc.header.notes.add(reason)
    doc.trade.delivery.event.occurrence = note.issue_date
    doc.trade.settlement.invoice_referenced_document.issuer_assigned_id = invoice.number
    doc.trade.settlement.invoice_referenced_document.issue_date_time = invoice.issue_date
    split = credit_split(invoice, note.gross_pence)
    for i, (rate_bp, (net, _vat_pence)) in enumerate(sorted(split.items()), start=1):
        rate = f" (VAT {Decimal(rate_bp) / 100:g}%)" if registered else ""
        item = _item(doc, i, f"Credit against invoice {invoice.number}{rate}", rate_bp, registered, net)
        item.agreement.net.amount = _money(net)
        item.delivery.billed_quantity = (Decimal(1), "C62")
    _breakdown(doc, split, registered)
    totals = doc.trade.settlement.monetary_summation
    totals.line_total = _money(note.net_pence)
    totals.charge_total = Decimal("0.00")
    totals.allowance_total = Decimal("0.00")
    totals.tax_basis_total = _money(note.net_pence)
    totals.tax_total = (_money(note.vat_pence), "GBP")
    totals.grand_total = _money(note.gross_pence)
    totals.prepaid_total = Decimal("0.00")
    totals.due_amount = _money(note.gross_pence)
    return bytes(doc.serialize(schema="FACTUR-X_EN16931"))


def embed(pdf: bytes, xml: bytes) -> bytes:
    """The PDF/A-3 with the XML attached as factur-x.xml (validated against the XSD)."""
    return bytes(facturx.generate_from_binary(pdf, xml, flavor="factur-x", level="en16931", check_xsd=True))


def render_pdfs(html: str, xml: bytes) -> tuple[bytes, bytes]:
    """The invoice PDF (PDF/A-3b) and its e-invoice twin with the XML embedded. A plain
    function of strings, so it can run in a worker process."""
    pdf = html_to_pdf(html, variant="pdf/a-3b")
    return pdf, embed(pdf, xml)
