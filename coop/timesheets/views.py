"""Members record hours; coordinators approve (one or many) or query them; clients may confirm."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from coop.access import roles
from coop.auth.signed_in import current_client, current_member
from coop.bookings import service as bookings
from coop.bookings.changes import notes_for_shifts
from coop.errors import NotFound
from coop.extensions import db
from coop.i18n import gettext as _
from coop.rota.models import Assignment
from coop.text import plural
from coop.timesheets import service, taps
from coop.timesheets.forms import BulkForm, ConfirmWorkForm, QueryForm, TimesheetForm
from coop.timesheets.models import TimesheetStatus
from coop.timeutil import format_time, to_london
from coop.web import ActionForm, day_arg, db_id, db_ids, refusals

bp = Blueprint("timesheets", __name__)
Page = str | Response


def _prefill(form: TimesheetForm, start: object, end: object, break_minutes: int = 0) -> None:

    assert isinstance(start, datetime) and isinstance(end, datetime)
    s, e = to_london(start), to_london(end)
    form.day.data, form.start_time.data, form.end_time.data = s.date(), s.time(), e.time()
    form.break_minutes.data = break_minutes


def _hours(form: TimesheetForm, known: tuple[datetime, datetime]) -> service.Hours:
    assert form.day.data and form.start_time.data and form.end_time.data
    return service.hours_from_local(
        form.day.data,
        form.start_time.data,
        form.end_time.data,
        form.break_minutes.data or 0,
        form.note.data or "",
        near=known,
    )


@bp.route("/timesheets")
@roles("member")
def mine() -> Page:
    member = current_member()
    return render_template(
        "timesheets/mine.html",
        due=service.due_for(db.session, member),
        entries=service.entries_for(db.session, member),
    )


def _record(assignment: Assignment, *, member_id: int | None, after: str) -> Page:
    entry = service.entry_for_assignment(db.session, assignment.id)
    form = TimesheetForm()
    if member_id is None:  # only the member can say their hours are right over their limit
        del form.over_limit_confirmed
    # what is known of the hours: those saved, else the times tapped on the day, else the shift's
    known = taps.prefill(db.session, assignment) if entry is None else (entry.actual_start, entry.actual_end)
    if request.method == "GET":
        _prefill(form, *known, entry.break_minutes if entry is not None else 0)
        if entry is not None:
            form.note.data = entry.member_note
    if form.validate_on_submit():
        with refusals(form) as done:
            saved = service.submit(
                db.session,
                assignment.id,
                _hours(form, known),
                actor_id=current_user.id,
                member_id=member_id,
                over_limit_confirmed=member_id is not None and bool(form.over_limit_confirmed.data),
            )
        if done.ok:
            flash(
                _(
                    "Hours sent for approval. They look different from the shift's times, so a "
                    "coordinator will check them."
                )
                if saved.flagged
                else _("Hours sent for approval."),
                "success",
            )
            return redirect(url_for(after))
    return render_template("timesheets/record.html", form=form, assignment=assignment, entry=entry)


@bp.route("/timesheets/record/<int:assignment_id>", methods=["GET", "POST"])
@roles("member")
def record(assignment_id: int) -> Page:
    member = current_member()
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.member_id != member.id:
        raise NotFound("No such shift of yours.")
    return _record(assignment, member_id=member.id, after="timesheets.mine")


# Where a tap returns to: the page it was made on.
_BACK = {"home": "home.dashboard", "mine": "rota.my_shifts"}


@bp.route("/assignments/<int:assignment_id>/arrived", methods=["POST"])
@roles("member")
def arrived(assignment_id: int) -> Page:
    return _tap(assignment_id, "arrived")


@bp.route("/assignments/<int:assignment_id>/finished", methods=["POST"])
@roles("member")
def finished(assignment_id: int) -> Page:
    return _tap(assignment_id, "finished")


def _tap(assignment_id: int, which: str) -> Page:
    """'I've arrived' / 'I've finished': the minute is kept for the hours form. After finishing,
    the form opens with the times filled in, to check and send."""
    member = current_member()
    back = _BACK.get(request.form.get("back", ""), "rota.my_shifts")
    if not ActionForm().validate_on_submit():
        abort(400)
    with refusals() as done:
        moment = taps.tap(db.session, member.id, assignment_id, which)
    if not done.ok:
        return redirect(url_for(back))
    at = format_time(moment)
    if which == "arrived":
        flash(_("Noted: you arrived at %(time)s. Tap 'I've finished' when you leave.", time=at), "success")
        return redirect(url_for(back))
    flash(
        _(
            "Noted: you finished at %(time)s. Check your hours below, change anything, then send them.",
            time=at,
        ),
        "success",
    )
    return redirect(url_for("timesheets.record", assignment_id=assignment_id))


@bp.route("/timesheets/review")
@roles("coordinator")
def review() -> Page:
    try:
        week = day_arg(request.args.get("week", "")) if request.args.get("week") else None
    except ValueError:
        week = None
    service_id = request.args.get("service", type=db_id)
    entries = service.waiting(db.session, week_of=week, service_id=service_id)
    queried = service.waiting(db.session, status=TimesheetStatus.QUERIED)
    return render_template(
        "timesheets/review.html",
        entries=entries,
        queried=queried,
        visit_notes=notes_for_shifts(db.session, [e.assignment.shift_id for e in [*entries, *queried]]),
        missing=service.coordinator_due(db.session),
        services=bookings.list_services(db.session),
        week=week,
        service_id=service_id,
        form=BulkForm(),
    )


@bp.route("/timesheets/approve", methods=["POST"])
@roles("coordinator")
def approve() -> Page:
    if not BulkForm().validate_on_submit():
        abort(400)
    ids = db_ids(request.form.getlist("entry"))
    if not ids:
        flash(_("Tick at least one timesheet to approve."), "error")
    else:
        count = service.approve(db.session, ids, actor_id=current_user.id)
        approved = plural(count, "timesheet", "timesheets")
        flash(
            _("Approved %(timesheets)s.", timesheets=approved)
            if count == len(ids)
            else _(
                "Approved %(timesheets)s. Some were not: they were approved already, or their hours "
                "take the member over their own limit and have gone back to the member to check.",
                timesheets=approved,
            ),
            "success",
        )
    args: dict[str, Any] = request.args.to_dict()
    return redirect(url_for("timesheets.review", **args))


@bp.route("/timesheets/<int:entry_id>/query", methods=["GET", "POST"])
@roles("coordinator")
def query(entry_id: int) -> Page:
    entry = service.get_entry(db.session, entry_id)
    form = QueryForm()
    if form.validate_on_submit():
        with refusals(form) as done:
            service.query(db.session, entry_id, form.comment.data or "", actor_id=current_user.id)
        if done.ok:
            flash(_("Question sent to the member."), "success")
            return redirect(url_for("timesheets.review"))
    return render_template("timesheets/query.html", form=form, entry=entry)


@bp.route("/timesheets/enter/<int:assignment_id>", methods=["GET", "POST"])
@roles("coordinator")
def enter_for_member(assignment_id: int) -> Page:
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None:
        raise NotFound("No such shift.")
    return _record(assignment, member_id=None, after="timesheets.review")


@bp.route("/my/visits")
@roles("client")
def client_visits() -> Page:
    client = current_client()
    entries = service.to_confirm_for_client(db.session, client.id)
    return render_template(
        "timesheets/client.html",
        client=client,
        entries=entries,
        form=ConfirmWorkForm(),
        notes=notes_for_shifts(db.session, [e.assignment.shift_id for e in entries]),
    )


@bp.route("/my/visits/<int:entry_id>/confirm", methods=["POST"])
@roles("client")
def client_confirm(entry_id: int) -> Page:
    client = current_client()
    if ConfirmWorkForm().validate_on_submit():
        service.client_confirm(db.session, client.id, entry_id)
        flash(_("Thank you for confirming."), "success")
    return redirect(url_for("timesheets.client_visits"))
