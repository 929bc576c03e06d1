"""The client portal: their bookings and visits, asking for a service, cancelling (seeing the fee
first) and their calendar feed. Routes of the bookings blueprint (coop.bookings.views.bp)."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from coop.access import public, roles, secret_link
from coop.auth.signed_in import current_client
from coop.bookings import calendar, changes
from coop.bookings import service as bookings
from coop.bookings.forms import (
    BookingForm,
    CancelForm,
    FeedForm,
)
from coop.bookings.views import Page, booking_form_data, bp, cancel_and_report, feed_url, service_choices
from coop.errors import DomainError
from coop.extensions import db
from coop.i18n import gettext as _
from coop.rota.service import holders_of
from coop.settings import service as settings
from coop.settings.keys import K
from coop.timeutil import utcnow
from coop.web import ActionForm, db_id, refusals


@bp.route("/my/bookings")
@roles("client")
def client_bookings() -> Page:
    client = current_client()
    overview = bookings.client_overview(db.session, client.id)

    holders = holders_of(db.session, [s.id for s in overview.upcoming + overview.past])
    return render_template(
        "clients/portal.html",
        client=client,
        overview=overview,
        holders=holders,
        cancel_form=CancelForm(),
        notes=changes.notes_for_shifts(db.session, [s.id for s in overview.past]),
        vat_registered=settings.get(db.session, K.VAT_REGISTERED),
    )


@bp.route("/my/bookings/new", methods=["GET", "POST"])
@roles("client")
def client_request() -> Page:
    client = current_client()
    form = BookingForm()
    form.service_id.choices = service_choices()
    again = request.args.get("again", type=db_id)
    if request.method == "GET" and again:
        past = bookings.get_booking(db.session, again, client_id=client.id)
        form.service_id.data, form.site_address.data = past.service_id, past.site_address
        form.start_time.data, form.end_time.data = past.start_time, past.end_time
        form.workers.data, form.notes.data = past.workers, past.notes
    plan = None
    if form.validate_on_submit():
        with refusals(form) as done:
            data = booking_form_data(form)
            plan = bookings.plan_booking(db.session, data)
            if form.submit.data:
                bookings.request_booking(db.session, client, data, actor_id=current_user.id)
                flash(
                    _("Thank you. Your request has been sent; we will email you when it is confirmed."),
                    "success",
                )
                return redirect(url_for("bookings.client_bookings"))
        if not done.ok:
            plan = None
    return render_template("bookings/new.html", form=form, plan=plan, coordinator=False)


@bp.route("/my/bookings/<int:booking_id>")
@roles("client")
def client_booking(booking_id: int) -> Page:
    client = current_client()
    booking = bookings.get_booking(db.session, booking_id, client_id=client.id)

    return render_template(
        "clients/booking.html",
        booking=booking,
        now=utcnow(),
        cancel_form=CancelForm(),
        holders=holders_of(db.session, [s.id for s in booking.shifts]),
        terms=bookings.cancellation_terms(db.session),
        vat_registered=settings.get(db.session, K.VAT_REGISTERED),
        change_requests=changes.latest_for_shifts(db.session, [s.id for s in booking.shifts]),
        notes=changes.notes_for_shifts(db.session, [s.id for s in booking.shifts]),
    )


@bp.route("/my/bookings/<int:booking_id>/cancel", methods=["POST"])
@roles("client")
def client_cancel(booking_id: int) -> Page:
    client = current_client()
    booking = bookings.get_booking(db.session, booking_id, client_id=client.id)
    return cancel_and_report(booking, "bookings.client_booking", booking_id=booking_id)


@bp.route("/my/visits/<int:shift_id>/cancel", methods=["GET", "POST"])
@roles("client")
def client_cancel_visits(shift_id: int) -> Page:
    """Cancel one visit, or it and every later one, seeing the fee and why before confirming."""
    client = current_client()
    shift = bookings.get_shift(db.session, shift_id)
    booking = bookings.get_booking(db.session, shift.booking_id, client_id=client.id)
    scope = request.values.get("scope", "one")
    scope = scope if scope in ("one", "later") else "one"
    if request.method == "POST" and ActionForm().validate_on_submit():
        with refusals() as done:
            try:
                expected_fee = int(request.form.get("fee", "-1") or -1)
            except ValueError:
                raise DomainError(_("Please confirm again.")) from None
            fee = bookings.cancel_visits(
                db.session,
                booking.id,
                shift_id,
                scope=scope,
                actor_id=current_user.id,
                expected_fee_pence=expected_fee,
            )
        if done.ok:
            flash(
                _(
                    "Cancelled. The cancellation fee is %(fee)s.",
                    fee=bookings.fee_price(db.session, shift.service, fee).words(),
                )
                if fee
                else _("Cancelled. There is no charge."),
                "success",
            )
            return redirect(url_for("bookings.client_booking", booking_id=booking.id))
    preview = bookings.cancel_preview(db.session, booking, shift_id, scope=scope)
    return render_template(
        "clients/cancel_visits.html",
        booking=booking,
        shift=shift,
        scope=scope,
        preview=preview,
        total=sum(p.fee_pence for p in preview),
        total_price=bookings.fee_price(db.session, shift.service, sum(p.fee_pence for p in preview)),
    )


@bp.route("/my/calendar", methods=["GET", "POST"])
@roles("client")
def client_calendar() -> Page:
    client = current_client()
    form = FeedForm()
    if form.validate_on_submit():
        # Shown on this one answer (never stored: the page is no-store), as only a digest is kept.
        replaced = client.feed_token_sha256 is not None
        token = bookings.regenerate_client_feed(db.session, client)
        url = feed_url("bookings.client_feed", token)
        return render_template("clients/calendar.html", url=url, replaced=replaced, has_feed=True, form=form)
    has_feed = client.feed_token_sha256 is not None
    return render_template("clients/calendar.html", url="", replaced=False, has_feed=has_feed, form=form)


@bp.route("/calendar/client/<token>.ics")
@public
@secret_link
def client_feed(token: str) -> Response:
    body = calendar.client_feed(db.session, token)
    return Response(body, mimetype="text/calendar", headers={"Cache-Control": "no-store"})
