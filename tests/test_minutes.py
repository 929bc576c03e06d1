"""Minutes between two times, worked out by the database (for sums in SQL) and by Python: the
same whole number on SQLite and PostgreSQL, for any two moments (issue 34, problem 6)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import literal, select

from coop.db import UTCDateTime, minutes_between
from coop.timeutil import whole_minutes

moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda d: d.replace(microsecond=0, tzinfo=UTC)
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=moments, minutes=st.integers(min_value=0, max_value=60 * 24 * 3), seconds=st.integers(0, 59))
def test_the_database_counts_whole_minutes_exactly(session, start, minutes, seconds):
    end = start + timedelta(minutes=minutes, seconds=seconds)
    got = session.scalar(select(minutes_between(literal(start, UTCDateTime), literal(end, UTCDateTime))))
    assert got == minutes == whole_minutes(start, end)
