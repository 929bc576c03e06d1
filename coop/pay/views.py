"""Members' pay and expenses; coordinators' pay runs, payroll export and expense decisions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response as WResponse

from coop.access import roles
from coop.auth.signed_in import current_member
from coop.charts import bar_chart
from coop.documents import html_to_pdf
from coop.errors import NotFound
from coop.extensions import db
from coop.i18n import gettext as _
from coop.i18n import reading
from coop.limits.service import pay_schedule
from coop.mail.readers import user_reading
from coop.members import service as members
from coop.members.service import member_for_user
from coop.money import pounds_field
from coop.pay import service
from coop.pay.forms import AdjustmentForm, DecideExpenseForm, ExpenseForm, PayRunForm
from coop.pay.mine import line_words
from coop.pay.models import PayRun, PayStatement
from coop.settings import service as settings
from coop.settings.keys import K
from coop.timeutil import format_date, today_london
from coop.web import ActionForm, csv_response, pdf_response, refusals

bp = Blueprint("pay", __name__)
Page = str | WResponse


def statement_pdf(statement: PayStatement) -> bytes:
    """The statement in the member's language and reading style, whoever downloads it."""
    with reading(user_reading(db.session, statement.member.user)):
        html = render_template(
            "pay/statement_pdf.html",
            st=statement,
            run=statement.pay_run,
            words=line_words(db.session, statement.lines),
            coop_name=settings.get(db.session, K.COOP_NAME),
            coop_address=settings.get(db.session, K.COOP_ADDRESS),
            holiday_percent=settings.get(db.session, K.HOLIDAY_PAY_PERCENT_BP) / 100,
        )
    return html_to_pdf(html)


def _pdf_response(statement: PayStatement) -> Response:
    name = f"pay-statement-{statement.pay_run.period_end.isoformat()}-{statement.member_id}.pdf"
    return pdf_response(statement_pdf(statement), name)


# --- members -------------------------------------------------------------------------------------


@bp.route("/my/pay")
@roles("member")
def my_pay() -> Page:
    member = current_member()
    data = service.my_pay(
        db.session, member, settings.get(db.session, K.HOLIDAY_PAY_PERCENT_BP), today_london()
    )
    chart = bar_chart(
        _("Earnings by month"), [m[0] for m in data.months], [m[2] for m in data.months], value_label="£"
    )
    return render_template("pay/my_pay.html", data=data, chart=chart)


@bp.route("/my/pay/<int:statement_id>.pdf")
@roles("member")
def my_statement_pdf(statement_id: int) -> Response:
    member = current_member()
    return _pdf_response(service.get_statement(db.session, statement_id, member_id=member.id))


@bp.route("/expenses", methods=["GET", "POST"])
@roles("member")
def expenses() -> Page:
    member = current_member()
    form = ExpenseForm()
    if form.validate_on_submit():
        upload = request.files.get("receipt")
        data = upload.read(service.MAX_RECEIPT_BYTES + 1) if upload and upload.filename else None
        with refusals(form) as done:
            amount = pounds_field(form.amount.data or "", "amount")
            assert form.spent_on.data
            service.claim_expense(
                db.session,
                member,
                kind=form.kind.data or "",
                spent_on=form.spent_on.data,
                description=form.description.data or "",
                amount_pence=amount,
                receipt=data,
                upload_dir=Path(current_app.config["UPLOAD_DIR"]),
                today=today_london(),
            )
        if done.ok:
            flash(
                _("Expense claimed. It is paid back on its own line and never counts as earnings."), "success"
            )
            return redirect(url_for("pay.expenses"))
    return render_template("pay/expenses.html", form=form, expenses=service.expenses_for(db.session, member))


@bp.route("/expenses/<int:expense_id>/receipt")
@roles("member", "coordinator")
def receipt(expense_id: int) -> WResponse:
    """Only the member who claimed it and coordinators can see a receipt."""
    if current_user.has_role("coordinator"):
        expense = service.get_expense(db.session, expense_id)
    else:
        member = member_for_user(db.session, current_user.id)
        expense = service.get_expense(db.session, expense_id, member_id=member.id if member else -1)
    if not expense.receipt_path:
        raise NotFound("No receipt.")
    path = Path(current_app.config["UPLOAD_DIR"]) / expense.receipt_path
    return send_file(
        path,
        mimetype=expense.receipt_type,
        as_attachment=expense.receipt_type == "application/pdf",
        download_name=f"receipt-{expense.id}{path.suffix}",
    )


# --- coordinators --------------------------------------------------------------------------------


@bp.route("/pay")
@roles("coordinator")
def runs() -> Page:
    start, end = service.default_period(pay_schedule(db.session), today_london())
    form = PayRunForm(period_start=start, period_end=end)
    adjust = adjustment_form()
    return render_template(
        "pay/runs.html",
        runs=service.list_runs(db.session),
        form=form,
        adjust=adjust,
        waiting=service.expenses_waiting(db.session),
    )


@bp.route("/pay/runs", methods=["POST"])
@roles("coordinator")
def build() -> Page:
    form = PayRunForm()
    if form.validate_on_submit():
        assert form.period_start.data and form.period_end.data
        with refusals() as done:
            run = service.build_pay_run(
                db.session,
                form.period_start.data,
                form.period_end.data,
                actor_id=current_user.id,
                today=today_london(),
            )
        if done.ok:
            flash(_("Draft pay run ready. Check it, then finalise it."), "success")
            return redirect(url_for("pay.run_detail", run_id=run.id))
    else:
        flash(_("Enter the first and last day of the period."), "error")
    return redirect(url_for("pay.runs"))


@bp.route("/pay/runs/<int:run_id>")
@roles("coordinator")
def run_detail(run_id: int) -> Page:
    run = service.get_run(db.session, run_id)
    count, total = service.run_totals(db.session, run)
    return render_template(
        "pay/run.html",
        run=run,
        count=count,
        total=total,
        form=ActionForm(),
        seen=service.fingerprint(run),
        words=line_words(db.session, [line for st in run.statements for line in st.lines]),
    )


@bp.route("/pay/runs/<int:run_id>/finalise", methods=["POST"])
@roles("coordinator")
def finalise(run_id: int) -> Page:
    if ActionForm().validate_on_submit():
        with refusals() as done:
            service.finalise(
                db.session, run_id, actor_id=current_user.id, seen=request.form.get("seen") or None
            )
        if done.ok:
            flash(_("Pay run finalised. Members can now see their statements."), "success")
    return _back_to_run(run_id)


def _back_to_run(run_id: int) -> Page:
    """To the run's page, or to the list if it was deleted (the message says so)."""
    if db.session.get(PayRun, run_id) is None:
        return redirect(url_for("pay.runs"))
    return redirect(url_for("pay.run_detail", run_id=run_id))


@bp.route("/pay/runs/<int:run_id>/delete", methods=["POST"])
@roles("coordinator")
def delete(run_id: int) -> Page:
    if ActionForm().validate_on_submit():
        with refusals() as done:
            service.delete_draft(db.session, run_id, actor_id=current_user.id)
        if not done.ok:
            return _back_to_run(run_id)
        flash(_("Draft deleted."), "success")
    return redirect(url_for("pay.runs"))


@bp.route("/pay/runs/<int:run_id>.csv")
@roles("coordinator")
def run_csv(run_id: int) -> Response:
    run, body = service.export_payroll(db.session, run_id, actor_id=current_user.id)
    return csv_response(body, f"payroll-{run.period_end}.csv")


@bp.route("/pay/statements/<int:statement_id>.pdf")
@roles("coordinator")
def statement(statement_id: int) -> Response:
    return _pdf_response(service.get_statement(db.session, statement_id))


def adjustment_form() -> AdjustmentForm:
    form = AdjustmentForm()
    form.member_id.choices = [(m.id, m.display_name) for m in members.list_members(db.session)]
    form.pay_on.choices = [
        (d.isoformat(), format_date(d)) for d in service.open_paydays(db.session, today_london(), 6)
    ]
    return form


@bp.route("/pay/adjustments", methods=["POST"])
@roles("coordinator")
def adjustment() -> Page:
    form = adjustment_form()
    if form.validate_on_submit():
        with refusals() as done:
            amount = pounds_field(form.amount.data or "", "amount")
            service.add_adjustment(
                db.session,
                members.get_member(db.session, form.member_id.data or 0),
                amount,
                form.reason.data or "",
                actor_id=current_user.id,
                pay_on=date.fromisoformat(form.pay_on.data) if form.pay_on.data else None,
            )
        if done.ok:
            flash(_("Correction added; it will be on the pay run for the pay day chosen."), "success")
    else:
        flash(_("Choose a member, an amount and a reason."), "error")
    return redirect(url_for("pay.runs"))


@bp.route("/expenses/<int:expense_id>/decide", methods=["GET", "POST"])
@roles("coordinator")
def decide(expense_id: int) -> Page:
    expense = service.get_expense(db.session, expense_id)
    form = DecideExpenseForm()
    if form.validate_on_submit():
        with refusals(form) as done:
            service.decide_expense(
                db.session,
                expense,
                approve=form.decision.data == "approve",
                note=form.note.data or "",
                actor_id=current_user.id,
            )
        if done.ok:
            flash(_("Decision saved."), "success")
            return redirect(url_for("pay.runs"))
    return render_template("pay/decide.html", form=form, expense=expense)
