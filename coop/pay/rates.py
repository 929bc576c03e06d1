"""The one rule for the hourly rate a member is paid, on every path: a service's pay, an
involvement member's own choice, the estimate the limits count and the pay fixed when hours are
approved (pay lines copy it).

Ordinary work is paid the service's rate, never below the pay floor in force on the work's day
(and the floor is never below the statutory minimum). For involvement work a member may choose
to take less or nothing, so that nobody is left worse off: nothing at all (unpaid, by their own
choice), or an amount up to the full rate that is never below the statutory minimum in force on
the work's day. A rate below it is refused when someone chooses it; a choice made before the
minimum rose is paid at the minimum, because pay never falls below the law.

`tests/pay/test_rates.py` fails when code that writes a pay rate column does not call
`hourly_rate` (or `rate_on`, which reads the figures and calls it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from coop.db import transaction_memo
from coop.errors import DomainError
from coop.i18n import gettext as _
from coop.money import format_pence
from coop.settings import service as settings
from coop.settings.keys import K


@dataclass(frozen=True)
class RateRules:
    """The figures in force on one day, in pence an hour (holiday pay in basis points)."""

    floor_pence: int
    statutory_pence: int
    holiday_bp: int = 0


def rules_on(session: Session, day: date) -> RateRules:
    """The pay floor, statutory minimum and holiday rate in force on the work's day (kept for the
    transaction, as the settings are: a page of shifts asks for each day's rules once a shift)."""
    memo: dict[date, RateRules] = transaction_memo(session, "pay_rules_memo")
    rules = memo.get(day)
    if rules is None:
        rules = memo[day] = RateRules(
            settings.pay_floor(session, day),
            int(settings.get(session, K.STATUTORY_MINIMUM_PENCE, day)),
            int(settings.get(session, K.HOLIDAY_PAY_PERCENT_BP, day)),
        )
    return rules


def hourly_rate(
    rules: RateRules,
    offered_pence: int,
    chosen_pence: int | None = None,
    *,
    choosing: bool = False,
    field: str | None = None,
) -> int:
    """The rate paid an hour for work on the day `rules` are for. `offered_pence` is the
    service's rate; `chosen_pence` an involvement member's own lower rate (0: unpaid by their
    choice). `choosing`: someone is setting the rate now, so one the rules do not allow is
    refused (DomainError on `field`) instead of being lifted to what the law requires."""
    full = max(offered_pence, rules.floor_pence, rules.statutory_pence)
    if chosen_pence is None:
        if choosing and offered_pence < rules.floor_pence:
            raise DomainError(
                _(
                    "Member pay must be at least the pay floor of %(floor)s an hour.",
                    floor=format_pence(rules.floor_pence),
                ),
                field=field,
            )
        return full
    if chosen_pence == 0:
        return 0
    lowest = rules.statutory_pence
    if choosing and not lowest <= chosen_pence <= full:
        raise DomainError(
            _(
                "Choose nothing, or an amount from %(lowest)s (the legal minimum an hour on the day "
                "of the work) up to the full rate of %(full)s.",
                lowest=format_pence(lowest),
                full=format_pence(full),
            ),
            field=field,
        )
    return min(max(chosen_pence, lowest), full)


def rate_on(
    session: Session,
    day: date,
    offered_pence: int,
    chosen_pence: int | None = None,
    *,
    choosing: bool = False,
    field: str | None = None,
) -> int:
    """hourly_rate with the figures in force on `day`, the work's day."""
    return hourly_rate(rules_on(session, day), offered_pence, chosen_pence, choosing=choosing, field=field)
