"""PostgreSQL EXPLAIN for the hot queries: every SELECT the six everyday pages send, on a
generated co-op in a temporary PostgreSQL cluster. Reports any sequential scan of a large table
(an index is missing or not used) and the slowest planned query."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import event, text

from bench.pages import PAGES, signed_in
from coop.app import create_app
from coop.demo import generate as gen
from coop.migrate import upgrade
from tests.pg import TempCluster

LARGE = {"shift", "assignment", "timesheet_entry", "invoice_line", "invoiced_item", "booking", "invoice"}


def _scans(plan: dict[str, Any]) -> list[str]:
    found = []
    if plan.get("Node Type") == "Seq Scan" and plan.get("Relation Name") in LARGE:
        found.append(plan["Relation Name"])
    for child in plan.get("Plans", []):
        found.extend(_scans(child))
    return found


def run(tmp: Path) -> dict[str, Any]:
    cluster = TempCluster().start()
    try:
        cluster.create_database("explain")
        url = cluster.url("explain")
        upgrade(url)
        app = create_app(
            {
                "DATABASE_URL": url,
                "SECRET_KEY": "bench-only",
                "SESSION_COOKIE_SECURE": False,
                "INVOICE_DIR": str(tmp / "invoices"),
                "UPLOAD_DIR": str(tmp / "uploads"),
            }
        )
        s = app.extensions["coop_db"][1]()
        gen.generate(s, gen.Spec(members=300, clients=60, weeks=52))
        s.execute(text("ANALYZE"))
        s.commit()
        s.close()
        return explain_pages(app)
    finally:
        cluster.stop()


def explain_pages(app: Any, top: int = 0, plans: Path | None = None) -> dict[str, Any]:
    """EXPLAIN ANALYZE every SELECT the pages send, once each, signed in as who uses it; with
    `top`, also the `top` slowest queries (milliseconds, page, the start of the FROM clause);
    with `plans`, every statement and its plan are written to that file, slowest first."""
    engine = app.extensions["coop_db"][0]
    captured: list[tuple[str, str, Any]] = []
    page = {"name": ""}

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((page["name"], statement, parameters))

    clients = {role: signed_in(app, email) for role, email in gen.logins()}
    event.listen(engine, "before_cursor_execute", keep)
    for role, name, path in PAGES:
        page["name"] = name
        clients[role].get(path)
    event.remove(engine, "before_cursor_execute", keep)
    problems, slowest = [], (0.0, "")
    timed: list[tuple[float, str, str, str]] = []
    with engine.connect() as conn:
        for name, statement, parameters in captured:
            raw = conn.exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters).scalar()
            plan = (raw if isinstance(raw, list) else json.loads(raw))[0]
            ms = float(plan["Execution Time"])
            timed.append((ms, name, statement, json.dumps(plan["Plan"], indent=1)))
            if ms > slowest[0]:
                slowest = (ms, f"{name}: {statement.split('FROM', 1)[-1][:80].strip()}")
            for table in _scans(plan["Plan"]):
                problems.append(f"{name}: sequential scan of {table} ({ms:.1f} ms)")
    engine.dispose()
    timed.sort(key=lambda t: -t[0])
    if plans:
        plans.write_text(
            "\n\n".join(f"-- {ms:.1f} ms, {name}\n{sql}\n{plan}" for ms, name, sql, plan in timed)
        )
    return {
        "queries": len(captured),
        "seq_scans": problems,
        "slowest_ms": slowest[0],
        "slowest": slowest[1],
        "top": [
            (round(ms, 1), name, sql.split("FROM", 1)[-1][:100].strip()) for ms, name, sql, _ in timed[:top]
        ],
    }


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        print(json.dumps(run(Path(folder)), indent=2))
