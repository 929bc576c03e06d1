"""A pytest plugin for tests/test_markers.py: after collection, print each test's kind marks."""

from __future__ import annotations

import pytest

KINDS = ("browser", "races", "slow")


def pytest_collection_finish(session: pytest.Session) -> None:
    for item in session.items:
        marks = sorted({m.name for m in item.iter_markers()} & set(KINDS))
        print(f"KINDS {item.nodeid} {','.join(marks)}")
