"""Reading and changing settings. Each setting has a kind and a default; reference figures that
change yearly are seeded with their effective dates by the migrations."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar, overload

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.audit.service import record
from coop.db import serialize, write_transaction
from coop.errors import DomainError
from coop.money import format_pence
from coop.settings.chart import CHART_OF_ACCOUNTS
from coop.settings.keys import K, Key
from coop.settings.models import Setting
from coop.timeutil import format_date, today_london

T = TypeVar("T")


@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: str
    kind: str  # pence | int | percent | bool | text
    default: Any
    help: str = ""
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] | None = None


SPECS: dict[str, SettingSpec] = {
    s.key: s
    for s in [
        SettingSpec("coop_name", "Co-op name", "text", "Co-op Works"),
        SettingSpec(
            "coop_trading_name",
            "A neutral name members can use for the co-op on their work records",
            "text",
            "Co-op Works",
        ),
        SettingSpec("coop_address", "Co-op address", "text", "1 High Street, Anytown AN1 1AA"),
        SettingSpec(
            "pay_floor_pence",
            "Pay floor per hour",
            "pence",
            1345,
            "No service may pay members less than this an hour (default: the Real Living Wage).",
            minimum=1,
            maximum=100_00,
        ),
        SettingSpec(
            "statutory_minimum_pence",
            "Statutory National Living Wage per hour",
            "pence",
            1271,
            "The legal minimum; the pay floor can never be set below it.",
            minimum=1,
            maximum=100_00,
        ),
        SettingSpec(
            "cancellation_notice_hours",
            "Cancellation notice (hours)",
            "int",
            24,
            "A client who cancels with less notice than this pays the cancellation fee.",
            minimum=0,
            maximum=24 * 14,
        ),
        SettingSpec(
            "cancellation_grace_minutes",
            "Free cancellation after booking (minutes)",
            "int",
            30,
            "A client who cancels within this long of making the booking pays nothing, whatever the notice.",
            minimum=0,
            maximum=24 * 60,
        ),
        SettingSpec(
            "cancellation_fee_percent",
            "Cancellation fee (% of the shift's charge)",
            "percent",
            100,
            minimum=0,
            maximum=100,
        ),
        SettingSpec(
            "drop_notice_hours",
            "Free drop notice (hours)",
            "int",
            48,
            "Members can drop a shift until this many hours before it starts; later drops ask "
            "coordinators to find cover. Dropping is never held against anyone.",
            minimum=0,
            maximum=24 * 14,
        ),
        SettingSpec(
            "travel_buffer_minutes",
            "Travel time between shifts (minutes)",
            "int",
            30,
            "A member's shifts must be at least this far apart.",
            minimum=0,
            maximum=240,
        ),
        SettingSpec(
            "min_rest_hours",
            "Rest between working days (hours)",
            "int",
            11,
            "Between shifts on different days a member gets at least this much rest.",
            minimum=0,
            maximum=24,
        ),
        SettingSpec(
            "holiday_pay_percent_bp",
            "Holiday pay rate (basis points of pay)",
            "int",
            1207,
            "Holiday for irregular-hours workers accrues at 12.07% (1207). It is paid with wages "
            "on its own line, so it counts as earnings.",
            minimum=0,
            maximum=5000,
        ),
        SettingSpec(
            "pay_frequency",
            "Pay frequency (weekly or monthly)",
            "text",
            "monthly",
            "Weekly pay covers Monday to Sunday and is paid the Friday after. Monthly pay covers a "
            "calendar month and is paid on the pay day of the next month.",
            choices=("weekly", "monthly"),
        ),
        SettingSpec(
            "pay_day_of_month",
            "Pay day of the month (monthly pay)",
            "int",
            7,
            "If it falls on a weekend or bank holiday, pay goes out the working day before.",
            minimum=1,
            maximum=28,
        ),
        SettingSpec(
            "esa_weekly_earnings_limit_pence",
            "ESA Permitted Work weekly earnings limit",
            "pence",
            19550,
            minimum=0,
            maximum=100_000,
        ),
        SettingSpec(
            "esa_weekly_hours_limit",
            "ESA Permitted Work hours a week (must stay under)",
            "int",
            16,
            minimum=1,
            maximum=60,
        ),
        SettingSpec(
            "carers_weekly_earnings_limit_pence",
            "Carer's Allowance weekly earnings limit",
            "pence",
            19600,
            minimum=0,
            maximum=100_000,
        ),
        SettingSpec(
            "uc_work_allowance_pence",
            "Universal Credit work allowance a month (with housing costs)",
            "pence",
            41100,
            minimum=0,
            maximum=1_000_000,
        ),
        SettingSpec(
            "uc_work_allowance_no_housing_pence",
            "Universal Credit work allowance a month (no housing costs)",
            "pence",
            68400,
            minimum=0,
            maximum=1_000_000,
        ),
        SettingSpec(
            "backup_generations",
            "Backups to keep",
            "int",
            14,
            "`coop backup` with no folder keeps this many of the newest backups in BACKUP_DIR.",
            minimum=1,
            maximum=365,
        ),
        SettingSpec(
            "uc_taper_bp",
            "Universal Credit taper (basis points)",
            "int",
            5500,
            "For each £1 earned over the work allowance, Universal Credit goes down by this much "
            "(5500 is 55p). Used only for the estimate members see of what they keep.",
            minimum=0,
            maximum=10000,
        ),
        SettingSpec(
            "offer_expiry_hours", "Offers lapse after (hours)", "int", 48, minimum=1, maximum=24 * 14
        ),
        SettingSpec(
            "fair_release_hours",
            "Fair release: hold new shifts for (hours; 0 = off)",
            "int",
            0,
            "New shifts are first open only to the eligible members furthest below their preferred "
            "hours, then to everyone.",
            minimum=0,
            maximum=72,
        ),
        SettingSpec(
            "fair_release_group",
            "Fair release: members who see a held shift first",
            "int",
            10,
            minimum=1,
            maximum=500,
        ),
        SettingSpec("vat_registered", "The co-op is registered for VAT", "bool", True),
        SettingSpec("vat_number", "VAT registration number", "text", "GB 123 4567 89"),
        SettingSpec(
            "coop_registration_number",
            "Registration number (registered society or company)",
            "text",
            "RS007654",
            "Printed on invoices and carried in e-invoices, so clients' systems can identify the co-op.",
        ),
        SettingSpec("coop_email", "Co-op email for clients", "text", "hello@coop.example"),
        SettingSpec(
            "coop_bank_details",
            "How clients pay (shown on invoices)",
            "text",
            "Bank transfer to Co-op Works Ltd, sort code 00-00-00, account 12345678",
        ),
        *(
            SettingSpec(
                key,
                f"Accounts: {label}",
                "text",
                default,
                "The account's code in your accounts, a space, then its name (the chart of accounts "
                "the accountant's journal uses).",
            )
            for key, label, default in CHART_OF_ACCOUNTS.values()
        ),
        SettingSpec("invoice_prefix", "Invoice number prefix", "text", "CW-"),
        SettingSpec("credit_note_prefix", "Credit note number prefix", "text", "CN-"),
        SettingSpec(
            "reminder_interval_days",
            "Days between reminders for overdue invoices",
            "int",
            7,
            minimum=1,
            maximum=90,
        ),
        SettingSpec(
            "invoice_link_days",
            "Days a link in an invoice email keeps working",
            "int",
            90,
            minimum=1,
            maximum=365,
        ),
        SettingSpec(
            "quorum_percent", "Quorum (% of members who must vote)", "percent", 25, minimum=0, maximum=100
        ),
        SettingSpec(
            "majority_percent",
            "Majority needed (% of for and against votes)",
            "percent",
            50,
            "A proposal passes when more than this share of for-and-against votes are for it.",
            minimum=1,
            maximum=99,
        ),
    ]
}


def _decode(spec: SettingSpec, raw: str) -> Any:
    return json.loads(raw)


def _history_of(session: Session, key: str) -> list[tuple[date, str]]:
    """(effective_from, raw value) of one setting, newest first. The whole (small) setting table
    is read once per transaction: pages that price many shifts ask for a few settings hundreds
    of times."""
    tx = session.get_transaction()
    memo: tuple[object, dict[str, list[tuple[date, str]]]] | None = session.info.get("settings_memo")
    if memo is None or memo[0] is not tx:
        table: dict[str, list[tuple[date, str]]] = {}
        rows = session.execute(
            select(Setting.key, Setting.effective_from, Setting.value).order_by(
                Setting.key, Setting.effective_from.desc()
            )
        )
        for name, day, raw in rows:
            table.setdefault(name, []).append((day, raw))
        memo = (tx, table)
        if tx is not None:
            session.info["settings_memo"] = memo
    return memo[1].get(key, [])


def _forget(session: Session) -> None:
    session.info.pop("settings_memo", None)


@overload
def get(session: Session, key: Key[T], on: date | None = None) -> T: ...
@overload
def get(session: Session, key: str, on: date | None = None) -> Any: ...
def get(session: Session, key: str, on: date | None = None) -> Any:
    """The value in force on a date (today in London by default). With a key from `K` its type
    is known (`K.PAY_FLOOR_PENCE` is an int); a plain name gives Any (the admin page's loop)."""
    spec = SPECS[key]
    on = on or today_london()
    for effective_from, raw in _history_of(session, key):
        if effective_from <= on:
            return _decode(spec, raw)
    return spec.default


def pay_floor(session: Session, on: date | None = None) -> int:
    """The lowest hourly pay allowed on a date: the pay floor, and never below the statutory minimum."""
    return int(max(get(session, K.PAY_FLOOR_PENCE, on), get(session, K.STATUTORY_MINIMUM_PENCE, on)))


FLOOR_KEYS = ("pay_floor_pence", "statutory_minimum_pence")


def _floor_holds_from(session: Session, first: date) -> None:
    """The pay floor and the statutory minimum are two timelines: on every day from `first` on,
    the floor in force must be at least the minimum in force, whichever was saved first. Both
    change only on their effective dates, so those dates (and `first`) are the days to check."""
    days = {first} | {day for key in FLOOR_KEYS for day, _raw in _history_of(session, key) if day > first}
    for day in sorted(days):
        floor = get(session, K.PAY_FLOOR_PENCE, day)
        statutory = get(session, K.STATUTORY_MINIMUM_PENCE, day)
        if floor < statutory:
            raise DomainError(
                f"From {format_date(day)} the pay floor would be {format_pence(floor)} an hour and the "
                f"statutory minimum {format_pence(statutory)}: the pay floor cannot be below the statutory "
                "National Living Wage on any day. Raise the pay floor from that date first. Nothing was "
                "changed.",
                field="value",
            )


def history(session: Session, key: str) -> list[tuple[Setting, Any]]:
    """Every value a setting has had, newest first, each with its value read (pence as a number)."""
    stmt = select(Setting).where(Setting.key == key).order_by(Setting.effective_from.desc())
    spec = SPECS[key]
    return [(row, _decode(spec, row.value)) for row in session.scalars(stmt)]


def validate(key: str, value: Any) -> Any:
    """Check a value against its spec; raise DomainError with a plain message if it is wrong."""
    spec = SPECS.get(key)
    if spec is None:
        raise DomainError("That setting does not exist.")
    if spec.kind in {"pence", "int", "percent"}:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise DomainError(f"{spec.label}: enter a number.", field="value")
        if spec.minimum is not None and value < spec.minimum:
            raise DomainError(f"{spec.label}: must be at least {spec.minimum}.", field="value")
        if spec.maximum is not None and value > spec.maximum:
            raise DomainError(f"{spec.label}: must be at most {spec.maximum}.", field="value")
    elif spec.kind == "bool" and not isinstance(value, bool):
        raise DomainError(f"{spec.label}: choose yes or no.", field="value")
    elif spec.kind == "text" and (not isinstance(value, str) or len(value) > 500):
        raise DomainError(f"{spec.label}: enter up to 500 characters.", field="value")
    if spec.choices and value not in spec.choices:
        raise DomainError(f"{spec.label}: choose one of {', '.join(spec.choices)}.", field="value")
    return value


def change(
    session: Session, key: str, value: Any, *, effective_from: date | None, actor_id: int | None, note: str
) -> Setting:
    """A coordinator's change from the settings page, in its own transaction. Changes are taken one
    at a time: two saves of one setting for one date at once both succeed (the later wins, both
    audited) instead of both inserting the row, and the pay floor is checked against the statutory
    minimum as it stands, not as it stood before another change landed."""
    with write_transaction(session):
        serialize(session, "settings")
        return set_value(session, key, value, effective_from=effective_from, actor_id=actor_id, note=note)


def set_value(
    session: Session,
    key: str,
    value: Any,
    *,
    effective_from: date | None = None,
    actor_id: int | None = None,
    note: str = "",
) -> Setting:
    """Set a value from a date (today by default), audit-logged. The caller commits."""
    value = validate(key, value)
    _forget(session)
    effective_from = effective_from or today_london()
    before = get(session, key, effective_from)
    existing = session.scalar(
        select(Setting).where(Setting.key == key, Setting.effective_from == effective_from)
    )
    if existing is None:
        existing = Setting(key=key, effective_from=effective_from, value=json.dumps(value))
        session.add(existing)
    else:
        existing.value = json.dumps(value)
    existing.note = note
    if key in FLOOR_KEYS:
        _forget(session)
        session.flush()
        _floor_holds_from(session, max(effective_from, today_london()))
    record(
        session,
        actor_id,
        "setting.change",
        ("setting", key),
        {"value": before},
        {"value": value, "effective_from": effective_from.isoformat()},
    )
    _forget(session)
    return existing
