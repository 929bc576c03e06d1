"""Members' pages for when they can work (availability, time off) and their calendar feed. Routes
of the rota blueprint (coop.rota.views.bp)."""

from __future__ import annotations

from datetime import time
from typing import Any

from flask import Response, current_app, flash, redirect, render_template, request, url_for

from coop.access import public, roles, secret_link
from coop.auth.signed_in import current_member
from coop.bookings import calendar
from coop.errors import DomainError
from coop.extensions import db
from coop.i18n import gettext as _
from coop.rota import service as rota
from coop.rota.forms import ConfirmActionForm, PreferencesForm, TimeOffForm
from coop.rota.views import Page, bp
from coop.timeutil import today_london
from coop.web import form_error, refusals


def _picker_choices(form: Any) -> tuple[bool, list[rota.DayChoice]]:
    """(any time?, each weekday's choice) from the availability picker's fields."""

    def at(name: str) -> time | None:
        value = form.get(name, "")
        if not value:
            return None
        if value == "24:00":
            return rota.END_OF_DAY
        try:
            return time.fromisoformat(value)
        except ValueError:
            raise DomainError(_("Choose times from the lists."), field="windows") from None

    days = [
        rota.DayChoice(
            free=bool(form.get(f"day-{d}")),
            all_day=bool(form.get(f"allday-{d}")),
            windows=tuple((at(f"from-{d}-{k}"), at(f"to-{d}-{k}")) for k in range(rota.WINDOWS_A_DAY)),
        )
        for d in range(7)
    ]
    return form.get("when", "any") != "chosen", days


def _picker_state(windows: list[Any]) -> dict[int, list[tuple[str, str]]]:
    """The member's saved windows, by weekday, as the picker shows them."""
    out: dict[int, list[tuple[str, str]]] = {d: [] for d in range(7)}
    for w in windows:
        end = "24:00" if w.end_time == rota.END_OF_DAY else w.end_time.isoformat("minutes")
        out[w.weekday].append((w.start_time.isoformat("minutes"), end))
    return out


@bp.route("/availability", methods=["GET", "POST"])
@roles("member")
def availability() -> Page:
    member = current_member()
    prefs = rota.preferences(db.session, member)
    form = PreferencesForm(obj=prefs)
    saved = rota.weekly_pattern(db.session, member)
    picker = {"any": not saved, "days": _picker_state(saved), "error": ""}
    if request.method == "GET":
        form.reminder_hour.data = "" if prefs.reminder_hour is None else str(prefs.reminder_hour)
    if form.validate_on_submit():
        with refusals(show=False) as done:
            any_time, days = _picker_choices(request.form)
            windows = [] if any_time else rota.pattern_from_picker(days)
            rota.save_preferences(
                db.session,
                member,
                preferred_hours_week=form.preferred_hours_week.data,
                show_open_when_paused=bool(form.show_open_when_paused.data),
                daily_digest=bool(form.daily_digest.data),
                reminder_hour=int(form.reminder_hour.data) if form.reminder_hour.data else None,
            )
            rota.set_weekly_pattern(db.session, member, windows)
        if done.error and done.error.field == "windows":
            picker["error"] = done.error.message
        elif done.error:
            form_error(form, done.error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("rota.availability"))
    return render_template(
        "rota/availability.html",
        form=form,
        picker=picker,
        weekdays=rota.WEEKDAYS,
        slots=rota.WINDOWS_A_DAY,
        times=[f"{h:02d}:{m:02d}" for h in range(24) for m in (0, 30)] + ["24:00"],
        time_off_form=TimeOffForm(),
        time_off=rota.time_off(db.session, member, today=today_london()),
        action=ConfirmActionForm(),
    )


@bp.route("/availability/time-off", methods=["POST"])
@roles("member")
def add_time_off() -> Page:
    member = current_member()
    form = TimeOffForm()
    if form.validate_on_submit():
        assert form.first_day.data and form.last_day.data
        with refusals() as done:
            rota.add_time_off(
                db.session,
                member,
                form.first_day.data,
                form.last_day.data,
                form.note.data or "",
                today=today_london(),
            )
        if done.ok:
            flash(_("Time off added. You will not be offered shifts then."), "success")
    else:
        flash(_("Enter the first and last day."), "error")
    return redirect(url_for("rota.availability"))


@bp.route("/availability/time-off/<int:time_off_id>/delete", methods=["POST"])
@roles("member")
def remove_time_off(time_off_id: int) -> Page:
    member = current_member()
    if ConfirmActionForm().validate_on_submit():
        rota.remove_time_off(db.session, member, time_off_id)
        flash(_("Time off removed."), "success")
    return redirect(url_for("rota.availability"))


@bp.route("/calendar", methods=["GET", "POST"])
@roles("member")
def my_calendar() -> Page:
    member = current_member()
    form = ConfirmActionForm()
    if form.validate_on_submit():
        # Shown on this one answer (never stored: the page is no-store), as only a digest is kept.
        had_one = rota.feed_for(db.session, member) is not None
        token = rota.regenerate_feed(db.session, member)
        url = current_app.config["BASE_URL"] + url_for("rota.member_feed", token=token)
        return render_template("rota/calendar.html", url=url, replaced=had_one, has_feed=True, form=form)
    has_feed = rota.feed_for(db.session, member) is not None
    return render_template("rota/calendar.html", url="", replaced=False, has_feed=has_feed, form=form)


@bp.route("/calendar/member/<token>.ics")
@public
@secret_link
def member_feed(token: str) -> Response:
    member = rota.member_by_feed_token(db.session, token)
    body = calendar.build(
        _("%(name)s's shifts", name=member.first_name), rota.feed_shifts(db.session, member)
    )
    return Response(body, mimetype="text/calendar", headers={"Cache-Control": "no-store"})
