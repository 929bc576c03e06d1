"""A pytest plugin for tests/test_markers.py: after collection, print each test's kind marks."""

from __future__ import annotations

import pytest

KINDS = ("browser", "races", "slow")


def kinds_of(item: pytest.Item) -> set[str]:
    return {m.name for m in item.iter_markers()} & set(KINDS)


def pytest_collection_finish(session: pytest.Session) -> None:
    for item in session.items:
        print(f"KINDS {item.nodeid} {','.join(sorted(kinds_of(item)))}")
