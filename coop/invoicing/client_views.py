"""Clients' invoices: their list and downloads, only their own. Routes of the invoicing
blueprint (coop.invoicing.views.bp)."""

from __future__ import annotations

from flask import render_template

from coop.access import roles
from coop.auth.signed_in import current_client
from coop.extensions import db
from coop.invoicing import service
from coop.invoicing.views import Page, bp, invoice_dir, tampered_page
from coop.timeutil import last_month, today_london
from coop.web import pdf_response


@bp.route("/my/invoices")
@roles("client")
def client_invoices() -> Page:
    client_id = current_client().id
    today = today_london()
    return render_template(
        "invoicing/client.html",
        invoices=service.list_invoices(db.session, client_id=client_id, issued_only=True),
        credit=sum(amount for _, amount in service.client_credit(db.session, client_id)),
        today=today,
        display=service.display_status,
        balance=service.balance_pence,
        statement_period=last_month(today),
    )


@bp.route("/my/invoices/<int:invoice_id>.pdf")
@roles("client")
def client_pdf(invoice_id: int) -> Page | tuple[str, int]:
    invoice = service.get_invoice(db.session, invoice_id, client_id=current_client().id)
    try:
        return pdf_response(service.read_pdf(invoice, invoice_dir()), f"{invoice.number}.pdf")
    except service.TamperedError as e:
        return tampered_page(e)


@bp.route("/my/invoices/<int:invoice_id>/e-invoice.pdf")
@roles("client")
def client_facturx(invoice_id: int) -> Page | tuple[str, int]:
    invoice = service.get_invoice(db.session, invoice_id, client_id=current_client().id)
    try:
        return pdf_response(
            service.read_pdf(invoice, invoice_dir(), facturx=True), f"{invoice.number}-facturx.pdf"
        )
    except service.TamperedError as e:
        return tampered_page(e)


@bp.route("/my/credit-notes/<int:note_id>.pdf")
@roles("client")
def client_credit_note(note_id: int) -> Page | tuple[str, int]:
    note_ = service.get_credit_note(db.session, note_id, client_id=current_client().id)
    try:
        return pdf_response(service.read_pdf(note_, invoice_dir()), f"{note_.number}.pdf")
    except service.TamperedError as e:
        return tampered_page(e)
