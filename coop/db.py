"""Database: typed declarative base, UTC timestamps, engines and a session per request."""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
import sys
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import (
    ARRAY,
    Boolean,
    ColumnElement,
    DateTime,
    Engine,
    Index,
    Integer,
    MetaData,
    Select,
    and_,
    bindparam,
    case,
    cast,
    create_engine,
    event,
    exc,
    func,
    literal,
    null,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import TypeDecorator

from coop.errors import NotFound

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores an aware datetime as naive UTC; always returns an aware UTC datetime."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store aware UTC datetimes only")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def partial_index(name: str, *columns: str, where: str, **options: Any) -> Index:
    """An index of the rows matching `where` (SQL), the same on SQLite and PostgreSQL; `options`
    as Index takes them (unique=True, postgresql_include=[...])."""
    return Index(name, *columns, sqlite_where=text(where), postgresql_where=text(where), **options)


def make_engine(url: str) -> Engine:
    """An engine for the URL, keeping its connections open between requests (a pool). SQLite runs
    in WAL mode with a busy timeout and foreign keys on; its transactions are begun explicitly so
    writers can take the lock up front (see write_transaction)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            mode = "BEGIN IMMEDIATE" if conn.get_execution_options().get("coop_write") else "BEGIN"
            conn.exec_driver_sql(mode)

    else:
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
    _one_process_per_connection(engine)
    return engine


def _one_process_per_connection(engine: Engine) -> None:
    """A pooled connection is used only by the process that opened it: one a forked process
    inherited (a gunicorn worker, a test's processes) is dropped there and a new one opened, so
    two processes never talk through one connection."""

    @event.listens_for(engine, "connect")
    def _opened(_dbapi_conn: Any, record: Any) -> None:
        record.info["pid"] = os.getpid()

    @event.listens_for(engine, "checkout")
    def _checked_out(_dbapi_conn: Any, record: Any, proxy: Any) -> None:
        if record.info["pid"] != os.getpid():
            record.dbapi_connection = proxy.dbapi_connection = None
            raise exc.DisconnectionError("a connection opened by another process")


def make_sessionmaker(engine: Engine, info: dict[str, Any] | None = None) -> sessionmaker[Session]:
    """Sessions on `engine`; `info` is what every session knows about the site (its base_url,
    from which emails build their links)."""
    return sessionmaker(bind=engine, expire_on_commit=False, info=dict(info or {}))


class TransactionMisuse(RuntimeError):
    """A programming error: a write began where it would commit or drop someone else's work."""


def _caller() -> str:
    frame = sys._getframe(3)  # the function that opened the `with write_transaction(...)`
    return f"{frame.f_code.co_name} ({frame.f_code.co_filename.rsplit('/', 1)[-1]}:{frame.f_lineno})"


@event.listens_for(Session, "after_flush")
def _written(session: Session, _ctx: Any) -> None:
    session.info["coop_unsaved"] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _ended(session: Session) -> None:
    session.info.pop("coop_unsaved", None)


def transaction_memo(session: Session, name: str) -> dict[Any, Any]:
    """A dict kept for the session's current transaction only (a fresh one when another begins,
    and none kept outside a transaction): for figures a page asks for many times that cannot
    change while it reads, such as the settings and the pay rules of a day."""
    transaction = session.get_transaction()
    memo: tuple[object, dict[Any, Any]] | None = session.info.get(name)
    if memo is None or memo[0] is not transaction:
        memo = (transaction, {})
        if transaction is not None:
            session.info[name] = memo
    return memo[1]


def _unsaved(session: Session) -> bool:
    """Whether the session holds changes nobody committed: pending, or flushed and uncommitted."""
    return bool(session.new or session.dirty or session.deleted or session.info.get("coop_unsaved"))


def end_reads(session: Session) -> None:
    """End the session's transaction: committed if it only read, rolled back if anything was
    written in it and not committed, or if it failed. Ending a read with COMMIT rather than
    ROLLBACK keeps the connection's prepared statements: psycopg forgets them all at every
    rollback, so PostgreSQL would plan each page's statements again on every request (2 ms for
    the open shifts' join alone)."""
    transaction = session.get_transaction()
    if transaction is None:
        return
    if transaction.is_active and not _unsaved(session):
        with contextlib.suppress(Exception):  # a read that cannot commit is rolled back, as before
            session.commit()
            return
    session.rollback()


@contextmanager
def write_transaction(session: Session) -> Iterator[Session]:
    """Run a unit of work in its own transaction that commits on success and rolls back on error.

    It refuses (TransactionMisuse, naming the caller) to start inside another write transaction
    or while the session holds writes nobody committed: those would be committed, or lost, with
    this unit of work. A read-only transaction the request had open is ended first. Functions
    that take part in the caller's transaction end in `_within` and never open one.
    On SQLite the new transaction starts with BEGIN IMMEDIATE, taking the database write lock
    before reading, so a check-then-write (a slot count, a limit, the next invoice number) cannot
    race. On PostgreSQL the caller takes row locks (`lock`, `serialize`) on what it contends for.
    """
    if session.info.get("coop_writing"):
        raise TransactionMisuse(f"{_caller()} opened a write transaction inside another one")
    if _unsaved(session):
        raise TransactionMisuse(f"{_caller()} opened a write transaction over uncommitted changes")
    end_reads(session)  # only reads were open: nothing to keep
    session.expire_all()  # everything is re-read inside the locked transaction
    session.connection(execution_options={"coop_write": True})
    session.info["coop_writing"] = True
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info.pop("coop_writing", None)


def plan_once(session: Session) -> None:
    """From here to the end of a read transaction, PostgreSQL plans each prepared statement once
    for any values (`SET LOCAL plan_cache_mode = force_generic_plan`). For a statement that holds
    the time now, which PostgreSQL's default plans afresh on every request, and whose best plan
    does not depend on the values: ask just before it (the open shifts' join took 2 ms to plan
    and 0.8 to run; docs/DECISIONS.md). Nothing on SQLite, and nothing inside a write
    transaction, whose statements are planned for their values as always."""
    if session.info.get("coop_writing") or session.get_bind().dialect.name != "postgresql":
        return
    session.execute(text("SET LOCAL plan_cache_mode = force_generic_plan"))


T = TypeVar("T")


def lock(session: Session, model: type[T], ident: int) -> T | None:
    """Inside write_transaction: the row with this id, re-read from the database and locked until
    the transaction ends (SELECT ... FOR UPDATE on PostgreSQL; on SQLite the write transaction
    already holds the database lock). None if it no longer exists, e.g. deleted a moment ago.
    Take it *before* reading anything the write depends on."""
    id_col = model.id  # type: ignore[attr-defined]
    return session.scalar(
        select(model)
        .where(id_col == ident)
        .with_for_update(of=model)
        .execution_options(populate_existing=True)
    )


Q = TypeVar("Q", bound=Select[Any])


def locking(stmt: Q, model: type[Any], *, skip_locked: bool = False) -> Q:
    """The same query, locking the rows of `model` it returns until the transaction ends (and
    re-reading them), for locks on something other than one id: the one way besides `lock`.
    `skip_locked` passes over rows another transaction holds (a work queue)."""
    return stmt.with_for_update(of=model, skip_locked=skip_locked).execution_options(populate_existing=True)


def found(session: Session, model: type[T], ident: int, message: str) -> T:
    """The row with this id, or NotFound with `message` (a 404 page saying so)."""
    row = session.get(model, ident)
    if row is None:
        raise NotFound(message)
    return row


def serialize(session: Session, name: str) -> None:
    """Inside write_transaction: only one transaction at a time goes past this point for `name`
    (a PostgreSQL advisory lock held until commit; on SQLite the write lock already does it).
    For operations that decide on a set of rows rather than one, such as an invoice or pay run."""
    if not is_sqlite(session):
        key = zlib.crc32(f"coop:{name}".encode())
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


def is_sqlite(session: Session) -> bool:
    bind = session.get_bind()
    return bind.dialect.name == "sqlite"


def same_name(column: Any, name: str) -> ColumnElement[bool]:
    """A name that clashes with `name`: the same ignoring case (SQLite's lower() folds ASCII only,
    so the exact spelling is matched too, which is what the unique constraint compares)."""
    return or_(column == name, func.lower(column) == name.lower())


def written(value: Any, type_: Any = None) -> Any:
    """A value written into a statement's text rather than bound, for statements built once and
    kept (a week's edges, a page's size). PostgreSQL then plans a kept (prepared) statement
    once, for the values it will always have: bound, a range or a LIMIT is a guess (a day or a
    year, ten rows or a tenth of the table) and PostgreSQL planned each request afresh, or kept
    a plan that sorted every member for a page of 26 (2.6 ms for a 0.2 ms query)."""
    return bindparam(None, value, type_=type_, literal_execute=True)


def union_part(shape: Sequence[tuple[str, Any]], **given: Any) -> list[Any]:
    """The columns of one part of a UNION ALL whose parts share `shape` ((name, type) in order):
    each column given, under its name, and a null of its type for the others. Rows of several
    kinds come back from one statement (one round trip), each kind filling its own columns."""
    names = [name for name, _type in shape]
    if unknown := set(given) - set(names):
        raise ValueError(f"columns not in the shape: {sorted(unknown)}")
    return [
        given[name].label(name) if name in given else cast(null(), type_).label(name) for name, type_ in shape
    ]


def two_lists(
    session: Session, first: Select[*tuple[Any, ...]], second: Select[*tuple[Any, ...]]
) -> tuple[list[Any], list[Any]]:
    """Two short lists of the same columns (say, a page's two filter menus) in one statement: a
    UNION ALL whose rows say which list they belong to, split again here, each in the order the
    database returned it (the caller sorts)."""
    rows = session.execute(
        union_all(
            first.add_columns(literal(True).label("in_first")),
            second.add_columns(literal(False).label("in_first")),
        )
    ).all()
    return [r for r in rows if r.in_first], [r for r in rows if not r.in_first]


class minutes_between(FunctionElement[int]):
    """Whole minutes from one timestamp column to another, computed exactly by the database so
    totals can be summed in SQL. SQLite stores timestamps as text: their difference is taken in
    whole seconds (strftime '%s'), never as a floating-point day count (julianday), whose
    truncation lost a minute a shift; PostgreSQL takes the seconds of the interval (exact: see below)."""

    type = Integer()
    inherit_cache = True


@compiles(minutes_between, "sqlite")
def _minutes_sqlite(element: minutes_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    if (compiler.dialect.server_version_info or (0,)) >= (3, 38):
        # unixepoch() gives the same whole seconds as strftime('%s') at half the cost (a week's
        # hours on the grid sum 1,800 shifts).
        return f"((unixepoch({end}) - unixepoch({start})) / 60)"
    return f"((CAST(strftime('%s', {end}) AS INTEGER) - CAST(strftime('%s', {start}) AS INTEGER)) / 60)"


@compiles(minutes_between, "postgresql")
def _minutes_pg(element: minutes_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    # date_part gives the seconds as a double, exact for any whole number of microseconds up to
    # 285 years; EXTRACT gives a numeric, whose arithmetic made a week's hours at ten times the
    # co-op (18,000 shifts) take twice as long.
    return f"CAST(floor(date_part('epoch', {end} - {start}) / 60) AS BIGINT)"


class among(ColumnElement[bool]):
    """`column IN (subquery)` for a subquery that returns a few ids (one member's places): on
    PostgreSQL written `column = ANY(ARRAY(subquery))`, which the planner must run first and then
    look each id up by index. As a plain IN it may instead read every row of a range and hash
    them (7,000 shifts in six weeks, 1.6 ms, for a member's 54 places, 0.2 ms)."""

    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True  # a comparison: SQLite is not to add "= 1"

    def __init__(self, column: Any, subquery: Select[Any]) -> None:
        self.column = column
        self.subquery = subquery.scalar_subquery()

    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("subquery", InternalTraversal.dp_clauseelement),
    ]


@compiles(among)
def _among(element: among, compiler: Any, **kw: Any) -> str:
    return f"{compiler.process(element.column, **kw)} IN {compiler.process(element.subquery, **kw)}"


@compiles(among, "postgresql")
def _among_pg(element: among, compiler: Any, **kw: Any) -> str:
    return f"{compiler.process(element.column, **kw)} = ANY(ARRAY{compiler.process(element.subquery, **kw)})"


def bucket(column: Any, edges: list[Any]) -> Any:
    """Which of the ranges edges[i] <= column < edges[i + 1] a row falls in (0, 1, ...), or NULL:
    a GROUP BY key for months or weeks that works the same on every database."""
    return _bucket(column, tuple(edges))


@functools.lru_cache(maxsize=64)
def _bucket(column: Any, edges: tuple[Any, ...]) -> Any:
    # Kept: a page asks for the same week's or months' key on every request, and building the
    # expression cost more than a millisecond each time (SQL expressions are immutable, so one
    # can sit in many statements).
    return _bucket_of(
        column,
        bindparam(None, list(edges), type_=ARRAY(column.type)),
        *(bindparam(None, edge, type_=column.type) for edge in edges),
    )


class _bucket_of(FunctionElement[int]):
    """bucket(): the column, the edges as one array (PostgreSQL), then each edge (SQLite)."""

    type = Integer()
    inherit_cache = True


@compiles(_bucket_of)
def _bucket_case(element: _bucket_of, compiler: Any, **kw: Any) -> str:
    column, _edges, *edges = element.clauses
    ranges = [(and_(column >= lo, column < hi), i) for i, (lo, hi) in enumerate(itertools.pairwise(edges))]
    return str(compiler.process(case(*ranges), **kw))


@compiles(_bucket_of, "postgresql")
def _bucket_pg(element: _bucket_of, compiler: Any, **kw: Any) -> str:
    # One array parameter instead of two per range: a week's key in four places of a statement
    # was 56 parameters, each sent and typed (0.6 ms a statement).
    column, edges, *each = (compiler.process(c, **kw) for c in element.clauses)
    inside = f"{column} >= {each[0]} AND {column} < {each[-1]}"
    return f"CASE WHEN {inside} THEN width_bucket({column}, {edges}) - 1 END"
