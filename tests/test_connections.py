"""Connections are kept between requests (a pool, on SQLite as on PostgreSQL), and a process
never uses a connection another process opened: a forked child opens its own."""

from __future__ import annotations

import multiprocessing as mp
import os

from sqlalchemy import text

from coop.db import make_engine


def test_a_connection_is_kept_for_the_next_request(db_url):
    engine = make_engine(db_url)
    with engine.connect() as conn:
        first = conn.connection.dbapi_connection
    with engine.connect() as conn:
        assert conn.connection.dbapi_connection is first
        assert conn.execute(text("SELECT 1")).scalar() == 1
    engine.dispose()


def _child(engine, out):
    with engine.connect() as conn:
        out.put((conn.connection.info["pid"] == os.getpid(), conn.execute(text("SELECT 2")).scalar()))


def test_a_forked_process_opens_its_own_connection(db_url):
    engine = make_engine(db_url)
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
        assert conn.connection.info["pid"] == os.getpid()
    assert engine.pool.checkedin() == 1  # kept: a child forked now inherits it
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    child = ctx.Process(target=_child, args=(engine, out))
    child.start()
    assert out.get(timeout=60) == (True, 2)
    child.join(timeout=60)
    assert child.exitcode == 0
    with engine.connect() as conn:  # the parent's own connection still works
        assert conn.connection.info["pid"] == os.getpid()
        assert conn.execute(text("SELECT 3")).scalar() == 3
    engine.dispose()
