"""Clients ask to change a visit and say how one went; coordinators answer the requests."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from coop.access import roles
from coop.auth.signed_in import current_client
from coop.bookings import changes
from coop.bookings.forms import AnswerChangeForm, DeclineChangeForm, VisitChangeForm, VisitNoteForm
from coop.bookings.models import ShiftStatus
from coop.extensions import db
from coop.i18n import gettext as _
from coop.rota.service import DoesNotFit
from coop.timeutil import utcnow
from coop.web import form_error, refusals

bp = Blueprint("visit_changes", __name__)
Page = str | Response


@bp.route("/my/visits/<int:shift_id>/change", methods=["GET", "POST"])
@roles("client")
def ask(shift_id: int) -> Page:
    client = current_client()
    shift = changes.client_shift(db.session, client.id, shift_id)
    now = changes.current(shift)
    form = VisitChangeForm(data=None)
    if request.method == "GET":
        form.day.data, form.start_time.data, form.end_time.data = now.day, now.start_time, now.end_time
        form.slots.data, form.notes.data = now.slots, now.notes
    if form.validate_on_submit():
        assert form.day.data and form.start_time.data and form.end_time.data
        wanted = changes.Wanted(
            form.day.data,
            form.start_time.data,
            form.end_time.data,
            form.slots.data or 0,
            form.notes.data or "",
        )
        with refusals(form) as done:
            changes.ask_change(db.session, client.id, shift_id, wanted, actor_id=current_user.id)
        if done.ok:
            flash(_("Your request is sent. We will email you when a coordinator has answered."), "success")
            return redirect(url_for("bookings.client_booking", booking_id=shift.booking_id))
    return render_template(
        "clients/change_visit.html",
        form=form,
        shift=shift,
        waiting=changes.latest_for_shifts(db.session, [shift.id]).get(shift.id),
        started=shift.starts_at <= utcnow() or shift.status != ShiftStatus.SCHEDULED,
    )


@bp.route("/my/visits/<int:shift_id>/note", methods=["GET", "POST"])
@roles("client")
def note(shift_id: int) -> Page:
    client = current_client()
    shift = changes.client_shift(db.session, client.id, shift_id)
    existing = changes.notes_for_shifts(db.session, [shift.id]).get(shift.id)
    form = VisitNoteForm(note=existing.note if existing else None)
    if form.validate_on_submit():
        with refusals(form) as done:
            changes.note_visit(
                db.session, client.id, shift_id, form.note.data or "", actor_id=current_user.id
            )
        if done.ok:
            flash(_("Thank you. The coordinators will read it."), "success")
            return redirect(url_for("bookings.client_bookings"))
    return render_template("clients/visit_note.html", form=form, shift=shift, existing=existing)


@bp.route("/bookings/changes")
@roles("coordinator")
def queue() -> Page:
    return _queue_page()


def _queue_page(problem_id: int | None = None, **forms: object) -> str:
    """The requests waiting; the one with `problem_id` shows the form that came back with errors."""
    reqs = changes.pending(db.session)
    return render_template(
        "bookings/changes.html",
        requests=reqs,
        current={r.id: changes.current(r.shift) for r in reqs},
        answer_form=AnswerChangeForm(formdata=None),
        decline_form=DeclineChangeForm(formdata=None),
        problem_id=problem_id,
        **forms,
    )


@bp.route("/bookings/changes/<int:request_id>/accept", methods=["POST"])
@roles("coordinator")
def accept(request_id: int) -> Page:
    form = AnswerChangeForm()
    if form.validate_on_submit():
        with refusals(show=False) as done:
            changes.accept(
                db.session, request_id, actor_id=current_user.id, ask_members=bool(form.ask_members.data)
            )
        if isinstance(done.error, DoesNotFit):
            form_error(form, done.error)
            return _queue_page(answer_form_for=form, problem_id=request_id)
        if done.error:
            flash(done.error.message, "error")
        else:
            flash(_("Changed. The client has been told, and so have the members on the visit."), "success")
    return redirect(url_for("visit_changes.queue"))


@bp.route("/bookings/changes/<int:request_id>/decline", methods=["POST"])
@roles("coordinator")
def decline(request_id: int) -> Page:
    form = DeclineChangeForm()
    if form.validate_on_submit():
        with refusals(show=False) as done:
            changes.decline(db.session, request_id, form.reason.data or "", actor_id=current_user.id)
        if done.error and done.error.field == "reason":
            form_error(form, done.error)
            return _queue_page(decline_form_for=form, problem_id=request_id)
        if done.error:
            flash(done.error.message, "error")
        else:
            flash(_("Declined. The client has been told why."), "success")
        return redirect(url_for("visit_changes.queue"))
    return _queue_page(decline_form_for=form, problem_id=request_id)
