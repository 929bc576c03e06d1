"""db.written(): a value written into a kept statement's text instead of bound, so PostgreSQL
plans a kept (prepared) statement for the values it always has. The value must compare exactly
as the bound one would: a timestamp in the stored form on each database, a page size, an enum."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Integer, event, literal, select

from coop.db import UTCDateTime, written
from coop.members.models import Member, MemberStatus
from tests import factories


def _sent(session, stmt):
    texts = []
    engine = session.get_bind()

    def seen(conn, cursor, statement, parameters, context, executemany):
        texts.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        result = session.execute(stmt).all()
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    return result, texts[-1]


def test_a_written_timestamp_compares_like_a_bound_one(session):
    at = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # the hour the clocks go forward
    for delta in (timedelta(0), timedelta(microseconds=1), -timedelta(microseconds=1)):
        value = literal(at + delta, UTCDateTime)
        bound = session.scalar(select(value >= literal(at, UTCDateTime)))
        (got,), (text, _params) = _sent(session, select(value >= written(at, UTCDateTime)))
        assert got[0] == bound
        assert "2026-03-29 01:30:00" in text


def test_a_written_page_size_and_status_are_in_the_text_not_the_parameters(session):
    for n in range(4):
        factories.member(session, f"Member {n}")
    left = factories.member(session, "Gone")
    left.status = MemberStatus.LEFT
    session.flush()
    stmt = (
        select(Member.id)
        .where(Member.status != written(MemberStatus.LEFT, Member.status.type))
        .order_by(Member.id)
        .limit(written(3, Integer))
    )
    rows, (text, params) = _sent(session, stmt)
    assert len(rows) == 3 and left.id not in {r.id for r in rows}
    assert "'left'" in text and "3" in text
    values = list(params.values()) if isinstance(params, dict) else list(params or ())
    assert 3 not in values and MemberStatus.LEFT not in values, (text, params)  # (SQLite binds OFFSET 0)
