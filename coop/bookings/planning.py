"""Planning a booking: its dates from the repeat rule, London times to UTC, bank holidays, the price."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from dateutil.rrule import MONTHLY, WEEKLY, rrule
from sqlalchemy.orm import Session

from coop.bookings.models import (
    Recurrence,
    Service,
)
from coop.errors import DomainError
from coop.i18n import gettext as _
from coop.i18n import ngettext
from coop.money import client_price, format_percent, round_pence
from coop.settings import service as settings
from coop.settings.keys import K
from coop.timeutil import (
    bank_holiday,
    format_date,
    format_minutes,
    local_span_to_utc,
    missing_time,
    utcnow,
    whole_minutes,
)

MAX_OCCURRENCES = 104


MAX_WORKERS = 50


MAX_SHIFT_HOURS = 16


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
        return whole_minutes(self.starts_at, self.ends_at)


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
        raise DomainError(
            _("Say when the repeats end: a last date or a number of times."), field="until_date"
        )
    if data.until_date is not None and data.until_date < data.start_date:
        raise DomainError(_("The last date must be on or after the first date."), field="until_date")
    if data.occurrences is not None and not 1 <= data.occurrences <= MAX_OCCURRENCES:
        raise DomainError(
            _("Repeat between 1 and %(most)s times.", most=MAX_OCCURRENCES), field="occurrences"
        )
    kwargs: dict[str, Any] = {"dtstart": data.start_date, "count": data.occurrences}
    if data.until_date is not None:
        kwargs["until"] = data.until_date
        kwargs["count"] = None
    if data.recurrence in (Recurrence.WEEKLY, Recurrence.FORTNIGHTLY):
        days = sorted(set(data.weekdays)) or [data.start_date.weekday()]
        if any(not 0 <= d <= 6 for d in days):
            raise DomainError(_("Choose days of the week."), field="weekdays")
        interval = 1 if data.recurrence == Recurrence.WEEKLY else 2
        rule = rrule(WEEKLY, interval=interval, byweekday=days, **kwargs)
    elif data.recurrence == Recurrence.MONTHLY:
        if data.start_date.day > 28:
            raise DomainError(
                _("For a monthly booking, start on a day from the 1st to the 28th."), field="start_date"
            )
        rule = rrule(MONTHLY, bymonthday=data.start_date.day, **kwargs)
    else:
        raise DomainError(_("Choose how often it repeats."), field="recurrence")
    dates = [d.date() for d in rule[: MAX_OCCURRENCES + 1]]
    if len(dates) > MAX_OCCURRENCES:
        raise DomainError(
            _("That makes more than %(most)s visits. Choose an earlier last date.", most=MAX_OCCURRENCES),
            field="until_date",
        )
    if not dates:
        raise DomainError(
            _("Those choices give no dates. Check the days and the last date."), field="weekdays"
        )
    return dates


def estimate(
    service: Service, occurrences: Sequence[Occurrence], workers: int, *, vat_registered: bool = True
) -> Estimate:
    """Price = hours × workers × hourly charge (per occurrence, rounded to the penny), plus VAT."""
    minutes = sum(o.minutes for o in occurrences)
    net = sum(
        round_pence(Decimal(o.minutes * workers * service.charge_pence_per_hour) / 60) for o in occurrences
    )
    price = client_price(net, service.vat_rate_bp, vat_registered)  # as the invoice will charge it
    return Estimate(
        minutes=minutes * workers, net_pence=net, vat_pence=price.vat_pence, vat_rate_bp=price.vat_rate_bp
    )


def cancellation_terms(session: Session) -> str:
    hours = settings.get(session, K.CANCELLATION_NOTICE_HOURS)
    percent = settings.get(session, K.CANCELLATION_FEE_PERCENT)
    if percent == 0 or hours == 0:
        return _("You can cancel any time before the work starts at no charge.")
    if percent == 100:
        return _(
            "You can cancel at no charge up to %(hours)s hours before a visit starts. "
            "Cancelling later costs the full charge for that visit.",
            hours=hours,
        )
    return _(
        "You can cancel at no charge up to %(hours)s hours before a visit starts. "
        "Cancelling later costs %(percent)s of the charge for that visit.",
        hours=hours,
        percent=format_percent(percent),
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
        raise DomainError(_("That service is not available to book."), field="service_id")
    if not data.site_address.strip():
        raise DomainError(_("Enter the address where the work happens."), field="site_address")
    if not 1 <= data.workers <= MAX_WORKERS:
        raise DomainError(_("Ask for between 1 and %(most)s workers.", most=MAX_WORKERS), field="workers")
    if data.start_time == data.end_time:
        raise DomainError(_("The end time must be different from the start time."), field="end_time")
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
            raise DomainError(
                _("Every visit of this request has passed, so there is nothing left to confirm.")
            )
    first = occurrences[0]
    if first.starts_at <= now:
        raise DomainError(_("The first visit must be in the future."), field="start_date")
    if first.minutes > MAX_SHIFT_HOURS * 60:
        raise DomainError(
            _("A visit can be at most %(hours)s hours long.", hours=MAX_SHIFT_HOURS), field="end_time"
        )
    if first.minutes < service.min_booking_minutes:
        raise DomainError(
            _(
                "%(service)s is booked for at least %(time)s.",
                service=service.name,
                time=format_minutes(service.min_booking_minutes),
            ),
            field="end_time",
        )
    warnings = [
        _("%(day)s is a bank holiday (%(holiday)s).", day=format_date(o.day), holiday=o.bank_holiday)
        for o in occurrences
        if o.bank_holiday
    ]
    if passed:
        warnings.insert(
            0,
            ngettext(
                "%(num)s visit of this request has already passed and will not be booked; "
                "confirming books the %(ahead)s still ahead.",
                "%(num)s visits of this request have already passed and will not be booked; "
                "confirming books the %(ahead)s still ahead.",
                passed,
                ahead=len(occurrences),
            ),
        )
    wall = datetime.combine(
        date.min + timedelta(days=1 if data.end_time <= data.start_time else 0), data.end_time
    ) - datetime.combine(date.min, data.start_time)
    warnings += [
        _(
            "%(day)s: the clocks change that night, so this visit is really "
            "%(time)s long (and is charged and paid for that time).",
            day=format_date(o.day),
            time=format_minutes(o.minutes),
        )
        for o in occurrences
        if o.minutes != int(wall.total_seconds() // 60)
    ]
    return Plan(
        service=service,
        occurrences=occurrences,
        estimate=estimate(
            service, occurrences, data.workers, vat_registered=bool(settings.get(session, K.VAT_REGISTERED))
        ),
        cancellation_terms=cancellation_terms(session),
        warnings=warnings,
    )
