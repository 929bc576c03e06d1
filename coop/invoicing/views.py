"""Coordinators run invoicing; clients see and download only their own invoices."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as WResponse

from coop.access import roles
from coop.auth.signed_in import business_scope
from coop.errors import DomainError
from coop.extensions import db
from coop.i18n import gettext as _
from coop.i18n import ngettext
from coop.invoicing import rendering, sending, service
from coop.invoicing.forms import (
    CreditForm,
    CreditUseForm,
    DiscountForm,
    LineForm,
    NoteForm,
    PaymentForm,
    ReverseForm,
    RunForm,
)
from coop.invoicing.models import Invoice, InvoiceStatus
from coop.money import format_pence, pounds_field
from coop.timeutil import today_london, utcnow
from coop.web import ActionForm, db_id, parse_decimal, pdf_response, refusals

bp = Blueprint("invoicing", __name__)
PAGE_SIZE = 50
Page = str | WResponse


def invoice_dir() -> Path:
    return Path(current_app.config["INVOICE_DIR"])


def tampered_page(e: DomainError) -> tuple[str, int]:
    return render_template("invoicing/tampered.html", message=e.message), 409


# --- coordinators --------------------------------------------------------------------------------


@bp.route("/invoices")
@roles("coordinator")
def index() -> Page:
    today = today_london()
    status = request.args.get("status", "")
    page = request.args.get("page", 1, type=db_id)
    scope = business_scope()
    found = service.list_invoices(
        db.session,
        status=status,
        today=today,
        limit=PAGE_SIZE + 1,
        offset=(page - 1) * PAGE_SIZE,
        business_ids=scope.ids,
    )
    invoices, more = found[:PAGE_SIZE], len(found) > PAGE_SIZE
    last_month_end = today.replace(day=1) - timedelta(days=1)
    form = RunForm(period_start=last_month_end.replace(day=1), period_end=last_month_end)
    return render_template(
        "invoicing/index.html",
        invoices=invoices,
        page=page,
        more=more,
        today=today,
        status=status,
        form=form,
        scope=scope,
        display=service.display_status,
        balance=service.balance_pence,
    )


@bp.route("/invoices/run", methods=["POST"])
@roles("coordinator")
def run() -> Page:
    form = RunForm()
    if form.validate_on_submit():
        assert form.period_start.data and form.period_end.data
        # A lead's run makes their businesses' drafts (?business=all: every one).
        scope = business_scope(fresh=True)
        with refusals() as done:
            drafts = service.invoice_run(
                db.session,
                form.period_start.data,
                form.period_end.data,
                actor_id=current_user.id,
                business_ids=scope.ids,
            )
        if done.ok:
            flash(
                ngettext(
                    "%(num)s draft invoice made. Check them, then issue them.",
                    "%(num)s draft invoices made. Check them, then issue them.",
                    len(drafts),
                )
                if drafts
                else _("There is no approved work waiting to be invoiced up to that date."),
                "success",
            )
            return redirect(
                url_for("invoicing.index", status=InvoiceStatus.DRAFT, business=scope.arg or None)
            )
    else:
        flash(_("Enter the first and last day."), "error")
    return redirect(url_for("invoicing.index"))


@bp.route("/invoices/<int:invoice_id>")
@roles("coordinator")
def detail(invoice_id: int) -> Page:
    invoice = service.get_invoice(db.session, invoice_id)
    today = today_london()
    return render_template(
        "invoicing/detail.html",
        invoice=invoice,
        status=service.display_status(invoice, today),
        balance=service.balance_pence(invoice),
        line_form=LineForm(),
        discount_form=DiscountForm(),
        note_form=NoteForm(note=invoice.note),
        payment_form=PaymentForm(paid_on=today),
        credit_form=CreditForm(),
        reverse_form=ReverseForm(),
        use_form=credit_use_form(invoice),
        action=ActionForm(),
        links=sending.links_for(db.session, invoice.id),
        now=utcnow(),
    )


def credit_use_form(invoice: Invoice) -> CreditUseForm:
    """Where a client's overpayment on this invoice can go: their invoices still to pay, or back
    to them."""
    form = CreditUseForm()
    owing = [
        (i.id, f"{i.number}: {format_pence(service.balance_pence(i))} to pay")
        for i in service.list_invoices(db.session, client_id=invoice.client_id, issued_only=True)
        if i.id != invoice.id and service.balance_pence(i) > 0
    ]
    form.to_invoice_id.choices = [*owing, (0, "A refund to the client")]
    return form


def _edit(invoice_id: int, apply: Callable[[int], None]) -> Page:
    with refusals():
        apply(invoice_id)
    return back_to_invoice(invoice_id)


def back_to_invoice(invoice_id: int) -> Page:
    """To the invoice, or to the list if it was deleted a moment ago (the message says so)."""
    if db.session.get(Invoice, invoice_id) is None:
        return redirect(url_for("invoicing.index"))
    return redirect(url_for("invoicing.detail", invoice_id=invoice_id))


@bp.route("/invoices/<int:invoice_id>/lines", methods=["POST"])
@roles("coordinator")
def add_line(invoice_id: int) -> Page:
    form = LineForm()
    if not form.validate_on_submit():
        flash(_("Fill in the description, quantity, price and VAT rate."), "error")
        return redirect(url_for("invoicing.detail", invoice_id=invoice_id))

    def apply(invoice_id: int) -> None:
        unit = pounds_field(form.unit_price.data or "", "unit_price")
        qty = parse_decimal(form.quantity.data or "", "quantity")
        vat = parse_decimal(form.vat_rate.data or "", "vat_rate")
        service.add_line(
            db.session,
            invoice_id,
            description=form.description.data or "",
            quantity_centi=int(qty * 100),
            unit_pence=unit,
            vat_rate_bp=int(vat * 100),
        )

    return _edit(invoice_id, apply)


@bp.route("/invoices/<int:invoice_id>/discount", methods=["POST"])
@roles("coordinator")
def discount(invoice_id: int) -> Page:
    form = DiscountForm()
    if not form.validate_on_submit():
        flash(_("Enter a percentage."), "error")
        return redirect(url_for("invoicing.detail", invoice_id=invoice_id))
    return _edit(
        invoice_id,
        lambda inv: service.add_discount(
            db.session,
            inv,
            percent=parse_decimal(form.percent.data or "", "percent"),
            description=form.description.data or "",
        ),
    )


@bp.route("/invoices/<int:invoice_id>/lines/<int:line_id>/delete", methods=["POST"])
@roles("coordinator")
def remove_line(invoice_id: int, line_id: int) -> Page:
    if not ActionForm().validate_on_submit():
        return redirect(url_for("invoicing.detail", invoice_id=invoice_id))
    return _edit(invoice_id, lambda inv: service.remove_line(db.session, inv, line_id))


@bp.route("/invoices/<int:invoice_id>/note", methods=["POST"])
@roles("coordinator")
def note(invoice_id: int) -> Page:
    form = NoteForm()
    if not form.validate_on_submit():
        return redirect(url_for("invoicing.detail", invoice_id=invoice_id))
    return _edit(invoice_id, lambda inv: service.set_note(db.session, inv, form.note.data or ""))


@bp.route("/invoices/<int:invoice_id>/delete", methods=["POST"])
@roles("coordinator")
def delete(invoice_id: int) -> Page:
    if ActionForm().validate_on_submit():
        with refusals() as done:
            service.delete_draft(db.session, invoice_id, actor_id=current_user.id)
        if not done.ok:
            return back_to_invoice(invoice_id)
        flash(_("Draft deleted. Its work will be picked up by the next invoice run."), "success")
    return redirect(url_for("invoicing.index"))


@bp.route("/invoices/<int:invoice_id>/issue", methods=["POST"])
@roles("coordinator")
def issue(invoice_id: int) -> Page:
    if ActionForm().validate_on_submit():
        with refusals() as done:
            invoice = service.issue(
                db.session,
                invoice_id,
                today=today_london(),
                render_html=rendering.invoice_html,
                invoice_dir=invoice_dir(),
                actor_id=current_user.id,
                base_url=current_app.config["BASE_URL"],
            )
        if done.ok:
            flash(_("Issued as %(number)s. The client has been emailed.", number=invoice.number), "success")
    return back_to_invoice(invoice_id)


@bp.route("/invoices/<int:invoice_id>.pdf")
@roles("coordinator")
def pdf(invoice_id: int) -> Page | tuple[str, int]:
    invoice = service.get_invoice(db.session, invoice_id)
    with refusals():
        try:
            return pdf_response(service.read_pdf(invoice, invoice_dir()), f"{invoice.number}.pdf")
        except service.TamperedError as e:
            return tampered_page(e)
    return redirect(url_for("invoicing.detail", invoice_id=invoice_id))


@bp.route("/invoices/<int:invoice_id>/e-invoice.pdf")
@roles("coordinator")
def facturx(invoice_id: int) -> Page | tuple[str, int]:
    invoice = service.get_invoice(db.session, invoice_id)
    with refusals():
        try:
            return pdf_response(
                service.read_pdf(invoice, invoice_dir(), facturx=True), f"{invoice.number}-facturx.pdf"
            )
        except service.TamperedError as e:
            return tampered_page(e)
    return redirect(url_for("invoicing.detail", invoice_id=invoice_id))


@bp.route("/credit-notes/<int:note_id>.pdf")
@roles("coordinator")
def credit_note_pdf(note_id: int) -> Page | tuple[str, int]:
    note_ = service.get_credit_note(db.session, note_id)
    try:
        return pdf_response(service.read_pdf(note_, invoice_dir()), f"{note_.number}.pdf")
    except service.TamperedError as e:
        return tampered_page(e)


# --- clients ----------------------------------------------------------------------------------------
