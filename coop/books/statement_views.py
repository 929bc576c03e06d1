"""Clients' statements of account as PDFs: a client downloads their own, a coordinator any
client's. Routes of the books blueprint (coop.books.views.bp)."""

from __future__ import annotations

from datetime import date

from flask import render_template, request
from werkzeug.wrappers import Response as WResponse

from coop.access import roles
from coop.auth.signed_in import current_client
from coop.books.client_statements import client_statement
from coop.books.rendering import statement_pdf
from coop.books.views import bp
from coop.errors import DomainError
from coop.extensions import db
from coop.timeutil import last_month, today_london
from coop.web import day_arg, pdf_response


def _period() -> tuple[date, date]:
    """The period asked for in the query string, or last month."""
    first, last = last_month(today_london())
    first = request.args.get("period_start", first, type=day_arg)
    last = request.args.get("period_end", last, type=day_arg)
    return first, last


def _pdf(client_id: int) -> WResponse | tuple[str, int]:
    first, last = _period()
    try:
        statement = client_statement(db.session, client_id, first, last)
    except DomainError as e:
        return render_template("books/statement_problem.html", message=e.message), 400
    return pdf_response(
        statement_pdf(db.session, statement), f"statement-{first.isoformat()}-to-{last.isoformat()}.pdf"
    )


@bp.route("/my/statement.pdf")
@roles("client")
def my_statement() -> WResponse | tuple[str, int]:
    """A client's own statement; only ever their own (the client comes from the sign-in)."""
    return _pdf(current_client().id)


@bp.route("/clients/<int:client_id>/statement.pdf")
@roles("coordinator")
def client_statement_pdf(client_id: int) -> WResponse | tuple[str, int]:
    return _pdf(client_id)
