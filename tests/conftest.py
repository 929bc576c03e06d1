"""Test fixtures. Every test gets its own real database, migrated by Alembic (never create_all):
the migrations run once per session into a template, and each test gets a fresh copy of it.
Set COOP_TEST_DB=postgresql to run the same suite on a temporary PostgreSQL cluster."""

from __future__ import annotations

import inspect
import itertools
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from coop import cache
from coop.app import create_app
from coop.demo.service import load_demo
from coop.invoicing.rendering import invoice_html
from coop.migrate import upgrade
from coop.timeutil import today_london
from tests import clock
from tests.compiled import share_compiled_work
from tests.pg import Recycled, TempCluster, Warm, database_name

BACKEND = os.environ.get("COOP_TEST_DB", "sqlite")
PASSWORD = "blue-kettle-morning-42"
_counter = itertools.count()
share_compiled_work()
# Property tests judge what happens, never how long it takes (timings go to `make bench`):
# Hypothesis's 200 ms deadline failed a first call that imported a library beside a busy run.
settings.register_profile("coop", deadline=None)
settings.load_profile("coop")


class SqliteDatabases:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.template = root / "template.sqlite3"
        upgrade(f"sqlite:///{self.template}")
        self.spare: list[Path] = []

    def create(self) -> str:
        # An address is used again (a new copy of the template at it), so the engine this process
        # keeps for it has the statements earlier tests compiled (tests/compiled.py).
        path = self.spare.pop() if self.spare else self.root / f"test-{next(_counter)}.sqlite3"
        shutil.copyfile(self.template, path)
        return f"sqlite:///{path}"

    def replace(self, url: str, template: str) -> None:
        """Make the database at `url` a copy of the one at `template` (the backup API copies
        what the template's write-ahead log holds too)."""
        self.drop(url)
        with (
            closing(sqlite3.connect(template.removeprefix("sqlite:///"))) as source,
            closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as target,
        ):
            source.backup(target)

    def release(self, url: str) -> None:
        self.drop(url)
        self.spare.append(Path(url.removeprefix("sqlite:///")))

    def renew(self, url: str) -> None:
        """The database at `url` (nobody connected) back to the template's state, at the same address."""
        self.drop(url)
        shutil.copyfile(self.template, url.removeprefix("sqlite:///"))

    def drop(self, url: str) -> None:
        cache.clear()  # figures this process kept for the database at that address go with it
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)

    def close(self) -> None:
        pass


class PostgresDatabases:
    def __init__(self) -> None:
        self.cluster = TempCluster().start()
        self.admin = create_engine(
            self.cluster.url("postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool
        )
        self._exec("CREATE DATABASE coop_template")
        upgrade(self.cluster.url("coop_template"))
        self.keepers: dict[str, Any] = {}
        self.recycled = Recycled(self.cluster.url("coop_template"), self.keepers)
        # Each template's rows (the demo co-op's), by address: a template is not written to again.
        self.copies = {self.cluster.url("coop_template"): self.recycled}
        self.spare: list[str] = []  # tests' databases emptied back to the template, to reuse
        self.worker = os.environ.get("PYTEST_XDIST_WORKER", "gw")
        self.warm = Warm(self.cluster.port)
        event.listen(Engine, "do_connect", self.warm.connect)

    def _exec(self, sql: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(sql))

    def create(self) -> str:
        if self.spare:
            # Figures this process kept for the database at that address were an earlier test's.
            cache.clear()
            return self.spare.pop()
        name = f"test_{self.worker}_{next(_counter)}"
        self._exec(f"CREATE DATABASE {name} TEMPLATE coop_template")
        self.warm.kept(self.cluster.url(name))
        return self.cluster.url(name)

    def replace(self, url: str, template: str) -> None:
        """Make the database at `url` a copy of the one at `template`: the template's rows copied
        in (about 10 ms), or, when either's structure is not the migrated template's, a new copy of
        the whole database (half a second of the cluster's CPU)."""
        cache.clear()
        if template not in self.copies:
            self.copies[template] = Recycled(template, self.keepers)
        if self._refilled(url, self.copies[template]):
            return
        self.drop(url)
        self.warm.forget(template)  # a database is copied only while no one is connected to it
        self.recycled.forget(template)
        self._exec(f"CREATE DATABASE {database_name(url)} TEMPLATE {database_name(template)}")
        self.warm.kept(url)

    def drop(self, url: str) -> None:
        self.copies.pop(url, None)
        self.recycled.forget(url)
        self.warm.forget(url, going=True)
        self._exec(f"DROP DATABASE IF EXISTS {database_name(url)} WITH (FORCE)")

    def _refilled(self, url: str, rows: Recycled) -> bool:
        """The database at `url` given the rows of `rows`' template again, whoever was connected;
        False when that cannot be done (either's structure is not the migrated template's, or
        anything else went wrong)."""
        try:
            return rows.structure == self.recycled.structure and rows.reset(url, keep=self.warm.pids(url))
        except Exception:  # a database that cannot be refilled is copied whole or dropped instead
            return False

    def release(self, url: str) -> None:
        """A test is done with its database: empty it for the next test, or drop it."""
        self.copies.pop(url, None)
        if self._refilled(url, self.recycled):
            self.spare.append(url)
        else:
            self.drop(url)

    def renew(self, url: str) -> None:
        """The database at `url` back to the template's state, at the same address."""
        self.replace(url, self.cluster.url("coop_template"))

    def close(self) -> None:
        event.remove(Engine, "do_connect", self.warm.connect)
        self.warm.close()
        for url in list(self.keepers):
            self.recycled.forget(url)
        self.admin.dispose()
        self.cluster.stop()


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    dbs: Any = (
        PostgresDatabases() if BACKEND == "postgresql" else SqliteDatabases(tmp_path_factory.mktemp("db"))
    )
    yield dbs
    dbs.close()


@pytest.fixture
def db_url(databases: Any) -> Iterator[str]:
    url = databases.create()
    yield url
    databases.release(url)


def app_config(db_url: str, tmp: Path) -> dict[str, Any]:
    return {
        "TESTING": True,
        "DATABASE_URL": db_url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "INVOICE_DIR": str(tmp / "invoices"),
        "UPLOAD_DIR": str(tmp / "uploads"),
        "PUSH_KEY_DIR": str(tmp / "push"),
        "BASE_URL": "http://coop.test",
    }


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> Iterator[Flask]:
    # No app context is held open here: each request must push (and tear down) its own, as in
    # production, or g and the per-request database session would leak between requests.
    application = create_app(app_config(db_url, tmp_path))
    yield application
    application.extensions["coop_db"][0].dispose()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A session of its own (not the request's), for arranging data and checking results."""
    s: Session = app.extensions["coop_db"][1]()
    yield s
    s.close()


class Web:
    """A test client that signs in with one line and sends CSRF tokens like a browser."""

    TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self._token: str | None = None

    def get(self, url: str, **kw: Any) -> Any:
        return self.client.get(url, **kw)

    def token(self) -> str:
        if self._token is None:
            page = self.client.get("/login").get_data(as_text=True)
            match = self.TOKEN.search(page)
            if match is None:
                page = self.client.get("/home").get_data(as_text=True)
                match = self.TOKEN.search(page)
            assert match, "no CSRF token found"
            self._token = match.group(1)
        return self._token

    def post(self, url: str, data: dict[str, Any] | None = None, csrf: bool = True, **kw: Any) -> Any:
        payload = dict(data or {})
        if csrf:
            payload.setdefault("csrf_token", self.token())
        response = self.client.post(url, data=payload, **kw)
        if url.split("?")[0] in ("/login", "/logout"):
            self._token = None  # signing in or out starts a new session, with a new token
        return response

    def login(self, email: str, password: str = PASSWORD) -> Any:
        return self.post("/login", {"email": email, "password": password})

    def logout(self) -> Any:
        return self.post("/logout")


@pytest.fixture
def web(app: Flask) -> Web:
    return Web(app.test_client())


@pytest.fixture
def make_web(app: Flask) -> Any:
    """For tests that need several people signed in at once."""
    return lambda: Web(app.test_client())


_demo_templates: dict[date, tuple[str, Path]] = {}


def demo_template(databases: Any, root: Path) -> tuple[str, Path]:
    """The demo co-op, loaded once per test process (and day: its dates follow today) into a
    database of its own, with its issued invoices' files; each test that asks for `demo` gets a
    copy of both instead of loading it again (several seconds each, rendering PDFs)."""
    day = today_london()
    if day not in _demo_templates:
        url = databases.create()
        folder = root / f"demo-{day}-{os.getpid()}"
        application = create_app(app_config(url, folder))
        s: Session = application.extensions["coop_db"][1]()
        with application.test_request_context():
            load_demo(s, render_html=invoice_html, invoice_dir=folder / "invoices")
        s.close()
        application.extensions["coop_db"][0].dispose()  # a PostgreSQL template takes no connections
        _demo_templates[day] = (url, folder / "invoices")
    return _demo_templates[day]


@pytest.fixture
def demo(
    app: Flask, session: Session, databases: Any, db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Session:
    """The demo co-op (the one `make run` loads), with its invoices issued."""
    template, invoices = demo_template(databases, tmp_path_factory.getbasetemp())
    app.extensions["coop_db"][0].dispose()  # nothing may hold the test's database while it is replaced
    databases.replace(db_url, template)
    shutil.copytree(invoices, Path(app.config["INVOICE_DIR"]), dirs_exist_ok=True)
    return session


def signed_in(make_web: Any, role: str) -> Web:
    """A Web signed in as one of the demo logins (member, coordinator, client, admin)."""
    from coop.demo.service import DEMO_LOGINS

    web: Web = make_web()
    email = dict(DEMO_LOGINS["accounts"])[role]
    assert web.login(email, DEMO_LOGINS["password"]).status_code == 302
    return web


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF, as poppler's pdftotext reads it."""
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


_RACE_CALLS = ("run_parallel(", "serve(")
_RACE_FIXTURES = {"live"}  # a multi-worker gunicorn (tests/test_http_races.py)
_SLOW_CALLS = ("run_state_machine_as_test(", "crawl(")
_SLOW_FIXTURES = {"installed"}  # a virtualenv with the project's wheel installed (tests/test_install.py)
# The order tests start in: the costly kinds first, so the run ends on short tests that the
# workers share out evenly (`--dist worksteal`) instead of one worker finishing a minute-long
# test alone while the other waits (they came last, under tests/test_*.py).
_FIRST = ("slow", "races", "browser")


def pytest_configure(config: pytest.Config) -> None:
    # The run's clock (tests/clock.py): real, unless COOP_TEST_CLOCK moved it. Settled once by the
    # process that starts the run, before it starts its workers, which inherit the distance.
    clock.settle(os.environ)
    clock.start()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark tests by what they do, so `make test-fast` can leave out the costly kinds without
    anyone having to remember a decorator (tests/test_markers.py checks the marking); then start
    the costly kinds first (`_FIRST`)."""
    for item in items:
        _mark_kind(item)
    items.sort(key=_start_order)  # stable: each kind keeps the order it was collected in


def _mark_kind(item: pytest.Item) -> None:
    path = Path(str(item.fspath))
    if "browser" in path.parts:
        item.add_marker(pytest.mark.browser)
        return
    fn = getattr(item, "function", None)
    if fn is None:
        return
    try:
        source = inspect.getsource(fn)
    except (OSError, TypeError):
        source = ""
    fixtures = set(getattr(item, "fixturenames", ()))
    if any(call in source for call in _RACE_CALLS) or fixtures & _RACE_FIXTURES:
        item.add_marker(pytest.mark.races)
    if hasattr(fn, "hypothesis") or any(call in source for call in _SLOW_CALLS) or fixtures & _SLOW_FIXTURES:
        item.add_marker(pytest.mark.slow)


def _start_order(item: pytest.Item) -> int:
    return next((i for i, kind in enumerate(_FIRST) if item.get_closest_marker(kind)), len(_FIRST))
