"""Quote requests: an organisation that is not a client yet asks one business for a quote from
its public page (no account). The request reaches the business's leads (email through the
outbox, and their list); a lead can turn it into a client, then book its first work for it.

Requests are rate limited per address and per email like the other public forms, and kept a
year (or until they become a client), then deleted (`forget_old_quotes`)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from coop.auth import service as auth
from coop.auth.models import AttemptKind, LoginAttempt
from coop.bookings.models import Client
from coop.businesses.leads import tell_leads_within
from coop.businesses.models import Business, QuoteRequest, QuoteStatus
from coop.db import found, lock, same_name, serialize, write_transaction
from coop.errors import DomainError, NotFound
from coop.i18n import gettext as _
from coop.timeutil import utcnow

# At most 3 requests an hour from one email address and 10 from one network address.
QUOTE_LIMITS = auth.ThrottleLimits(per_account=3, per_ip=10, window_seconds=60 * 60)
KEPT_DAYS = 366


@dataclass
class QuoteData:
    organisation: str
    contact_name: str
    contact_email: str
    contact_phone: str
    need: str
    place: str
    timing: str


def _checked(data: QuoteData) -> QuoteData:
    organisation = " ".join(data.organisation.split())
    name = " ".join(data.contact_name.split())
    email = data.contact_email.strip().lower()
    if not organisation or len(organisation) > 120:
        raise DomainError(_("Enter your organisation's name (up to 120 characters)."), field="organisation")
    if not name or len(name) > 120:
        raise DomainError(_("Enter your name (up to 120 characters)."), field="contact_name")
    if "@" not in email or len(email) > 254 or " " in email:
        raise DomainError(
            _("Enter an email address such as name@example.org, so we can reply."), field="contact_email"
        )
    need = data.need.strip()
    if not need:
        raise DomainError(_("Tell us what you need, in a few words."), field="need")
    return QuoteData(
        organisation,
        name,
        email,
        " ".join(data.contact_phone.split())[:40],
        need[:2000],
        data.place.strip()[:1000],
        data.timing.strip()[:1000],
    )


def ask_for_quote(session: Session, business_id: int, data: QuoteData, *, ip: str) -> QuoteRequest:
    """Store the request and email the business's leads (every coordinator if it has none)."""
    data = _checked(data)
    with write_transaction(session):
        business = session.get(Business, business_id)
        if business is None or not business.in_directory:
            raise NotFound(_("No such business."))
        if auth.is_throttled(session, AttemptKind.QUOTE, data.contact_email, ip, QUOTE_LIMITS):
            raise DomainError(
                _(
                    "We have had several requests from you in the last hour. Please wait an hour, or email "
                    "us instead."
                ),
            )
        session.add(LoginAttempt(kind=AttemptKind.QUOTE, email=data.contact_email, ip=ip[:64]))
        quote = QuoteRequest(
            business_id=business_id,
            organisation=data.organisation,
            contact_name=data.contact_name,
            contact_email=data.contact_email,
            contact_phone=data.contact_phone,
            need=data.need,
            place=data.place,
            timing=data.timing,
        )
        session.add(quote)
        session.flush()
        tell_leads_within(session, business_id, "quote_requested", quote=quote, business=business)
    return quote


def quotes_for(
    session: Session, business_ids: Collection[int] | None = None, limit: int = 100
) -> list[QuoteRequest]:
    """Newest first; with `business_ids`, those businesses' only."""
    stmt = select(QuoteRequest).order_by(QuoteRequest.created_at.desc(), QuoteRequest.id.desc()).limit(limit)
    if business_ids is not None:
        stmt = stmt.where(QuoteRequest.business_id.in_(business_ids))
    return list(session.scalars(stmt))


def get_quote(session: Session, quote_id: int) -> QuoteRequest:
    return found(session, QuoteRequest, quote_id, _("No such quote request."))


def mark_answered(session: Session, quote_id: int, *, actor_id: int) -> None:
    """A lead replied (or decided not to go on): the request leaves the waiting list."""
    with write_transaction(session):
        quote = lock(session, QuoteRequest, quote_id)
        if quote is None:
            raise NotFound(_("No such quote request."))
        if quote.status == QuoteStatus.NEW:
            quote.status = QuoteStatus.ANSWERED
            quote.answered_by_id, quote.answered_at = actor_id, utcnow()


def make_client(session: Session, quote_id: int, *, actor_id: int) -> Client:
    """Turn a request into a client (the organisation's name, the contact's email for bills, the
    place as the address), once: a second try, or a client of that name already, is refused."""
    with write_transaction(session):
        quote = lock(session, QuoteRequest, quote_id)
        if quote is None:
            raise NotFound(_("No such quote request."))
        if quote.status == QuoteStatus.CLIENT:
            raise DomainError(_("This request has already been made into a client."))
        serialize(session, "client names")  # as bookings.save_client: one name, one client
        if session.scalar(select(Client.id).where(same_name(Client.name, quote.organisation)).limit(1)):
            raise DomainError(
                _(
                    "There is already a client called %(name)s. Book for them from the booking page.",
                    name=quote.organisation,
                )
            )
        client = Client(
            name=quote.organisation,
            address=quote.place,
            billing_email=quote.contact_email,
            payment_terms_days=30,
        )
        session.add(client)
        session.flush()
        quote.status, quote.client_id = QuoteStatus.CLIENT, client.id
        quote.answered_by_id, quote.answered_at = actor_id, utcnow()
    return client


def forget_old_quotes(session: Session) -> int:
    """Delete requests older than a year (the data map's retention); how many went."""
    with write_transaction(session):
        result = session.execute(
            delete(QuoteRequest).where(QuoteRequest.created_at < utcnow() - timedelta(days=KEPT_DAYS))
        )
    return int(getattr(result, "rowcount", 0) or 0)
