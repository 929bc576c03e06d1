"""`make bench`: run the benchmarks (not tests), print every figure with its target, and write
docs/PERFORMANCE.md with the machine and date. Generates its own data; about 6-8 minutes."""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import autofill, claims, explain, http, invoices, pages, scale

ROOT = Path(__file__).resolve().parent.parent
Row = tuple[str, str, str, str]


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores ({cpu}){mem}, Python {platform.python_version()}, {platform.system()}"


def verdict(ok: bool) -> str:
    return "met" if ok else "missed"


def step(title: str) -> float:
    print(f"\n== {title}", flush=True)
    return time.perf_counter()


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["--scale"] and args[1:2] != ["1"]:
        if args[1:2] != ["10"]:
            raise SystemExit("make bench SCALE=10 is the one larger co-op measured (or SCALE=1, the default)")
        ten_times()
        return
    rows: list[Row] = []
    started = time.perf_counter()

    t = step("Generated co-op (1,000 members, 200 clients, 52 weeks) and page timings in-process")
    with tempfile.TemporaryDirectory() as tmp:
        pg = pages.run(tmp=Path(tmp))
        rows.append(
            (
                "`coop generate` 1,000 members / 200 clients / 52 weeks (SQLite)",
                f"{pg['generate_seconds']:.1f} s ({pg['shifts']} shifts)",
                "< 120 s",
                verdict(pg["generate_seconds"] < 120),
            )
        )
        floor_median, floor_p95 = pg["timings"][pages.MINIMAL]
        for name, (median, p95) in pg["timings"].items():
            if name == pages.MINIMAL:
                rows.append((f"{name}: median / p95", f"{median:.1f} / {p95:.1f} ms", "the yardstick", ""))
            else:
                ok = median <= 3 * floor_median and p95 <= 5 * floor_p95
                rows.append(
                    (
                        f"{name}: median / p95",
                        f"{median:.1f} / {p95:.1f} ms = {median / floor_median:.1f}× / {p95 / floor_p95:.1f}× minimal",
                        "≤ 3× / ≤ 5× the minimal page",
                        verdict(ok),
                    )
                )
            print(f"  {name:36} median {median:6.1f} ms  p95 {p95:6.1f} ms", flush=True)
        for name in pg["statements_1x"]:
            one, ten = pg["statements_1x"][name], pg["statements_10x"][name]
            rows.append(
                (
                    f"{name}: SQL statements at 1x / 10x data",
                    f"{one} / {ten}",
                    "equal, ≤ 12",
                    verdict(one == ten <= 12),
                )
            )
            print(f"  {name:24} SQL statements {one} at 1x, {ten} at 10x", flush=True)
        print(f"  ({time.perf_counter() - t:.0f} s)")

        t = step("The same pages on PostgreSQL (a temporary cluster, the same generated co-op)")
        pgt = pages.run_postgres(Path(tmp))
        pg_floor_median, pg_floor_p95 = pgt[pages.MINIMAL]
        for name, (median, p95) in pgt.items():
            print(f"  {name:36} median {median:6.1f} ms  p95 {p95:6.1f} ms", flush=True)
            if name == pages.MINIMAL:
                rows.append(
                    (f"PostgreSQL, {name}: median / p95", f"{median:.1f} / {p95:.1f} ms", "the yardstick", "")
                )
                continue
            ok = median <= 3 * pg_floor_median and p95 <= 5 * pg_floor_p95
            rows.append(
                (
                    f"PostgreSQL, {name}: median / p95",
                    f"{median:.1f} / {p95:.1f} ms = {median / pg_floor_median:.1f}× / "
                    f"{p95 / pg_floor_p95:.1f}× minimal",
                    "≤ 3× / ≤ 5× the minimal page",
                    verdict(ok),
                )
            )
        print(f"  ({time.perf_counter() - t:.0f} s)")

        t = step("gunicorn, 2 workers: open shifts vs the minimal page and hello world (wrk, 10 s each)")
        tp = http.throughput(pg["url"], Path(tmp))
        print(
            f"  open shifts {tp['page']['rps']:.0f} req/s (p50 {tp['page']['p50_ms']:.1f} ms), minimal page "
            f"{tp['minimal']['rps']:.0f} req/s, hello world {tp['hello']['rps']:.0f} req/s; "
            f"ratio {tp['ratio']:.1%}  ({time.perf_counter() - t:.0f} s)",
            flush=True,
        )
        rows.append(
            (
                "Open shifts vs the minimal page on gunicorn (2 workers, wrk 8 connections)",
                f"{tp['page']['rps']:.0f} vs {tp['minimal']['rps']:.0f} req/s = {tp['ratio']:.1%}",
                "≥ 33%",
                verdict(tp["ratio"] >= 0.33),
            )
        )
        rows.append(
            (
                "Open shifts vs hello world on gunicorn (for reference)",
                f"{tp['page']['rps']:.0f} vs {tp['hello']['rps']:.0f} req/s = {tp['ratio_hello']:.1%}",
                "",
                "",
            )
        )

        t = step("50 parallel claims on a 5-slot shift, gunicorn 4 workers, SQLite")
        sq = http.sqlite_claims(Path(tmp))
        print(f"  {sq}  ({time.perf_counter() - t:.0f} s)", flush=True)
        rows.append(_claims_row("SQLite, one gunicorn (4 workers)", sq))

        t = step(
            "PostgreSQL: claims on one and on two gunicorn instances, shared throttling, two outbox senders"
        )
        pgs = http.postgres_suite(Path(tmp))
        print(f"  {pgs}  ({time.perf_counter() - t:.0f} s)", flush=True)
    rows.append(_claims_row("PostgreSQL, one gunicorn (4 workers)", pgs["claims_4_workers"]))
    rows.append(
        _claims_row("PostgreSQL, two gunicorn instances (2 workers each)", pgs["claims_two_instances"])
    )
    rows.append(
        (
            "Sign-in throttling shared by two instances (5 failures split across them lock the account)",
            "locked" if pgs["throttle_shared"] else "not locked",
            "locked",
            verdict(pgs["throttle_shared"]),
        )
    )
    ob = pgs["outbox"]
    rows.append(
        (
            "Two `coop send-outbox` processes at once",
            f"{ob['queued']} queued, {ob['received']} received, {ob['distinct']} distinct",
            "each exactly once",
            verdict(ob["received"] == ob["distinct"] == ob["queued"]),
        )
    )

    rows += saturation_rows()

    t = step("PostgreSQL EXPLAIN ANALYZE of every query the daily pages send (300 members, 52 weeks)")
    with tempfile.TemporaryDirectory() as tmp:
        ex = explain.run(Path(tmp))
    print(f"  {ex}  ({time.perf_counter() - t:.0f} s)", flush=True)
    rows.append(
        (
            f"PostgreSQL EXPLAIN ANALYZE of the {ex['queries']} queries the daily pages send",
            f"slowest {ex['slowest_ms']:.1f} ms; sequential scans of large tables: "
            + ("; ".join(ex["seq_scans"]) or "none"),
            "every query < 20 ms",
            verdict(ex["slowest_ms"] < 20),
        )
    )

    t = step("Invoice run: issuing 200 invoices vs bare WeasyPrint")
    inv = invoices.run()
    print(
        f"  issued in {inv['issue_seconds']:.1f} s; bare WeasyPrint {inv['bare_weasyprint_seconds']:.1f} s; "
        f"ratio {inv['ratio']:.2f}  ({time.perf_counter() - t:.0f} s)",
        flush=True,
    )
    rows.append(
        (
            f"Invoice run, 200 invoices issued (PDF/A-3b + Factur-X, {inv['workers']:.0f} render processes)",
            f"{inv['issue_seconds']:.1f} s",
            "",
            "",
        )
    )
    rows.append(
        ("Bare WeasyPrint, the same 200 HTML invoices", f"{inv['bare_weasyprint_seconds']:.1f} s", "", "")
    )
    rows.append(
        ("Invoice run / bare WeasyPrint", f"{inv['ratio']:.2f}×", "≤ 1.2×", verdict(inv["ratio"] <= 1.2))
    )

    t = step("Auto-fill: 2,000 open slots, 1,000 members, vs OR-Tools CP-SAT")
    af = autofill.run()
    print(
        f"  filled {af['filled']:.0f} of {af['slots']:.0f} in {af['seconds']:.2f} s; solver "
        f"{af['solver_filled']:.0f} in {af['solver_seconds']:.0f} s; ratio {af['fill_ratio']:.3f}; "
        f"Gini {af['gini']:.3f} vs {af['solver_gini']:.3f}  ({time.perf_counter() - t:.0f} s)",
        flush=True,
    )
    rows.append(
        (
            "Auto-fill time, 2,000 open slots / 1,000 members",
            f"{af['seconds']:.2f} s",
            "< 2 s",
            verdict(af["seconds"] < 2),
        )
    )
    rows.append(
        (
            f"Auto-fill slots filled / CP-SAT's ({af['solver_filled']:.0f} of {af['slots']:.0f})",
            f"{af['filled']:.0f} ({af['fill_ratio']:.3f})",
            "≥ 0.99",
            verdict(af["fill_ratio"] >= 0.99),
        )
    )
    rows.append(
        (
            f"Fairness: Gini of hours / preferred hours (CP-SAT's {af['solver_gini']:.3f})",
            f"{af['gini']:.3f}",
            "≤ solver + 0.02",
            verdict(af["gini"] <= af["solver_gini"] + 0.02),
        )
    )
    total = time.perf_counter() - started
    rows.append(("Whole `make bench`", f"{total / 60:.1f} min", "< 15 min", verdict(total < 900)))
    write(rows)
    print("\n" + "\n".join(f"{r[3] or '-':7} {r[0]}: {r[1]}" for r in rows))
    print(f"\nWrote docs/PERFORMANCE.md ({total / 60:.1f} min)")


def _claims_row(where: str, r: dict[str, Any]) -> Row:
    ok = r["filled"] == 5 and r["errors"] == 0
    return (
        f"50 parallel claims on a 5-slot shift, {where}",
        f"{r['filled']} filled, {r['errors']} errors",
        "exactly 5, 0 errors",
        verdict(ok),
    )


TEN_START, TEN_END = "<!-- 10x: written by make bench SCALE=10 -->", "<!-- /10x -->"


def ten_times() -> None:
    """`make bench SCALE=10`: its own section of docs/PERFORMANCE.md, the 1x table kept."""
    started = time.perf_counter()
    step("The co-op at ten times its size on PostgreSQL (10,000 members, 2,000 clients, 104 weeks)")
    plans = os.environ.get("PLANS")
    with tempfile.TemporaryDirectory() as tmp:
        rows = scale.rows(scale.run(Path(tmp), plans=Path(plans) if plans else None))
    total = time.perf_counter() - started
    rows.append(("Whole `make bench SCALE=10`", f"{total / 60:.1f} min", "", ""))
    table = "\n".join(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows)
    section = f"""{TEN_START}
## Ten times the co-op, PostgreSQL

Figures from `make bench SCALE=10`. Latest run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}.

| benchmark | figure | target | result |
|---|---|---|---|
{table}
{TEN_END}"""
    doc = ROOT / "docs" / "PERFORMANCE.md"
    text = doc.read_text()
    if TEN_START in text and TEN_END in text:
        text = text[: text.index(TEN_START)] + section + text[text.index(TEN_END) + len(TEN_END) :]
    else:
        text = text.replace("\n## Notes", f"\n{section}\n\n## Notes", 1)
    doc.write_text(text)
    print("\n" + "\n".join(f"{r[3] or '-':7} {r[0]}: {r[1]}" for r in rows))
    print(f"\nWrote the 10x section of docs/PERFORMANCE.md ({total / 60:.1f} min)")


def _ten_section() -> str:
    """The 10x section already in docs/PERFORMANCE.md, which a 1x run keeps."""
    try:
        text = (ROOT / "docs" / "PERFORMANCE.md").read_text()
    except OSError:
        return ""
    if TEN_START not in text or TEN_END not in text:
        return ""
    return text[text.index(TEN_START) : text.index(TEN_END) + len(TEN_END)] + "\n\n"


def saturation_rows() -> list[Row]:
    """Claims per second at saturation against the minimal POST, on SQLite and PostgreSQL, and
    the exactly-once check of each run (bench/claims.py)."""
    rows: list[Row] = []
    for name, run in (("SQLite", claims.on_sqlite), ("PostgreSQL", claims.on_postgres)):
        t = step(f"{name}: claims per second at saturation vs the minimal POST (wrk, 3 x 10 s)")
        with tempfile.TemporaryDirectory() as tmp:
            r = run(Path(tmp))
        c = r["check"]
        print(
            f"  claims {r['claims_per_s']:.1f}/s ({r['claims']} in {r['seconds']} s, {r['refused']} refused), "
            f"minimal POST {r['minimal_per_s']:.1f}/s {r['minimal_runs']}; ratio {r['ratio']:.1%}; "
            f"{c}  ({time.perf_counter() - t:.0f} s)",
            flush=True,
        )
        where = f"{name}, gunicorn {r['workers']} workers, wrk {r['connections']} connections"
        rows.append(
            (
                f"Claims per second at saturation vs the minimal POST, {where}",
                f"{r['claims_per_s']:.1f} vs {r['minimal_per_s']:.1f} /s = {r['ratio']:.0%}",
                "≥ 50%",
                verdict(r["ratio"] >= 0.5),
            )
        )
        rows.append(
            (
                f"Exactly once after the saturation run, {name} ({r['members']} members, {r['shifts']} shifts)",
                f"{r['claims']} claims, {r['refused']} refused, {r['errors']} errors; "
                f"{c['places']} places held, {c['shifts_over_or_miscounted']} shifts over their slots or "
                f"miscounted, {c['claims_without_one_place']} claims without exactly one place, "
                f"{c['places_nobody_was_told']} places taken by requests in flight at the stop",
                "0 errors, 0 over, 0 without one place, in flight ≤ connections",
                verdict(claims.exactly_once(r)),
            )
        )
    return rows


def write(rows: list[Row]) -> None:
    notes = (ROOT / "bench" / "NOTES.md").read_text()
    table = "\n".join(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows)
    kept = _ten_section()
    (ROOT / "docs" / "PERFORMANCE.md").write_text(
        f"""# Performance

Figures from `make bench` (benchmarks, not tests; it makes its own data). Latest run:
{datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}.

| benchmark | figure | target | result |
|---|---|---|---|
{table}

{kept}{notes}"""
    )


if __name__ == "__main__":
    main()
