"""The kinds of test `make test-fast` leaves out are found by what the tests do, so a new race or
browser test cannot land in the everyday subset by forgetting a decorator."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.markers_report import kinds_of

ROOT = Path(__file__).resolve().parents[1]
PYTEST = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-s", "-p", "no:xdist"]


def collected(*paths: str) -> list[tuple[str, set[str]]]:
    """Each collected test's node id and kinds, in the order the run starts them."""
    out = subprocess.run(
        [*PYTEST, "-p", "tests.markers_report", *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    tests = []
    for line in out.splitlines():
        if line.startswith("KINDS "):
            _, nodeid, *marks = line.split(" ")
            tests.append((nodeid, {m for m in ",".join(marks).split(",") if m}))
    return tests


# One collection for both tests (each collection starts a Python and imports the suite: about 8 s).
# Collected in this order, the run's order puts the plain tests of the first file first and those
# of the last file last.
FILES = (
    "tests/auth/test_views.py",
    "tests/browser/test_journeys.py",
    "tests/test_http_races.py",
    "tests/rota/test_parallel_claims.py",
    "tests/limits/test_limit_machine.py",
    "tests/test_install.py",
    "tests/test_fuzz_forms.py",
)


@pytest.fixture(scope="module")
def run_order(request: pytest.FixtureRequest) -> list[tuple[str, set[str]]]:
    """The files' tests in the order this run starts them, when this run collected them all (as
    `make test` does); otherwise in a collection of their own."""
    ours = [
        (item.nodeid, kinds_of(item)) for item in request.session.items if item.nodeid.split("::")[0] in FILES
    ]
    if {nodeid.split("::")[0] for nodeid, _ in ours} == set(FILES):
        return ours
    return collected(*FILES)


def kinds(tests: list[tuple[str, set[str]]]) -> dict[str, set[str]]:
    """Each test file's kinds of test, as tests/conftest.py marks them."""
    found: dict[str, set[str]] = {}
    for nodeid, marks in tests:
        found.setdefault(nodeid.split("::")[0], set()).update(marks)
    return found


def test_race_browser_and_slow_tests_are_marked(run_order: list[tuple[str, set[str]]]) -> None:
    found = kinds(run_order)
    assert set(found) == set(FILES)
    assert "races" in found["tests/rota/test_parallel_claims.py"]
    assert "races" in found["tests/test_http_races.py"]
    assert found["tests/auth/test_views.py"] == set()  # ordinary page tests stay in the fast subset
    assert found["tests/browser/test_journeys.py"] == {"browser"}
    assert "slow" in found["tests/limits/test_limit_machine.py"]
    assert "slow" in found["tests/test_install.py"]  # by its fixture: a virtualenv with the wheel


def test_the_costly_kinds_start_first(run_order: list[tuple[str, set[str]]]) -> None:
    """Slow tests, then races, then browser journeys, then the rest, each in the order collected:
    the run ends on short tests the workers can share (collected by path, the slow ones were last)."""
    tests = run_order
    rank = [
        next((i for i, k in enumerate(("slow", "races", "browser")) if k in marks), 3) for _, marks in tests
    ]
    assert rank == sorted(rank) and set(rank) == {0, 1, 2, 3}
    plain = [nodeid for (nodeid, _), r in zip(tests, rank, strict=True) if r == 3]
    assert plain[0].startswith("tests/auth/") and plain[-1].startswith("tests/test_fuzz_forms.py")
