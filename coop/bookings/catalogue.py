"""The services the co-op offers: what each charges and pays (never below the pay floor), and
changes to them re-checked for the members who hold their coming shifts (and, for their limit,
for those whose hours worked on them are not yet approved)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from coop.audit.service import record
from coop.bookings.models import (
    Service,
    Shift,
    ShiftStatus,
)
from coop.businesses.models import Business
from coop.db import found, lock, same_name, serialize, write_transaction
from coop.errors import DomainError, NotFound
from coop.i18n import gettext as _
from coop.i18n import ngettext
from coop.limits import service as limits
from coop.pay import rates
from coop.rota import places
from coop.timeutil import (
    to_london,
    today_london,
    utcnow,
)


def list_services(session: Session, *, active_only: bool = False) -> list[Service]:
    stmt = select(Service).order_by(Service.name)
    if active_only:
        stmt = stmt.where(Service.active.is_(True))
    return list(session.scalars(stmt))


def get_service(session: Session, service_id: int) -> Service:
    return found(session, Service, service_id, _("No such service."))


@dataclass
class ServiceData:
    name: str
    description: str
    skill_id: int
    charge_pence_per_hour: int
    pay_pence_per_hour: int
    vat_rate_bp: int
    min_booking_minutes: int
    active: bool = True
    involvement: bool = False
    business_id: int | None = None  # None: the first business (a co-op with one never says)
    helpline: bool = False


def save_service(
    session: Session,
    data: ServiceData,
    *,
    actor_id: int,
    service: Service | None = None,
    ask_members: bool = False,
    now: datetime | None = None,
) -> Service:
    """Create or change a service. Member pay can never be below the pay floor in force today
    (nor the statutory minimum); price changes are audit-logged. New pay or a new skill that no
    longer fits a member who holds a coming shift of the service is refused (rota.DoesNotFit),
    or, with ask_members, saved with those members asked whether they can still do it."""
    now = now or utcnow()
    name = " ".join(data.name.split())
    if not name or len(name) > 80:
        raise DomainError(_("Enter a service name of up to 80 characters."), field="name")
    pay = data.pay_pence_per_hour
    rates.rate_on(session, today_london(), pay, choosing=True, field="pay_pence_per_hour")
    if not 0 <= data.charge_pence_per_hour <= 100_000:
        raise DomainError(_("Enter a charge between £0 and £1,000 an hour."), field="charge_pence_per_hour")
    if data.pay_pence_per_hour > 100_000:
        raise DomainError(_("Enter pay of at most £1,000 an hour."), field="pay_pence_per_hour")
    if not 0 <= data.vat_rate_bp <= 10000:
        raise DomainError(_("Enter a VAT rate between 0% and 100%."), field="vat_rate")
    if not 0 <= data.min_booking_minutes <= 1440:
        raise DomainError(_("Enter a minimum booking between 0 and 24 hours."), field="min_booking_hours")
    service_id = service.id if service is not None else None
    with write_transaction(session):
        coming = select(Shift.id).where(
            Shift.service_id == service_id, Shift.status == ShiftStatus.SCHEDULED, Shift.starts_at > now
        )
        # Work done and not yet approved counts at the service's pay too: its holders are checked.
        worked = limits.estimated_started(service_id, now) if service_id else None
        locked: list[int] = []
        if worked is not None:
            either = select(Shift.id).where(or_(Shift.id.in_(coming), Shift.id.in_(worked)))
            locked = places.lock_holders(session, either)
        if service_id is not None:
            service = lock(session, Service, service_id)
            if service is None:
                raise NotFound(_("No such service."))
        serialize(session, "service names")  # two new services of one name at once: one is refused
        clash = session.scalar(select(Service).where(same_name(Service.name, name)).limit(1))
        if clash is not None and clash is not service:
            raise DomainError(_("There is already a service with that name."), field="name")
        shift_ids = list(session.scalars(coming.order_by(Shift.id))) if service_id else []
        worked_ids = list(session.scalars(worked)) if worked is not None else []
        days = {
            to_london(s).date()
            for s in session.scalars(select(Shift.starts_at).where(Shift.id.in_(shift_ids + worked_ids)))
        }
        guard = limits.Guard(session, locked, work_days=days)  # the days of the work whose pay changes
        before = _service_money(service) if service else {}
        if service is None:
            service = Service()
            session.add(service)
        service.name = name
        service.description = data.description.strip()[:2000]
        service.skill_id = data.skill_id
        service.charge_pence_per_hour = data.charge_pence_per_hour
        service.pay_pence_per_hour = data.pay_pence_per_hour
        service.vat_rate_bp = data.vat_rate_bp
        service.min_booking_minutes = data.min_booking_minutes
        service.active = data.active
        service.involvement = data.involvement
        if data.business_id is not None:
            if session.get(Business, data.business_id) is None:
                raise DomainError(_("Choose one of the co-op's businesses."), field="business_id")
            service.business_id = data.business_id
        service.helpline = data.helpline
        session.flush()
        if shift_ids:
            session.expire_all()  # the shifts' service (pay, skill) is read afresh by the checks
            places.recheck_holders(session, shift_ids, guard, locked, ask=ask_members, now=now)
        if worked_ids and (over := guard.broken()):  # work done cannot be asked about: refused
            raise DomainError(
                ngettext(
                    "This pay would take %(num)s member over their own limit for work already done, "
                    "so nothing was saved. Approve the hours worked so far first, then change the pay.",
                    "This pay would take %(num)s members over their own limit for work already done, "
                    "so nothing was saved. Approve the hours worked so far first, then change the pay.",
                    len(over),
                )
            )
        after = _service_money(service)
        if before != after:
            record(session, actor_id, "service.rates", ("service", service.id), before, after)
    return service


def _service_money(service: Service) -> dict[str, Any]:
    return {
        "charge_pence_per_hour": service.charge_pence_per_hour,
        "pay_pence_per_hour": service.pay_pence_per_hour,
        "vat_rate_bp": service.vat_rate_bp,
    }
