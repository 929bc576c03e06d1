"""Sign in and out, set a password from an invitation, reset a forgotten one, change it."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError, validate_csrf
from werkzeug.wrappers import Response
from wtforms import ValidationError

from coop.access import public, secret_link, signed_in
from coop.auth import service
from coop.auth.forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, ReadingForm, SetPasswordForm
from coop.auth.models import User
from coop.errors import DomainError
from coop.extensions import csrf, db
from coop.i18n import gettext as _
from coop.i18n import language_choices
from coop.i18n import reading as reading_of
from coop.web import client_ip, refusals

bp = Blueprint("auth", __name__)


def _limits() -> service.ThrottleLimits:
    cfg = current_app.config
    return service.ThrottleLimits(
        cfg["LOGIN_MAX_FAILURES_ACCOUNT"], cfg["LOGIN_MAX_FAILURES_IP"], cfg["LOGIN_WINDOW_SECONDS"]
    )


def _safe_next(target: str | None) -> str:
    """Only follow a 'next' that stays on this site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("home.dashboard")


def _sign_in(user: User) -> None:
    session.clear()  # a fresh session on sign-in: no fixation
    login_user(user)


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("home.dashboard"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        with refusals(form) as done:
            user = service.authenticate(
                db.session, form.email.data or "", form.password.data or "", client_ip(), _limits()
            )
        if done.ok:
            _sign_in(user)
            return redirect(_safe_next(form.next.data))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@signed_in
def logout() -> Response:
    logout_user()
    session.clear()
    flash(_("You have signed out."), "success")
    response = redirect(url_for("auth.login"))
    # Nothing kept for reading without signal outlives the sign-out: the browser drops this
    # site's stored pages and its service worker (which the next page registers again).
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


def _password_from_link(
    token: str, purpose: str, max_age_key: str, template: str
) -> str | Response | tuple[str, int]:
    if request.method == "POST":
        # These pages send no Referer (Referrer-Policy: no-referrer keeps the token out of every
        # log), so Flask-WTF's https Referer check, skipped for them, would refuse every form:
        # the CSRF token itself is still required, as everywhere.
        try:
            validate_csrf(request.form.get("csrf_token"))
        except ValidationError as e:
            raise CSRFError(str(e)) from None
    try:
        user = service.user_from_token(
            db.session, current_app.config["SECRET_KEY"], token, purpose, current_app.config[max_age_key]
        )
    except DomainError as e:
        return render_template("auth/link_problem.html", message=e.message), 400
    form = SetPasswordForm()
    if form.validate_on_submit():
        with refusals(form) as done:
            service.set_password(db.session, user, form.password.data or "")
        if done.ok:
            _sign_in(user)
            flash(_("Your password is saved and you are signed in."), "success")
            return redirect(url_for("home.dashboard"))
    return render_template(template, form=form, email=user.email)


@bp.route("/invite/<token>", methods=["GET", "POST"])
@public
@secret_link
@csrf.exempt
def accept_invite(token: str) -> str | Response | tuple[str, int]:
    return _password_from_link(token, "invite", "INVITE_MAX_AGE", "auth/accept_invite.html")


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
@secret_link
@csrf.exempt
def reset_password(token: str) -> str | Response | tuple[str, int]:
    return _password_from_link(token, "reset", "RESET_MAX_AGE", "auth/reset_password.html")


@bp.route("/forgot", methods=["GET", "POST"])
@public
def forgot_password() -> str | Response:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        service.request_reset(
            db.session,
            form.email.data or "",
            client_ip(),
            _limits(),
            secret_key=current_app.config["SECRET_KEY"],
            link_for=lambda token: (
                current_app.config["BASE_URL"] + url_for("auth.reset_password", token=token)
            ),
        )
        # The same answer whether or not the account exists (or the requests were throttled).
        flash(
            _(
                "If that address has an account, we have sent it a link to set a new password. "
                "The link works for 2 hours."
            ),
            "success",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def change_password() -> str | Response:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with refusals(form) as done:
            service.change_password(
                db.session, current_user, form.current_password.data or "", form.password.data or ""
            )
        if done.ok:
            _sign_in(current_user._get_current_object())  # keep this session valid
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("home.dashboard"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/account/language", methods=["GET", "POST"])
@signed_in
def reading() -> str | Response:
    """Each person's language and reading style, for their pages, emails and documents."""
    form = ReadingForm(language=current_user.language, style=current_user.reading.style.value)
    form.language.choices = language_choices(pseudo=bool(current_app.config.get("PSEUDO_LANGUAGES")))
    if form.validate_on_submit():
        with refusals(form) as done:
            service.choose_reading(
                db.session, current_user.id, form.language.data or "", form.style.data or ""
            )
        if done.ok:
            with reading_of(current_user.reading):  # told in the words they have just chosen
                flash(_("Your choice is saved."), "success")
            return redirect(url_for("auth.reading"))
    return render_template("auth/reading.html", form=form)
