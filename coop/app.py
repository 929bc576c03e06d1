"""Co-op Works: software for a user-led employment co-operative."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from coop.access import add_security_headers, enforce_access
from coop.access_log import RedactFilter
from coop.audit.views import bp as audit_bp
from coop.auth import signed_in as _signed_in  # noqa: F401  (loads the signed-in account for Flask-Login)
from coop.auth.service import configure_hashing
from coop.auth.views import bp as auth_bp
from coop.bookings import client_views as _bookings_client  # noqa: F401  (routes of the bookings blueprint)
from coop.bookings.change_views import bp as visit_changes_bp
from coop.bookings.views import bp as bookings_bp
from coop.books import statement_views as _books_statements  # noqa: F401  (routes of the books blueprint)
from coop.books.views import bp as books_bp
from coop.businesses.views import bp as businesses_bp
from coop.config import RESOURCES, data_dir, load_config
from coop.cover.views import bp as cover_bp
from coop.directory.views import bp as directory_bp
from coop.enquiries import followup_views as _enquiries_followup  # noqa: F401  (routes of the enquiries blueprint)
from coop.enquiries.views import bp as enquiries_bp
from coop.errors import Forbidden, NotFound
from coop.extensions import csrf, db, login_manager
from coop.governance.views import bp as governance_bp
from coop.home.views import bp as home_bp
from coop.i18n import lazy_gettext as _l
from coop.i18n import views as i18n
from coop.integrity.views import bp as integrity_bp
from coop.invoicing import client_views as _invoicing_client  # noqa: F401  (routes of the invoicing blueprint)
from coop.invoicing import money_views as _invoicing_money  # noqa: F401  (routes of the invoicing blueprint)
from coop.invoicing.link_views import bp as invoice_links_bp
from coop.invoicing.views import bp as invoicing_bp
from coop.limits.views import bp as limits_bp
from coop.members.views import bp as members_bp
from coop.notify.views import bp as notify_bp
from coop.onward.views import bp as onward_bp
from coop.owner_files import DIR_MODE, private_database, private_dir
from coop.pay.views import bp as pay_bp
from coop.phone.views import bp as phone_bp
from coop.rota import availability_views, coordinator_views  # noqa: F401  (routes of the rota blueprint)
from coop.rota.views import bp as rota_bp
from coop.settings.views import bp as settings_bp
from coop.skillshare.views import bp as skillshare_bp
from coop.timesheets.views import bp as timesheets_bp
from coop.web import CoopRequest, IdConverter, register_template_helpers

log = logging.getLogger(__name__)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(data_dir() / "instance"),
        template_folder=str(RESOURCES / "templates"),
        static_folder=str(RESOURCES / "static"),
    )
    private_dir(Path(app.instance_path)).chmod(DIR_MODE)  # the secret key and database live here
    app.config.update(load_config(Path(app.instance_path), config))
    private_database(app.config["DATABASE_URL"])

    configure_hashing(app.config["ARGON2_TIME_COST"], app.config["ARGON2_MEMORY_COST"])

    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see that page.")
    login_manager.session_protection = "basic"  # "strong" signs out phones that change network

    app.logger.addFilter(RedactFilter())
    trusted = int(app.config["TRUSTED_PROXIES"])
    if trusted:
        # request.remote_addr becomes the address the trusted proxy saw, so every throttle
        # (sign-in, password reset, invoice links, /verify) counts each visitor on their own.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted, x_proto=trusted)  # type: ignore[method-assign]

    app.before_request(enforce_access)
    app.after_request(add_security_headers)

    i18n.init_app(app)
    app.request_class = CoopRequest
    app.url_map.converters["int"] = IdConverter
    register_template_helpers(app)
    _register_blueprints(app)
    _register_error_pages(app)
    return app


def _register_blueprints(app: Flask) -> None:

    for bp in (
        home_bp,
        auth_bp,
        members_bp,
        bookings_bp,
        businesses_bp,
        visit_changes_bp,
        rota_bp,
        limits_bp,
        cover_bp,
        timesheets_bp,
        pay_bp,
        invoicing_bp,
        invoice_links_bp,
        books_bp,
        integrity_bp,
        governance_bp,
        skillshare_bp,
        directory_bp,
        enquiries_bp,
        onward_bp,
        audit_bp,
        settings_bp,
        phone_bp,
        notify_bp,
    ):
        app.register_blueprint(bp)


def _register_error_pages(app: Flask) -> None:
    def page(status: int) -> tuple[str, int]:
        return render_template(f"errors/{status}.html"), status

    @app.errorhandler(CSRFError)
    def csrf_error(_e: CSRFError) -> tuple[str, int]:
        return render_template("errors/400.html", csrf=True), 400

    @app.errorhandler(NotFound)
    def not_found(_e: NotFound) -> tuple[str, int]:
        return page(404)

    @app.errorhandler(Forbidden)
    def forbidden(_e: Forbidden) -> tuple[str, int]:
        return page(403)

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException) -> tuple[str, int] | Response:
        code = e.code or 500
        if code in (400, 403, 404, 405, 413, 429):
            return page(code)
        return e.get_response()

    @app.errorhandler(500)
    def server_error(_e: Exception) -> tuple[str, int]:
        return page(500)
