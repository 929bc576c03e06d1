"""The suite's own databases: a test's database is handed to the next test only as the template
left it (on PostgreSQL it is emptied, on SQLite a new copy is made at its address), and one whose
structure a test changed is never handed on."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from coop.app import create_app
from tests.conftest import BACKEND, app_config


def _read(url: str, sql: str, **params: Any) -> Any:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).all()
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
        assert again == url  # the same address: emptied on PostgreSQL, a new copy on SQLite
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


def test_a_database_replaced_by_a_copy_of_another_has_its_rows_and_numbering(databases):
    source = databases.create()
    _write(
        source,
        "INSERT INTO skill (name, description) VALUES ('Gardening', '')",
        "INSERT INTO skill (name, description) VALUES ('Hedges', '')",
    )
    url = databases.create()
    try:
        _write(url, "INSERT INTO skill (name, description) VALUES ('Cooking', '')", "DELETE FROM setting")
        databases.replace(url, source)
        assert _read(url, "SELECT name FROM skill ORDER BY id") == [("Gardening",), ("Hedges",)]
        assert _read(url, "SELECT * FROM setting ORDER BY id") == _read(
            source, "SELECT * FROM setting ORDER BY id"
        )
        _write(url, "INSERT INTO skill (name, description) VALUES ('Baking', '')")
        assert _read(url, "SELECT id FROM skill WHERE name = 'Baking'") == [(3,)]  # numbering goes on
        _write(url, "CREATE TABLE stray (id integer)")
        databases.replace(url, source)  # a structure of its own: a whole new copy
        engine = create_engine(url, poolclass=NullPool)
        assert "stray" not in inspect(engine).get_table_names()
        engine.dispose()
        assert _read(url, "SELECT name FROM skill ORDER BY id") == [("Gardening",), ("Hedges",)]
    finally:
        databases.release(url)
        databases.release(source)


def _apps_session(url: str, tmp: Path) -> tuple[Flask, Session]:
    application = create_app(app_config(url, tmp))
    return application, application.extensions["coop_db"][1]()


def _server_process(s: Session) -> Any:
    return s.execute(text("SELECT pg_backend_pid()")).scalar() if BACKEND == "postgresql" else None


def test_the_next_test_at_an_address_sees_none_of_the_last_ones_work_on_its_warm_connections(
    databases, tmp_path
):
    url = databases.create()
    first, kept = _apps_session(url, tmp_path)
    kept.execute(text("INSERT INTO skill (name, description) VALUES ('Gardening', '')"))
    kept.commit()
    server = _server_process(kept)
    left_open = first.extensions["coop_db"][1]()  # a session a test forgot, inside its transaction
    left_open.execute(text("SELECT name FROM skill")).all()
    kept.close()
    first.extensions["coop_db"][0].dispose()
    databases.release(url)
    again = databases.create()
    second, s = _apps_session(again, tmp_path)
    try:
        assert again == url
        assert s.execute(text("SELECT name FROM skill")).all() == []
        if (
            BACKEND == "postgresql"
        ):  # the idle connection is handed on; the one left in a transaction is ended
            assert _server_process(s) == server
            with pytest.raises(OperationalError):
                left_open.execute(text("SELECT 1")).all()
    finally:
        s.close()
        second.extensions["coop_db"][0].dispose()
        databases.release(again)


def test_a_kept_connection_that_the_server_ended_is_not_handed_on(databases, tmp_path):
    url = databases.create()
    first, s = _apps_session(url, tmp_path)
    server = _server_process(s)
    s.close()
    first.extensions["coop_db"][0].dispose()
    if BACKEND == "postgresql":  # as a restore does; SQLite has no server to end a session
        cluster = databases.cluster.url("postgres")
        assert _read(cluster, "SELECT pg_terminate_backend(:pid)", pid=server) == [(True,)]
        gone = "SELECT NOT EXISTS (SELECT FROM pg_stat_activity WHERE pid = :pid)"
        assert any(_read(cluster, gone, pid=server)[0][0] or time.sleep(0.05) for _ in range(100))
    second, s = _apps_session(url, tmp_path)
    try:
        assert s.execute(text("SELECT count(*) FROM skill")).scalar() == 0
        if BACKEND == "postgresql":
            assert _server_process(s) != server
    finally:
        s.close()
        second.extensions["coop_db"][0].dispose()
        databases.release(url)
