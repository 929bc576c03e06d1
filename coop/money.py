"""Money is integer pence everywhere. Rounding rule: half away from zero, to the penny."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from coop.errors import DomainError
from coop.i18n import gettext as _
from coop.i18n.formats import money_text, percent_text


def format_pence(pence: int | None) -> str:
    """Pounds and pence for the person reading: 1345 -> '£13.45', -250 -> '-£2.50' in English
    (Babel formats it for their language)."""
    if pence is None:
        return ""
    return money_text(pence)


def plain_pounds(pence: int) -> str:
    """Pounds for a form field or a CSV cell, without the £ or thousands commas: 1345 -> '13.45'."""
    sign = "-" if pence < 0 else ""
    pounds, pennies = divmod(abs(pence), 100)
    return f"{sign}{pounds}.{pennies:02d}"


MOST_POUNDS = 10**9  # far above any figure the co-op's rules allow; each service sets its own range


def parse_pounds(text: str) -> int:
    """'13.45' or '£13.45' -> 1345. Raises ValueError for anything that is not an amount."""
    cleaned = text.strip().replace("£", "").replace(",", "")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(_("Enter an amount in pounds, like 13.45")) from exc
    if not amount.is_finite() or amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError(_("Enter an amount in pounds and pence, like 13.45"))
    # '1E999999' is a number, but no amount anyone means. copy_abs, not abs(): it uses no context,
    # so '1E1000000' (past the context's largest exponent) is refused here instead of overflowing.
    if amount.copy_abs() >= MOST_POUNDS:
        raise ValueError(_("Enter an amount under £1,000,000,000."))
    return int((amount * 100).to_integral_value())


def pounds_field(text: str, field: str) -> int:
    """parse_pounds for a form field: a DomainError naming the field instead of a ValueError."""

    try:
        return parse_pounds(text)
    except ValueError as exc:
        raise DomainError(str(exc), field=field) from exc


def round_pence(value: Decimal) -> int:
    """Round a Decimal number of pence half away from zero (the documented rule)."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def apply_rate(pence: int, percent: Decimal) -> int:
    """pence × percent / 100, rounded by the rule above (e.g. VAT, holiday pay)."""
    return round_pence(Decimal(pence) * percent / Decimal(100))


def format_percent(value: Decimal | int | float | str) -> str:
    """A percentage as people write it: 100 -> '100%', Decimal('12.50') -> '12.5%', 20.0 -> '20%'."""
    return percent_text(value)


@dataclass(frozen=True)
class Price:
    """An amount charged to a client as the invoice will charge it: the net amount and the VAT
    added to it (rate 0 when the co-op adds none, for example when it is not registered)."""

    net_pence: int
    vat_rate_bp: int = 0

    @property
    def vat_pence(self) -> int:
        return apply_rate(self.net_pence, Decimal(self.vat_rate_bp) / 100)

    @property
    def gross_pence(self) -> int:
        return self.net_pence + self.vat_pence

    def words(self) -> str:
        """'£108.00 including VAT (£90.00 plus 20% VAT, £18.00)' or '£90.00 (no VAT is added)'."""
        if not self.vat_rate_bp:
            return _("%(net)s (no VAT is added)", net=format_pence(self.net_pence))
        return _(
            "%(gross)s including VAT (%(net)s plus %(rate)s VAT, %(vat)s)",
            gross=format_pence(self.gross_pence),
            net=format_pence(self.net_pence),
            rate=format_percent(Decimal(self.vat_rate_bp) / 100),
            vat=format_pence(self.vat_pence),
        )


def client_price(net_pence: int, vat_rate_bp: int, vat_registered: bool) -> Price:
    """The one VAT rule for prices shown to clients, the same as the invoice's: the service's rate
    when the co-op is registered for VAT, none when it is not."""
    return Price(net_pence, vat_rate_bp if vat_registered else 0)
