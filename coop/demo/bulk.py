"""Bulk rows for `coop generate`: buffered in bounded batches and written in the tables' foreign-key
order, with COPY on PostgreSQL (the fastest path it offers, inside the session's transaction) and
multi-row INSERTs elsewhere (SQLite). Memory stays flat however many rows pass through."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, insert, inspect, select
from sqlalchemy.orm import Mapper, Session

from coop.db import Base, is_sqlite

Row = dict[str, Any]
BATCH = 20_000  # rows held before they are written: what bounds the memory


def _table(model: Any) -> Table:
    table = getattr(model, "__table__", model)
    assert isinstance(table, Table)
    return table


def _stored_names(model: Any) -> dict[str, str]:
    """A model's attributes whose column is stored under another name (the limit's
    `earnings_limit_pence` is the column `earnings_cap_pence`): rows are given by attribute."""
    mapper = inspect(model, raiseerr=False)
    if not isinstance(mapper, Mapper):
        return {}
    return {a.key: a.columns[0].key for a in mapper.column_attrs if a.key != a.columns[0].key}


class Writer:
    """`add` rows of any model; every `batch` rows all buffers are written, parents first."""

    def __init__(self, session: Session, batch: int | None = None) -> None:
        self.session = session
        self.batch = batch or BATCH
        self.copy = not is_sqlite(session)
        self.order = {t.name: i for i, t in enumerate(Base.metadata.sorted_tables)}
        self.buffers: dict[Any, tuple[Table, list[Row]]] = {}
        self.renames: dict[Any, dict[str, str]] = {}
        self.pending = 0
        self.counts: dict[str, int] = {}

    def add(self, model: Any, row: Row) -> None:
        buffer = self.buffers.get(model)
        if buffer is None:
            buffer = self.buffers[model] = (_table(model), [])
            self.renames[model] = _stored_names(model)
        if renames := self.renames[model]:
            row = {renames.get(k, k): v for k, v in row.items()}
        buffer[1].append(row)
        self.pending += 1
        if self.pending >= self.batch:
            self.flush()

    def put(self, model: Any, rows: list[Row]) -> None:
        for row in rows:
            self.add(model, row)

    def flush(self) -> None:
        for table, rows in sorted(self.buffers.values(), key=lambda b: self.order[b[0].name]):
            if rows:
                (self._copy if self.copy else self._insert)(table, rows)
                self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)
                rows.clear()
        self.pending = 0

    def _insert(self, table: Table, rows: list[Row]) -> None:
        for i in range(0, len(rows), 5000):
            self.session.execute(insert(table), rows[i : i + 5000])

    def _copy(self, table: Table, rows: list[Row]) -> None:
        """COPY FROM STDIN on the session's own connection, so in its transaction. Done here, what
        an INSERT would do in Python: column defaults for the columns not given, and each column
        type's conversion (aware UTC datetimes stored naive)."""
        dialect = self.session.get_bind().dialect
        keys = list(rows[0])
        scalars: dict[str, Any] = {}
        callables: dict[str, Any] = {}
        for column in table.c:
            default = column.default
            if column.key in keys or default is None or column.primary_key:
                continue
            if default.is_scalar:
                scalars[column.key] = default.arg  # type: ignore[attr-defined]
            elif default.is_callable:  # per row: a token must not be shared
                callables[column.key] = default.arg  # type: ignore[attr-defined]
            elif default.is_clause_element:  # e.g. the first business, asked once
                scalars[column.key] = self.session.scalar(select(default.arg))  # type: ignore[attr-defined]
        keys += [*scalars, *callables]
        columns = [table.c[k] for k in keys]
        processors = [(i, p) for i, c in enumerate(columns) if (p := c.type._cached_bind_processor(dialect))]
        fixed, made = list(scalars.values()), list(callables.values())
        if any(len(row) != len(rows[0]) for row in rows):
            raise ValueError(f"rows for {table.name} do not all give the same columns")
        quote = dialect.identifier_preparer
        names = ", ".join(quote.quote(c.name) for c in columns)
        raw = self.session.connection().connection.driver_connection
        assert raw is not None
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY {quote.format_table(table)} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                values = [*row.values(), *fixed, *(f(None) for f in made)]
                for i, p in processors:
                    values[i] = p(values[i])
                copy.write_row(values)
