"""Members' open shifts, their own shifts, swaps, availability and calendar; coordinators' rota."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WResponse

from coop.access import public, roles
from coop.bookings import calendar
from coop.bookings import service as bookings
from coop.caps import service as caps
from coop.caps.service import CapWarning
from coop.documents import html_to_pdf
from coop.errors import DomainError
from coop.extensions import db
from coop.members import service as members
from coop.money import pounds_field
from coop.rota import grid, offers
from coop.rota import service as rota
from coop.rota.autofill import Proposal
from coop.rota.forms import ActionForm, FillForm, PreferencesForm, TimeOffForm
from coop.settings import service as settings
from coop.timeutil import today_london, utcnow, week_start
from coop.web import FIRST_DAY, LAST_DAY, current_member, day_arg, db_id, db_ids, form_error, pdf_response

bp = Blueprint("rota", __name__)
Page = str | WResponse


def _back(default: str) -> str:
    target = request.form.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else url_for(default)


OPEN_PAGE = 25  # open shifts per page: the soonest first, then "Later shifts"


def _moment(value: str) -> datetime:
    """A UTC moment from the query string (as written by the "Later shifts" link)."""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None or not FIRST_DAY <= moment.date() <= LAST_DAY:
        raise ValueError(value)
    return moment


@bp.route("/shifts/open")
@roles("member")
def open_shifts() -> Page:
    member = current_member()
    weekday = request.args.get("day", type=int)
    filters = rota.ShiftFilter(
        service_id=request.args.get("service", type=db_id),
        weekday=weekday if weekday is not None and 0 <= weekday <= 6 else None,
        area=request.args.get("area", "").strip()[:80],
    )
    prefs = rota.preferences(db.session, member)
    after = request.args.get("after", type=_moment)
    items = rota.open_shifts_for(
        db.session, member, filters=filters, prefs=prefs, after=after, limit=OPEN_PAGE + 1
    )
    return render_template(
        "rota/open.html",
        member=member,
        taper=settings.get(db.session, "uc_taper_bp"),
        items=items[:OPEN_PAGE],
        more=items[OPEN_PAGE].shift.starts_at.isoformat() if len(items) > OPEN_PAGE else None,
        after=after,
        filters=filters,
        services=bookings.list_services(db.session, active_only=True),
        prefs=prefs,
        form=ActionForm(),
    )


def _chosen_rate(text: str) -> int | None:
    """An involvement member's own lower rate from the open shifts page, in pence an hour."""
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 7:
        raise DomainError("Choose one of the amounts shown.")
    return int(text)


@bp.route("/shifts/<int:shift_id>/claim", methods=["POST"])
@roles("member")
def claim(shift_id: int) -> Page:
    member = current_member()
    form = ActionForm()
    if form.validate_on_submit():
        rate = request.form.get("rate", "")
        try:
            rota.claim(
                db.session,
                member.id,
                shift_id,
                accept_cap_warning=form.confirm.data == "yes",
                chosen_pay=_chosen_rate(rate),
            )
        except CapWarning as w:
            db.session.rollback()
            return render_template(
                "rota/confirm_over_limit.html",
                message=w.message,
                url=url_for("rota.claim", shift_id=shift_id),
                back=url_for("rota.open_shifts"),
                extra={"rate": rate} if rate else {},
            )
        except DomainError as e:
            db.session.rollback()
            flash(e.message, "error")
        else:
            flash("It's yours. The shift is on your list and in your calendar.", "success")
            return redirect(url_for("rota.my_shifts"))
    return redirect(url_for("rota.open_shifts"))


@bp.route("/shifts/mine")
@roles("member")
def my_shifts() -> Page:
    member = current_member()
    planner = caps.Planner.for_member(db.session, member)
    swaps = [(o, planner.fit(o.assignment.shift)) for o in rota.open_swaps_for(db.session, member)]
    asked = [(a, planner.fit(a.shift)) for a in rota.asked_of(db.session, member)]
    assignments = rota.my_shifts(db.session, member)
    exchanges = [(o, planner.fit(o.assignment.shift)) for o in rota.exchanges_for(db.session, member)]
    return render_template(
        "rota/mine.html",
        exchanges=exchanges,
        taper=settings.get(db.session, "uc_taper_bp"),
        asked=asked,
        assignments=assignments,
        pay={a.id: planner.fit(a.shift, a.chosen_pay_pence_per_hour).pay_pence for a in assignments},
        headroom={a.id: planner.headroom(a.shift) for a in assignments},
        keep={
            a.id: planner.uc_keep(
                a.shift, planner.fit(a.shift, a.chosen_pay_pence_per_hour).pay_pence, held=True
            )
            for a in assignments
        },
        offers=rota.my_open_swap_offers(db.session, member),
        swaps=swaps,
        form=ActionForm(),
        now=utcnow(),
    )


@bp.route("/assignments/<int:assignment_id>/answer", methods=["POST"])
@roles("member")
def answer(assignment_id: int) -> Page:
    """Yes or no to a place a coordinator asked this member about."""
    member = current_member()
    form = ActionForm()
    if form.validate_on_submit():
        yes = request.form.get("answer") == "yes"
        try:
            rota.answer(
                db.session, member.id, assignment_id, yes=yes, accept_cap_warning=form.confirm.data == "yes"
            )
        except CapWarning as w:
            db.session.rollback()
            return render_template(
                "rota/confirm_over_limit.html",
                message=w.message,
                url=url_for("rota.answer", assignment_id=assignment_id),
                back=url_for("rota.my_shifts"),
                extra={"answer": "yes"},
            )
        except DomainError as e:
            db.session.rollback()
            flash(e.message, "error")
        else:
            flash("It's yours. Thank you." if yes else "No problem. Saying no is always fine.", "success")
    return redirect(url_for("rota.my_shifts"))


@bp.route("/assignments/<int:assignment_id>/drop", methods=["GET", "POST"])
@roles("member")
def drop(assignment_id: int) -> Page:
    """Letting a shift go: first a page that says what happens next, then the drop itself."""
    member = current_member()
    if request.method == "GET":
        assignment = rota.my_assignment(db.session, member.id, assignment_id)
        return render_template(
            "rota/drop.html",
            assignment=assignment,
            soon=rota.drop_is_late(db.session, assignment.shift),
            form=ActionForm(),
        )
    if ActionForm().validate_on_submit():
        try:
            result = rota.drop(db.session, member.id, assignment_id)
        except DomainError as e:
            db.session.rollback()
            flash(e.message, "error")
        else:
            flash(
                "Done. The shift is open for someone else."
                + (
                    " As it is soon, we have asked the coordinators to find cover. That's fine."
                    if result.late
                    else ""
                ),
                "success",
            )
    return redirect(url_for("rota.my_shifts"))


@bp.route("/assignments/<int:assignment_id>/swap", methods=["POST"])
@roles("member")
def offer_swap(assignment_id: int) -> Page:
    member = current_member()
    if ActionForm().validate_on_submit():
        try:
            rota.offer_swap(db.session, member.id, assignment_id)
        except DomainError as e:
            db.session.rollback()
            flash(e.message, "error")
        else:
            flash("Your shift is offered to other members. It stays yours until someone takes it.", "success")
    return redirect(url_for("rota.my_shifts"))


@bp.route("/assignments/<int:assignment_id>/exchange", methods=["GET", "POST"])
@roles("member")
def exchange(assignment_id: int) -> Page:
    """Offer one of your shifts in exchange for one of another member's (they decide)."""
    member = current_member()
    assignment = rota.my_assignment(db.session, member.id, assignment_id)
    if request.method == "POST" and ActionForm().validate_on_submit():
        try:
            wanted = db_id(request.form.get("wanted_assignment_id", ""))
            rota.propose_exchange(db.session, member.id, assignment_id, wanted)
        except ValueError:
            flash("Choose one of the shifts listed.", "error")
        except DomainError as e:
            db.session.rollback()
            flash(e.message, "error")
        else:
            flash("Swap offered. They will say yes or no; until then your shift stays yours.", "success")
            return redirect(url_for("rota.my_shifts"))
    return render_template(
        "rota/exchange.html",
        assignment=assignment,
        candidates=rota.exchange_candidates(db.session, member, assignment),
        form=ActionForm(),
    )


@bp.route("/swaps/<int:offer_id>/answer", methods=["POST"])
@roles("member")
def answer_exchange(offer_id: int) -> Page:
    member = current_member()
    form = ActionForm()
    if form.validate_on_submit():
        yes = request.form.get("answer") == "yes"
        try:
            rota.answer_exchange(
                db.session, member.id, offer_id, yes=yes, accept_cap_warning=form.confirm.data == "yes"
            )
        except CapWarning as w:
            db.session.rollback()
            return render_template(
                "rota/confirm_over_limit.html",
                heading="Check before you swap",
                message=w.message,
                url=url_for("rota.answer_exchange", offer_id=offer_id),
                back=url_for("rota.my_shifts"),
                extra={"answer": "yes"},
            )
        except DomainError as e:
            db.session.rollback()
            flash(e.message, "error")
        else:
            flash(
                "Swapped: both shifts have changed hands."
                if yes
                else "No problem. Saying no is always fine.",
                "success",
            )
    return redirect(url_for("rota.my_shifts"))


@bp.route("/swaps/<int:offer_id>/withdraw", methods=["POST"])
@roles("member")
def withdraw_swap(offer_id: int) -> Page:
    member = current_member()
    if ActionForm().validate_on_submit():
        try:
            rota.withdraw_swap(db.session, member.id, offer_id)
        except DomainError as e:
            db.session.rollback()
            flash(e.message, "error")
        else:
            flash("Offer withdrawn. The shift is still yours.", "success")
    return redirect(url_for("rota.my_shifts"))


@bp.route("/swaps/<int:offer_id>/accept", methods=["POST"])
@roles("member")
def accept_swap(offer_id: int) -> Page:
    member = current_member()
    form = ActionForm()
    if form.validate_on_submit():
        try:
            rota.accept_swap(db.session, member.id, offer_id, accept_cap_warning=form.confirm.data == "yes")
        except CapWarning as w:
            db.session.rollback()
            return render_template(
                "rota/confirm_over_limit.html",
                message=w.message,
                url=url_for("rota.accept_swap", offer_id=offer_id),
                back=url_for("rota.my_shifts"),
            )
        except DomainError as e:
            db.session.rollback()
            flash(e.message, "error")
        else:
            flash("You have taken over the shift.", "success")
    return redirect(url_for("rota.my_shifts"))


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
            raise DomainError("Choose times from the lists.", field="windows") from None

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
        end = "24:00" if w.end_time == rota.END_OF_DAY else w.end_time.strftime("%H:%M")
        out[w.weekday].append((w.start_time.strftime("%H:%M"), end))
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
        try:
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
        except DomainError as e:
            db.session.rollback()
            if e.field == "windows":
                picker["error"] = e.message
            else:
                form_error(form, e)
        else:
            flash("Saved.", "success")
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
        action=ActionForm(),
    )


@bp.route("/availability/time-off", methods=["POST"])
@roles("member")
def add_time_off() -> Page:
    member = current_member()
    form = TimeOffForm()
    if form.validate_on_submit():
        assert form.first_day.data and form.last_day.data
        try:
            rota.add_time_off(
                db.session,
                member,
                form.first_day.data,
                form.last_day.data,
                form.note.data or "",
                today=today_london(),
            )
        except DomainError as e:
            db.session.rollback()
            flash(e.message, "error")
        else:
            flash("Time off added. You will not be offered shifts then.", "success")
    else:
        flash("Enter the first and last day.", "error")
    return redirect(url_for("rota.availability"))


@bp.route("/availability/time-off/<int:time_off_id>/delete", methods=["POST"])
@roles("member")
def remove_time_off(time_off_id: int) -> Page:
    member = current_member()
    if ActionForm().validate_on_submit():
        rota.remove_time_off(db.session, member, time_off_id)
        flash("Time off removed.", "success")
    return redirect(url_for("rota.availability"))


@bp.route("/calendar", methods=["GET", "POST"])
@roles("member")
def my_calendar() -> Page:
    member = current_member()
    form = ActionForm()
    if form.validate_on_submit():
        had_one = rota.feed_for(db.session, member) is not None
        rota.regenerate_feed(db.session, member)
        flash(
            "Your calendar has a new address. The old one no longer works."
            if had_one
            else "Your calendar address is ready.",
            "success",
        )
        return redirect(url_for("rota.my_calendar"))
    feed = rota.feed_for(db.session, member)
    url = current_app.config["BASE_URL"] + url_for("rota.member_feed", token=feed.token) if feed else ""
    return render_template("rota/calendar.html", url=url, form=form)


@bp.route("/calendar/member/<token>.ics")
@public
def member_feed(token: str) -> Response:
    member = rota.member_by_feed_token(db.session, token)
    body = calendar.build(f"{member.first_name}'s shifts", rota.feed_shifts(db.session, member))
    return Response(body, mimetype="text/calendar", headers={"Cache-Control": "no-store"})


# --- coordinators ------------------------------------------------------------------------------


@bp.route("/rota")
@roles("coordinator")
def week() -> Page:
    """One day of a week in detail (?week= any day of it, default today), or the week by member
    (?view=member, a page of members at a time), or a printable day (?print=1)."""
    try:
        day = day_arg(request.args.get("week", ""))
    except ValueError:
        day = today_london()
    monday = week_start(day)
    nav = {"prev": monday - timedelta(days=7), "next": monday + timedelta(days=7)}
    if request.args.get("view") == "member":
        page = request.args.get("page", 1, type=db_id)
        people, more = rota.rota_by_member(db.session, monday, page=page)
        return render_template(
            "rota/by_member.html", monday=monday, people=people, page=page, more=more, **nav
        )
    rota_day = rota.rota_day(db.session, day)
    template = "rota/print.html" if request.args.get("print") else "rota/week.html"
    return render_template(template, rota=rota_day, **nav)


def _grid_args() -> tuple[date, grid.GridFilter, int]:
    try:
        day = day_arg(request.args.get("week", "")) if request.args.get("week") else today_london()
    except ValueError:
        day = today_london()
    f = grid.GridFilter(
        search=request.args.get("q", "")[:80],
        service_id=request.args.get("service", type=db_id),
        skill_id=request.args.get("skill", type=db_id),
        area=request.args.get("area", "")[:80],
    )
    return week_start(day), f, request.args.get("page", 1, type=db_id) or 1


@bp.route("/rota/grid")
@roles("coordinator")
def week_grid() -> Page:
    """The week as a grid: members down the side, days across (?print=1 for paper)."""

    monday, f, page = _grid_args()
    data = grid.week_grid(db.session, monday, f, page=page)
    template = "rota/grid_print.html" if request.args.get("print") else "rota/grid.html"
    return render_template(
        template,
        grid=data,
        f=f,
        prev=monday - timedelta(days=7),
        next=monday + timedelta(days=7),
        services=bookings.list_services(db.session),
        skills=members.list_skills(db.session),
        form=ActionForm(),
    )


@bp.route("/rota/grid.pdf")
@roles("coordinator")
def week_grid_pdf() -> Response:
    """The week grid on landscape A4."""
    monday, f, page = _grid_args()
    data = grid.week_grid(db.session, monday, f, page=page)
    html = render_template("rota/grid_print.html", grid=data, f=f, pdf=True)
    return pdf_response(html_to_pdf(html, base_url=request.host_url), f"rota-{monday}.pdf")


@bp.route("/rota/grid/offer", methods=["POST"])
@roles("coordinator")
def grid_offer() -> Page:

    if ActionForm().validate_on_submit():
        try:
            offers.offer_one(
                db.session, db_id(request.form.get("member_id", "")), db_id(request.form.get("shift_id", ""))
            )
        except ValueError:
            flash("Choose a shift to offer.", "error")
        except DomainError as e:
            db.session.rollback()
            flash(e.message, "error")
        else:
            flash("Offered. They can say yes or no on their home page; saying no is fine.", "success")
    return redirect(_back("rota.week_grid"))


@bp.route("/rota/unfilled")
@roles("coordinator")
def unfilled() -> Page:
    return render_template("rota/unfilled.html", shifts=rota.unfilled_shifts(db.session))


@bp.route("/shifts/<int:shift_id>/fill", methods=["GET", "POST"])
@roles("coordinator")
def fill(shift_id: int) -> Page:
    shift = bookings.get_shift(db.session, shift_id)
    form = FillForm()
    if form.validate_on_submit():
        try:
            rota.assign(db.session, form.member_id.data or 0, shift_id)
        except DomainError as e:
            db.session.rollback()
            flash(e.message, "error")
        else:
            flash(
                "Asked. The place is kept for them until they say yes or no (on their My shifts "
                "page); it is theirs only when they say yes.",
                "success",
            )
        return redirect(url_for("rota.fill", shift_id=shift_id))
    return render_template(
        "rota/fill.html",
        shift=shift,
        candidates=rota.candidates_for(db.session, shift),
        holders=rota.holders_of(db.session, [shift.id]).get(shift.id, []),
        asked=rota.holders_of(db.session, [shift.id], asked=True).get(shift.id, []),
    )


@bp.route("/assignments/<int:assignment_id>/pay-choice", methods=["POST"])
@roles("member")
def pay_choice(assignment_id: int) -> Page:
    """Involvement work: take the full rate, less, or nothing (nobody is left worse off)."""

    member = current_member()
    form = ActionForm()
    if form.validate_on_submit():
        choice = request.form.get("choice", "full")
        try:
            if choice == "full":
                amount = None
            elif choice == "none":
                amount = 0
            else:
                amount = pounds_field(request.form.get("amount", ""), "amount")
            rota.set_pay_choice(
                db.session, member.id, assignment_id, amount, accept_cap_warning=form.confirm.data == "yes"
            )
        except CapWarning as w:
            db.session.rollback()
            return render_template(
                "rota/confirm_over_limit.html",
                message=w.message,
                url=url_for("rota.pay_choice", assignment_id=assignment_id),
                back=url_for("rota.my_shifts"),
                extra={"choice": choice, "amount": request.form.get("amount", "")},
            )
        except DomainError as e:
            db.session.rollback()
            flash(e.message, "error")
        else:
            flash(
                "Saved. This is your choice, and you can change it until your hours are approved.", "success"
            )
    return redirect(url_for("rota.my_shifts"))


# --- auto-fill and offers --------------------------------------------------------------------------


@bp.route("/rota/autofill", methods=["GET", "POST"])
@roles("coordinator")
def autofill() -> Page:
    """Choose dates (and services), see the proposals, then send them as offers."""

    today = today_london()
    services = bookings.list_services(db.session, active_only=True)
    result = None
    try:
        first = day_arg(request.values.get("from", "")) if request.values.get("from") else today
        last = day_arg(request.values.get("to", "")) if request.values.get("to") else today + timedelta(13)
    except ValueError:
        flash("Enter dates like 2026-12-01.", "error")
        first, last = today, today + timedelta(days=13)
    chosen = db_ids(request.values.getlist("service"))
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        if last < first or (last - first).days > 62:
            flash("Choose up to two months, with the last day after the first.", "error")
        else:
            result = offers.plan(db.session, first, last, service_ids=chosen)
    return render_template(
        "rota/autofill.html",
        first=first,
        last=last,
        services=services,
        chosen=chosen,
        plan=result,
        form=ActionForm(),
    )


@bp.route("/rota/autofill/send", methods=["POST"])
@roles("coordinator")
def send_offers() -> Page:

    if not ActionForm().validate_on_submit():
        abort(400)
    proposals = []
    for pair in request.form.getlist("proposal"):
        ids = db_ids(pair.split(":"))
        if len(ids) == 2:
            proposals.append(Proposal(ids[0], ids[1]))
    count = offers.send_offers(db.session, proposals)
    flash(f"{count} offer(s) sent. Members can say yes or no on their home page.", "success")
    return redirect(url_for("rota.week"))


@bp.route("/offers/<int:offer_id>/accept", methods=["POST"])
@roles("member")
def accept_offer(offer_id: int) -> Page:

    member = current_member()
    form = ActionForm()
    if form.validate_on_submit():
        try:
            offers.accept(db.session, member.id, offer_id, accept_cap_warning=form.confirm.data == "yes")
        except CapWarning as w:
            db.session.rollback()
            return render_template(
                "rota/confirm_over_limit.html",
                message=w.message,
                url=url_for("rota.accept_offer", offer_id=offer_id),
                back=url_for("home.dashboard"),
            )
        except DomainError as e:
            db.session.rollback()
            flash(e.message, "error")
        else:
            flash("It's yours. Thank you.", "success")
    return redirect(url_for("home.dashboard"))


@bp.route("/offers/<int:offer_id>/decline", methods=["POST"])
@roles("member")
def decline_offer(offer_id: int) -> Page:

    member = current_member()
    if ActionForm().validate_on_submit():
        try:
            offers.decline(db.session, member.id, offer_id)
        except DomainError as e:
            db.session.rollback()
            flash(e.message, "error")
        else:
            flash("No problem. Saying no is always fine.", "success")
    return redirect(url_for("home.dashboard"))
