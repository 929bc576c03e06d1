"""Clients, their contacts (invited to the client portal) and their calendar feed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from coop.auth import service as auth
from coop.auth.models import Role, User
from coop.bookings.models import (
    SECTORS,
    Client,
    ClientContact,
    InvoiceGrouping,
)
from coop.db import found, lock, same_name, serialize, write_transaction
from coop.errors import DomainError, NotFound
from coop.i18n import LANGUAGES
from coop.i18n import gettext as _
from coop.mail import service as mail
from coop.secret_tokens import digest, new_token


def list_clients(session: Session) -> list[Client]:
    stmt = select(Client).options(selectinload(Client.contacts)).order_by(func.lower(Client.name))
    return list(session.scalars(stmt))


def get_client(session: Session, client_id: int) -> Client:
    return found(session, Client, client_id, _("No such client."))


def client_for_user(session: Session, user_id: int) -> Client | None:
    """The client a signed-in contact acts for."""
    return session.scalar(select(Client).join(ClientContact).where(ClientContact.user_id == user_id))


@dataclass
class ClientData:
    name: str
    address: str
    billing_email: str
    payment_terms_days: int
    invoice_grouping: str = "shift"
    confirms_work: bool = False
    wants_einvoice: bool = False
    sector: str = "other"
    statement_by_email: bool = False
    language: str | None = None  # of their invoices, statements and invoice emails; None: the co-op's


def choose_invoice_language(session: Session, client_id: int, language: str | None) -> Client:
    """A client's own choice of the language of their invoices, credit notes, statements and
    invoice emails (None: the co-op's language), in one transaction."""
    if language is not None and language not in LANGUAGES:
        raise DomainError(_("Choose a language from the list."), field="language")
    with write_transaction(session):
        client = lock(session, Client, client_id)
        if client is None:
            raise DomainError(_("That client was not found."))
        client.language = language
    return client


def save_client(session: Session, data: ClientData, client: Client | None = None) -> Client:
    name = " ".join(data.name.split())
    if not name or len(name) > 120:
        raise DomainError(_("Enter the organisation's name (up to 120 characters)."), field="name")
    if not 0 <= data.payment_terms_days <= 120:
        raise DomainError(_("Payment terms must be between 0 and 120 days."), field="payment_terms_days")
    if data.invoice_grouping not in {InvoiceGrouping.SHIFT, InvoiceGrouping.SERVICE}:
        raise DomainError(_("Choose how invoices are grouped."), field="invoice_grouping")
    if data.sector not in SECTORS:
        raise DomainError(_("Choose the kind of organisation."), field="sector")
    if data.language and data.language not in LANGUAGES:
        raise DomainError(_("Choose a language from the list."), field="language")
    client_id = client.id if client is not None else None
    with write_transaction(session):
        serialize(session, "client names")  # two new clients of one name at once: one is refused
        clash = session.scalar(select(Client).where(same_name(Client.name, name)).limit(1))
        if clash is not None and clash.id != client_id:
            raise DomainError(_("There is already a client with that name."), field="name")
        saved = Client() if client_id is None else lock(session, Client, client_id)
        if saved is None:
            raise NotFound(_("No such client."))
        session.add(saved)
        saved.name = name
        saved.address = data.address.strip()[:1000]
        saved.billing_email = auth.normalise_email(data.billing_email)
        saved.payment_terms_days = data.payment_terms_days
        saved.invoice_grouping = data.invoice_grouping
        saved.confirms_work = data.confirms_work
        saved.wants_einvoice = data.wants_einvoice
        saved.statement_by_email = data.statement_by_email
        saved.sector = data.sector
        saved.language = data.language or None
    return saved


def invite_contact(
    session: Session,
    client: Client,
    *,
    email: str,
    name: str,
    invite_link: Callable[[User], str],
    coop_name: str,
) -> ClientContact:
    """Give a person at the client an account that sees only this client's bookings."""
    name = " ".join(name.split())
    if not name:
        raise DomainError(_("Enter the contact's name."), field="name")
    with write_transaction(session):
        user = auth.create_user_within(session, email, [Role.CLIENT])
        contact = ClientContact(client=client, user=user, name=name[:80])
        session.add(contact)
        session.flush()
        mail.queue(
            session,
            user.email,
            "invitation_client",
            name=contact.name,
            client=client.name,
            link=invite_link(user),
            coop_name=coop_name,
        )
    return contact


def regenerate_client_feed(session: Session, client: Client) -> str:
    """A new secret calendar address for the client, revoking any old one. Returns its token, to
    show once: only its digest is kept."""
    token = new_token()
    with write_transaction(session):
        locked = lock(session, Client, client.id)
        if locked is None:
            raise NotFound(_("No such client."))
        locked.feed_token_sha256 = digest(token)
    return token
