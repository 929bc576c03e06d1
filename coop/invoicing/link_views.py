"""The invoice a billing contact opens from an emailed link, without an account; and the
coordinator's list of those links, to turn them off."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from coop.access import public, roles, secret_link
from coop.auth import service as auth
from coop.extensions import db
from coop.i18n import N_, ngettext
from coop.i18n import gettext as _
from coop.invoicing import sending, service
from coop.invoicing.models import Invoice
from coop.timeutil import today_london
from coop.web import ActionForm, client_ip, db_id, pdf_response

bp = Blueprint("invoice_links", __name__)
Page = str | Response | tuple[str, int]


def _open(token: str) -> Invoice | tuple[str, int]:
    ip = client_ip()
    if auth.is_throttled(db.session, "link", "", ip, auth.GUESS_LIMITS):
        return render_template("invoicing/link_problem.html", message=_(_TOO_MANY)), 429
    try:
        return sending.open_link(db.session, token)
    except sending.LinkProblem as problem:
        db.session.rollback()
        if problem.state == "invalid":
            auth.note_attempt(db.session, "link", "", ip)
        status = 404 if problem.state == "invalid" else 410
        return render_template("invoicing/link_problem.html", message=problem.message), status


_TOO_MANY = N_("Too many links that do not work were tried from here. Wait 15 minutes and try again.")


@bp.route("/invoice-link/<token>")
@public
@secret_link
def invoice(token: str) -> Page:
    found = _open(token)
    if not isinstance(found, Invoice):
        return found
    return render_template(
        "invoicing/link.html",
        invoice=found,
        token=token,
        client=json.loads(found.client_json),
        supplier=json.loads(found.supplier_json),
        balance=service.balance_pence(found),
        status=service.display_status(found, today_london()),
    )


@bp.route("/invoice-link/<token>/<kind>.pdf")
@public
@secret_link
def download(token: str, kind: str) -> Page:
    if kind not in ("invoice", "e-invoice"):
        return render_template("invoicing/link_problem.html", message=_("There is no such file.")), 404
    found = _open(token)
    if not isinstance(found, Invoice):
        return found
    try:
        data = service.read_pdf(found, Path(current_app.config["INVOICE_DIR"]), facturx=kind == "e-invoice")
    except service.TamperedError as e:
        return render_template("invoicing/tampered.html", message=e.message), 409
    name = f"{found.number}.pdf" if kind == "invoice" else f"{found.number}-e-invoice.pdf"
    return pdf_response(data, name)


@bp.route("/invoices/<int:invoice_id>/links/revoke", methods=["POST"])
@roles("coordinator")
def revoke(invoice_id: int) -> Response:
    service.get_invoice(db.session, invoice_id)  # 404 when there is no such invoice
    if ActionForm().validate_on_submit():
        try:
            link_id = db_id(request.form["link_id"]) if request.form.get("link_id") else None
        except ValueError:
            flash(_("That link was not found."), "error")
            return redirect(url_for("invoicing.detail", invoice_id=invoice_id, _anchor="links"))
        count = sending.revoke_links(db.session, invoice_id, actor_id=current_user.id, link_id=link_id)
        flash(
            ngettext(
                "Turned off %(num)s link. The next email to the client carries a new one.",
                "Turned off %(num)s links. The next email to the client carries a new one.",
                count,
            )
            if count
            else _("No link needed turning off: they had all expired or were already off."),
            "success",
        )
    return redirect(url_for("invoicing.detail", invoice_id=invoice_id, _anchor="links"))
