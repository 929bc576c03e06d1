"""The kinds of test `make test-fast` leaves out are found by what the tests do, so a new race or
browser test cannot land in the everyday subset by forgetting a decorator."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTEST = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-s", "-p", "no:xdist"]


def kinds(*paths: str) -> dict[str, set[str]]:
    """Each collected test file's kinds of test, as tests/conftest.py marks them (one collection)."""
    out = subprocess.run(
        [*PYTEST, "-p", "tests.markers_report", *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    found: dict[str, set[str]] = {}
    for line in out.splitlines():
        if line.startswith("KINDS "):
            _, nodeid, *marks = line.split(" ")
            found.setdefault(nodeid.split("::")[0], set()).update(m for m in ",".join(marks).split(",") if m)
    return found


def test_race_browser_and_slow_tests_are_marked() -> None:
    found = kinds(
        "tests/rota/test_parallel_claims.py",
        "tests/test_http_races.py",
        "tests/auth/test_views.py",
        "tests/browser/test_journeys.py",
        "tests/limits/test_limit_machine.py",
    )
    assert "races" in found["tests/rota/test_parallel_claims.py"]
    assert "races" in found["tests/test_http_races.py"]
    assert found["tests/auth/test_views.py"] == set()  # ordinary page tests stay in the fast subset
    assert found["tests/browser/test_journeys.py"] == {"browser"}
    assert "slow" in found["tests/limits/test_limit_machine.py"]
