"""A client's statement of account as a printed document: HTML from
templates/books/client_statement_pdf.html, rendered without a web request, so the page that
downloads it and the monthly email (`coop send-statements`) print the same document."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session

from coop.config import RESOURCES
from coop.documents import html_to_pdf
from coop.i18n import reading, templates
from coop.mail.readers import client_reading
from coop.settings import service as settings
from coop.settings.keys import K

if TYPE_CHECKING:
    from coop.books.client_statements import ClientStatement

_env = Environment(
    loader=FileSystemLoader(RESOURCES / "templates"),
    autoescape=select_autoescape(["html"]),  # names and addresses are typed by people
)
templates.configure(_env)


def statement_pdf(session: Session, statement: ClientStatement) -> bytes:
    """The statement as a PDF, with the co-op's name, address and bank details, in the client's
    language (else the co-op's)."""
    with reading(client_reading(session, statement.client)):
        html = _env.get_template("books/client_statement_pdf.html").render(
            s=statement,
            coop_name=settings.get(session, K.COOP_NAME),
            coop_address=settings.get(session, K.COOP_ADDRESS),
            bank_details=settings.get(session, K.COOP_BANK_DETAILS),
        )
    return html_to_pdf(html)
