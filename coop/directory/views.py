"""The public directory (page and printable A4 PDF) and coordinators' list of entries."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response as WResponse

from coop.access import public, roles
from coop.bookings import service as bookings
from coop.businesses import service as businesses
from coop.directory import service
from coop.directory.forms import EntryForm
from coop.directory.models import CATEGORIES
from coop.documents import html_to_pdf
from coop.extensions import db
from coop.i18n import gettext as _
from coop.settings import service as settings
from coop.settings.keys import K
from coop.timeutil import today_london
from coop.web import refusals

bp = Blueprint("directory", __name__)
Page = str | WResponse


def _context() -> dict[str, object]:
    services = bookings.list_services(db.session, active_only=True)
    listed = businesses.list_businesses(db.session, in_directory=True)
    return {
        "services": [s for s in services if s.business.in_directory],
        # Each business in the directory with its services, when the co-op has more than one.
        "businesses": [(b, [s for s in services if s.business_id == b.id]) for b in listed]
        if len(businesses.list_businesses(db.session)) > 1
        else [],
        "groups": service.grouped(db.session),
        "coop_name": settings.get(db.session, K.COOP_NAME),
        "coop_email": settings.get(db.session, K.COOP_EMAIL),
        "coop_address": settings.get(db.session, K.COOP_ADDRESS),
        "today": today_london(),
    }


@bp.route("/directory")
@public
def index() -> Page:
    return render_template("directory/index.html", **_context())


@bp.route("/directory.pdf")
@public
def pdf() -> Response:
    html = render_template("directory/pdf.html", **_context())
    return Response(
        html_to_pdf(html, public=True),
        mimetype="application/pdf",
        headers={"Content-Disposition": "inline; filename=co-op-works-directory.pdf"},
    )


@bp.route("/directory/manage")
@roles("coordinator")
def manage() -> Page:
    today = today_london()
    entries = service.entries(db.session, active_only=False)
    return render_template(
        "directory/manage.html",
        entries=entries,
        stale={e.id for e in entries if service.stale(e, today)},
        categories=CATEGORIES,
    )


@bp.route("/directory/manage/new", methods=["GET", "POST"])
@bp.route("/directory/manage/<int:entry_id>", methods=["GET", "POST"])
@roles("coordinator")
def edit(entry_id: int | None = None) -> Page:
    entry = service.get_entry(db.session, entry_id) if entry_id else None
    form = EntryForm(obj=entry) if entry else EntryForm(review_date=today_london() + timedelta(days=180))
    if form.validate_on_submit():
        assert form.review_date.data
        data = service.EntryData(
            form.category.data or "",
            form.name.data or "",
            form.description.data or "",
            form.contact.data or "",
            form.hours.data or "",
            form.accessibility.data or "",
            form.review_date.data,
            bool(form.active.data),
        )
        with refusals(form) as done:
            service.save_entry(db.session, data, entry, today=today_london())
        if done.ok:
            flash(_("Saved."), "success")
            return redirect(url_for("directory.manage"))
    return render_template("directory/edit.html", form=form, entry=entry)
