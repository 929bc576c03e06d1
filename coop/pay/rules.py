"""How pay is worked out, as pure functions.

Pay for time worked = minutes × hourly rate ÷ 60, rounded to the penny (half away from zero).
The hourly rate is decided by `pay.rates.hourly_rate` (the one rate rule) before it comes here.
Holiday pay (irregular hours) = that pay × the holiday rate (12.07% by default), rounded the
same way, paid with the wages on its own line, so it counts as earnings for benefit limits."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from coop.money import apply_rate, round_pence


@dataclass(frozen=True)
class PayBreakdown:
    minutes: int
    rate_pence: int
    base_pence: int
    holiday_pence: int

    @property
    def total_pence(self) -> int:
        return self.base_pence + self.holiday_pence


def pay_for(minutes: int, rate_pence: int, *, holiday_bp: int = 0) -> PayBreakdown:
    """Pay for `minutes` at an hourly rate already decided by `pay.rates.hourly_rate`."""
    base = round_pence(Decimal(minutes * rate_pence) / 60)
    holiday = apply_rate(base, Decimal(holiday_bp) / 100)
    return PayBreakdown(minutes=minutes, rate_pence=rate_pence, base_pence=base, holiday_pence=holiday)
