"""The public front page, each role's home page, and the health check."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from coop.access import public, signed_in
from coop.auth.signed_in import business_scope
from coop.bookings import service as bookings
from coop.cache import cached
from coop.charts import bar_chart
from coop.cover import service as cover
from coop.extensions import db
from coop.home import service
from coop.i18n import gettext as _
from coop.members.models import first_name
from coop.members.service import member_for_user
from coop.onward import business_figures as figures
from coop.timeutil import format_date, today_london

FIGURES_SECONDS = 60  # each business's figures: a minute old at most

bp = Blueprint("home", __name__)


@bp.route("/")
@public
def index() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("home.dashboard"))
    return render_template("home/index.html")


@bp.route("/home")
@signed_in
def dashboard() -> str:
    """One home page showing a section for each role the person holds."""
    member = member_for_user(db.session, current_user.id) if current_user.has_role("member") else None
    scope = business_scope() if current_user.has_role("coordinator") else None
    coordinator = service.coordinator_summary(db.session, scope.ids) if scope is not None else None
    client = (
        bookings.client_for_user(db.session, current_user.id) if current_user.has_role("client") else None
    )
    member_home = service.member_home(db.session, member) if member is not None else None
    charts: dict[str, Any] = {}
    if coordinator is not None:
        hours, money = service.coordinator_charts(db.session, today_london())
        charts["hours"] = (
            hours,
            bar_chart(
                _("Hours per member this month"),
                [first_name(h[0]) for h in hours],
                [h[1] // 60 for h in hours],
                value_label=_("hours"),
            ),
        )
        charts["money"] = (
            money,
            bar_chart(
                _("Income (green) and member pay (blue) by month"),
                [format_date(m[0], "MMM") for m in money],
                [m[1] // 100 for m in money],
                second=[m[2] // 100 for m in money],
                value_label="£",
            ),
        )
        assert scope is not None
        # Each business in the scope (a lead's own first) beside the co-op's, when there are several.
        shown = [(b.id, b.name) for b in scope.businesses if scope.ids is None or b.id in scope.ids]
        several = len(scope.businesses) > 1
        figs = cover.by_business(db.session, last=today_london(), months=6, names=shown if several else ())
        charts["cover"] = (figs.coop, cover.chart(figs.coop))
        charts["cover_businesses"] = figs.businesses
    if scope is not None and len(scope.businesses) > 1:
        charts["businesses"] = _business_figures()
    return render_template(
        "home/dashboard.html",
        cover_open=cover.open_count(db.session) if coordinator is not None else 0,
        client_cover=cover.cases_for_client(db.session, client.id) if client is not None else [],
        member=member,
        member_home=member_home,
        first_steps=(
            service.first_steps(db.session, member, has_limit=member_home.limit is not None)
            if member is not None and member_home is not None
            else None
        ),
        community=service.community(db.session) if member is not None else None,
        coordinator=coordinator,
        scope=scope,
        charts=charts,
        client=client,
        client_home=(
            bookings.client_overview(db.session, client.id, upcoming_limit=5, past_limit=0)
            if client is not None
            else None
        ),
        invoices_due=service.invoices_due(db.session, client.id) if client is not None else [],
    )


def _business_figures() -> tuple[list[tuple[figures.Span, list[figures.Figures]]], Markup]:
    """Each business's figures for this month and the year, with a chart of income (kept a
    minute per process, as the other charts are)."""
    today = today_london()
    tables = cached(
        ("business_figures", str(db.engine.url), today),
        FIGURES_SECONDS,
        lambda: [(s, figures.figures(db.session, s.first, s.last, today)) for s in figures.spans(today)],
    )
    (_month, month_rows), (_year, year_rows) = tables
    chart = bar_chart(
        _("Income before VAT by business: the last 12 months (green) and this month (blue)"),
        [r.name for r in year_rows[:-1]],
        [r.income_pence // 100 for r in year_rows[:-1]],
        second=[r.income_pence // 100 for r in month_rows[:-1]],
        value_label="£",
    )
    return tables, chart


@bp.route("/healthz")
@public
def healthz() -> tuple[dict[str, str], int]:
    ok, detail = service.health(db.engine)
    return {"status": "ok" if ok else "unavailable", "detail": detail}, 200 if ok else 503
