"""Clients' invoices: their list and downloads, only their own. Routes of the invoicing
blueprint (coop.invoicing.views.bp)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for

from coop.access import roles
from coop.auth.signed_in import current_client
from coop.bookings import clients
from coop.extensions import db
from coop.i18n import client_language_choices
from coop.i18n import gettext as _
from coop.invoicing import service
from coop.invoicing.forms import InvoiceLanguageForm
from coop.invoicing.views import Page, bp, invoice_dir, tampered_page
from coop.timeutil import last_month, today_london
from coop.web import pdf_response, refusals


def _language_form(language: str | None = None) -> InvoiceLanguageForm:
    form = InvoiceLanguageForm(language=language or "")
    form.language.choices = client_language_choices(pseudo=bool(current_app.config.get("PSEUDO_LANGUAGES")))
    return form


@bp.route("/my/invoices")
@roles("client")
def client_invoices() -> Page:
    client = current_client()
    return _invoices_page(client.id, _language_form(client.language))


@bp.route("/my/invoices/language", methods=["POST"])
@roles("client")
def client_invoice_language() -> Page | tuple[str, int]:
    """The client's own choice of the language their invoices and statements are written in."""
    client = current_client()
    form = _language_form()
    if form.validate_on_submit():
        with refusals(form) as done:
            clients.choose_invoice_language(db.session, client.id, form.language.data or None)
        if done.ok:
            flash(_("Saved: your next invoices and statements are written in that language."), "success")
            return redirect(url_for("invoicing.client_invoices"))
    return _invoices_page(client.id, form), 400


def _invoices_page(client_id: int, language_form: InvoiceLanguageForm) -> str:
    today = today_london()
    return render_template(
        "invoicing/client.html",
        language_form=language_form,
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
