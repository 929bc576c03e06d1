"""A member's own limit and earnings. Coordinators can set a limit at a member's request but never
see the figures."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as WResponse

from coop.access import roles
from coop.auth.signed_in import current_member
from coop.charts import bar_chart
from coop.extensions import db
from coop.i18n import gettext as _
from coop.limits import service as limits
from coop.limits.forms import LimitForm, PresetForm, RemoveForm
from coop.limits.models import BenefitLimit, CountBy, LimitMode, LimitPeriod, Preset
from coop.members import service as members
from coop.members.models import Member
from coop.money import plain_pounds, pounds_field
from coop.timeutil import format_date, today_london
from coop.web import csv_response, parse_decimal, refusals

bp = Blueprint("limits", __name__)
Page = str | WResponse


def limit_data(form: LimitForm) -> limits.LimitData:
    earnings = hours = None
    if (form.earnings_limit.data or "").strip():
        earnings = pounds_field(form.earnings_limit.data or "", "earnings_limit")
    if (form.hours_limit.data or "").strip():
        value = parse_decimal(
            form.hours_limit.data or "", "hours_limit", _("Enter hours as a number, like 15.5")
        )
        hours = int(value * 60)
    period = form.period.data or "weekly"
    return limits.LimitData(
        earnings,
        hours,
        period,
        form.period_start_day.data or 1,
        form.mode.data or LimitMode.BLOCK,
        form.count_by.data if period == LimitPeriod.MONTHLY else CountBy.WORKED,
        week_start_day=form.week_start_day.data or 0,
    )


def _fill(form: LimitForm, limit: object) -> None:

    assert isinstance(limit, BenefitLimit)
    form.earnings_limit.data = (
        plain_pounds(limit.earnings_limit_pence) if limit.earnings_limit_pence is not None else ""
    )
    form.hours_limit.data = (
        f"{Decimal(limit.hours_limit_minutes) / 60:g}" if limit.hours_limit_minutes is not None else ""
    )
    form.period.data, form.period_start_day.data = limit.period, limit.period_start_day
    form.week_start_day.data = limit.week_start_day
    form.mode.data, form.count_by.data = limit.mode, limit.count_by


@bp.route("/my/limit", methods=["GET", "POST"])
@roles("member")
def my_limit() -> Page:
    member = current_member()
    limit = limits.limit_for(db.session, member.id)
    form = LimitForm()
    if form.validate_on_submit():
        with refusals(form) as done:
            limits.set_limit(
                db.session, member, limit_data(form), actor_id=current_user.id, by_coordinator=False
            )
        if done.ok:
            flash(_("Your limit is saved. We will check every shift against it."), "success")
            return redirect(url_for("limits.my_limit"))
    elif limit is not None and not form.is_submitted():
        _fill(form, limit)
    return render_template(
        "limits/limit.html",
        limit=limit,
        form=form,
        preset_form=PresetForm(),
        remove_form=RemoveForm(),
        warnings=limits.payday_warnings(db.session, limit, today=today_london()),
        changed=limits.last_coordinator_change(db.session, member.id),
    )


@bp.route("/my/limit/preset", methods=["POST"])
@roles("member")
def use_preset() -> Page:
    member = current_member()
    form = PresetForm()
    if form.validate_on_submit():
        with refusals() as done:
            data = limits.preset_data(
                db.session,
                form.preset.data or "",
                start_day=form.period_start_day.data or 1,
                week_start_day=form.week_start_day.data or 0,
            )
            limits.set_limit(db.session, member, data, actor_id=current_user.id, by_coordinator=False)
        if done.ok:
            if data.preset == Preset.ESA:
                flash(
                    _(
                        "Your ESA Permitted Work limit is set. Remember: tell the benefits office (the DWP) "
                        "before you start work, using form PW1."
                    ),
                    "warning",
                )
            else:
                flash(_("Your limit is set. You can change the figures below."), "success")
    else:
        flash(_("Choose a limit, a weekday, and a day from 1 to 31."), "error")
    return redirect(url_for("limits.my_limit"))


@bp.route("/my/limit/remove", methods=["POST"])
@roles("member")
def remove_limit() -> Page:
    member = current_member()
    if RemoveForm().validate_on_submit():
        limits.remove_limit(db.session, member, actor_id=current_user.id, by_coordinator=False)
        flash(_("Your limit is removed."), "success")
    return redirect(url_for("limits.my_limit"))


@bp.route("/my/earnings")
@roles("member")
def my_earnings() -> Page:
    member = current_member()
    limit = limits.limit_for(db.session, member.id)
    history = limits.earnings_history(db.session, member, limit, today=today_london())
    chart = bar_chart(
        _("Earnings in each period against your limit")
        if limit and limit.earnings_limit_pence is not None
        else _("Earnings in each period"),
        [format_date(p.period.start, "d MMM") for p in history],
        [p.pay_pence for p in history],
        limit=limit.earnings_limit_pence if limit else None,
        value_label="£",
    )
    return render_template(
        "limits/earnings.html",
        limit=limit,
        history=history,
        chart=chart,
        warnings=limits.payday_warnings(db.session, limit, today=today_london()),
        changed=limits.last_coordinator_change(db.session, member.id),
    )


@bp.route("/my/earnings.csv")
@roles("member")
def earnings_csv() -> Response:
    member = current_member()
    limit = limits.limit_for(db.session, member.id)
    history = limits.earnings_history(db.session, member, limit, today=today_london())
    return csv_response(limits.earnings_csv(history), "earnings-by-period.csv")


@bp.route("/members/<int:member_id>/limit", methods=["GET", "POST"])
@roles("coordinator")
def set_for_member(member_id: int) -> Page:
    """At a member's request. The current figures are never shown here."""
    member: Member = members.get_member(db.session, member_id)
    has_limit = limits.limit_for(db.session, member.id) is not None
    form = LimitForm()
    if form.validate_on_submit():
        with refusals(form) as done:
            limits.set_limit(
                db.session, member, limit_data(form), actor_id=current_user.id, by_coordinator=True
            )
        if done.ok:
            flash(
                _("Limit saved for %(name)s. This change is in the audit log.", name=member.display_name),
                "success",
            )
            return redirect(url_for("members.edit_member", member_id=member.id))
    return render_template("limits/coordinator.html", member=member, has_limit=has_limit, form=form)
