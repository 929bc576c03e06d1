"""Glue between services and templates: form fields and ids, refusals and the over-limit
confirmation, downloads, template helpers. Who is signed in: coop/auth/signed_in.py."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from types import TracebackType
from typing import Any

from flask import Flask, Request, Response, flash, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter
from wtforms import DateField, HiddenField, SubmitField

from coop.errors import DomainError
from coop.extensions import db
from coop.i18n import gettext as _
from coop.i18n import lazy_gettext as _l
from coop.money import client_price
from coop.nav import nav_for

MAX_ID = 2**31 - 1  # the largest value an INTEGER id column holds on both databases


def db_id(value: str) -> int:
    """An id from a form or the query string: a whole number from 1 to MAX_ID, else ValueError
    (request.args.get(..., type=db_id) then gives the default, as for any bad number)."""
    number = int(value)
    if not 0 < number <= MAX_ID:
        raise ValueError(value)
    return number


def db_ids(values: list[str]) -> list[int]:
    """The valid ids among several submitted values (checkboxes), ignoring the rest."""
    out = []
    for v in values:
        try:
            out.append(db_id(v))
        except ValueError:
            continue
    return out


FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)  # dates anyone could mean


def day_arg(value: str) -> date:
    """A date from the query string, like 2026-12-01, within FIRST_DAY..LAST_DAY, else ValueError."""
    day = date.fromisoformat(value)
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(value)
    return day


class DayField(DateField):
    """A date field that refuses dates no one could mean (year 1 or 9999), with a clear message."""

    data: date | None

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        if self.data is not None and not FIRST_DAY <= self.data <= LAST_DAY:
            self.data = None
            raise ValueError(
                _("Enter a date between %(first)s and %(last)s.", first=FIRST_DAY.year, last=LAST_DAY.year)
            )


# Characters no one types: NUL and the other C0 controls but tab, line feed and carriage return,
# and the two non-characters U+FFFE and U+FFFF. PostgreSQL refuses NUL in text and XML (an
# e-invoice's note, say) cannot carry any of them.
UNTYPEABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _typeable(value: Any) -> Any:
    return UNTYPEABLE.sub("", value) if isinstance(value, str) else value


class TypeableMultiDict(ImmutableMultiDict[str, Any]):
    """Form and query values without characters no one types (`UNTYPEABLE`), which would turn a
    harmless request into a server error."""

    def __init__(self, mapping: Any = None) -> None:
        if mapping is None:
            super().__init__()
            return
        if isinstance(mapping, MultiDict):
            pairs = mapping.items(multi=True)
        elif isinstance(mapping, dict):
            pairs = mapping.items()
        else:
            pairs = mapping
        super().__init__([(_typeable(k), _typeable(v)) for k, v in pairs])


class CoopRequest(Request):
    parameter_storage_class = TypeableMultiDict


class IdField(HiddenField):
    """A hidden id (which member, which shift): a whole number an id column can hold."""

    data: int | None

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        if valuelist and valuelist[0]:
            try:
                self.data = db_id(valuelist[0])
            except ValueError:
                raise ValueError(_("Choose from the list.")) from None


class IdConverter(IntegerConverter):
    """<int:...> in routes: every one is an id, from 1 to what an id column can hold; 0 and bigger
    numbers are a 404 (so /clients/0 is not mistaken for "a new client")."""

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


class ActionForm(FlaskForm):
    """A one-button form (claim, drop, issue, erase...): only the CSRF token is checked."""

    submit = SubmitField(_l("Go"))


def client_ip() -> str:
    return request.remote_addr or "unknown"


def confirm_over_limit(
    warning: DomainError, *, url: str, back: str, heading: str = "", extra: dict[str, Any] | None = None
) -> str:
    """The page a member sees when a change would pass a limit they asked to be warned about
    (limits.LimitWarning): nothing was changed; "Yes, go ahead anyway" posts to `url` again with
    `confirm=yes` and `extra`, "No" goes `back`."""
    db.session.rollback()
    return render_template(
        "rota/confirm_over_limit.html",
        heading=heading,
        message=warning.message,
        url=url,
        back=back,
        extra=extra or {},
    )


def form_error(form: FlaskForm, error: DomainError) -> None:
    """Show a service's refusal on the form: on its field when it names one, else as a message."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")


class refusals:
    """Call a service and show its refusal: a `DomainError` raised inside the block rolls the
    session back and is shown on `form` (on its field when it names one, else flashed), or flashed
    when there is no form; the block is left and the view goes on with `done.ok` False.

        with refusals(form) as done:
            service.save(db.session, ...)
        if done.ok:
            flash("Saved.", "success")
            return redirect(...)
        return render_template(..., form=form)

    `over_limit=True`: a refusal the member may override (limits.LimitWarning, `confirmable`) is not
    shown but kept in `done.over_limit` for `confirm_over_limit`. `show=False` shows nothing and
    leaves `done.error` to the view. Any other exception passes through."""

    def __init__(self, form: FlaskForm | None = None, *, over_limit: bool = False, show: bool = True):
        self.form = form
        self.ask_over_limit = over_limit
        self.show = show
        self.error: DomainError | None = None
        self.over_limit: DomainError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def __enter__(self) -> refusals:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> bool:
        if not isinstance(error, DomainError):
            return False
        db.session.rollback()
        self.error = error
        if self.ask_over_limit and error.confirmable:
            self.over_limit = error
        elif self.show and self.form is not None:
            form_error(self.form, error)
        elif self.show:
            flash(error.message, "error")
        return True


def parse_decimal(text: str, field: str, message: str | None = None) -> Decimal:
    """A number typed into a form ('20', '15.5', '20%'), or DomainError on that field. Only its
    form is checked here (a number, and not absurdly large); the service says what range is allowed."""
    message = message or _("Enter a number.")
    try:
        value = Decimal(text.strip().replace("%", ""))
    except InvalidOperation as exc:
        raise DomainError(message, field=field) from exc
    if not value.is_finite() or value.copy_abs() >= 10**9:  # copy_abs: no context, no overflow
        raise DomainError(message, field=field)
    return value


def csv_response(body: str, filename: str) -> Response:
    return Response(
        body, mimetype="text/csv", headers={"Content-Disposition": f"attachment; filename={filename}"}
    )


def pdf_response(data: bytes, filename: str) -> Response:
    return Response(
        data, mimetype="application/pdf", headers={"Content-Disposition": f"inline; filename={filename}"}
    )


def url_for_each(endpoint: str, key: str, **values: Any) -> Callable[[int], str]:
    """url_for for each row of a list, by the row's id: the URL is built once and each id put in
    its place (url_for costs about 20 microseconds; a page of a few hundred links, several ms)."""
    marker = str(MAX_ID)
    values[key] = MAX_ID
    head, found, tail = url_for(endpoint, **values).partition(marker)
    assert found, endpoint
    return lambda ident: f"{head}{int(ident)}{tail}"


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals["url_for_each"] = url_for_each
    app.jinja_env.filters["client_price"] = lambda net, rate_bp, registered: client_price(
        net, rate_bp, registered
    ).words()

    @app.context_processor
    def inject() -> dict[str, Any]:
        return {"nav": nav_for(current_user)}
