"""A member's own limit and earnings. Coordinators can set a limit at a member's request but never
see the figures."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as WResponse

from coop.access import roles
from coop.auth.signed_in import current_member
from coop.caps import service as caps
from coop.caps.forms import CapForm, PresetForm, RemoveForm
from coop.caps.models import BenefitCap, CapMode, CapPeriod, CountBy, Preset
from coop.charts import bar_chart
from coop.extensions import db
from coop.i18n import gettext as _
from coop.members import service as members
from coop.members.models import Member
from coop.money import plain_pounds, pounds_field
from coop.timeutil import format_date, today_london
from coop.web import csv_response, parse_decimal, refusals

bp = Blueprint("caps", __name__)
Page = str | WResponse


def cap_data(form: CapForm) -> caps.CapData:
    earnings = hours = None
    if (form.earnings_cap.data or "").strip():
        earnings = pounds_field(form.earnings_cap.data or "", "earnings_cap")
    if (form.hours_cap.data or "").strip():
        value = parse_decimal(form.hours_cap.data or "", "hours_cap", _("Enter hours as a number, like 15.5"))
        hours = int(value * 60)
    period = form.period.data or "weekly"
    return caps.CapData(
        earnings,
        hours,
        period,
        form.period_start_day.data or 1,
        form.mode.data or CapMode.BLOCK,
        form.count_by.data if period == CapPeriod.MONTHLY else CountBy.WORKED,
        week_start_day=form.week_start_day.data or 0,
    )


def _fill(form: CapForm, cap: object) -> None:

    assert isinstance(cap, BenefitCap)
    form.earnings_cap.data = (
        plain_pounds(cap.earnings_cap_pence) if cap.earnings_cap_pence is not None else ""
    )
    form.hours_cap.data = (
        f"{Decimal(cap.hours_cap_minutes) / 60:g}" if cap.hours_cap_minutes is not None else ""
    )
    form.period.data, form.period_start_day.data = cap.period, cap.period_start_day
    form.week_start_day.data = cap.week_start_day
    form.mode.data, form.count_by.data = cap.mode, cap.count_by


@bp.route("/my/limit", methods=["GET", "POST"])
@roles("member")
def my_limit() -> Page:
    member = current_member()
    cap = caps.cap_for(db.session, member.id)
    form = CapForm()
    if form.validate_on_submit():
        with refusals(form) as done:
            caps.set_cap(db.session, member, cap_data(form), actor_id=current_user.id, by_coordinator=False)
        if done.ok:
            flash(_("Your limit is saved. We will check every shift against it."), "success")
            return redirect(url_for("caps.my_limit"))
    elif cap is not None and not form.is_submitted():
        _fill(form, cap)
    return render_template(
        "caps/limit.html",
        cap=cap,
        form=form,
        preset_form=PresetForm(),
        remove_form=RemoveForm(),
        warnings=caps.payday_warnings(db.session, cap, today=today_london()),
        changed=caps.last_coordinator_change(db.session, member.id),
    )


@bp.route("/my/limit/preset", methods=["POST"])
@roles("member")
def use_preset() -> Page:
    member = current_member()
    form = PresetForm()
    if form.validate_on_submit():
        with refusals() as done:
            data = caps.preset_data(
                db.session,
                form.preset.data or "",
                start_day=form.period_start_day.data or 1,
                week_start_day=form.week_start_day.data or 0,
            )
            caps.set_cap(db.session, member, data, actor_id=current_user.id, by_coordinator=False)
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
    return redirect(url_for("caps.my_limit"))


@bp.route("/my/limit/remove", methods=["POST"])
@roles("member")
def remove_limit() -> Page:
    member = current_member()
    if RemoveForm().validate_on_submit():
        caps.remove_cap(db.session, member, actor_id=current_user.id, by_coordinator=False)
        flash(_("Your limit is removed."), "success")
    return redirect(url_for("caps.my_limit"))


@bp.route("/my/earnings")
@roles("member")
def my_earnings() -> Page:
    member = current_member()
    cap = caps.cap_for(db.session, member.id)
    history = caps.earnings_history(db.session, member, cap, today=today_london())
    chart = bar_chart(
        _("Earnings in each period against your limit")
        if cap and cap.earnings_cap_pence is not None
        else _("Earnings in each period"),
        [format_date(p.period.start, "d MMM") for p in history],
        [p.pay_pence for p in history],
        limit=cap.earnings_cap_pence if cap else None,
        value_label="£",
    )
    return render_template(
        "caps/earnings.html",
        cap=cap,
        history=history,
        chart=chart,
        warnings=caps.payday_warnings(db.session, cap, today=today_london()),
        changed=caps.last_coordinator_change(db.session, member.id),
    )


@bp.route("/my/earnings.csv")
@roles("member")
def earnings_csv() -> Response:
    member = current_member()
    cap = caps.cap_for(db.session, member.id)
    history = caps.earnings_history(db.session, member, cap, today=today_london())
    return csv_response(caps.earnings_csv(history), "earnings-by-period.csv")


@bp.route("/members/<int:member_id>/limit", methods=["GET", "POST"])
@roles("coordinator")
def set_for_member(member_id: int) -> Page:
    """At a member's request. The current figures are never shown here."""
    member: Member = members.get_member(db.session, member_id)
    has_cap = caps.cap_for(db.session, member.id) is not None
    form = CapForm()
    if form.validate_on_submit():
        with refusals(form) as done:
            caps.set_cap(db.session, member, cap_data(form), actor_id=current_user.id, by_coordinator=True)
        if done.ok:
            flash(
                _("Limit saved for %(name)s. This change is in the audit log.", name=member.display_name),
                "success",
            )
            return redirect(url_for("members.edit_member", member_id=member.id))
    return render_template("caps/coordinator.html", member=member, has_cap=has_cap, form=form)
