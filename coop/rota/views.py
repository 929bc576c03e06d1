"""Members' open shifts, their own shifts, swaps, availability and calendar; coordinators' rota."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WResponse

from coop.access import roles
from coop.auth.signed_in import current_member
from coop.businesses import service as businesses
from coop.cover import service as cover
from coop.errors import DomainError
from coop.extensions import db
from coop.i18n import gettext as _
from coop.limits import service as limits
from coop.money import pounds_field
from coop.pay import rates
from coop.rota import mine, offers
from coop.rota import service as rota
from coop.rota.forms import ConfirmActionForm
from coop.settings import service as settings
from coop.settings.keys import K
from coop.timesheets import taps
from coop.timeutil import to_london, utcnow
from coop.web import FIRST_DAY, LAST_DAY, confirm_over_limit, db_id, refusals

bp = Blueprint("rota", __name__)
Page = str | WResponse


def back_target(default: str) -> str:
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
        business_id=request.args.get("business", type=db_id),
        weekday=weekday if weekday is not None and 0 <= weekday <= 6 else None,
        area=request.args.get("area", "").strip()[:80],
    )
    prefs = rota.preferences(db.session, member)
    after = request.args.get("after", type=_moment)
    items = rota.open_shifts_for(
        db.session, member, filters=filters, prefs=prefs, after=after, limit=OPEN_PAGE + 1
    )
    exchanges, offered = rota.swaps_waiting(db.session, member.id)
    services, business_list = rota.filter_choices(db.session)
    return render_template(
        "rota/open.html",
        member=member,
        exchanges=exchanges,
        offered=offered,
        taper=settings.get(db.session, K.UC_TAPER_BP),
        items=items[:OPEN_PAGE],
        more=items[OPEN_PAGE].shift.starts_at.isoformat() if len(items) > OPEN_PAGE else None,
        after=after,
        filters=filters,
        services=services,
        businesses=business_list,
        prefs=prefs,
    )


def _chosen_rate(text: str) -> int | None:
    """An involvement member's own lower rate from the open shifts page, in pence an hour."""
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 7:
        raise DomainError(_("Choose one of the amounts shown."))
    return int(text)


@bp.route("/shifts/<int:shift_id>/claim", methods=["POST"])
@roles("member")
def claim(shift_id: int) -> Page:
    member = current_member()
    form = ConfirmActionForm()
    if form.validate_on_submit():
        rate = request.form.get("rate", "")
        # Asked before the claim, in the read transaction the request already has (the claim
        # does not change it): after the claim's commit it would start another.
        in_calendar = rota.feed_for(db.session, member) is not None
        with refusals(over_limit=True) as done:
            rota.claim(
                db.session,
                member.id,
                shift_id,
                accept_limit_warning=form.confirm.data == "yes",
                chosen_pay=_chosen_rate(rate),
            )
        if done.over_limit:
            return confirm_over_limit(
                done.over_limit,
                url=url_for("rota.claim", shift_id=shift_id),
                back=url_for("rota.open_shifts"),
                extra={"rate": rate} if rate else {},
            )
        if done.ok:
            flash(
                _("It's yours. The shift is on your list and in your calendar.")
                if in_calendar
                else _("It's yours. The shift is on your list below."),
                "success",
            )
            return redirect(url_for("rota.my_shifts"))
    return redirect(url_for("rota.open_shifts"))


@bp.route("/shifts/mine")
@roles("member")
def my_shifts() -> Page:
    member = current_member()
    now = utcnow()
    planner = limits.Planner.for_member(db.session, member)
    assignments, asking = mine.my_places(db.session, member, now=now)
    swaps_shown = mine.my_swaps(db.session, member, now=now)
    open_swaps, exchanging = swaps_shown.others, swaps_shown.exchanges
    shown = [o.assignment.shift for o in open_swaps] + [o.assignment.shift for o in exchanging]
    shown += [a.shift for a in asking] + [a.shift for a in assignments]
    planner.load_days(to_london(s.starts_at).date() for s in shown)  # their periods in one go
    swaps = [(o, planner.fit(o.assignment.shift)) for o in open_swaps]
    asked = [(a, planner.fit(a.shift)) for a in asking]
    exchanges = [(o, planner.fit(o.assignment.shift)) for o in exchanging]
    # What is coming first (soonest at the top); the last fortnight's shifts after, newest first.
    coming = [a for a in assignments if a.shift.ends_at > now]
    past = [a for a in reversed(assignments) if a.shift.ends_at <= now]
    return render_template(
        "rota/mine.html",
        cover_offers=cover.open_offers_for(db.session, member),
        exchanges=exchanges,
        taper=settings.get(db.session, K.UC_TAPER_BP),
        asked=asked,
        coming=coming,
        past=past,
        pay={a.id: planner.fit(a.shift, a.chosen_pay_pence_per_hour).pay_pence for a in assignments},
        headroom={a.id: planner.headroom(a.shift) for a in assignments},
        lowest={
            a.id: rates.rules_on(db.session, to_london(a.shift.starts_at).date()).statutory_pence
            for a in assignments
            if a.shift.service.involvement
        },
        keep={
            a.id: planner.uc_keep(
                a.shift, planner.fit(a.shift, a.chosen_pay_pence_per_hour).pay_pence, held=True
            )
            for a in assignments
        },
        offers=swaps_shown.mine,
        show_business=len(businesses.list_businesses(db.session)) > 1,
        swaps=swaps,
        form=ConfirmActionForm(),
        taps=taps.taps_for(db.session, assignments, now=now),
        now=now,
    )


@bp.route("/assignments/<int:assignment_id>/answer", methods=["POST"])
@roles("member")
def answer(assignment_id: int) -> Page:
    """Yes or no to a place a coordinator asked this member about."""
    member = current_member()
    form = ConfirmActionForm()
    if form.validate_on_submit():
        yes = request.form.get("answer") == "yes"
        with refusals(over_limit=True) as done:
            rota.answer(
                db.session, member.id, assignment_id, yes=yes, accept_limit_warning=form.confirm.data == "yes"
            )
        if done.over_limit:
            return confirm_over_limit(
                done.over_limit,
                url=url_for("rota.answer", assignment_id=assignment_id),
                back=url_for("rota.my_shifts"),
                extra={"answer": "yes"},
            )
        if done.ok:
            flash(
                _("It's yours. Thank you.") if yes else _("No problem. Saying no is always fine."), "success"
            )
    return redirect(url_for("rota.my_shifts"))


@bp.route("/assignments/<int:assignment_id>/swap", methods=["POST"])
@roles("member")
def offer_swap(assignment_id: int) -> Page:
    member = current_member()
    if ConfirmActionForm().validate_on_submit():
        with refusals() as done:
            rota.offer_swap(db.session, member.id, assignment_id)
        if done.ok:
            flash(
                _("Your shift is offered to other members. It stays yours until someone takes it."), "success"
            )
    return redirect(url_for("rota.my_shifts"))


@bp.route("/assignments/<int:assignment_id>/exchange", methods=["GET", "POST"])
@roles("member")
def exchange(assignment_id: int) -> Page:
    """Offer one of your shifts in exchange for one of another member's (they decide)."""
    member = current_member()
    assignment = rota.my_assignment(db.session, member.id, assignment_id)
    if request.method == "POST" and ConfirmActionForm().validate_on_submit():
        with refusals() as done:
            try:
                wanted = db_id(request.form.get("wanted_assignment_id", ""))
            except ValueError:
                raise DomainError(_("Choose one of the shifts listed.")) from None
            rota.propose_exchange(db.session, member.id, assignment_id, wanted)
        if done.ok:
            flash(_("Swap offered. They will say yes or no; until then your shift stays yours."), "success")
            return redirect(url_for("rota.my_shifts"))
    return render_template(
        "rota/exchange.html",
        assignment=assignment,
        candidates=rota.exchange_candidates(db.session, member, assignment),
        form=ConfirmActionForm(),
    )


@bp.route("/swaps/<int:offer_id>/answer", methods=["POST"])
@roles("member")
def answer_exchange(offer_id: int) -> Page:
    member = current_member()
    form = ConfirmActionForm()
    if form.validate_on_submit():
        yes = request.form.get("answer") == "yes"
        with refusals(over_limit=True) as done:
            rota.answer_exchange(
                db.session, member.id, offer_id, yes=yes, accept_limit_warning=form.confirm.data == "yes"
            )
        if done.over_limit:
            return confirm_over_limit(
                done.over_limit,
                heading=_("Check before you swap"),
                url=url_for("rota.answer_exchange", offer_id=offer_id),
                back=url_for("rota.my_shifts"),
                extra={"answer": "yes"},
            )
        if done.ok:
            flash(
                _("Swapped: both shifts have changed hands.")
                if yes
                else _("No problem. Saying no is always fine."),
                "success",
            )
    return redirect(url_for("rota.my_shifts"))


@bp.route("/swaps/<int:offer_id>/withdraw", methods=["POST"])
@roles("member")
def withdraw_swap(offer_id: int) -> Page:
    member = current_member()
    if ConfirmActionForm().validate_on_submit():
        with refusals() as done:
            rota.withdraw_swap(db.session, member.id, offer_id)
        if done.ok:
            flash(_("Offer withdrawn. The shift is still yours."), "success")
    return redirect(url_for("rota.my_shifts"))


@bp.route("/swaps/<int:offer_id>/accept", methods=["POST"])
@roles("member")
def accept_swap(offer_id: int) -> Page:
    member = current_member()
    form = ConfirmActionForm()
    if form.validate_on_submit():
        with refusals(over_limit=True) as done:
            rota.accept_swap(db.session, member.id, offer_id, accept_limit_warning=form.confirm.data == "yes")
        if done.over_limit:
            return confirm_over_limit(
                done.over_limit,
                url=url_for("rota.accept_swap", offer_id=offer_id),
                back=url_for("rota.my_shifts"),
            )
        if done.ok:
            flash(_("You have taken over the shift."), "success")
    return redirect(url_for("rota.my_shifts"))


# --- coordinators ------------------------------------------------------------------------------


@bp.route("/assignments/<int:assignment_id>/pay-choice", methods=["POST"])
@roles("member")
def pay_choice(assignment_id: int) -> Page:
    """Involvement work: take the full rate, less, or nothing (nobody is left worse off)."""

    member = current_member()
    form = ConfirmActionForm()
    if form.validate_on_submit():
        choice = request.form.get("choice", "full")
        with refusals(over_limit=True) as done:
            if choice == "full":
                amount = None
            elif choice == "none":
                amount = 0
            else:
                amount = pounds_field(request.form.get("amount", ""), "amount")
            rota.set_pay_choice(
                db.session, member.id, assignment_id, amount, accept_limit_warning=form.confirm.data == "yes"
            )
        if done.over_limit:
            return confirm_over_limit(
                done.over_limit,
                url=url_for("rota.pay_choice", assignment_id=assignment_id),
                back=url_for("rota.my_shifts"),
                extra={"choice": choice, "amount": request.form.get("amount", "")},
            )
        if done.ok:
            flash(
                _("Saved. This is your choice, and you can change it until your hours are approved."),
                "success",
            )
    return redirect(url_for("rota.my_shifts"))


# --- auto-fill and offers --------------------------------------------------------------------------


@bp.route("/offers/<int:offer_id>/accept", methods=["POST"])
@roles("member")
def accept_offer(offer_id: int) -> Page:

    member = current_member()
    form = ConfirmActionForm()
    if form.validate_on_submit():
        with refusals(over_limit=True) as done:
            offers.accept(db.session, member.id, offer_id, accept_limit_warning=form.confirm.data == "yes")
        if done.over_limit:
            return confirm_over_limit(
                done.over_limit,
                url=url_for("rota.accept_offer", offer_id=offer_id),
                back=url_for("home.dashboard"),
            )
        if done.ok:
            flash(_("It's yours. Thank you."), "success")
    return redirect(url_for("home.dashboard"))


@bp.route("/offers/<int:offer_id>/decline", methods=["POST"])
@roles("member")
def decline_offer(offer_id: int) -> Page:

    member = current_member()
    if ConfirmActionForm().validate_on_submit():
        with refusals() as done:
            offers.decline(db.session, member.id, offer_id)
        if done.ok:
            flash(_("No problem. Saying no is always fine."), "success")
    return redirect(url_for("home.dashboard"))
