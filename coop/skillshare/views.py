"""Skill sharing sessions: offer, sign up or wait, give a place up, mark attendance, pay."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from coop.access import roles
from coop.auth.signed_in import current_member
from coop.bookings import service as bookings
from coop.extensions import db
from coop.i18n import gettext as _
from coop.members.service import member_for_user
from coop.skillshare import service
from coop.skillshare.forms import AttendanceForm, PayTeachingForm, SessionForm
from coop.skillshare.models import SignUpStatus
from coop.timeutil import local_span_to_utc, utcnow
from coop.web import ActionForm, db_ids, refusals

bp = Blueprint("skillshare", __name__)
Page = str | Response


@bp.route("/learning")
@roles("member", "coordinator")
def index() -> Page:
    return render_template("skillshare/index.html", sessions=service.upcoming(db.session))


@bp.route("/learning/new", methods=["GET", "POST"])
@roles("member")
def new() -> Page:
    member = current_member()
    form = SessionForm()
    form.skill_id.choices = [(s.id, s.name) for s in member.skills]
    if form.validate_on_submit():
        assert form.day.data and form.start_time.data and form.end_time.data
        starts, ends = local_span_to_utc(form.day.data, form.start_time.data, form.end_time.data)
        data = service.SessionData(
            form.skill_id.data or 0,
            form.title.data or "",
            form.description.data or "",
            form.place.data or "",
            starts,
            ends,
            form.capacity.data or 0,
        )
        with refusals(form) as done:
            s = service.offer_session(db.session, member, data)
        if done.ok:
            flash(_("Thank you for sharing your skill. Members can now sign up."), "success")
            return redirect(url_for("skillshare.detail", session_id=s.id))
    return render_template("skillshare/new.html", form=form, has_skills=bool(member.skills))


@bp.route("/learning/<int:session_id>", methods=["GET", "POST"])
@roles("member", "coordinator")
def detail(session_id: int) -> Page:
    s = service.get_session(db.session, session_id)
    member = member_for_user(db.session, current_user.id)
    attendance = AttendanceForm()
    if request.method == "POST" and member is not None and attendance.validate_on_submit():
        ids = db_ids(request.form.getlist("attended"))
        with refusals() as done:
            n = service.mark_attendance(
                db.session, member, session_id, ids, add_skill=bool(attendance.add_skill.data)
            )
        if done.ok:
            flash(_("Saved: %(num)s came.", num=n), "success")
        return redirect(url_for("skillshare.detail", session_id=session_id))
    pay_form = None
    if current_user.has_role("coordinator") and s.paid_shift_id is None:
        pay_form = PayTeachingForm()
        pay_form.service_id.choices = [
            (v.id, v.name) for v in bookings.list_services(db.session, active_only=True)
        ]
        pay_form.client_id.choices = [(c.id, c.name) for c in bookings.list_clients(db.session)]
    return render_template(
        "skillshare/detail.html",
        s=s,
        signups=service.sign_ups(db.session, session_id),
        mine=service.my_sign_up(db.session, member, session_id) if member else None,
        is_teacher=member is not None and member.id == s.teacher_id,
        started=s.starts_at <= utcnow(),
        attendance=attendance,
        action=ActionForm(),
        pay_form=pay_form,
    )


@bp.route("/learning/<int:session_id>/sign-up", methods=["POST"])
@roles("member")
def sign_up(session_id: int) -> Page:
    member = current_member()
    if ActionForm().validate_on_submit():
        with refusals() as done:
            result = service.sign_up(db.session, member, session_id)
        if done.ok:
            flash(
                _("You have a place.")
                if result.status == SignUpStatus.BOOKED
                else _(
                    "It is full, so you are on the waiting list. We will email you if a place comes free."
                ),
                "success",
            )
    return redirect(url_for("skillshare.detail", session_id=session_id))


@bp.route("/learning/<int:session_id>/cancel", methods=["POST"])
@roles("member")
def cancel(session_id: int) -> Page:
    member = current_member()
    if ActionForm().validate_on_submit():
        service.cancel_sign_up(db.session, member, session_id)
        flash(_("Done. Your place has gone to someone else, if anyone was waiting."), "success")
    return redirect(url_for("skillshare.detail", session_id=session_id))


@bp.route("/learning/<int:session_id>/pay", methods=["POST"])
@roles("coordinator")
def pay(session_id: int) -> Page:
    form = PayTeachingForm()
    form.service_id.choices = [(v.id, v.name) for v in bookings.list_services(db.session, active_only=True)]
    form.client_id.choices = [(c.id, c.name) for c in bookings.list_clients(db.session)]
    if form.validate_on_submit():
        with refusals() as done:
            service.pay_teaching(
                db.session,
                session_id,
                service_id=form.service_id.data or 0,
                client_id=form.client_id.data or 0,
                actor_id=current_user.id,
            )
        if done.ok:
            flash(
                _(
                    "The teaching time is booked as paid work, and the teacher has been asked to take it "
                    "(it is theirs when they say yes on My shifts)."
                ),
                "success",
            )
    return redirect(url_for("skillshare.detail", session_id=session_id))
