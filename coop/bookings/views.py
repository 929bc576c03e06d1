"""Services, clients and bookings: coordinators' pages, the client portal and client feeds."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as WResponse

from coop.access import roles
from coop.bookings import service as bookings
from coop.bookings.forms import (
    BookingForm,
    CancelForm,
    ClientForm,
    ConfirmForm,
    ContactForm,
    CoordinatorBookingForm,
    DeclineForm,
    ServiceForm,
    ShiftEditForm,
)
from coop.bookings.models import BOOKING_STATUSES, Booking, BookingStatus
from coop.businesses import service as businesses
from coop.errors import DomainError
from coop.extensions import db
from coop.i18n import client_language_choices, ngettext
from coop.i18n import gettext as _
from coop.members import service as members
from coop.members.views import invite_link
from coop.money import format_pence, plain_pounds, pounds_field
from coop.pay import rates as pay_rates
from coop.pay.rules import pay_for
from coop.rota.service import holders_of
from coop.settings import service as settings
from coop.settings.keys import K
from coop.timeutil import last_month, to_london, today_london
from coop.web import parse_decimal, refusals

bp = Blueprint("bookings", __name__)

Page = str | WResponse


# --- helpers ----------------------------------------------------------------------------------


def _service_data(form: ServiceForm) -> bookings.ServiceData:
    charge = pounds_field(form.charge.data or "", "charge")
    pay = pounds_field(form.pay.data or "", "pay")
    vat = parse_decimal(form.vat_rate.data or "", "vat_rate", _("Enter the VAT rate as a number, like 20"))
    hours = parse_decimal(
        form.min_booking_hours.data or "", "min_booking_hours", _("Enter hours, like 2 or 1.5")
    )
    return bookings.ServiceData(
        name=form.name.data or "",
        description=form.description.data or "",
        skill_id=form.skill_id.data or 0,
        charge_pence_per_hour=charge,
        pay_pence_per_hour=pay,
        vat_rate_bp=int(vat * 100),
        min_booking_minutes=int(hours * 60),
        active=bool(form.active.data),
        involvement=bool(form.involvement.data),
        business_id=form.business_id.data or None,
        helpline=bool(form.helpline.data),
    )


def booking_form_data(form: BookingForm) -> bookings.BookingData:
    assert form.start_date.data and form.start_time.data and form.end_time.data
    return bookings.BookingData(
        service_id=form.service_id.data or 0,
        site_address=form.site_address.data or "",
        start_date=form.start_date.data,
        start_time=form.start_time.data,
        end_time=form.end_time.data,
        workers=form.workers.data or 0,
        notes=form.notes.data or "",
        recurrence=form.recurrence.data or "none",
        weekdays=list(form.weekdays.data or []),
        until_date=form.until_date.data,
        occurrences=form.occurrences.data,
    )


def service_choices() -> list[tuple[int, str]]:
    return [(s.id, s.name) for s in bookings.list_services(db.session, active_only=True)]


def feed_url(kind: str, token: str) -> str:
    return str(current_app.config["BASE_URL"] + url_for(f"{kind}", token=token))


# --- pay transparency (members) ---------------------------------------------------------------


@bp.route("/rates")
@roles("member", "coordinator")
def rates() -> Page:
    services = bookings.list_services(db.session, active_only=True)
    rules = pay_rates.rules_on(db.session, today_london())
    # An hour's pay as members get it: the one rate rule (never below the floor), with holiday
    # pay on top; the co-op keeps what is left of the client's charge.
    paid = {
        s.id: pay_for(60, pay_rates.hourly_rate(rules, s.pay_pence_per_hour), holiday_bp=rules.holiday_bp)
        for s in services
    }
    return render_template("bookings/rates.html", services=services, paid=paid)


# --- services (coordinators) -------------------------------------------------------------------


@bp.route("/services")
@roles("coordinator")
def services() -> Page:
    return render_template(
        "bookings/services.html",
        services=bookings.list_services(db.session),
        floor=settings.get(db.session, K.PAY_FLOOR_PENCE),
    )


@bp.route("/services/new", methods=["GET", "POST"])
@bp.route("/services/<int:service_id>", methods=["GET", "POST"])
@roles("coordinator")
def edit_service(service_id: int | None = None) -> Page:
    service = bookings.get_service(db.session, service_id) if service_id else None
    form = ServiceForm(obj=service)
    form.skill_id.choices = [(s.id, s.name) for s in members.list_skills(db.session)]
    form.business_id.choices = [(b.id, b.name) for b in businesses.list_businesses(db.session)]
    if request.method == "GET" and service is not None:
        form.charge.data = plain_pounds(service.charge_pence_per_hour)
        form.pay.data = plain_pounds(service.pay_pence_per_hour)
        form.vat_rate.data = f"{Decimal(service.vat_rate_bp) / 100:g}"
        form.min_booking_hours.data = f"{Decimal(service.min_booking_minutes) / 60:g}"
    if form.validate_on_submit():
        with refusals(form) as done:
            bookings.save_service(
                db.session,
                _service_data(form),
                actor_id=current_user.id,
                service=service,
                ask_members=bool(form.ask_members.data),
            )
        if done.ok:
            flash(_("Service saved."), "success")
            return redirect(url_for("bookings.services"))
    return render_template("bookings/edit_service.html", form=form, service=service)


# --- clients (coordinators) --------------------------------------------------------------------


@bp.route("/clients")
@roles("coordinator")
def clients() -> Page:
    return render_template("clients/list.html", clients=bookings.list_clients(db.session))


@bp.route("/clients/new", methods=["GET", "POST"])
@bp.route("/clients/<int:client_id>", methods=["GET", "POST"])
@roles("coordinator")
def edit_client(client_id: int | None = None) -> Page:
    client = bookings.get_client(db.session, client_id) if client_id else None
    form = ClientForm(obj=client)
    form.language.choices = client_language_choices(pseudo=bool(current_app.config.get("PSEUDO_LANGUAGES")))
    if form.validate_on_submit():
        data = bookings.ClientData(
            name=form.name.data or "",
            address=form.address.data or "",
            billing_email=form.billing_email.data or "",
            payment_terms_days=form.payment_terms_days.data or 0,
            invoice_grouping=form.invoice_grouping.data or "",
            confirms_work=bool(form.confirms_work.data),
            wants_einvoice=bool(form.wants_einvoice.data),
            sector=form.sector.data or "other",
            statement_by_email=bool(form.statement_by_email.data),
            language=form.language.data or None,
        )
        with refusals(form) as done:
            saved = bookings.save_client(db.session, data, client)
        if done.ok:
            flash(_("Client saved."), "success")
            return redirect(url_for("bookings.edit_client", client_id=saved.id))
    recent = bookings.list_bookings(db.session, client_id=client.id, limit=30) if client else []
    return render_template(
        "clients/edit.html",
        form=form,
        client=client,
        contact_form=ContactForm(),
        recent=recent,
        statement_period=last_month(today_london()),
    )


@bp.route("/clients/<int:client_id>/contacts", methods=["POST"])
@roles("coordinator")
def invite_contact(client_id: int) -> Page:
    client = bookings.get_client(db.session, client_id)
    form = ContactForm()
    if form.validate_on_submit():
        with refusals() as done:
            bookings.invite_contact(
                db.session,
                client,
                email=form.email.data or "",
                name=form.name.data or "",
                invite_link=invite_link,
                coop_name=settings.get(db.session, K.COOP_NAME),
            )
        if done.ok:
            flash(_("Invitation sent to %(email)s.", email=form.email.data), "success")
    else:
        flash(_("Enter the contact's name and a valid email address."), "error")
    return redirect(url_for("bookings.edit_client", client_id=client.id))


# --- bookings (coordinators) -------------------------------------------------------------------


@bp.route("/bookings")
@roles("coordinator")
def queue() -> Page:
    requests = bookings.request_queue(db.session)
    staffing = {b.id: bookings.staffing_for(db.session, b) for b in requests}
    status = request.args.get("status", "")
    recent = bookings.list_bookings(db.session, status=status or None, limit=100)
    return render_template(
        "bookings/queue.html",
        requests=requests,
        staffing=staffing,
        recent=recent,
        status=status,
        booking_statuses=BOOKING_STATUSES,
    )


@bp.route("/bookings/new", methods=["GET", "POST"])
@roles("coordinator")
def book_for_client() -> Page:
    form = CoordinatorBookingForm()
    form.service_id.choices = service_choices()
    form.client_id.choices = [(c.id, c.name) for c in bookings.list_clients(db.session) if c.active]
    if request.method == "GET" and request.args.get("client", "").isdigit():
        form.client_id.data = int(request.args["client"])  # from a quote request made a client
    plan = None
    if form.validate_on_submit():
        with refusals(form) as done:
            data = booking_form_data(form)
            plan = bookings.plan_booking(db.session, data)
            if form.submit.data:
                client = bookings.get_client(db.session, form.client_id.data or 0)
                booking = bookings.book_on_behalf(db.session, client, data, actor_id=current_user.id)
                flash(
                    ngettext(
                        "Booked and confirmed: %(num)s visit is on the rota.",
                        "Booked and confirmed: %(num)s visits are on the rota.",
                        len(booking.shifts),
                    ),
                    "success",
                )
                return redirect(url_for("bookings.booking_detail", booking_id=booking.id))
        if not done.ok:
            plan = None
    return render_template("bookings/new.html", form=form, plan=plan, coordinator=True)


@bp.route("/bookings/<int:booking_id>")
@roles("coordinator")
def booking_detail(booking_id: int) -> Page:
    booking = bookings.get_booking(db.session, booking_id)

    staffing = (
        bookings.staffing_for(db.session, booking) if booking.status == BookingStatus.REQUESTED else None
    )
    plan = None
    if booking.status == BookingStatus.REQUESTED:
        try:
            plan = bookings.plan_booking(db.session, bookings.booking_data(booking), ahead_only=True)
        except DomainError as e:
            flash(_("This request cannot be confirmed as it is: %(why)s", why=e.message), "warning")
    return render_template(
        "bookings/detail.html",
        booking=booking,
        staffing=staffing,
        plan=plan,
        holders=holders_of(db.session, [s.id for s in booking.shifts]),
        asked=holders_of(db.session, [s.id for s in booking.shifts], asked=True),
        confirm_form=ConfirmForm(),
        decline_form=DeclineForm(),
        cancel_form=CancelForm(),
    )


@bp.route("/bookings/<int:booking_id>/confirm", methods=["POST"])
@roles("coordinator")
def confirm(booking_id: int) -> Page:
    booking = bookings.get_booking(db.session, booking_id)
    if ConfirmForm().validate_on_submit():
        with refusals() as done:
            shifts = bookings.confirm_booking(db.session, booking, actor_id=current_user.id)
        if done.ok:
            flash(
                ngettext(
                    "Confirmed: %(num)s shift is now open to members.",
                    "Confirmed: %(num)s shifts are now open to members.",
                    len(shifts),
                ),
                "success",
            )
    return redirect(url_for("bookings.booking_detail", booking_id=booking_id))


@bp.route("/bookings/<int:booking_id>/decline", methods=["POST"])
@roles("coordinator")
def decline(booking_id: int) -> Page:
    booking = bookings.get_booking(db.session, booking_id)
    form = DeclineForm()
    if form.validate_on_submit():
        with refusals() as done:
            bookings.decline_booking(db.session, booking, form.reason.data or "", actor_id=current_user.id)
        if done.ok:
            flash(_("Declined; the client has been told why."), "success")
    else:
        flash(_("Give a reason for declining."), "error")
    return redirect(url_for("bookings.booking_detail", booking_id=booking_id))


def cancel_and_report(booking: Booking, after: str, **values: Any) -> Page:
    form = CancelForm()
    if form.validate_on_submit():
        with refusals() as done:
            fee = bookings.cancel_booking(
                db.session, booking, actor_id=current_user.id, reason=form.reason.data or ""
            )
        if done.ok:
            price = bookings.fee_price(db.session, booking.service, fee).words()
            flash(
                _("Booking cancelled. A cancellation fee of %(price)s applies.", price=price)
                if fee
                else _("Booking cancelled."),
                "success",
            )
    return redirect(url_for(after, **values))


@bp.route("/bookings/<int:booking_id>/cancel", methods=["POST"])
@roles("coordinator")
def cancel(booking_id: int) -> Page:
    return cancel_and_report(
        bookings.get_booking(db.session, booking_id), "bookings.booking_detail", booking_id=booking_id
    )


@bp.route("/shifts/<int:shift_id>/edit", methods=["GET", "POST"])
@roles("coordinator")
def edit_shift(shift_id: int) -> Page:
    shift = bookings.get_shift(db.session, shift_id)
    form = ShiftEditForm(obj=shift)
    if request.method == "GET":
        start, end = to_london(shift.starts_at), to_london(shift.ends_at)
        form.day.data, form.start_time.data, form.end_time.data = start.date(), start.time(), end.time()
    if form.validate_on_submit():
        assert form.day.data and form.start_time.data and form.end_time.data
        change = bookings.ShiftChange(
            day=form.day.data,
            start_time=form.start_time.data,
            end_time=form.end_time.data,
            site_address=form.site_address.data or "",
            notes=form.notes.data or "",
            slots=form.slots.data or 0,
        )
        with refusals(form) as done:
            changed = bookings.edit_shifts(
                db.session,
                shift,
                change,
                scope=form.scope.data or "",
                actor_id=current_user.id,
                ask_members=bool(form.ask_members.data),
            )
        if done.ok:
            flash(
                ngettext(
                    "%(num)s visit changed. Members on it have been told, and anyone it no "
                    "longer suits has been asked.",
                    "%(num)s visits changed. Members on them have been told, and anyone it no "
                    "longer suits has been asked.",
                    len(changed),
                ),
                "success",
            )
            return redirect(url_for("bookings.booking_detail", booking_id=shift.booking_id))
    return render_template("bookings/edit_shift.html", form=form, shift=shift, cancel_form=CancelForm())


@bp.route("/shifts/<int:shift_id>/cancel", methods=["POST"])
@roles("coordinator")
def cancel_shift(shift_id: int) -> Page:
    shift = bookings.get_shift(db.session, shift_id)
    if CancelForm().validate_on_submit():
        with refusals() as done:
            fee = bookings.cancel_shift(db.session, shift, actor_id=current_user.id)
        if done.ok:
            flash(
                _("Visit cancelled. Cancellation fee %(fee)s.", fee=format_pence(fee))
                if fee
                else _("Visit cancelled."),
                "success",
            )
    return redirect(url_for("bookings.booking_detail", booking_id=shift.booking_id))


# --- the client portal ------------------------------------------------------------------------
