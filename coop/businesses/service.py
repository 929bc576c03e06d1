"""The co-op's businesses: each a trading name with its own services, invoice series and leads.

A business's invoice prefix is unique and ends in a character that is not a digit, so two
series can never print the same number (and a prefix once used by another business's issued
invoices is refused for the same reason). Creating a business creates its number series."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from coop.audit.service import record
from coop.auth.models import Role, User, UserRole
from coop.businesses.models import Business, BusinessLead
from coop.db import found, lock, same_name, serialize, write_transaction
from coop.errors import DomainError, NotFound
from coop.i18n import gettext as _
from coop.invoicing.models import Invoice, NumberSequence
from coop.owner_files import private_dir, write_private
from coop.pay.expenses import receipt_kind

MAX_LOGO_BYTES = 1_000_000
EMAIL_SHAPE = "@"


def list_businesses(session: Session, *, in_directory: bool = False) -> list[Business]:
    stmt = select(Business).order_by(Business.id)
    if in_directory:
        stmt = stmt.where(Business.in_directory.is_(True))
    return list(session.scalars(stmt))


def get_business(session: Session, business_id: int) -> Business:
    return found(session, Business, business_id, _("No such business."))


def first_business(session: Session) -> Business:
    """The first business: the co-op itself on a fresh install."""
    business = session.scalar(select(Business).order_by(Business.id).limit(1))
    if business is None:
        raise NotFound(_("The co-op has no business yet (run `coop db upgrade`)."))
    return business


@dataclass
class BusinessData:
    name: str
    description: str
    contact_email: str
    contact_phone: str
    invoice_prefix: str
    in_directory: bool = True


def _checked(data: BusinessData) -> BusinessData:
    name = " ".join(data.name.split())
    if not name or len(name) > 80:
        raise DomainError(_("Enter a business name of up to 80 characters."), field="name")
    prefix = data.invoice_prefix.strip()
    if not 1 <= len(prefix) <= 12 or prefix[-1].isdigit() or any(c.isspace() for c in prefix):
        raise DomainError(
            _(
                "Enter an invoice number prefix of 1 to 12 characters, with no spaces, ending in a letter "
                "or a sign such as '-' (the number follows it)."
            ),
            field="invoice_prefix",
        )
    email = data.contact_email.strip().lower()
    if email and (EMAIL_SHAPE not in email or len(email) > 254):
        raise DomainError(
            _("Enter an email address such as hello@example.org, or leave it empty."), field="contact_email"
        )
    phone = " ".join(data.contact_phone.split())
    if len(phone) > 40:
        raise DomainError(_("Enter a phone number of up to 40 characters."), field="contact_phone")
    return BusinessData(name, data.description.strip()[:2000], email, phone, prefix, data.in_directory)


def logo_kind(data: bytes) -> tuple[str, str]:
    """A logo is a PNG or JPEG image that decodes (checked as receipts are), at most 1 MB."""
    if len(data) > MAX_LOGO_BYTES:
        raise DomainError(_("The logo must be 1 MB or smaller."), field="logo")
    try:
        ext, media = receipt_kind(data)
    except DomainError:
        ext, media = "", ""
    if media not in {"image/png", "image/jpeg"}:
        raise DomainError(_("The logo must be a PNG or JPEG image."), field="logo")
    return ext, media


def save_business(
    session: Session,
    data: BusinessData,
    *,
    actor_id: int | None,
    business_id: int | None = None,
    logo: bytes | None = None,
    upload_dir: Path | None = None,
) -> Business:
    """Create or change a business. A new business gets its own invoice series, starting at 1."""
    data = _checked(data)
    logo_ext, logo_type = logo_kind(logo) if logo else ("", "")
    with write_transaction(session):
        serialize(session, "businesses")  # two new businesses of one name or prefix: one is refused
        business: Business | None = None
        if business_id is not None:
            business = lock(session, Business, business_id)
            if business is None:
                raise NotFound(_("No such business."))
        clash = session.scalar(select(Business).where(same_name(Business.name, data.name)).limit(1))
        if clash is not None and clash is not business:
            raise DomainError(_("There is already a business with that name."), field="name")
        clash = session.scalar(
            select(Business).where(Business.invoice_prefix == data.invoice_prefix).limit(1)
        )
        if clash is not None and clash is not business:
            raise DomainError(_("Another business uses that invoice number prefix."), field="invoice_prefix")
        if _prefix_printed_by_others(session, data.invoice_prefix, business_id):
            raise DomainError(
                _("Another business has issued invoices with numbers starting with that prefix."),
                field="invoice_prefix",
            )
        if business is None:
            top = session.scalar(select(func.max(Business.id))) or 0
            series = f"invoice-{top + 1}"
            while session.get(NumberSequence, series) is not None:
                series = f"invoice-{top + 1}-{secrets.token_hex(2)}"
            session.add(NumberSequence(name=series, next_number=1))
            session.flush()  # the series row first: the business refers to it
            business = Business(series=series)
            session.add(business)
        business.name = data.name
        business.description = data.description
        business.contact_email = data.contact_email
        business.contact_phone = data.contact_phone
        business.invoice_prefix = data.invoice_prefix
        business.in_directory = data.in_directory
        if logo and upload_dir is not None:
            path = f"logos/{secrets.token_hex(16)}{logo_ext}"
            private_dir(upload_dir / "logos")
            write_private(upload_dir / path, logo)
            business.logo_path, business.logo_type = path, logo_type
        session.flush()
        record(
            session,
            actor_id,
            "business.saved",
            ("business", business.id),
            {},
            {"name": business.name, "invoice_prefix": business.invoice_prefix},
        )
    return business


def _prefix_printed_by_others(session: Session, prefix: str, business_id: int | None) -> bool:
    """True when another business's issued invoices have numbers made from this prefix (it once
    was theirs), so the same number could be printed twice."""
    stmt = select(Invoice.number).where(Invoice.number.like(_like(prefix) + "%", escape="\\"))
    if business_id is not None:
        stmt = stmt.where(Invoice.business_id != business_id)
    return any(n[len(prefix) :].isdigit() for n in session.scalars(stmt) if n)


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def logo_file(business: Business, upload_dir: Path) -> bytes:
    if not business.logo_path:
        raise NotFound(_("This business has no logo."))
    try:
        return (upload_dir / business.logo_path).read_bytes()
    except OSError as exc:
        raise NotFound(_("The logo file is missing.")) from exc


# --- leads ------------------------------------------------------------------------------------


def coordinators(session: Session) -> list[User]:
    """Every active coordinator's account, who may lead a business."""
    stmt = (
        select(User)
        .join(UserRole)
        .where(UserRole.role == Role.COORDINATOR, User.active.is_(True))
        .order_by(User.email)
    )
    return list(session.scalars(stmt))


def lead_ids(session: Session, business_id: int) -> set[int]:
    return set(session.scalars(select(BusinessLead.user_id).where(BusinessLead.business_id == business_id)))


def led_by(session: Session, user_id: int) -> list[int]:
    """The businesses this coordinator leads (their pages start with these), in id order."""
    stmt = select(BusinessLead.business_id).where(BusinessLead.user_id == user_id)
    return sorted(session.scalars(stmt))


def set_leads(session: Session, business_id: int, user_ids: Iterable[int], *, actor_id: int) -> None:
    """Who leads a business: only coordinators can (anyone else in the list is refused)."""
    wanted = set(user_ids)
    with write_transaction(session):
        business = lock(session, Business, business_id)
        if business is None:
            raise NotFound(_("No such business."))
        allowed = {u.id for u in coordinators(session)}
        if not wanted <= allowed:
            raise DomainError(_("Only coordinators can lead a business."), field="leads")
        session.execute(delete(BusinessLead).where(BusinessLead.business_id == business_id))
        session.add_all(BusinessLead(business_id=business_id, user_id=u) for u in sorted(wanted))
        record(session, actor_id, "business.leads", ("business", business_id), {}, {"leads": len(wanted)})
