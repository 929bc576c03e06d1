"""How pay is worked out, as pure functions.

Pay for time worked = minutes × hourly rate ÷ 60, rounded to the penny (half away from zero).
The hourly rate is the service's member pay, never below the pay floor in force on the day.
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


def pay_for(minutes: int, rate_pence: int, *, floor_pence: int = 0, holiday_bp: int = 0) -> PayBreakdown:
    rate = max(rate_pence, floor_pence)
    base = round_pence(Decimal(minutes * rate) / 60)
    holiday = apply_rate(base, Decimal(holiday_bp) / 100)
    return PayBreakdown(minutes=minutes, rate_pence=rate, base_pence=base, holiday_pence=holiday)
