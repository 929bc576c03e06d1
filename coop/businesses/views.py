"""Coordinators keep the co-op's businesses (trading names) and who leads each; anyone may see a
business's logo (it is on public pages)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as WResponse

from coop.access import public, roles
from coop.businesses import service
from coop.businesses.forms import BusinessForm, LeadsForm
from coop.errors import DomainError
from coop.extensions import db
from coop.web import form_error

bp = Blueprint("businesses", __name__)

Page = str | WResponse


def _upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


@bp.route("/businesses")
@roles("coordinator", "admin")
def index() -> Page:
    businesses = service.list_businesses(db.session)
    return render_template(
        "businesses/index.html", businesses=businesses, led=set(service.led_by(db.session, current_user.id))
    )


@bp.route("/businesses/new", methods=["GET", "POST"])
@bp.route("/businesses/<int:business_id>", methods=["GET", "POST"])
@roles("coordinator", "admin")
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
        try:
            saved = service.save_business(
                db.session,
                data,
                actor_id=current_user.id,
                business_id=business.id if business else None,
                logo=logo,
                upload_dir=_upload_dir(),
            )
        except DomainError as e:
            db.session.rollback()
            form_error(form, e)
        else:
            flash(f"{saved.name} saved.", "success")
            return redirect(url_for("businesses.edit", business_id=saved.id))
    return render_template("businesses/edit.html", form=form, leads=leads, business=business)


@bp.route("/businesses/<int:business_id>/leads", methods=["POST"])
@roles("coordinator", "admin")
def save_leads(business_id: int) -> Page:
    business = service.get_business(db.session, business_id)
    leads = LeadsForm(prefix="leads")
    leads.leads.choices = [(u.id, u.email) for u in service.coordinators(db.session)]
    if leads.validate_on_submit():
        try:
            service.set_leads(db.session, business.id, leads.leads.data or [], actor_id=current_user.id)
        except DomainError as e:
            db.session.rollback()
            form_error(leads, e)
        else:
            flash(f"Leads of {business.name} saved.", "success")
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
