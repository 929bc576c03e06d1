"""Who reads an email or a document, so its words, dates and money are in their language: a
person with an account reads what they chose on their account page; a client's invoices,
statements and invoice emails read the client's language; anyone else reads the co-op's
language (the `coop_language` setting). Whoever sends it (a coordinator reading English, the CLI)
does not change what the reader gets."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coop.auth.models import User
from coop.bookings.models import Client
from coop.i18n import Reading
from coop.settings import service as settings
from coop.settings.keys import K


def coop_reading(session: Session) -> Reading:
    """The co-op's language, in standard words: for readers who have not chosen."""
    return Reading.of(settings.get(session, K.COOP_LANGUAGE))


def client_reading(session: Session, client: Client) -> Reading:
    """A client's invoices and statements: in the language set on the client, else the co-op's."""
    return Reading.of(client.language) if client.language else coop_reading(session)


def user_reading(session: Session, user: User | None) -> Reading:
    """An account holder's own choice (the co-op's language for a missing account)."""
    return user.reading if user is not None else coop_reading(session)


def reader_of(session: Session, address: str) -> Reading:
    """Who reads mail sent to `address`: the account with that address, else the client billed
    there, else the co-op's language."""
    wanted = address.strip().lower()
    user = session.scalar(select(User).where(User.email == wanted))
    if user is not None:
        return user.reading
    client = session.scalar(
        select(Client).where(func.lower(Client.billing_email) == wanted).order_by(Client.id).limit(1)
    )
    if client is not None:
        return client_reading(session, client)
    return coop_reading(session)
