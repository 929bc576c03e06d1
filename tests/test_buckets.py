"""bucket(): which of the ranges edges[i] <= value < edges[i + 1] a value falls in, worked out by
the database as a GROUP BY key (a CASE on SQLite, one array and width_bucket on PostgreSQL): the
same index as Python's, or NULL outside the ranges, for timestamps and for dates."""

from __future__ import annotations

import re
from bisect import bisect_right
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Date, literal, select

from coop.db import UTCDateTime, bucket

START = datetime(2026, 3, 23, tzinfo=UTC)  # a week with the clocks going forward in it


def _expected(value, edges):
    i = bisect_right(edges, value) - 1
    return i if 0 <= i < len(edges) - 1 else None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    gaps=st.lists(st.integers(min_value=1, max_value=60 * 26), min_size=1, max_size=8),
    at=st.integers(min_value=-60 * 30, max_value=60 * 24 * 10),
)
def test_a_timestamp_falls_in_the_same_range_as_python_says(session, gaps, at):
    edges = [START]
    for minutes in gaps:
        edges.append(edges[-1] + timedelta(minutes=minutes))
    value = START + timedelta(minutes=at)
    got = session.scalar(select(bucket(literal(value, UTCDateTime), edges)))
    assert got == _expected(value, edges)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(months=st.integers(min_value=1, max_value=12), at=st.integers(min_value=-40, max_value=400))
def test_a_date_falls_in_the_same_month_as_python_says(session, months, at):
    edges = [date(2026 + (m // 12), m % 12 + 1, 1) for m in range(months + 1)]
    value = edges[0] + timedelta(days=at)
    got = session.scalar(select(bucket(literal(value, Date), edges)))
    assert got == _expected(value, edges)


def test_the_edges_are_one_parameter_on_postgresql_and_the_key_is_built_once(session):
    edges = [START + timedelta(days=i) for i in range(8)]
    column = literal(START, UTCDateTime)
    assert bucket(column, edges) is bucket(column, list(edges))
    compiled = select(bucket(column, edges)).compile(dialect=session.get_bind().dialect)
    if session.get_bind().dialect.name == "postgresql":
        assert "width_bucket" in str(compiled)
        sent = set(re.findall(r"%\((\w+)\)s", str(compiled)))
        assert len(sent) == 1 + 3  # the value, the array, the first and last edges
    else:
        assert str(compiled).count("WHEN") == 7
