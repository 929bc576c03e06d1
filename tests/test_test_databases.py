"""The suite's own databases: a test's database is handed to the next test only as the template
left it (on PostgreSQL it is emptied and reused, on SQLite a new copy is made), and one whose
structure a test changed is never handed on."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool

from tests.conftest import BACKEND


def _read(url: str, sql: str) -> Any:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).all()
    finally:
        engine.dispose()


def _write(url: str, *statements: str) -> None:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            for sql in statements:
                conn.execute(text(sql))
    finally:
        engine.dispose()


def test_a_used_database_comes_back_as_the_template_left_it(databases):
    url = databases.create()
    settings, businesses = (
        _read(url, "SELECT * FROM setting ORDER BY id"),
        _read(url, "SELECT * FROM business"),
    )
    _write(
        url,
        "INSERT INTO skill (name, description) VALUES ('Gardening', '')",
        "INSERT INTO skill (name, description) VALUES ('Hedges', '')",
        "DELETE FROM setting",
        "UPDATE business SET name = 'Changed'",
    )
    databases.release(url)
    again = databases.create()
    try:
        assert (again == url) == (BACKEND == "postgresql")  # reused there, a new copy here
        assert _read(again, "SELECT name FROM skill") == []
        assert _read(again, "SELECT * FROM setting ORDER BY id") == settings
        assert _read(again, "SELECT * FROM business") == businesses
        _write(again, "INSERT INTO skill (name, description) VALUES ('Cooking', '')")
        assert _read(again, "SELECT id FROM skill") == [(1,)]  # numbering starts again
    finally:
        databases.release(again)


CHANGES = {  # on PostgreSQL: rows added to the catalogues, one changed in place, one removed
    "a table and a column added": [
        "CREATE TABLE stray (id integer)",
        "ALTER TABLE skill ADD COLUMN colour text",
    ],
    "a column renamed": ["ALTER TABLE skill RENAME COLUMN description TO about"],
    "an index dropped": ["DROP INDEX ix_login_attempt_ip_at"],
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_database_whose_structure_changed_is_not_handed_on(databases, change):
    url = databases.create()
    _write(url, *CHANGES[change])
    databases.release(url)
    again = databases.create()
    try:
        engine = create_engine(again, poolclass=NullPool)
        seen = inspect(engine)
        assert "stray" not in seen.get_table_names()
        assert {c["name"] for c in seen.get_columns("skill")} == {"id", "name", "description"}
        assert "ix_login_attempt_ip_at" in {i["name"] for i in seen.get_indexes("login_attempt")}
        engine.dispose()
    finally:
        databases.release(again)


def test_a_database_renewed_at_its_address_is_as_the_template_left_it(databases):
    url = databases.create()
    try:
        _write(url, "INSERT INTO skill (name, description) VALUES ('Gardening', '')")
        databases.renew(url)
        assert _read(url, "SELECT name FROM skill") == []
        _write(url, "CREATE TABLE stray (id integer)")
        databases.renew(url)
        engine = create_engine(url, poolclass=NullPool)
        assert "stray" not in inspect(engine).get_table_names()
        engine.dispose()
    finally:
        databases.release(url)
