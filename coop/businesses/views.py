"""Coordinators keep the co-op's businesses (trading names) and who leads each (as they keep the
services); anyone may see a business's public page and logo, and ask it for a quote."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as WResponse

from coop.access import public, roles
from coop.auth.signed_in import business_scope
from coop.bookings import service as bookings
from coop.businesses import quotes, service
from coop.businesses.forms import BusinessForm, LeadsForm, QuoteForm
from coop.errors import NotFound
from coop.extensions import db
from coop.i18n import gettext as _
from coop.settings import service as settings
from coop.settings.keys import K
from coop.web import ActionForm, client_ip, refusals

bp = Blueprint("businesses", __name__)

Page = str | WResponse


def _upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


@bp.route("/businesses")
@roles("coordinator")
def index() -> Page:
    businesses = service.list_businesses(db.session)
    return render_template(
        "businesses/index.html", businesses=businesses, led=set(service.led_by(db.session, current_user.id))
    )


@bp.route("/businesses/new", methods=["GET", "POST"])
@bp.route("/businesses/<int:business_id>", methods=["GET", "POST"])
@roles("coordinator")
def edit(business_id: int | None = None) -> Page:
    business = service.get_business(db.session, business_id) if business_id else None
    form = BusinessForm(obj=business)
    leads = LeadsForm(prefix="leads")
    leads.leads.choices = [(u.id, u.email) for u in service.coordinators(db.session)]
    if request.method == "GET" and business is not None:
        leads.leads.data = sorted(service.lead_ids(db.session, business.id))
    if form.validate_on_submit():
        upload = form.logo.data
        logo = upload.read() if upload and getattr(upload, "filename", "") else None
        data = service.BusinessData(
            name=form.name.data or "",
            description=form.description.data or "",
            contact_email=form.contact_email.data or "",
            contact_phone=form.contact_phone.data or "",
            invoice_prefix=form.invoice_prefix.data or "",
            in_directory=bool(form.in_directory.data),
        )
        with refusals(form) as done:
            saved = service.save_business(
                db.session,
                data,
                actor_id=current_user.id,
                business_id=business.id if business else None,
                logo=logo,
                upload_dir=_upload_dir(),
            )
        if done.ok:
            flash(_("%(name)s saved.", name=saved.name), "success")
            return redirect(url_for("businesses.edit", business_id=saved.id))
    return render_template("businesses/edit.html", form=form, leads=leads, business=business)


@bp.route("/businesses/<int:business_id>/leads", methods=["POST"])
@roles("coordinator")
def save_leads(business_id: int) -> Page:
    business = service.get_business(db.session, business_id)
    leads = LeadsForm(prefix="leads")
    leads.leads.choices = [(u.id, u.email) for u in service.coordinators(db.session)]
    if leads.validate_on_submit():
        with refusals(leads) as done:
            service.set_leads(db.session, business.id, leads.leads.data or [], actor_id=current_user.id)
        if done.ok:
            flash(_("Leads of %(name)s saved.", name=business.name), "success")
            return redirect(url_for("businesses.edit", business_id=business.id))
    form = BusinessForm(obj=business)
    return render_template("businesses/edit.html", form=form, leads=leads, business=business)


@bp.route("/businesses/<int:business_id>/logo")
@public
def logo(business_id: int) -> WResponse:
    business = service.get_business(db.session, business_id)
    data = service.logo_file(business, _upload_dir())
    response = current_app.response_class(data, mimetype=business.logo_type)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


# --- public pages ---------------------------------------------------------------------------


@bp.route("/our-businesses/<int:business_id>", methods=["GET", "POST"])
@public
def public_page(business_id: int) -> Page:
    """A business's public page: what it does, its services, how to reach it, and a form for
    organisations that are not clients yet to ask for a quote (no account needed)."""
    business = service.get_business(db.session, business_id)
    if not business.in_directory:
        raise NotFound(_("No such business."))
    form = QuoteForm()
    if form.validate_on_submit():
        data = quotes.QuoteData(
            organisation=form.organisation.data or "",
            contact_name=form.contact_name.data or "",
            contact_email=form.contact_email.data or "",
            contact_phone=form.contact_phone.data or "",
            need=form.need.data or "",
            place=form.place.data or "",
            timing=form.timing.data or "",
        )
        with refusals(form) as done:
            quotes.ask_for_quote(db.session, business.id, data, ip=client_ip())
        if done.ok:
            flash(
                _("Thank you. %(name)s has your request and will reply by email.", name=business.name),
                "success",
            )
            return redirect(url_for("businesses.public_page", business_id=business.id))
    return render_template(
        "businesses/public.html",
        business=business,
        coop_name=settings.get(db.session, K.COOP_NAME),
        services=[
            s for s in bookings.list_services(db.session, active_only=True) if s.business_id == business.id
        ],
        form=form,
    )


# --- quote requests (coordinators) ------------------------------------------------------------


@bp.route("/quotes")
@roles("coordinator")
def quote_list() -> Page:
    scope = business_scope()
    return render_template(
        "businesses/quotes.html", quotes=quotes.quotes_for(db.session, scope.ids), scope=scope
    )


@bp.route("/quotes/<int:quote_id>")
@roles("coordinator")
def quote_detail(quote_id: int) -> Page:
    return render_template(
        "businesses/quote.html", quote=quotes.get_quote(db.session, quote_id), form=ActionForm()
    )


@bp.route("/quotes/<int:quote_id>/answered", methods=["POST"])
@roles("coordinator")
def quote_answered(quote_id: int) -> Page:
    quote = quotes.get_quote(db.session, quote_id)
    if ActionForm().validate_on_submit():
        quotes.mark_answered(db.session, quote.id, actor_id=current_user.id)
        flash(_("Marked as answered."), "success")
    return redirect(url_for("businesses.quote_list"))


@bp.route("/quotes/<int:quote_id>/client", methods=["POST"])
@roles("coordinator")
def quote_client(quote_id: int) -> Page:
    """Make the organisation a client, then book its first work for it."""
    quote = quotes.get_quote(db.session, quote_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("businesses.quote_detail", quote_id=quote.id))
    with refusals() as done:
        client = quotes.make_client(db.session, quote.id, actor_id=current_user.id)
    if not done.ok:
        return redirect(url_for("businesses.quote_detail", quote_id=quote.id))
    flash(
        _(
            "%(name)s is now a client. Book their first visit below, and invite their contact "
            "from the client page.",
            name=client.name,
        ),
        "success",
    )
    return redirect(url_for("bookings.book_for_client", client=client.id))
