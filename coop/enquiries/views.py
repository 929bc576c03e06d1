"""Enquiries: the public "Interested in working with us?" form and its forget-me link, posters
and leaflets, the helpline's "Record a call", and the coordinators' follow-up queue."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from coop.access import public, roles, secret_link
from coop.auth import service as auth
from coop.auth.models import AttemptKind
from coop.documents import html_to_pdf
from coop.enquiries import service
from coop.enquiries.forms import CallForm, EnquiryForm
from coop.enquiries.reach import qr_data_uri
from coop.extensions import db
from coop.i18n import N_
from coop.i18n import gettext as _
from coop.settings import service as settings
from coop.settings.keys import K
from coop.timeutil import today_london
from coop.web import ActionForm, client_ip, pdf_response, refusals

bp = Blueprint("enquiries", __name__)
Page = str | Response | tuple[str, int]


def forget_link(token: str) -> str:
    return str(current_app.config["BASE_URL"] + url_for("enquiries.forget", token=token))


def _data(form: EnquiryForm) -> service.EnquiryData:
    return service.EnquiryData(
        name=form.name.data or "",
        email=form.email.data or "",
        phone=form.phone.data or "",
        good_time=form.good_time.data or "",
        work_interests=form.work_interests.data or "",
        would_help=form.would_help.data or "",
        heard_from=form.heard_from.data or "",
        consent=bool(form.consent.data),
    )


def _facts() -> dict[str, object]:
    return {
        "coop_name": settings.get(db.session, K.COOP_NAME),
        "phone": settings.get(db.session, K.HELPLINE_PHONE),
        "months": settings.get(db.session, K.ENQUIRY_KEEP_MONTHS),
        "days": settings.get(db.session, K.ENQUIRY_CONTACT_DAYS),
    }


@bp.route("/interested", methods=["GET", "POST"])
@public
def interested() -> Page:
    form = EnquiryForm()
    status = 200
    if form.validate_on_submit():
        with refusals(form) as done:
            service.receive(
                db.session,
                _data(form),
                ip=client_ip(),
                link_for=forget_link,
                honeypot=form.website.data or "",
            )
        if done.ok:
            return redirect(url_for("enquiries.thanks"))
        if isinstance(done.error, service.TooMany):
            status = 429
    return render_template("enquiries/interested.html", form=form, **_facts()), status


@bp.route("/interested/thanks")
@public
def thanks() -> str:
    return render_template("enquiries/thanks.html", **_facts())


@bp.route("/interested/forget/<token>", methods=["GET", "POST"])
@public
@secret_link
def forget(token: str) -> Page:
    ip = client_ip()
    if auth.is_throttled(db.session, AttemptKind.LINK, "", ip, auth.GUESS_LIMITS):
        return render_template("enquiries/forget.html", problem=_(_TOO_MANY_LINKS), form=None), 429
    form = ActionForm()
    try:
        enquiry = service.by_link(db.session, token)
    except service.LinkProblem as e:
        db.session.rollback()
        auth.note_attempt(db.session, AttemptKind.LINK, "", ip)
        return render_template("enquiries/forget.html", problem=e.message, form=None), 404
    if form.validate_on_submit():
        with refusals(show=False) as done:
            service.forget(db.session, token)
        if done.error:
            return render_template("enquiries/forget.html", problem=done.error.message, form=None), 404
        return render_template("enquiries/forget.html", done=True, form=None)
    return render_template("enquiries/forget.html", form=form, name=enquiry.name)


_TOO_MANY_LINKS = N_("Too many links that do not work were tried from here. Wait 15 minutes and try again.")


def _poster(size: str) -> Response:
    url = current_app.config["BASE_URL"] + url_for("enquiries.interested")
    html = render_template(
        "enquiries/poster_pdf.html",
        size=size,
        qr=qr_data_uri(url),
        short_address=settings.get(db.session, K.SHORT_WEB_ADDRESS),
        **_facts(),
    )
    return pdf_response(html_to_pdf(html, public=True), f"interested-{size.lower()}.pdf")


@bp.route("/interested/poster.pdf")
@public
def poster() -> Response:
    return _poster("A4")


@bp.route("/interested/leaflet.pdf")
@public
def leaflet() -> Response:
    return _poster("A6")


# --- the helpline ----------------------------------------------------------------------------


@bp.route("/helpline", methods=["GET", "POST"])
@roles("member", "coordinator")
def helpline() -> Page:
    today = today_london()
    allowed = service.may_take_calls(db.session, current_user, today)
    form = CallForm()
    if allowed and form.validate_on_submit():
        with refusals(form) as done:
            enquiry = service.record_call(
                db.session,
                _data(form),
                form.said.data or "",
                actor_id=current_user.id,
                today=today,
                link_for=forget_link,
            )
        if done.ok:
            flash(_("Call saved: %(name)s.", name=enquiry.name), "success")
            return redirect(url_for("enquiries.helpline"))
    elif request.method == "POST" and not allowed:
        flash(_("You can record calls on a day you hold a helpline shift."), "error")
    return render_template(
        "enquiries/helpline.html",
        form=form,
        allowed=allowed,
        coordinator=current_user.has_role("coordinator"),
        mine=service.mine(db.session, current_user) if allowed else [],
    )
