"""Onward: members' work records and the public check of them; opportunities and help; the
impact report for funders."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response as WResponse

from coop.access import public, roles, secret_link
from coop.auth import service as auth
from coop.auth.signed_in import current_member
from coop.charts import bar_chart, for_print
from coop.cover import service as cover
from coop.directory import service as directory
from coop.directory.models import CATEGORIES
from coop.documents import html_to_pdf
from coop.errors import DomainError, NotFound
from coop.extensions import db
from coop.i18n import gettext as _
from coop.members.models import LEAVING_REASONS
from coop.members.service import get_member
from coop.onward import business_figures, impact, opportunities, service
from coop.onward.forms import HelpForm, InterestForm, LeavingForm, RecordForm, ReferenceForm
from coop.onward.models import INTEREST_STATUSES, OpportunityInterest
from coop.timeutil import today_london, utcnow
from coop.web import ActionForm, client_ip, csv_response, day_arg, pdf_response, refusals

bp = Blueprint("onward", __name__)
Page = str | WResponse | tuple[str, int]


def _verify_url(code: str = "") -> str:
    return str(current_app.config["BASE_URL"] + url_for("onward.verify", code=code or None))


# --- work records ---------------------------------------------------------------------------------


@bp.route("/my/record", methods=["GET", "POST"])
@roles("member")
def my_record() -> Page:
    member = current_member()
    facts = service.facts(db.session, member)
    names = service.coop_names(db.session)
    form = RecordForm()
    form.sections.choices = [(s.key, s.title) for s in facts if s.lines]
    form.name_as.choices = [
        ("neutral", _("%(name)s (a neutral name)", name=names["neutral"])),
        ("full", _("%(name)s (the co-op's full name)", name=names["full"])),
    ]
    if request.method == "GET":
        form.sections.data = [k for k, _ in form.sections.choices if k != "reference"]
        form.name_as.data = "neutral"
    if form.validate_on_submit():
        with refusals(form) as done:
            rec = service.make_record(
                db.session, member, set(form.sections.data or []), name_as=form.name_as.data or ""
            )
        if done.ok:
            flash(_("Your record is ready. Its code is %(code)s.", code=rec.code), "success")
            return redirect(url_for("onward.record", record_id=rec.id))
    return render_template(
        "onward/my_record.html",
        form=form,
        facts=facts,
        records=service.my_records(db.session, member),
        references=service.references(db.session, member),
        now=utcnow(),
        action=ActionForm(),
    )


@bp.route("/my/records/<int:record_id>")
@roles("member")
def record(record_id: int) -> Page:
    rec = service.my_record(db.session, current_member(), record_id)
    return render_template(
        "onward/record.html",
        rec=rec,
        sections=service.sections_of(rec),
        verify_url=_verify_url(rec.code),
        now=utcnow(),
        action=ActionForm(),
    )


@bp.route("/my/records/<int:record_id>.txt")
@roles("member")
def record_text(record_id: int) -> Page:
    rec = service.my_record(db.session, current_member(), record_id)
    return Response(
        service.as_text(rec, _verify_url(rec.code)),
        mimetype="text/plain",
        headers={"Content-Disposition": f"attachment; filename=work-record-{rec.code}.txt"},
    )


@bp.route("/my/records/<int:record_id>.pdf")
@roles("member")
def record_pdf(record_id: int) -> Page:
    rec = service.my_record(db.session, current_member(), record_id)
    html = render_template(
        "onward/record_pdf.html", rec=rec, sections=service.sections_of(rec), verify_url=_verify_url(rec.code)
    )
    return pdf_response(html_to_pdf(html), f"work-record-{rec.code}.pdf")


@bp.route("/my/records/<int:record_id>/withdraw", methods=["POST"])
@roles("member")
def withdraw(record_id: int) -> Page:
    if ActionForm().validate_on_submit():
        service.withdraw(db.session, current_member(), record_id)
        flash(_("Withdrawn. Anyone who opens its link now sees only that it was withdrawn."), "success")
    return redirect(url_for("onward.my_record"))


@bp.route("/my/references/<int:reference_id>/<choice>", methods=["POST"])
@roles("member")
def decide_reference(reference_id: int, choice: str) -> Page:
    if choice in ("approve", "decline") and ActionForm().validate_on_submit():
        with refusals() as done:
            service.decide_reference(db.session, current_member(), reference_id, approve=choice == "approve")
        if done.ok:
            flash(
                _("Approved: you can now include it in a record.")
                if choice == "approve"
                else _("Declined: it will not appear anywhere."),
                "success",
            )
    return redirect(url_for("onward.my_record"))


@bp.route("/members/<int:member_id>/reference", methods=["GET", "POST"])
@roles("coordinator")
def write_reference(member_id: int) -> Page:
    member = get_member(db.session, member_id)
    form = ReferenceForm()
    if form.validate_on_submit():
        with refusals(form) as done:
            service.propose_reference(db.session, member.id, form.text.data or "", actor_id=current_user.id)
        if done.ok:
            flash(_("Sent to the member. It goes on their records only if they approve it."), "success")
            return redirect(url_for("members.edit_member", member_id=member.id))
    return render_template("onward/write_reference.html", form=form, member=member)


@bp.route("/verify")
@bp.route("/verify/<code>")
@public
@secret_link
def verify(code: str | None = None) -> Page:
    """What an employer sees: exactly what the member chose to share, and when it was made."""
    code = code or request.args.get("code", "").strip()
    if not code:
        return render_template("onward/verify.html", rec=None, problem=None, code="")
    ip = client_ip()
    if auth.is_throttled(db.session, "verify", "", ip, auth.GUESS_LIMITS):
        problem = _("Too many codes that do not match were tried from here. Wait 15 minutes and try again.")
        return render_template("onward/verify.html", rec=None, problem=problem, code=""), 429
    try:
        rec = service.verify(db.session, code[:64])
    except service.VerifyProblem as e:
        db.session.rollback()
        if e.state == "unknown":
            auth.note_attempt(db.session, "verify", "", ip)
        status = 404 if e.state == "unknown" else 410
        return render_template("onward/verify.html", rec=None, problem=e.message, code=code[:64]), status
    return render_template(
        "onward/verify.html", rec=rec, sections=service.sections_of(rec), problem=None, code=""
    )


# --- opportunities --------------------------------------------------------------------------------


@bp.route("/my/opportunities")
@roles("member")
def opportunities_page() -> Page:
    member = current_member()
    mine = opportunities.my_interests(db.session, member)
    listed = {i.entry_id for i in mine}
    forms = {i.id: InterestForm(formdata=None, status=i.status, note=i.note) for i in mine}
    return render_template(
        "onward/opportunities.html",
        mine=mine,
        forms=forms,
        help_form=HelpForm(formdata=None),
        entries=[e for e in directory.entries(db.session) if e.id not in listed],
        categories=CATEGORIES,
        statuses=INTEREST_STATUSES,
        action=ActionForm(),
        leaving_form=LeavingForm(reason=member.leaving_reason),
    )


@bp.route("/opportunities/<int:entry_id>/interested", methods=["POST"])
@roles("member")
def interested(entry_id: int) -> Page:
    if ActionForm().validate_on_submit():
        interest = opportunities.interested(db.session, current_member(), entry_id)
        flash(
            _("Added to your list: %(name)s. The coordinators have been told.", name=interest.entry.name),
            "success",
        )
    return redirect(url_for("onward.opportunities_page"))


@bp.route("/my/opportunities/<int:interest_id>", methods=["POST"])
@roles("member")
def update_interest(interest_id: int) -> Page:
    opportunities.get_mine(db.session, current_member(), interest_id)
    form = InterestForm()
    if form.validate_on_submit():
        with refusals() as done:
            opportunities.update(
                db.session,
                current_member(),
                interest_id,
                status=form.status.data or "",
                note=form.note.data or "",
            )
        if done.ok:
            flash(_("Saved."), "success")
    else:
        flash(_("Choose where you are with it."), "error")
    return redirect(url_for("onward.opportunities_page", _anchor=f"i-{interest_id}"))


@bp.route("/my/opportunities/<int:interest_id>/help", methods=["POST"])
@roles("member")
def ask_for_help(interest_id: int) -> Page:
    opportunities.get_mine(db.session, current_member(), interest_id)
    form = HelpForm()
    if form.validate_on_submit():
        with refusals() as done:
            opportunities.ask_for_help(db.session, current_member(), interest_id, form.body.data or "")
        if done.ok:
            flash(_("Sent. A coordinator will answer here, and email you when they do."), "success")
    else:
        flash(_("Write your message first."), "error")
    return redirect(url_for("onward.opportunities_page", _anchor=f"i-{interest_id}"))


@bp.route("/my/leaving", methods=["POST"])
@roles("member")
def leaving() -> Page:
    form = LeavingForm()
    if form.validate_on_submit():
        with refusals() as done:
            opportunities.say_why_leaving(db.session, current_member(), form.reason.data or "")
        if done.ok:
            flash(
                _("Thank you for telling us. Nothing else changes until you or a coordinator says so."),
                "success",
            )
    return redirect(url_for("onward.opportunities_page", _anchor="leaving"))


@bp.route("/opportunities/interest")
@roles("coordinator")
def interests() -> Page:
    rows = opportunities.all_interests(db.session)
    return render_template(
        "onward/interests.html",
        interests=rows,
        waiting={i.id for i in rows if opportunities.waiting_for_coordinator(i)},
        form=HelpForm(formdata=None),
        statuses=INTEREST_STATUSES,
        reasons=LEAVING_REASONS,
    )


@bp.route("/opportunities/interest/<int:interest_id>/reply", methods=["POST"])
@roles("coordinator")
def reply(interest_id: int) -> Page:
    if db.session.get(OpportunityInterest, interest_id) is None:
        raise NotFound(_("No such conversation."))
    form = HelpForm()
    if form.validate_on_submit():
        with refusals() as done:
            opportunities.reply(db.session, interest_id, form.body.data or "", actor_id=current_user.id)
        if done.ok:
            flash(_("Sent. The member has been emailed."), "success")
    else:
        flash(_("Write your message first."), "error")
    return redirect(url_for("onward.interests", _anchor=f"i-{interest_id}"))


# --- impact report ----------------------------------------------------------------------------------


def _period() -> tuple[impact.Report | None, str, str, str]:
    """The report for ?first=&last= (default: the last full quarter), or a message."""
    today = today_london()
    q_start = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    prev_end = q_start - timedelta(days=1)
    prev_start = prev_end.replace(month=(prev_end.month - 1) // 3 * 3 + 1, day=1)
    first_s, last_s = (
        request.args.get("first", prev_start.isoformat()),
        request.args.get("last", prev_end.isoformat()),
    )
    try:
        first, last = impact.check_period(day_arg(first_s), day_arg(last_s))
    except ValueError:
        return None, first_s, last_s, _("Enter both days as dates, like 2026-10-01.")
    except DomainError as e:
        return None, first_s, last_s, e.message
    return impact.report(db.session, first, last), first_s, last_s, ""


def _hours_chart(rep: impact.Report, title: str, value_label: str = "") -> Markup | None:
    """Hours this period beside the period before (only figures shown in both), or None."""
    rows = list(impact.chart_rows(rep))
    if not rows:
        return None
    return bar_chart(
        title,
        [r[0] for r in rows],
        [r[1] for r in rows],
        second=[r[2] for r in rows],
        value_label=value_label,
    )


def _impact_page(rep: impact.Report | None, first: str, last: str, problem: str) -> tuple[str, int]:
    chart = (
        _hours_chart(rep, _("Hours this period and the one before"), value_label=_("hours")) if rep else None
    )
    figs = (
        cover.by_business(
            db.session, last=rep.period.last, months=cover.months_in(rep.period.first, rep.period.last)
        )
        if rep
        else None
    )
    months = figs.coop if figs is not None else []
    per_business = (
        business_figures.figures(db.session, rep.period.first, rep.period.last, today_london())
        if rep is not None
        else []
    )
    html = render_template(
        "onward/impact.html",
        charts={
            "cover": (months, cover.chart(months) if months else None),
            "cover_businesses": figs.businesses if figs is not None and len(figs.businesses) > 1 else [],
        },
        rep=rep,
        per_business=per_business if len(per_business) > 2 else [],
        first=first,
        last=last,
        problem=problem,
        chart=chart,
        fewer=impact.fewer(),
    )
    return html, 200 if rep is not None else 400


@bp.route("/impact")
@roles("coordinator")
def impact_page() -> Page:
    return _impact_page(*_period())


@bp.route("/impact.csv")
@roles("coordinator")
def impact_csv() -> Page:
    rep, first, last, problem = _period()
    if rep is None:
        return _impact_page(rep, first, last, problem)
    return csv_response(impact.as_csv(rep), f"impact-{rep.period.first}-{rep.period.last}.csv")


@bp.route("/impact.pdf")
@roles("coordinator")
def impact_pdf() -> Page:
    rep, first, last, problem = _period()
    if rep is None:
        return _impact_page(rep, first, last, problem)
    chart = _hours_chart(rep, _("Hours"))
    html = render_template(
        "onward/impact_pdf.html", rep=rep, fewer=impact.fewer(), chart=for_print(chart) if chart else None
    )
    return pdf_response(html_to_pdf(html), f"impact-{rep.period.first}-{rep.period.last}.pdf")
