"""Benchmark: the pages people use every day, on the generated co-op (1,000 members, 200 clients,
52 weeks), through the Flask test client: median and p95 time, and SQL statements per request at
1x and 10x data (the counts must be equal: no query per row)."""

from __future__ import annotations

import re
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event

from bench.minimal import PATH, add_minimal_page
from coop.app import create_app
from coop.demo import generate as gen
from coop.demo.service import DEMO_LOGINS
from coop.migrate import upgrade

MINIMAL = "minimal page (the stack's ceiling)"
PAGES = [
    ("member", MINIMAL, PATH),
    ("member", "member home", "/home"),
    ("member", "open shifts", "/shifts/open"),
    ("member", "my shifts", "/shifts/mine"),
    ("member", "my earnings", "/my/earnings"),
    ("coordinator", "rota week", "/rota"),
    ("coordinator", "week grid", "/rota/grid"),
    ("coordinator", "coordinator dashboard", "/home"),
    ("client", "client bookings", "/my/bookings"),
    ("coordinator", "invoice list", "/invoices"),
]
TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def build(root: Path, spec: gen.Spec, url: str | None = None) -> tuple[Any, str, dict[str, int]]:
    """The generated co-op on SQLite in `root`, or on the (empty) database at `url`."""
    url = url or f"sqlite:///{root / f'bench-{spec.members}.sqlite3'}"
    upgrade(url)
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench-only",
            "SESSION_COOKIE_SECURE": False,
            "INVOICE_DIR": str(root / "invoices"),
            "UPLOAD_DIR": str(root / "uploads"),
        }
    )
    add_minimal_page(app)
    with app.app_context():
        session = app.extensions["coop_db"][1]()
        counts = gen.generate(session, spec)
        session.close()
    return app, url, counts


def signed_in(app: Any, email: str) -> Any:
    client = app.test_client()
    token = TOKEN.search(client.get("/login").get_data(as_text=True))
    assert token
    r = client.post(
        "/login", data={"email": email, "password": DEMO_LOGINS["password"], "csrf_token": token[1]}
    )
    assert r.status_code == 302, email
    return client


class Counter:
    """SQL statements sent to the database (transaction control, BEGIN and COMMIT, aside)."""

    def __init__(self, engine: Any) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._one)

    def _one(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.split(None, 1)[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK"):
            self.count += 1


def statements(app: Any, clients: dict[str, Any]) -> dict[str, int]:
    counter = Counter(app.extensions["coop_db"][0])
    out = {}
    for role, name, url in PAGES:
        clients[role].get(url)  # warm
        counter.count = 0
        r = clients[role].get(url)
        assert r.status_code == 200, (name, r.status_code)
        out[name] = counter.count
    return out


def time_pages(
    app: Any, repeat: int, clients: dict[str, Any] | None = None
) -> dict[str, tuple[float, float]]:
    """Median and p95 milliseconds of each page, signed in as the person who uses it.

    The pages take turns (round after round, each round starting one page further on), so the
    minimal page and every other page meet the same moments of a shared machine's load: a ratio
    to the minimal page then measures the page, not when it happened to be timed."""
    clients = clients or {role: signed_in(app, email) for role, email in gen.logins()}
    for role, name, path in PAGES:  # warm: templates compiled, caches filled
        assert clients[role].get(path).status_code == 200, name
    samples: dict[str, list[float]] = {name: [] for _role, name, _path in PAGES}
    for round_ in range(repeat):
        shift = round_ % len(PAGES)
        for role, name, path in PAGES[shift:] + PAGES[:shift]:
            t = time.perf_counter()
            r = clients[role].get(path)
            samples[name].append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200, (name, r.status_code)
    timings = {}
    for name, taken in samples.items():
        taken.sort()
        timings[name] = (statistics.median(taken), taken[max(0, int(len(taken) * 0.95) - 1)])
    return timings


@contextmanager
def postgres_app(tmp: Path) -> Iterator[Any]:
    """The generated co-op on PostgreSQL (a temporary cluster, torn down afterwards)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    from tests.pg import TempCluster

    cluster = TempCluster().start()
    try:
        cluster.create_database("bench_pages")
        app, _url, _counts = build(tmp, gen.Spec(), url=cluster.url("bench_pages"))
        # The steady state of a database in use, which autovacuum keeps: planner statistics, and
        # the visibility map that lets index-only scans skip the table.
        fresh = create_engine(cluster.url("bench_pages"), isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with fresh.connect() as c:
            c.execute(text("VACUUM ANALYZE"))
        fresh.dispose()
        yield app
        app.extensions["coop_db"][0].dispose()
    finally:
        cluster.stop()


def run_postgres(tmp: Path, repeat: int = 30) -> dict[str, tuple[float, float]]:
    """The same pages on PostgreSQL, the same generated co-op."""
    with postgres_app(tmp) as app:
        return time_pages(app, repeat)


def run(tmp: Path, repeat: int = 30) -> dict[str, Any]:
    """The big co-op stays in `tmp` (its URL is returned) for the HTTP benchmarks."""
    started = time.perf_counter()
    big, url, counts = build(tmp, gen.Spec())
    generate_seconds = time.perf_counter() - started
    clients = {role: signed_in(big, email) for role, email in gen.logins()}
    timings = time_pages(big, repeat, clients)
    at_big = statements(big, clients)
    big.extensions["coop_db"][0].dispose()
    small, _, _ = build(tmp, gen.Spec(members=100, clients=20, weeks=52))
    at_small = statements(small, {role: signed_in(small, email) for role, email in gen.logins()})
    small.extensions["coop_db"][0].dispose()
    return {
        "url": url,
        "shifts": counts["shift"],
        "generate_seconds": generate_seconds,
        "timings": timings,
        "statements_1x": at_small,
        "statements_10x": at_big,
    }


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        result = run(Path(folder), repeat=10)
    for name, (median, p95) in result["timings"].items():
        print(
            f"{name:24} median {median:6.1f} ms  p95 {p95:6.1f} ms  "
            f"SQL {result['statements_1x'][name]} / {result['statements_10x'][name]}"
        )
    print(f"generate {result['generate_seconds']:.1f} s")
