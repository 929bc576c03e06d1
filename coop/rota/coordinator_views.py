"""Coordinators' rota pages: the week, the week grid (and its PDF), unfilled shifts, filling a
place and auto-fill. Routes of the rota blueprint (coop.rota.views.bp)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Response, abort, flash, redirect, render_template, request, url_for
from markupsafe import escape

from coop.access import roles
from coop.auth.signed_in import BusinessScope, business_scope
from coop.bookings import service as bookings
from coop.documents import html_to_pdf
from coop.errors import DomainError
from coop.extensions import db
from coop.i18n import gettext as _
from coop.i18n import ngettext
from coop.rota import grid, offers
from coop.rota import service as rota
from coop.rota.autofill import Proposal
from coop.rota.forms import ConfirmActionForm, FillForm
from coop.rota.views import Page, back_target, bp
from coop.timeutil import format_date, today_london, week_start
from coop.web import day_arg, db_id, db_ids, pdf_response, refusals


@bp.route("/rota")
@roles("coordinator")
def week() -> Page:
    """One day of a week in detail, a page of its shifts at a time (?week= any day of it, default
    today; ?show=open: only shifts with a free place; ?page=), or the week by member (?view=member,
    a page of members at a time), or a printable day (?print=1, the whole day)."""
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
    scope = business_scope()
    printing = bool(request.args.get("print"))
    # A page of the day's shifts (paper takes the whole day); ?show=open: only those with a gap.
    rota_day = rota.rota_day(
        db.session,
        day,
        scope.ids,
        open_only=request.args.get("show") == "open",
        page=request.args.get("page", 1, type=db_id) or 1,
        per_page=None if printing else rota.DAY_PAGE,
    )
    template = "rota/print.html" if printing else "rota/week.html"
    return render_template(template, rota=rota_day, scope=scope, **nav)


def _grid_args() -> tuple[date, grid.GridFilter, int, BusinessScope]:
    try:
        day = day_arg(request.args.get("week", "")) if request.args.get("week") else today_london()
    except ValueError:
        day = today_london()
    scope = business_scope()
    f = grid.GridFilter(
        business_ids=tuple(scope.ids) if scope.ids is not None else None,
        search=request.args.get("q", "")[:80],
        service_id=request.args.get("service", type=db_id),
        skill_id=request.args.get("skill", type=db_id),
        area=request.args.get("area", "")[:80],
    )
    return week_start(day), f, request.args.get("page", 1, type=db_id) or 1, scope


NAME_HOLE = "@@name@@"


@bp.route("/rota/grid")
@roles("coordinator")
def week_grid() -> Page:
    """The week as a grid: members down the side, days across (?print=1 for paper)."""

    monday, f, page, scope = _grid_args()
    printing = bool(request.args.get("print"))
    # On screen the first few unfilled places a day, with a link to the rest; paper has them all.
    data = grid.week_grid(db.session, monday, f, page=page, shown=None if printing else grid.UNFILLED_SHOWN)
    template = "rota/grid_print.html" if printing else "rota/grid.html"
    day_names = [format_date(d, "EEEE") for d in data.days]
    services, skills = grid.filter_choices(db.session)
    labels = [escape(format_date(d, "EEE d MMM")) for d in data.days]
    return render_template(
        template,
        grid=data,
        day_labels=labels,
        # Each day's index and label, escaped once: 175 cells a page carry one.
        day_index=list(enumerate(labels)),
        day_names=day_names,
        # The hidden words of each cell's "Offer a shift" link, made once a day with a stand-in
        # for the member's name (the template puts in each, escaped): 175 cells a page.
        offer_to=[_("to %(name)s on %(day)s", name=NAME_HOLE, day=n) for n in day_names],
        f=f,
        prev=monday - timedelta(days=7),
        next=monday + timedelta(days=7),
        services=services,
        skills=skills,
        scope=scope,
    )


@bp.route("/rota/grid/offer/<int:member_id>")
@roles("coordinator")
def grid_offer_choices(member_id: int) -> Page:
    """A cell of the grid: the places that member could take that day (?week=, ?day= 0 to 6, and
    the grid's filters), each with an "Offer" button; works without JavaScript."""
    monday, f, page, scope = _grid_args()
    index = request.args.get("day", 0, type=int)
    day = monday + timedelta(days=index if 0 <= index <= 6 else 0)
    choices = grid.offer_choices(db.session, member_id, day, f)
    if choices is None:
        abort(404)
    back = url_for(
        "rota.week_grid",
        week=monday.isoformat(),
        q=f.search or None,
        service=f.service_id,
        skill=f.skill_id,
        area=f.area or None,
        business=scope.arg or None,
        page=page if page > 1 else None,
    )
    return render_template("rota/grid_offer.html", choices=choices, back=back, form=ConfirmActionForm())


@bp.route("/rota/grid.pdf")
@roles("coordinator")
def week_grid_pdf() -> Response:
    """The week grid on landscape A4."""
    monday, f, page, _scope = _grid_args()
    data = grid.week_grid(db.session, monday, f, page=page, shown=None)
    html = render_template("rota/grid_print.html", grid=data, f=f, pdf=True)
    return pdf_response(html_to_pdf(html, base_url=request.host_url), f"rota-{monday}.pdf")


@bp.route("/rota/grid/offer", methods=["POST"])
@roles("coordinator")
def grid_offer() -> Page:

    if ConfirmActionForm().validate_on_submit():
        with refusals() as done:
            try:
                member_id = db_id(request.form.get("member_id", ""))
                shift_id = db_id(request.form.get("shift_id", ""))
            except ValueError:
                raise DomainError(_("Choose a shift to offer.")) from None
            offers.offer_one(db.session, member_id, shift_id)
        if done.ok:
            flash(_("Offered. They can say yes or no on their home page; saying no is fine."), "success")
    return redirect(back_target("rota.week_grid"))


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
        with refusals() as done:
            rota.ask(db.session, form.member_id.data or 0, shift_id)
        if done.ok:
            flash(
                _(
                    "Asked. The place is kept for them until they say yes or no (on their My shifts "
                    "page); it is theirs only when they say yes.",
                ),
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
        flash(_("Enter dates like 2026-12-01."), "error")
        first, last = today, today + timedelta(days=13)
    chosen = db_ids(request.values.getlist("service"))
    if request.method == "POST":
        if not ConfirmActionForm().validate_on_submit():
            abort(400)
        if last < first or (last - first).days > 62:
            flash(_("Choose up to two months, with the last day after the first."), "error")
        else:
            result = offers.plan(db.session, first, last, service_ids=chosen)
    return render_template(
        "rota/autofill.html",
        first=first,
        last=last,
        services=services,
        chosen=chosen,
        plan=result,
        form=ConfirmActionForm(),
    )


@bp.route("/rota/autofill/send", methods=["POST"])
@roles("coordinator")
def queue_offers() -> Page:

    if not ConfirmActionForm().validate_on_submit():
        abort(400)
    proposals = []
    for pair in request.form.getlist("proposal"):
        ids = db_ids(pair.split(":"))
        if len(ids) == 2:
            proposals.append(Proposal(ids[0], ids[1]))
    count = offers.queue_offers(db.session, proposals)
    flash(
        ngettext(
            "%(num)s offer sent. Members can say yes or no on their home page.",
            "%(num)s offers sent. Members can say yes or no on their home page.",
            count,
        ),
        "success",
    )
    return redirect(url_for("rota.week"))
