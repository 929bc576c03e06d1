"""The kinds of test `make test-fast` leaves out are found by what the tests do, so a new race or
browser test cannot land in the everyday subset by forgetting a decorator."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def collected(marker: str, *paths: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", marker, "-p", "no:xdist", *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return {line.split("::")[0] for line in out.splitlines() if "::" in line}


def test_race_browser_and_slow_tests_are_marked() -> None:
    races = collected("races", "tests/rota/test_parallel_claims.py", "tests/test_http_races.py", "tests/auth")
    assert "tests/rota/test_parallel_claims.py" in races
    assert "tests/test_http_races.py" in races
    assert "tests/auth/test_views.py" not in races  # ordinary page tests stay in the fast subset
    assert collected("browser", "tests/browser/test_journeys.py") == {"tests/browser/test_journeys.py"}
    assert "tests/caps/test_limit_machine.py" in collected("slow", "tests/caps/test_limit_machine.py")
