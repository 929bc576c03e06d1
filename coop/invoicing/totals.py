"""Invoice arithmetic. Lines are whole pence. VAT is worked out per rate on the sum of the net
amounts at that rate, rounded half away from zero to the penny (HMRC allows rounding the
invoice-level VAT this way); the invoice net is the sum of the lines."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Protocol

from coop.money import apply_rate


class LineLike(Protocol):
    net_pence: int
    vat_rate_bp: int


def vat_summary(lines: Iterable[LineLike], registered: bool) -> dict[int, tuple[int, int]]:
    """{rate in basis points: (net, VAT)}, by rate. Unregistered: everything at 0 with no VAT."""
    nets: dict[int, int] = {}
    for line in lines:
        rate = line.vat_rate_bp if registered else 0
        nets[rate] = nets.get(rate, 0) + line.net_pence
    return {rate: (net, apply_rate(net, Decimal(rate) / 100)) for rate, net in sorted(nets.items())}


def totals(lines: Iterable[LineLike], registered: bool) -> tuple[int, int, int]:
    summary = vat_summary(list(lines), registered)
    net = sum(n for n, _ in summary.values())
    vat = sum(v for _, v in summary.values())
    return net, vat, net + vat
