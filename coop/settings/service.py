"""Reading and changing settings (what each one is, its kind, default and range, is in
`specs`); reference figures that change yearly are seeded with their effective dates by the
migrations."""

from __future__ import annotations

import json
from datetime import date
from typing import Any, TypeVar, overload

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.audit.service import record
from coop.db import serialize, transaction_memo, write_transaction
from coop.errors import DomainError
from coop.i18n import gettext as _
from coop.money import format_pence
from coop.settings.keys import K, Key
from coop.settings.models import Setting
from coop.settings.specs import SPECS, SettingSpec
from coop.timeutil import format_date, today_london

T = TypeVar("T")


def _decode(spec: SettingSpec, raw: str) -> Any:
    return json.loads(raw)


def _history_of(session: Session, key: str) -> list[tuple[date, str]]:
    """(effective_from, raw value) of one setting, newest first. The whole (small) setting table
    is read once per transaction: pages that price many shifts ask for a few settings hundreds
    of times."""
    table: dict[str, list[tuple[date, str]]] = transaction_memo(session, "settings_memo")
    if not table:
        rows = session.execute(
            select(Setting.key, Setting.effective_from, Setting.value).order_by(
                Setting.key, Setting.effective_from.desc()
            )
        )
        for name, day, raw in rows:
            table.setdefault(name, []).append((day, raw))
        table.setdefault("", [])  # read, even when the table is empty
    return table.get(key, [])


def _forget(session: Session) -> None:
    session.info.pop("settings_memo", None)
    session.info.pop("pay_rules_memo", None)


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
                _(
                    "From %(day)s the pay floor would be %(floor)s an hour and the statutory minimum "
                    "%(statutory)s: the pay floor cannot be below the statutory National Living Wage on "
                    "any day. Raise the pay floor from that date first. Nothing was changed.",
                    day=format_date(day),
                    floor=format_pence(floor),
                    statutory=format_pence(statutory),
                ),
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
        raise DomainError(_("That setting does not exist."))
    if spec.kind in {"pence", "int", "percent"}:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise DomainError(_("%(setting)s: enter a number.", setting=spec.title), field="value")
        if spec.minimum is not None and value < spec.minimum:
            raise DomainError(
                _("%(setting)s: must be at least %(least)s.", setting=spec.title, least=spec.minimum),
                field="value",
            )
        if spec.maximum is not None and value > spec.maximum:
            raise DomainError(
                _("%(setting)s: must be at most %(most)s.", setting=spec.title, most=spec.maximum),
                field="value",
            )
    elif spec.kind == "bool" and not isinstance(value, bool):
        raise DomainError(_("%(setting)s: choose yes or no.", setting=spec.title), field="value")
    elif spec.kind == "text" and (not isinstance(value, str) or len(value) > 500):
        raise DomainError(_("%(setting)s: enter up to 500 characters.", setting=spec.title), field="value")
    if spec.choices and value not in spec.choices:
        raise DomainError(
            _("%(setting)s: choose one of %(choices)s.", setting=spec.title, choices=", ".join(spec.choices)),
            field="value",
        )
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
