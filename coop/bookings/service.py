"""Bookings: the service catalogue, clients, requests, confirmation into shifts, edits and
cancellation. Times are entered as Europe/London wall-clock times and stored in UTC."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from dateutil.rrule import MONTHLY, WEEKLY, rrule
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from coop.audit.service import record
from coop.auth import service as auth
from coop.auth.models import Role, User
from coop.bookings.models import (
    SECTORS,
    Booking,
    BookingEvent,
    BookingStatus,
    Client,
    ClientContact,
    Recurrence,
    Service,
    Shift,
    ShiftStatus,
    new_feed_token,
)
from coop.caps import service as caps
from coop.db import lock, same_name, write_transaction
from coop.errors import DomainError, NotFound
from coop.mail import service as mail
from coop.members.models import Member, MemberStatus
from coop.money import apply_rate, format_pence, round_pence
from coop.rota import places
from coop.rota.eligibility import free_members
from coop.rota.fair_release import hold_new_shifts
from coop.rota.places import release_cancelled_shift
from coop.settings import service as settings
from coop.timeutil import (
    bank_holiday,
    format_dt,
    format_minutes,
    local_span_to_utc,
    missing_time,
    to_london,
    utcnow,
)

MAX_OCCURRENCES = 104
MAX_WORKERS = 50
MAX_SHIFT_HOURS = 16
WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


# --- services ------------------------------------------------------------------------------


def list_services(session: Session, *, active_only: bool = False) -> list[Service]:
    stmt = select(Service).order_by(Service.name)
    if active_only:
        stmt = stmt.where(Service.active.is_(True))
    return list(session.scalars(stmt))


def get_service(session: Session, service_id: int) -> Service:
    service = session.get(Service, service_id)
    if service is None:
        raise NotFound("No such service.")
    return service


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
        raise DomainError("Enter a service name of up to 80 characters.", field="name")
    floor = settings.pay_floor(session)
    if data.pay_pence_per_hour < floor:
        raise DomainError(
            f"Member pay must be at least the pay floor of {format_pence(floor)} an hour.",
            field="pay_pence_per_hour",
        )
    if not 0 <= data.charge_pence_per_hour <= 100_000:
        raise DomainError("Enter a charge between £0 and £1,000 an hour.", field="charge_pence_per_hour")
    if data.pay_pence_per_hour > 100_000:
        raise DomainError("Enter pay of at most £1,000 an hour.", field="pay_pence_per_hour")
    if not 0 <= data.vat_rate_bp <= 10000:
        raise DomainError("Enter a VAT rate between 0% and 100%.", field="vat_rate")
    if not 0 <= data.min_booking_minutes <= 1440:
        raise DomainError("Enter a minimum booking between 0 and 24 hours.", field="min_booking_hours")
    service_id = service.id if service is not None else None
    with write_transaction(session):
        coming = select(Shift.id).where(
            Shift.service_id == service_id, Shift.status == ShiftStatus.SCHEDULED, Shift.starts_at > now
        )
        locked = places.lock_holders(session, coming) if service_id else []
        if service_id is not None:
            service = lock(session, Service, service_id)
            if service is None:
                raise NotFound("No such service.")
        clash = session.scalar(select(Service).where(same_name(Service.name, name)).limit(1))
        if clash is not None and clash is not service:
            raise DomainError("There is already a service with that name.", field="name")
        shift_ids = list(session.scalars(coming.order_by(Shift.id))) if service_id else []
        today = to_london(now).date()
        last = max(
            (
                to_london(s).date()
                for s in session.scalars(select(Shift.starts_at).where(Shift.id.in_(shift_ids)))
            ),
            default=today,
        )
        guard = caps.Guard(session, locked, today, last)
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
        session.flush()
        if shift_ids:
            session.expire_all()  # the shifts' service (pay, skill) is read afresh by the checks
            places.recheck_holders(session, shift_ids, guard, locked, ask=ask_members, now=now)
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


# --- clients -------------------------------------------------------------------------------


def list_clients(session: Session) -> list[Client]:
    stmt = select(Client).options(selectinload(Client.contacts)).order_by(func.lower(Client.name))
    return list(session.scalars(stmt))


def get_client(session: Session, client_id: int) -> Client:
    client = session.get(Client, client_id)
    if client is None:
        raise NotFound("No such client.")
    return client


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


def save_client(session: Session, data: ClientData, client: Client | None = None) -> Client:
    name = " ".join(data.name.split())
    if not name or len(name) > 120:
        raise DomainError("Enter the organisation's name (up to 120 characters).", field="name")
    clash = session.scalar(select(Client).where(same_name(Client.name, name)).limit(1))
    if clash is not None and clash is not client:
        raise DomainError("There is already a client with that name.", field="name")
    if not 0 <= data.payment_terms_days <= 120:
        raise DomainError("Payment terms must be between 0 and 120 days.", field="payment_terms_days")
    if data.invoice_grouping not in {"shift", "service"}:
        raise DomainError("Choose how invoices are grouped.", field="invoice_grouping")
    if client is None:
        client = Client()
        session.add(client)
    client.name = name
    client.address = data.address.strip()[:1000]
    client.billing_email = auth.normalise_email(data.billing_email)
    client.payment_terms_days = data.payment_terms_days
    client.invoice_grouping = data.invoice_grouping
    client.confirms_work = data.confirms_work
    client.wants_einvoice = data.wants_einvoice
    if data.sector not in SECTORS:
        raise DomainError("Choose the kind of organisation.", field="sector")
    client.sector = data.sector
    session.commit()
    return client


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
        raise DomainError("Enter the contact's name.", field="name")
    user = auth.create_user(session, email, [Role.CLIENT])
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
    session.commit()
    return contact


def regenerate_client_feed(session: Session, client: Client) -> None:
    client.feed_token = new_feed_token()
    session.commit()


# --- planning a booking --------------------------------------------------------------------


@dataclass
class BookingData:
    service_id: int
    site_address: str
    start_date: date
    start_time: time
    end_time: time
    workers: int
    notes: str = ""
    recurrence: str = Recurrence.NONE
    weekdays: Sequence[int] = ()
    until_date: date | None = None
    occurrences: int | None = None


@dataclass
class Occurrence:
    day: date
    starts_at: datetime
    ends_at: datetime
    bank_holiday: str = ""

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


@dataclass
class Estimate:
    minutes: int
    net_pence: int
    vat_pence: int
    vat_rate_bp: int

    @property
    def gross_pence(self) -> int:
        return self.net_pence + self.vat_pence

    @property
    def hours(self) -> Decimal:
        return Decimal(self.minutes) / 60


@dataclass
class Plan:
    service: Service
    occurrences: list[Occurrence]
    estimate: Estimate
    cancellation_terms: str
    warnings: list[str] = field(default_factory=list)


def occurrence_dates(data: BookingData) -> list[date]:
    """The dates a booking happens on, from its recurrence rule (dateutil's rrule)."""
    if data.recurrence == Recurrence.NONE:
        return [data.start_date]
    if data.until_date is None and data.occurrences is None:
        raise DomainError("Say when the repeats end: a last date or a number of times.", field="until_date")
    if data.until_date is not None and data.until_date < data.start_date:
        raise DomainError("The last date must be on or after the first date.", field="until_date")
    if data.occurrences is not None and not 1 <= data.occurrences <= MAX_OCCURRENCES:
        raise DomainError(f"Repeat between 1 and {MAX_OCCURRENCES} times.", field="occurrences")
    kwargs: dict[str, Any] = {"dtstart": data.start_date, "count": data.occurrences}
    if data.until_date is not None:
        kwargs["until"] = data.until_date
        kwargs["count"] = None
    if data.recurrence in (Recurrence.WEEKLY, Recurrence.FORTNIGHTLY):
        days = sorted(set(data.weekdays)) or [data.start_date.weekday()]
        if any(not 0 <= d <= 6 for d in days):
            raise DomainError("Choose days of the week.", field="weekdays")
        interval = 1 if data.recurrence == Recurrence.WEEKLY else 2
        rule = rrule(WEEKLY, interval=interval, byweekday=days, **kwargs)
    elif data.recurrence == Recurrence.MONTHLY:
        if data.start_date.day > 28:
            raise DomainError(
                "For a monthly booking, start on a day from the 1st to the 28th.", field="start_date"
            )
        rule = rrule(MONTHLY, bymonthday=data.start_date.day, **kwargs)
    else:
        raise DomainError("Choose how often it repeats.", field="recurrence")
    dates = [d.date() for d in rule[: MAX_OCCURRENCES + 1]]
    if len(dates) > MAX_OCCURRENCES:
        raise DomainError(
            f"That makes more than {MAX_OCCURRENCES} visits. Choose an earlier last date.",
            field="until_date",
        )
    if not dates:
        raise DomainError("Those choices give no dates. Check the days and the last date.", field="weekdays")
    return dates


def estimate(service: Service, occurrences: Sequence[Occurrence], workers: int) -> Estimate:
    """Price = hours × workers × hourly charge (per occurrence, rounded to the penny), plus VAT."""
    minutes = sum(o.minutes for o in occurrences)
    net = sum(
        round_pence(Decimal(o.minutes * workers * service.charge_pence_per_hour) / 60) for o in occurrences
    )
    vat = apply_rate(net, Decimal(service.vat_rate_bp) / 100)
    return Estimate(minutes=minutes * workers, net_pence=net, vat_pence=vat, vat_rate_bp=service.vat_rate_bp)


def cancellation_terms(session: Session) -> str:
    hours = settings.get(session, "cancellation_notice_hours")
    percent = settings.get(session, "cancellation_fee_percent")
    if percent == 0 or hours == 0:
        return "You can cancel any time before the work starts at no charge."
    fee = "the full charge" if percent == 100 else f"{percent}% of the charge"
    return (
        f"You can cancel at no charge up to {hours} hours before a visit starts. "
        f"Cancelling later costs {fee} for that visit."
    )


def plan_booking(
    session: Session, data: BookingData, *, now: datetime | None = None, ahead_only: bool = False
) -> Plan:
    """Check a booking request and work out its dates, times and price, without saving it. With
    `ahead_only` (confirming a request whose first visits have passed) only the visits still
    ahead are planned."""
    now = now or utcnow()
    service = session.get(Service, data.service_id)
    if service is None or not service.active:
        raise DomainError("That service is not available to book.", field="service_id")
    if not data.site_address.strip():
        raise DomainError("Enter the address where the work happens.", field="site_address")
    if not 1 <= data.workers <= MAX_WORKERS:
        raise DomainError(f"Ask for between 1 and {MAX_WORKERS} workers.", field="workers")
    if data.start_time == data.end_time:
        raise DomainError("The end time must be different from the start time.", field="end_time")
    occurrences = []
    for day in occurrence_dates(data):
        end_day = day if data.end_time > data.start_time else day + timedelta(days=1)
        for field_name, on, at in (
            ("start_time", day, data.start_time),
            ("end_time", end_day, data.end_time),
        ):
            if message := missing_time(on, at):
                raise DomainError(message, field=field_name)
        starts_at, ends_at = local_span_to_utc(day, data.start_time, data.end_time)
        occurrences.append(Occurrence(day, starts_at, ends_at, bank_holiday(day)))
    passed = 0
    if ahead_only:
        passed = sum(1 for o in occurrences if o.starts_at <= now)
        occurrences = [o for o in occurrences if o.starts_at > now]
        if not occurrences:
            raise DomainError("Every visit of this request has passed, so there is nothing left to confirm.")
    first = occurrences[0]
    if first.starts_at <= now:
        raise DomainError("The first visit must be in the future.", field="start_date")
    if first.minutes > MAX_SHIFT_HOURS * 60:
        raise DomainError(f"A visit can be at most {MAX_SHIFT_HOURS} hours long.", field="end_time")
    if first.minutes < service.min_booking_minutes:
        raise DomainError(
            f"{service.name} is booked for at least {format_minutes(service.min_booking_minutes)}.",
            field="end_time",
        )
    warnings = [
        f"{o.day.strftime('%a %-d %b %Y')} is a bank holiday ({o.bank_holiday})."
        for o in occurrences
        if o.bank_holiday
    ]
    if passed:
        warnings.insert(
            0,
            f"{passed} visit(s) of this request have already passed and will not be booked; "
            f"confirming books the {len(occurrences)} still ahead.",
        )
    wall = datetime.combine(
        date.min + timedelta(days=1 if data.end_time <= data.start_time else 0), data.end_time
    ) - datetime.combine(date.min, data.start_time)
    warnings += [
        f"{o.day.strftime('%a %-d %b %Y')}: the clocks change that night, so this visit is really "
        f"{format_minutes(o.minutes)} long (and is charged and paid for that time)."
        for o in occurrences
        if o.minutes != int(wall.total_seconds() // 60)
    ]
    return Plan(
        service=service,
        occurrences=occurrences,
        estimate=estimate(service, occurrences, data.workers),
        cancellation_terms=cancellation_terms(session),
        warnings=warnings,
    )


# --- the booking lifecycle ------------------------------------------------------------------


def _event(session: Session, booking: Booking, status: str, actor_id: int | None, note: str = "") -> None:
    booking.status = status
    session.add(BookingEvent(booking=booking, status=status, actor_id=actor_id, note=note))


def _notify_client(session: Session, booking: Booking, template: str, **context: Any) -> None:
    recipients = {booking.client.billing_email} | {c.user.email for c in booking.client.contacts}
    for to in sorted(recipients):
        mail.queue(session, to, template, booking=booking, client=booking.client, fmt=format_dt, **context)


def request_booking(session: Session, client: Client, data: BookingData, *, actor_id: int) -> Booking:
    """A client asks for a service. Nothing is scheduled until a coordinator confirms it."""
    client_id = client.id
    with write_transaction(session):
        booking = request_within(session, session.get(Client, client_id) or client, data, actor_id=actor_id)
        for user in auth.users_with_role(session, Role.COORDINATOR):
            if user.active:
                mail.queue(session, user.email, "booking_requested", booking=booking, fmt=format_dt)
        return booking


def request_within(session: Session, client: Client, data: BookingData, *, actor_id: int) -> Booking:
    """Inside a write transaction: the booking request itself (see request_booking)."""
    plan = plan_booking(session, data)
    booking = Booking(
        client=client,
        service=plan.service,
        site_address=data.site_address.strip()[:1000],
        notes=data.notes.strip()[:2000],
        workers=data.workers,
        start_date=data.start_date,
        start_time=data.start_time,
        end_time=data.end_time,
        recurrence=data.recurrence,
        weekdays=",".join(str(d) for d in sorted(set(data.weekdays))),
        until_date=data.until_date if data.recurrence != Recurrence.NONE else None,
        occurrences=data.occurrences if data.recurrence != Recurrence.NONE else None,
        created_by_id=actor_id,
    )
    session.add(booking)
    _event(session, booking, BookingStatus.REQUESTED, actor_id)
    session.flush()
    return booking


def booking_data(booking: Booking) -> BookingData:
    return BookingData(
        service_id=booking.service_id,
        site_address=booking.site_address,
        start_date=booking.start_date,
        start_time=booking.start_time,
        end_time=booking.end_time,
        workers=booking.workers,
        notes=booking.notes,
        recurrence=booking.recurrence,
        weekdays=[int(d) for d in booking.weekdays.split(",") if d],
        until_date=booking.until_date,
        occurrences=booking.occurrences,
    )


def confirm_booking(session: Session, booking: Booking, *, actor_id: int) -> list[Shift]:
    """A coordinator accepts a request: one shift per occurrence, each with a slot per worker."""
    booking_id = booking.id
    with write_transaction(session):
        return _confirm(session, _locked_booking(session, booking_id), actor_id)


def _locked_booking(session: Session, booking_id: int) -> Booking:
    booking = lock(session, Booking, booking_id)
    if booking is None:
        raise NotFound("No such booking.")
    return booking


def _lock_shifts(session: Session, booking: Booking) -> None:
    """Lock the booking's shifts (in id order, as everywhere) and re-read them, so a claim, a
    change or a cancellation of the same visits waits for this one."""
    session.scalars(
        select(Shift)
        .where(Shift.booking_id == booking.id)
        .order_by(Shift.id)
        .with_for_update(of=Shift)
        .execution_options(populate_existing=True)
    ).all()
    session.refresh(booking, ["shifts"])


def _confirm(session: Session, booking: Booking, actor_id: int) -> list[Shift]:
    if booking.status != BookingStatus.REQUESTED:
        raise DomainError(f"This booking has already been {booking.status}, so it cannot be confirmed.")
    plan = plan_booking(session, booking_data(booking), ahead_only=True)
    shifts = [
        Shift(
            booking=booking,
            service_id=booking.service_id,
            client_id=booking.client_id,
            starts_at=o.starts_at,
            ends_at=o.ends_at,
            slots=booking.workers,
            site_address=booking.site_address,
            notes=booking.notes,
            bank_holiday=o.bank_holiday,
        )
        for o in plan.occurrences
    ]
    session.add_all(shifts)
    session.flush()
    hold_new_shifts(session, shifts)
    _event(session, booking, BookingStatus.CONFIRMED, actor_id)
    _event(session, booking, BookingStatus.SCHEDULED, actor_id, f"{len(shifts)} shift(s) created")
    _notify_client(session, booking, "booking_confirmed", shifts=shifts)
    return shifts


def decline_booking(session: Session, booking: Booking, reason: str, *, actor_id: int) -> None:
    reason = reason.strip()
    if not reason:
        raise DomainError("Tell the client why, in a sentence.", field="reason")
    booking_id = booking.id
    with write_transaction(session):
        booking = _locked_booking(session, booking_id)
        if booking.status != BookingStatus.REQUESTED:
            raise DomainError(f"This booking has already been {booking.status}, so it cannot be declined.")
        booking.decline_reason = reason[:1000]
        _event(session, booking, BookingStatus.DECLINED, actor_id, reason[:1000])
        _notify_client(session, booking, "booking_declined", reason=reason)


def book_on_behalf(session: Session, client: Client, data: BookingData, *, actor_id: int) -> Booking:
    """A phone booking: the coordinator enters the request and confirms it, in one transaction."""
    client_id = client.id
    with write_transaction(session):
        return book_within(session, session.get(Client, client_id) or client, data, actor_id=actor_id)


def book_within(session: Session, client: Client, data: BookingData, *, actor_id: int) -> Booking:
    """Inside a write transaction: request and confirm (see book_on_behalf)."""
    booking = request_within(session, client, data, actor_id=actor_id)
    _confirm(session, booking, actor_id)
    return booking


def shift_charge_pence(shift: Shift) -> int:
    return round_pence(Decimal(shift.minutes * shift.slots * shift.service.charge_pence_per_hour) / 60)


def cancellation_fee(session: Session, shift: Shift, now: datetime) -> int:
    """The fee for cancelling this shift now: a share of its charge when notice is short."""
    return fee_and_reason(session, shift, now)[0]


def fee_and_reason(session: Session, shift: Shift, now: datetime) -> tuple[int, str]:
    """The fee for cancelling this visit now, and why, in words the client reads first."""
    grace = timedelta(minutes=settings.get(session, "cancellation_grace_minutes"))
    if grace and now - shift.booking.created_at < grace:
        return 0, f"no charge: it is within {format_minutes(int(grace.total_seconds() // 60))} of booking"
    hours = settings.get(session, "cancellation_notice_hours")
    if shift.starts_at - now >= timedelta(hours=hours):
        return 0, f"no charge: more than {hours} hours' notice"
    percent = Decimal(settings.get(session, "cancellation_fee_percent"))
    fee = apply_rate(shift_charge_pence(shift), percent)
    return fee, f"{percent.normalize()}% of the visit's charge: less than {hours} hours' notice"


@dataclass(frozen=True)
class CancelPreview:
    shift: Shift
    fee_pence: int
    reason: str


def cancel_preview(
    session: Session, booking: Booking, from_shift_id: int, *, scope: str, now: datetime | None = None
) -> list[CancelPreview]:
    """What cancelling this visit (scope 'one') or this and every later visit ('later') would cost,
    visit by visit, before anything is cancelled."""
    now = now or utcnow()
    first = next((s for s in booking.shifts if s.id == from_shift_id), None)
    if first is None:
        raise NotFound("No such visit.")
    chosen = [first] if scope == "one" else [s for s in booking.shifts if s.starts_at >= first.starts_at]
    return [
        CancelPreview(s, *fee_and_reason(session, s, now))
        for s in chosen
        if s.status == ShiftStatus.SCHEDULED and s.starts_at > now
    ]


def cancel_visits(
    session: Session,
    booking_id: int,
    from_shift_id: int,
    *,
    scope: str,
    actor_id: int,
    expected_fee_pence: int,
    now: datetime | None = None,
) -> int:
    """A client cancels one visit, or it and every later one, having seen the fee. If the fee has
    changed since they saw it (a clock passed a notice limit), nothing is cancelled and they are
    told. Returns the fee."""
    now = now or utcnow()
    if scope not in ("one", "later"):
        raise DomainError("Choose which visits to cancel.", field="scope")
    with write_transaction(session):
        booking = _locked_booking(session, booking_id)
        _lock_shifts(session, booking)
        preview = cancel_preview(session, booking, from_shift_id, scope=scope, now=now)
        if not preview:
            raise DomainError("Those visits have started or are cancelled already.")
        fee = sum(p.fee_pence for p in preview)
        if fee != expected_fee_pence:
            raise DomainError(
                f"The fee is now {format_pence(fee)} (a notice limit passed since you looked), so nothing "
                "was cancelled. Check it below and confirm again."
            )
        for p in preview:
            _cancel_one(session, p.shift, actor_id, now)
    return fee


def _cancel_shift(session: Session, shift: Shift, now: datetime) -> int:
    shift.status = ShiftStatus.CANCELLED
    shift.cancelled_at = now
    shift.cancellation_fee_pence = cancellation_fee(session, shift, now)
    release_cancelled_shift(session, shift)
    return shift.cancellation_fee_pence


def cancel_booking(
    session: Session, booking: Booking, *, actor_id: int, reason: str = "", now: datetime | None = None
) -> int:
    """Cancel every visit that has not started. Returns the total cancellation fee (pence)."""
    now = now or utcnow()
    booking_id = booking.id
    with write_transaction(session):
        booking = _locked_booking(session, booking_id)
        _lock_shifts(session, booking)
        return _cancel_booking(session, booking, actor_id, reason, now)


def _cancel_booking(session: Session, booking: Booking, actor_id: int, reason: str, now: datetime) -> int:
    if booking.status in (
        BookingStatus.CANCELLED,
        BookingStatus.DECLINED,
        BookingStatus.COMPLETED,
        BookingStatus.INVOICED,
    ):
        raise DomainError("This booking can no longer be cancelled.")
    future = [s for s in booking.shifts if s.status == ShiftStatus.SCHEDULED and s.starts_at > now]
    if booking.status == BookingStatus.SCHEDULED and not future:
        raise DomainError("Every visit of this booking has already started.")
    fee = sum(_cancel_shift(session, s, now) for s in future)
    note = reason.strip()[:1000] + (f" Cancellation fee {format_pence(fee)}." if fee else "")
    _event(session, booking, BookingStatus.CANCELLED, actor_id, note.strip())
    _notify_client(session, booking, "booking_cancelled", fee=fee, visits=len(future), money=format_pence)
    return fee


def cancel_shift(session: Session, shift: Shift, *, actor_id: int, now: datetime | None = None) -> int:
    """Cancel one visit of a booking. Returns its cancellation fee (pence)."""
    now = now or utcnow()
    shift_id, booking_id = shift.id, shift.booking_id
    with write_transaction(session):
        booking = _locked_booking(session, booking_id)
        _lock_shifts(session, booking)
        locked = session.get(Shift, shift_id)
        assert locked is not None
        return _cancel_one(session, locked, actor_id, now)


def _cancel_one(session: Session, shift: Shift, actor_id: int, now: datetime) -> int:
    if shift.status != ShiftStatus.SCHEDULED:
        raise DomainError("This visit is already cancelled.")
    if shift.starts_at <= now:
        raise DomainError("This visit has already started, so it cannot be cancelled.")
    fee = _cancel_shift(session, shift, now)
    booking = shift.booking
    session.add(
        BookingEvent(
            booking=booking,
            status=booking.status,
            actor_id=actor_id,
            note=f"Visit on {format_dt(shift.starts_at)} cancelled"
            + (f" (fee {format_pence(fee)})" if fee else ""),
        )
    )
    if all(s.status == ShiftStatus.CANCELLED for s in booking.shifts):
        _event(session, booking, BookingStatus.CANCELLED, actor_id, "All visits cancelled")
    _notify_client(session, booking, "booking_cancelled", fee=fee, visits=1, money=format_pence)
    return fee


@dataclass
class ShiftChange:
    day: date
    start_time: time
    end_time: time
    site_address: str | None  # None: keep each visit's address (a client's change request)
    notes: str
    slots: int


def edit_shifts(
    session: Session,
    shift: Shift,
    change: ShiftChange,
    *,
    scope: str,
    actor_id: int,
    ask_members: bool = False,
    now: datetime | None = None,
) -> list[Shift]:
    """Change one visit, or this and every later visit of the booking. For later visits the
    new times apply on each visit's own date (and the date shift, if any, moves them all).
    A change that no longer fits a member who holds a visit is refused (rota.DoesNotFit), or,
    with ask_members, saved with those members asked whether they can still do it."""
    now = now or utcnow()
    shift_id = shift.id
    with write_transaction(session):
        return edit_shifts_locked(
            session, shift_id, change, scope=scope, actor_id=actor_id, ask_members=ask_members, now=now
        )


def edit_shifts_locked(
    session: Session,
    shift_id: int,
    change: ShiftChange,
    *,
    scope: str,
    actor_id: int,
    ask_members: bool,
    now: datetime,
) -> list[Shift]:
    """edit_shifts inside a write transaction the caller opened (and commits): a change request
    accepted by a coordinator is applied and marked answered in one transaction."""
    if scope not in {"one", "future"}:
        raise DomainError("Choose which visits to change.", field="scope")
    booking_id = session.scalar(select(Shift.booking_id).where(Shift.id == shift_id))
    if booking_id is None:
        raise NotFound("No such visit.")
    # Lock order as in a claim: the members who hold these visits, then the booking, its visits.
    locked = places.lock_holders(session, select(Shift.id).where(Shift.booking_id == booking_id))
    booking = _locked_booking(session, booking_id)
    _lock_shifts(session, booking)
    target = session.get(Shift, shift_id)
    assert target is not None
    days = [to_london(s.starts_at).date() for s in booking.shifts] + [change.day]
    reach = abs(change.day - to_london(target.starts_at).date()) + timedelta(days=7)
    guard = caps.Guard(session, locked, min(days) - reach, max(days) + reach)
    changed = _edit_shifts(session, target, change, scope, actor_id, now)
    asked = places.recheck_holders(session, [s.id for s in changed], guard, locked, ask=ask_members, now=now)
    if asked:
        session.add(
            BookingEvent(
                booking=booking,
                status=booking.status,
                actor_id=actor_id,
                note=f"{asked} place(s) held by members asked again, as the change did not fit them",
            )
        )
    for s in changed:
        places.notify_shift_changed(session, s)
    return changed


def _edit_shifts(
    session: Session, shift: Shift, change: ShiftChange, scope: str, actor_id: int, now: datetime
) -> list[Shift]:
    if shift.status != ShiftStatus.SCHEDULED or shift.starts_at <= now:
        raise DomainError("Only visits that have not started can be changed.")
    if scope not in {"one", "future"}:
        raise DomainError("Choose which visits to change.", field="scope")
    if not 1 <= change.slots <= MAX_WORKERS:
        raise DomainError(f"Between 1 and {MAX_WORKERS} workers.", field="slots")
    if change.site_address is not None and not change.site_address.strip():
        raise DomainError("Enter the address.", field="site_address")
    if change.start_time == change.end_time:
        raise DomainError("The end time must be different from the start time.", field="end_time")
    day_offset = change.day - to_london(shift.starts_at).date()
    targets = [shift]
    if scope == "future":
        targets = [
            s
            for s in shift.booking.shifts
            if s.status == ShiftStatus.SCHEDULED and s.starts_at >= shift.starts_at
        ]
    changed = []
    for target in targets:
        day = to_london(target.starts_at).date() + day_offset
        starts_at, ends_at = local_span_to_utc(day, change.start_time, change.end_time)
        if starts_at <= now:
            raise DomainError("The new time must be in the future.", field="day")
        end_day = day if change.end_time > change.start_time else day + timedelta(days=1)
        for field_name, on, at in (
            ("start_time", day, change.start_time),
            ("end_time", end_day, change.end_time),
        ):
            if message := missing_time(on, at):
                raise DomainError(message, field=field_name)
        if (ends_at - starts_at) > timedelta(hours=MAX_SHIFT_HOURS):
            raise DomainError(f"A visit can be at most {MAX_SHIFT_HOURS} hours long.", field="end_time")
        if change.slots < target.filled:
            raise DomainError(
                f"{target.filled} members already hold places on {format_dt(target.starts_at)}; "
                "ask some of them to drop first, or keep at least that many workers.",
                field="slots",
            )
        target.starts_at, target.ends_at = starts_at, ends_at
        if change.site_address is not None:
            target.site_address = change.site_address.strip()[:1000]
        target.notes = change.notes.strip()[:2000]
        target.slots = change.slots
        target.bank_holiday = bank_holiday(day)
        changed.append(target)
    session.add(
        BookingEvent(
            booking=shift.booking,
            status=shift.booking.status,
            actor_id=actor_id,
            note=f"{len(changed)} visit(s) changed from {format_dt(shift.starts_at)}",
        )
    )
    return changed


def complete_finished_bookings(session: Session, now: datetime | None = None) -> int:
    """Scheduled bookings whose visits have all ended become completed (`coop complete-bookings`,
    hourly, and before invoices are issued)."""
    now = now or utcnow()
    unfinished = select(Shift.booking_id).where(Shift.status == ShiftStatus.SCHEDULED, Shift.ends_at > now)
    worked = select(Shift.booking_id).where(Shift.status == ShiftStatus.SCHEDULED)
    stmt = select(Booking.id).where(
        Booking.status == BookingStatus.SCHEDULED, Booking.id.not_in(unfinished), Booking.id.in_(worked)
    )
    if not session.scalars(stmt.limit(1)).first():
        return 0
    with write_transaction(session):  # found some: look again holding the write lock, then mark
        ids = list(session.scalars(stmt))
        session.execute(update(Booking).where(Booking.id.in_(ids)).values(status=BookingStatus.COMPLETED))
        session.add_all(
            BookingEvent(booking_id=i, status=BookingStatus.COMPLETED, note="All visits done") for i in ids
        )
    return len(ids)


# --- reading bookings ----------------------------------------------------------------------


def get_booking(session: Session, booking_id: int, *, client_id: int | None = None) -> Booking:
    """A booking by id. With client_id, someone else's booking is NotFound (so a client can
    never learn that it exists)."""
    booking = session.get(Booking, booking_id)
    if booking is None or (client_id is not None and booking.client_id != client_id):
        raise NotFound("No such booking.")
    return booking


def get_shift(session: Session, shift_id: int) -> Shift:
    shift = session.get(Shift, shift_id)
    if shift is None:
        raise NotFound("No such shift.")
    return shift


def request_queue(session: Session) -> list[Booking]:
    stmt = (
        select(Booking)
        .where(Booking.status == BookingStatus.REQUESTED)
        .order_by(Booking.start_date, Booking.id)
    )
    return list(session.scalars(stmt))


def list_bookings(
    session: Session, *, status: str | None = None, client_id: int | None = None, limit: int = 200
) -> list[Booking]:
    stmt = select(Booking).order_by(Booking.start_date.desc(), Booking.id.desc()).limit(limit)
    if status:
        stmt = stmt.where(Booking.status == status)
    if client_id:
        stmt = stmt.where(Booking.client_id == client_id)
    return list(session.scalars(stmt))


@dataclass
class Staffing:
    with_skill: int
    available: int


def staffing_for(session: Session, booking: Booking) -> Staffing:
    """How many active members have the skill, and how many of them are free for the first
    visit (their weekly pattern and time off allow it and they have no clashing shift)."""
    members = list(
        session.scalars(
            select(Member)
            .options(selectinload(Member.skills))
            .where(
                Member.status == MemberStatus.ACTIVE,
                Member.skills.any(id=booking.service.skill_id),
            )
        )
    )
    starts_at, ends_at = local_span_to_utc(booking.start_date, booking.start_time, booking.end_time)
    available = len(free_members(session, members, starts_at, ends_at))
    return Staffing(with_skill=len(members), available=available)


@dataclass
class ClientBookings:
    upcoming: list[Shift]
    past: list[Shift]
    requests: list[Booking]


def client_overview(session: Session, client_id: int, now: datetime | None = None) -> ClientBookings:
    """A client's visits (upcoming and recent past) and their open requests."""
    now = now or utcnow()
    base = select(Shift).where(Shift.client_id == client_id).options(selectinload(Shift.booking))
    upcoming = session.scalars(base.where(Shift.ends_at > now).order_by(Shift.starts_at).limit(100))
    past = session.scalars(base.where(Shift.ends_at <= now).order_by(Shift.starts_at.desc()).limit(50))
    requests = session.scalars(
        select(Booking)
        .where(
            Booking.client_id == client_id,
            Booking.status.in_([BookingStatus.REQUESTED, BookingStatus.DECLINED]),
        )
        .order_by(Booking.created_at.desc())
        .limit(50)
    )
    return ClientBookings(list(upcoming), list(past), list(requests))
