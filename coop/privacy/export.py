"""A member's own data, all of it, as JSON (their right of access), made from the data map: each
table declared with `export` columns gives one section, holding the member's rows (found through
the table's `owner`). Other people's data is not included."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from coop.audit.service import record
from coop.datamap import declared, rows_of
from coop.db import write_transaction
from coop.members.models import Member
from coop.schema import Base


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value)
    return value


def _get(obj: Any, path: str) -> Any:
    """Follow an attribute path ("shift.service.name"); over a list, the list of each."""
    for part in path.split("."):
        if isinstance(obj, list):
            return [_get(o, part) for o in obj]
        obj = getattr(obj, part) if obj is not None else None
    return _plain(obj)


def _fields(obj: Any, export: tuple[str, ...]) -> dict[str, Any]:
    out = {}
    for item in export:
        key, _, path = item.partition("=")
        out[key] = _get(obj, path or key)
    return out


def _model(table: Table) -> Any:
    for mapper in Base.registry.mappers:
        if mapper.local_table is table:
            return mapper.class_
    raise LookupError(table.name)


def member_data(session: Session, member: Member, *, actor_id: int) -> dict[str, Any]:
    """Everything the co-op holds about this member, section by section as the data map
    declares it. The export is audit-logged."""
    tables = Base.metadata.tables
    user = member.user
    data: dict[str, Any] = {"exported_at": datetime.now().astimezone().isoformat()}
    for table, d in declared(Base.metadata):
        if not d.export or not d.owner:
            continue
        model = _model(table)
        which = rows_of(table, member.id, user.id, user.email, tables)
        rows = [_fields(o, d.export) for o in session.scalars(select(model).where(which).order_by(model.id))]
        data[d.export_as] = rows[0] if d.owner == "id" and rows else rows
    with write_transaction(session):
        record(session, actor_id, "export.member_data", ("member", member.id))
    return data
