"""`make bench SCALE=10`: the co-op at ten times its size (10,000 members, 2,000 clients, two
years) on a temporary PostgreSQL cluster. Records the generation (time, rows per table, peak
memory), the migrations (all of them on an empty database; the latest ones down and up again on
the loaded one), and the everyday pages timed in-process against the minimal page, with their SQL
statements at 1x (the usual generated co-op, on the same cluster) and at 10x: they must be equal."""

from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from bench.explain import explain_pages
from bench.minimal import add_minimal_page
from bench.pages import MINIMAL, signed_in, statements, time_pages
from coop.app import create_app
from coop.demo import generate as gen
from coop.migrate import alembic_config, upgrade

TEN = gen.Spec(members=10_000, clients=2_000, weeks=104)
ONE = gen.Spec()
# The latest migrations are reversed down to this revision and applied again on the loaded
# database. Those above it add a table nobody has used yet, columns holding their defaults, and
# indexes: safe to reverse on a generated co-op.
REVERSE_TO = "0030"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _app(url: str, tmp: Path) -> Any:
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench-only",
            "SESSION_COOKIE_SECURE": False,
            "INVOICE_DIR": str(tmp / "invoices"),
            "UPLOAD_DIR": str(tmp / "uploads"),
        }
    )
    return add_minimal_page(app)


def _admin(url: str, sql: str) -> float:
    engine = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    started = time.perf_counter()
    with engine.connect() as c:
        c.execute(text(sql))
    engine.dispose()
    return time.perf_counter() - started


def _generated(cluster: Any, name: str, spec: gen.Spec, tmp: Path, progress: bool) -> dict[str, Any]:
    _admin(cluster.url("postgres"), f"CREATE DATABASE {name}")
    url = cluster.url(name)
    upgrade(url)
    app = _app(url, tmp)
    memory_before = _peak_mb()
    started = time.perf_counter()
    shown = {"done": 0}

    def show(n: int) -> None:
        shown["done"] += n
        print(f"\r  generating {name}: {shown['done']:3d}%", end="", flush=True)

    with app.app_context():
        session = app.extensions["coop_db"][1]()
        counts = gen.generate(session, spec, progress=show if progress else None)
        session.close()
    seconds = time.perf_counter() - started
    if progress:
        print(flush=True)
    vacuum = _admin(url, "VACUUM ANALYZE")
    return {
        "app": app,
        "url": url,
        "counts": counts,
        "seconds": seconds,
        "peak_mb": _peak_mb(),
        "peak_before_mb": memory_before,
        "vacuum_seconds": vacuum,
    }


def run(
    tmp: Path,
    repeat: int = 30,
    ten_spec: gen.Spec = TEN,
    one_spec: gen.Spec = ONE,
    plans: Path | None = None,
) -> dict[str, Any]:
    from tests.pg import TempCluster

    cluster = TempCluster().start()
    try:
        _admin(cluster.url("postgres"), "CREATE DATABASE empty")
        started = time.perf_counter()
        upgrade(cluster.url("empty"))
        migrate_empty = time.perf_counter() - started

        one = _generated(cluster, "one", one_spec, tmp, progress=False)
        ten = _generated(cluster, "ten", ten_spec, tmp, progress=True)

        cfg = alembic_config(ten["url"])
        started = time.perf_counter()
        command.downgrade(cfg, REVERSE_TO)
        down = time.perf_counter() - started
        command.upgrade(cfg, "head")
        up = time.perf_counter() - started - down

        apps = {"1x": one["app"], "10x": ten["app"]}
        clients = {k: {role: signed_in(a, email) for role, email in gen.logins()} for k, a in apps.items()}
        counted = {k: statements(apps[k], clients[k]) for k in apps}
        # Interleaved rounds: each page at 1x and 10x against the minimal page of the same round.
        rounds: dict[str, list[dict[str, tuple[float, float]]]] = {"1x": [], "10x": []}
        for _ in range(3):
            for k in apps:
                rounds[k].append(time_pages(apps[k], repeat // 3, clients[k]))
        timings = {k: _merge(rounds[k]) for k in apps}
        explained = explain_pages(ten["app"], top=5, plans=plans)
        for a in apps.values():
            a.extensions["coop_db"][0].dispose()
        return {
            "counts": ten["counts"],
            "generate_seconds": ten["seconds"],
            "generate_one_seconds": one["seconds"],
            "peak_mb": ten["peak_mb"],
            "vacuum_seconds": ten["vacuum_seconds"],
            "migrate_empty_seconds": migrate_empty,
            "reverse_to": REVERSE_TO,
            "migrate_down_seconds": down,
            "migrate_up_seconds": up,
            "timings": timings,
            "statements": counted,
            "explain": explained,
        }
    finally:
        cluster.stop()


def _merge(rounds: list[dict[str, tuple[float, float]]]) -> dict[str, tuple[float, float]]:
    """Median of the rounds' medians and the largest p95: robust to one disturbed round."""
    out = {}
    for name in rounds[0]:
        medians = sorted(r[name][0] for r in rounds)
        out[name] = (medians[len(medians) // 2], max(r[name][1] for r in rounds))
    return out


Row = tuple[str, str, str, str]


def rows(r: dict[str, Any]) -> list[Row]:
    c = r["counts"]
    big = ("shift", "assignment", "timesheet_entry", "invoice", "invoice_line", "invoiced_item", "payment")
    out: list[Row] = [
        (
            "`coop generate` 10,000 members / 2,000 clients / 104 weeks (PostgreSQL, COPY)",
            f"{r['generate_seconds']:.0f} s for {sum(c.values()):,} rows; peak memory {r['peak_mb']:.0f} MB",
            "memory flat in the weeks",
            "",
        ),
        ("Rows at 10x", ", ".join(f"{t} {c.get(t, 0):,}" for t in big), "", ""),
        ("VACUUM ANALYZE of the 10x co-op", f"{r['vacuum_seconds']:.0f} s", "", ""),
        ("All migrations on an empty PostgreSQL database", f"{r['migrate_empty_seconds']:.1f} s", "", ""),
        (
            f"The migrations after {r['reverse_to']} down and up again on the 10x co-op",
            f"{r['migrate_down_seconds']:.1f} s down, {r['migrate_up_seconds']:.1f} s up",
            "",
            "",
        ),
    ]
    for scale in ("10x", "1x"):
        floor_median, floor_p95 = r["timings"][scale][MINIMAL]
        for name, (median, p95) in r["timings"][scale].items():
            label = f"PostgreSQL {scale}, {name}: median / p95"
            if name == MINIMAL:
                out.append((label, f"{median:.1f} / {p95:.1f} ms", "the yardstick", ""))
                continue
            ok = median <= 3 * floor_median and p95 <= 5 * floor_p95
            out.append(
                (
                    label,
                    f"{median:.1f} / {p95:.1f} ms = {median / floor_median:.1f}× / {p95 / floor_p95:.1f}× minimal",
                    "≤ 3× / ≤ 5× the minimal page",
                    "met" if ok else "missed",
                )
            )
    ex = r["explain"]
    out.append(
        (
            f"PostgreSQL EXPLAIN ANALYZE at 10x of the {ex['queries']} queries the pages send",
            f"slowest {ex['slowest_ms']:.1f} ms ({ex['slowest']}); sequential scans of large tables: "
            + ("; ".join(ex["seq_scans"]) or "none"),
            "every query < 20 ms",
            "met" if ex["slowest_ms"] < 20 else "missed",
        )
    )
    for name, one in r["statements"]["1x"].items():
        ten = r["statements"]["10x"][name]
        out.append(
            (
                f"{name}: SQL statements at 1x / 10x (PostgreSQL)",
                f"{one} / {ten}",
                "equal",
                "met" if one == ten else "missed",
            )
        )
    return out


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        result = run(Path(folder), repeat=15)
    for row in rows(result):
        print(" | ".join(row))
