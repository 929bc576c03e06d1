"""Routes of the enquiries blueprint for following enquiries up: the coordinators' queue, one
enquiry with its notes, and what can be done with it (give, note, invite, point, close)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from coop.access import roles
from coop.directory import service as directory
from coop.enquiries import followup, service
from coop.enquiries.forms import AssignForm, CloseForm, InviteForm, NoteForm, PointForm
from coop.enquiries.models import CHANNELS, SOURCES, STATUSES
from coop.enquiries.views import bp
from coop.extensions import db
from coop.i18n import gettext as _
from coop.members import service as members
from coop.members.views import invite_link
from coop.timeutil import today_london
from coop.web import refusals

Page = str | Response


@bp.route("/enquiries")
@roles("coordinator")
def queue() -> Page:
    today = today_london()
    ended = request.args.get("ended") == "1"
    return render_template(
        "enquiries/queue.html",
        rows=followup.queue(db.session, today, ended=ended),
        ended=ended,
        today=today,
        sources=SOURCES,
        statuses=STATUSES,
        channels=CHANNELS,
    )


def _forms(enquiry_id: int) -> dict[str, object]:
    enquiry = service.get_enquiry(db.session, enquiry_id, current_user, today_london())
    assign = AssignForm(prefix="assign", user_id=enquiry.assigned_to_id)
    assign.user_id.choices = followup.helpers(db.session)
    invite = InviteForm(prefix="invite", display_name=enquiry.name, email=enquiry.email)
    invite.skills.choices = [(s.id, s.name) for s in members.list_skills(db.session)]
    point = PointForm(prefix="point")
    point.entry_id.choices = [(e.id, e.name) for e in directory.entries(db.session)]
    return {
        "enquiry": enquiry,
        "note_form": NoteForm(prefix="note"),
        "assign_form": assign,
        "invite_form": invite,
        "point_form": point,
        "close_form": CloseForm(prefix="close"),
    }


def _show(forms: dict[str, object], status: int = 200) -> tuple[str, int]:
    enquiry = forms["enquiry"]
    return render_template(
        "enquiries/detail.html",
        coordinator=current_user.has_role("coordinator"),
        sources=SOURCES,
        statuses=STATUSES,
        channels=CHANNELS,
        contact_by=followup.contact_by(db.session, enquiry),  # type: ignore[arg-type]
        **forms,
    ), status


@bp.route("/enquiries/<int:enquiry_id>")
@roles("member", "coordinator")
def detail(enquiry_id: int) -> Page | tuple[str, int]:
    return _show(_forms(enquiry_id))


def _after(enquiry_id: int, done: str) -> Response:
    flash(done, "success")
    return redirect(url_for("enquiries.detail", enquiry_id=enquiry_id))


@bp.route("/enquiries/<int:enquiry_id>/note", methods=["POST"])
@roles("member", "coordinator")
def note(enquiry_id: int) -> Page | tuple[str, int]:
    forms = _forms(enquiry_id)
    form: NoteForm = forms["note_form"]  # type: ignore[assignment]
    if form.validate_on_submit():
        with refusals(form) as done:
            followup.add_note(
                db.session,
                enquiry_id,
                form.body.data or "",
                contacted=bool(form.contacted.data),
                actor=current_user,
                today=today_london(),
            )
        if done.ok:
            return _after(enquiry_id, _("Note added."))
    return _show(forms, 400)


@bp.route("/enquiries/<int:enquiry_id>/assign", methods=["POST"])
@roles("coordinator")
def assign(enquiry_id: int) -> Page | tuple[str, int]:
    forms = _forms(enquiry_id)
    form: AssignForm = forms["assign_form"]  # type: ignore[assignment]
    if form.validate_on_submit():
        with refusals(form) as done:
            followup.assign(db.session, enquiry_id, form.user_id.data or 0, actor_id=current_user.id)
        if done.ok:
            return _after(enquiry_id, _("Given to them to follow up."))
    return _show(forms, 400)


@bp.route("/enquiries/<int:enquiry_id>/invite", methods=["POST"])
@roles("coordinator")
def invite(enquiry_id: int) -> Page | tuple[str, int]:
    forms = _forms(enquiry_id)
    form: InviteForm = forms["invite_form"]  # type: ignore[assignment]
    if form.validate_on_submit():
        with refusals(form) as done:
            member = followup.invite(
                db.session,
                enquiry_id,
                email=form.email.data or "",
                display_name=form.display_name.data or "",
                skill_ids=form.skills.data or [],
                invite_link=invite_link,
                actor_id=current_user.id,
            )
        if done.ok:
            return _after(enquiry_id, _("Invitation sent to %(email)s.", email=member.user.email))
    return _show(forms, 400)


@bp.route("/enquiries/<int:enquiry_id>/point", methods=["POST"])
@roles("coordinator")
def point(enquiry_id: int) -> Page | tuple[str, int]:
    forms = _forms(enquiry_id)
    form: PointForm = forms["point_form"]  # type: ignore[assignment]
    if form.validate_on_submit():
        with refusals(form) as done:
            followup.point(
                db.session,
                enquiry_id,
                form.entry_id.data or 0,
                form.note.data or "",
                actor_id=current_user.id,
            )
        if done.ok:
            return _after(enquiry_id, _("Saved: pointed to an opportunity."))
    return _show(forms, 400)


@bp.route("/enquiries/<int:enquiry_id>/close", methods=["POST"])
@roles("coordinator")
def close(enquiry_id: int) -> Page | tuple[str, int]:
    forms = _forms(enquiry_id)
    form: CloseForm = forms["close_form"]  # type: ignore[assignment]
    if form.validate_on_submit():
        with refusals(form) as done:
            followup.close(db.session, enquiry_id, form.note.data or "", actor_id=current_user.id)
        if done.ok:
            return _after(enquiry_id, _("Closed."))
    return _show(forms, 400)
