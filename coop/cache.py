"""A small per-process cache for figures that are costly to add up and fine to show a few
minutes old (the coordinator's charts). Each gunicorn worker keeps its own; nothing here is
used for decisions about money, limits or access."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Any, TypeVar

T = TypeVar("T")
MAX_ENTRIES = 256
_entries: dict[Hashable, tuple[float, Any]] = {}
_lock = Lock()


def cached(key: Hashable, seconds: float, compute: Callable[[], T]) -> T:
    """compute(), or its result from the last `seconds` for the same key."""
    now = time.monotonic()
    with _lock:
        hit = _entries.get(key)
    if hit is not None and now - hit[0] < seconds:
        value: T = hit[1]
        return value
    value = compute()
    with _lock:
        if len(_entries) >= MAX_ENTRIES:
            _entries.clear()
        _entries[key] = (now, value)
    return value


def clear() -> None:
    """Forget everything kept: for a process whose database was replaced under the same address
    (a restored backup, or the test suite handing an emptied database to the next test)."""
    with _lock:
        _entries.clear()
