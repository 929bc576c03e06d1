"""Bank statements: upload, then match each payment in to invoices. Coordinators only."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as WResponse

from coop.access import roles
from coop.books import service
from coop.books.exports import export_journal
from coop.books.forms import ConfirmForm, JournalForm, StatementForm
from coop.books.models import BankLine
from coop.books.reading import MAX_BYTES, CsvColumns
from coop.books.service import LineView
from coop.errors import DomainError
from coop.extensions import db
from coop.i18n import gettext as _
from coop.money import plain_pounds, pounds_field
from coop.text import plural
from coop.timeutil import format_date, today_london
from coop.web import ActionForm, csv_response, refusals

bp = Blueprint("books", __name__)
Page = str | WResponse
SHOWN = 50  # open lines on one page; the rest follow as these are dealt with


@bp.route("/books/statements", methods=["GET", "POST"])
@roles("coordinator")
def statements() -> Page:
    form = StatementForm()
    if request.method == "GET":
        latest = service.statements(db.session, limit=1)
        if latest:
            form.bank.data = latest[0].bank
            form.format.data = latest[0].format
    if form.validate_on_submit():
        upload = request.files.get("statement")
        data = upload.read(MAX_BYTES + 1) if upload and upload.filename else b""
        columns = None
        if form.date_column.data or form.amount_column.data or form.reference_column.data:
            columns = CsvColumns(
                (form.date_column.data or "").strip(),
                (form.amount_column.data or "").strip(),
                (form.reference_column.data or "").strip(),
                (form.payer_column.data or "").strip(),
            )
        with refusals(form) as done:
            if not data:
                raise DomainError(_("Choose the statement file to read."), field="statement")
            if columns and not (columns.date and columns.amount and columns.reference):
                raise DomainError(
                    _("Name all three columns: the date, the amount paid in and the reference."),
                    field="date_column",
                )
            statement = service.import_statement(
                db.session,
                data,
                fmt=form.format.data or "",
                bank=form.bank.data or "",
                filename=(upload.filename or "") if upload else "",
                actor_id=current_user.id,
                columns=columns,
            )
        if done.ok:
            seen = statement.credit_lines - statement.new_lines
            flash(
                f"Read {plural(statement.credit_lines, 'payment in', 'payments in')}: "
                f"{statement.new_lines} new"
                + (f", {seen} already read from an earlier statement (not added again)" if seen else "")
                + ".",
                "success",
            )
            return redirect(url_for("books.reconcile"))
    layout = service.layout_for(db.session, form.bank.data or "") if form.bank.data else None
    return render_template(
        "books/statements.html",
        form=form,
        statements=service.statements(db.session),
        open_count=service.open_line_count(db.session),
        layout=layout,
    )


def _confirm_form(view: LineView) -> ConfirmForm:
    form = ConfirmForm(formdata=None)
    choices = [(0, _("Choose an invoice"))] + [
        (
            i.id,
            _(
                "%(number)s, %(client)s, %(amount)s to pay",
                number=i.number,
                client=i.client_name,
                amount=plain_pounds(i.balance_pence),
            ),
        )
        for i in view.choices[:100]
    ]
    for n, (invoice, amount) in enumerate(form.rows()):
        invoice.choices = choices
        if n < len(view.suggestion.allocations):
            allocation = view.suggestion.allocations[n]
            invoice.data = allocation.invoice_id
            amount.data = plain_pounds(allocation.amount_pence)
        elif n == 0:
            amount.data = plain_pounds(view.line.amount_pence)
    return form


@bp.route("/books/reconcile")
@roles("coordinator")
def reconcile() -> Page:
    lines = service.open_lines(db.session)
    views = service.reconcile_view(db.session, lines[:SHOWN])
    return render_template(
        "books/reconcile.html",
        views=[(v, _confirm_form(v)) for v in views],
        total=len(lines),
        action_form=ActionForm(),
    )


def _allocations(form: ConfirmForm) -> list[tuple[int, int]]:
    out = []
    for invoice, amount in form.rows():
        if invoice.data:
            out.append((int(invoice.data), pounds_field(amount.data or "", "amount")))
    return out


@bp.route("/books/lines/<int:line_id>/confirm", methods=["POST"])
@roles("coordinator")
def confirm(line_id: int) -> Page:
    line: BankLine = service.get_line(db.session, line_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        with refusals(show=False) as done:
            warnings = service.confirm_line(
                db.session, line.id, _allocations(form), actor_id=current_user.id, today=today_london()
            )
        if done.error:
            flash(
                _(
                    "The payment of %(amount)s on %(day)s: %(problem)s",
                    amount=plain_pounds(line.amount_pence),
                    day=format_date(line.booked_on, "dd/MM/y"),
                    problem=done.error.message,
                ),
                "error",
            )
        else:
            flash(" ".join([_("Payment recorded."), *warnings]), "success")
    else:
        flash(_("Choose the invoice and enter amounts in pounds, like 12.50."), "error")
    return redirect(url_for("books.reconcile"))


@bp.route("/books/lines/<int:line_id>/set-aside", methods=["POST"])
@roles("coordinator")
def set_aside(line_id: int) -> Page:
    line = service.get_line(db.session, line_id)
    if ActionForm().validate_on_submit():
        with refusals() as done:
            service.set_aside(db.session, line.id, actor_id=current_user.id)
        if done.ok:
            flash(_("Set aside: it is not a client's payment, so no invoice changes."), "success")
    return redirect(url_for("books.reconcile"))


@bp.route("/books/journal", methods=["GET", "POST"])
@roles("coordinator")
def journal() -> Page:
    """The accountant's double-entry journal for a period, as a file to import."""
    form = JournalForm()
    if request.method == "GET":
        today = today_london()
        form.period_end.data = today.replace(day=1) - timedelta(days=1)
        form.period_start.data = form.period_end.data.replace(day=1)
    if form.validate_on_submit():
        assert form.period_start.data and form.period_end.data
        with refusals(form) as done:
            body, filename = export_journal(
                db.session,
                form.period_start.data,
                form.period_end.data,
                form.layout.data or "",
                actor_id=current_user.id,
            )
        if done.ok:
            if filename.endswith(".csv"):
                return csv_response(body, filename)
            return WResponse(
                body,
                mimetype="text/plain",
                headers={"Content-Disposition": f"attachment; filename={filename}"},
            )
    return render_template("books/journal.html", form=form)
