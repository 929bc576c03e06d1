"""Money in: payments and their reversal, credit notes, a client's credit, reminders, the aged
debtors report and the accountant's exports. Routes of the invoicing blueprint
(coop.invoicing.views.bp)."""

from __future__ import annotations

from flask import Response, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from coop.access import roles
from coop.extensions import db
from coop.i18n import gettext as _
from coop.invoicing import rendering, service
from coop.invoicing.forms import CreditForm, PaymentForm, ReverseForm
from coop.invoicing.views import Page, back_to_invoice, bp, credit_use_form, invoice_dir
from coop.money import format_pence, pounds_field
from coop.timeutil import today_london
from coop.web import ActionForm, csv_response, refusals


@bp.route("/invoices/<int:invoice_id>/remind", methods=["POST"])
@roles("coordinator")
def remind(invoice_id: int) -> Page:
    if ActionForm().validate_on_submit():
        with refusals() as done:
            service.remind_now(
                db.session,
                invoice_id,
                actor_id=current_user.id,
                today=today_london(),
                invoice_dir=invoice_dir(),
                base_url=current_app.config["BASE_URL"],
            )
        if done.ok:
            flash(_("Reminder sent to the client's billing email."), "success")
    return back_to_invoice(invoice_id)


@bp.route("/invoices/<int:invoice_id>/credit", methods=["POST"])
@roles("coordinator")
def use_credit(invoice_id: int) -> Page:
    invoice = service.get_invoice(db.session, invoice_id)
    form = credit_use_form(invoice)
    if form.validate_on_submit():
        with refusals() as done:
            use = service.use_credit(
                db.session,
                invoice_id,
                amount_pence=pounds_field(form.amount.data or "", "amount"),
                to_invoice_id=form.to_invoice_id.data or None,
                reference=form.reference.data or "",
                actor_id=current_user.id,
            )
        if done.ok:
            flash(
                f"{format_pence(use.amount_pence)} of the client's credit "
                + (f"applied to {use.to_invoice.number}." if use.to_invoice else "recorded as refunded."),
                "success",
            )
    else:
        flash(_("Choose where the credit goes and enter an amount."), "error")
    return redirect(url_for("invoicing.detail", invoice_id=invoice_id))


@bp.route("/invoices/<int:invoice_id>/payments", methods=["POST"])
@roles("coordinator")
def payment(invoice_id: int) -> Page:
    invoice = service.get_invoice(db.session, invoice_id)
    form = PaymentForm()
    if form.validate_on_submit():
        assert form.paid_on.data
        with refusals() as done:
            amount = pounds_field(form.amount.data or "", "amount")
            warning = service.record_payment(
                db.session,
                invoice,
                paid_on=form.paid_on.data,
                amount_pence=amount,
                method=form.method.data or "",
                reference=form.reference.data or "",
                actor_id=current_user.id,
                today=today_london(),
            )
        if done.ok:
            flash(warning or _("Payment recorded."), "warning" if warning else "success")
    else:
        flash(_("Enter the date and the amount."), "error")
    return redirect(url_for("invoicing.detail", invoice_id=invoice_id))


@bp.route("/invoices/<int:invoice_id>/payments/<int:payment_id>/reverse", methods=["POST"])
@roles("coordinator")
def reverse_payment(invoice_id: int, payment_id: int) -> Page:
    invoice = service.get_invoice(db.session, invoice_id)
    form = ReverseForm()
    if form.validate_on_submit():
        with refusals() as done:
            service.reverse_payment(
                db.session, invoice, payment_id, reason=form.reason.data or "", actor_id=current_user.id
            )
        if done.ok:
            flash(_("Payment reversed. It no longer counts towards what the client has paid."), "success")
    else:
        flash(_("Say why the payment is being reversed."), "error")
    return redirect(url_for("invoicing.detail", invoice_id=invoice_id))


@bp.route("/invoices/<int:invoice_id>/credit-notes", methods=["POST"])
@roles("coordinator")
def credit(invoice_id: int) -> Page:
    invoice = service.get_invoice(db.session, invoice_id)
    form = CreditForm()
    if form.validate_on_submit():
        with refusals() as done:
            amount = pounds_field(form.amount.data or "", "amount")
            note_ = service.credit_note(
                db.session,
                invoice,
                gross_pence=amount,
                reason=form.reason.data or "",
                today=today_london(),
                render=rendering.credit_note_pdf,
                invoice_dir=invoice_dir(),
                actor_id=current_user.id,
            )
        if done.ok:
            flash(_("Credit note %(number)s issued.", number=note_.number), "success")
    else:
        flash(_("Enter an amount and a reason."), "error")
    return redirect(url_for("invoicing.detail", invoice_id=invoice_id))


@bp.route("/invoices/aged-debtors")
@roles("coordinator")
def aged_debtors() -> Page:
    return render_template("invoicing/aged.html", rows=service.aged_debtors(db.session, today_london()))


@bp.route("/invoices/export/<kind>.csv")
@roles("coordinator")
def export(kind: str) -> Response:
    body = service.export_csv(db.session, kind, actor_id=current_user.id, today=today_london())
    return csv_response(body, f"{kind}.csv")
