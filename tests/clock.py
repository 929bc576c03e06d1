"""The clock a test run reads. Normally the real one. With COOP_TEST_CLOCK set to a moment (an ISO
date-time with its offset, such as 2027-03-28T00:55:00+00:00, five minutes before the clocks go
forward), the run starts at that moment and time runs on from there: every test process and every
test server it starts reads the same moved clock (time-machine moves `datetime.now` and
`time.time`; `time.monotonic` keeps running, so timeouts still work). It finds what depends on the
hour, the day or a clock change, before the calendar does:

    COOP_TEST_CLOCK=2027-10-31T00:55:00+00:00 make test

The moment must be later than now: the browser keeps its cookies by the real clock, and would drop
a session cookie made to expire in the moved past. Commands a test runs as a separate program
(the install test's, the backup's owner checks) read the real clock."""

from __future__ import annotations

import os
import time
from collections.abc import MutableMapping
from datetime import datetime

import time_machine

MOMENT = "COOP_TEST_CLOCK"
SHIFT = "COOP_TEST_CLOCK_SHIFT"  # seconds the clock is moved, fixed once for the whole run
_started: list[time_machine.travel] = []


def real_time() -> float:
    hatch = time_machine.escape_hatch
    return hatch.time.time() if hatch.is_travelling() else time.time()


def settle(environ: MutableMapping[str, str]) -> None:
    """In the process that starts the run: turn the chosen moment into how far the clock moves, once,
    so that processes started later (test workers, servers) move it the same distance."""
    moment = environ.get(MOMENT)
    if moment and SHIFT not in environ:
        at = datetime.fromisoformat(moment)
        if at.tzinfo is None:
            raise ValueError(f"{MOMENT} needs an offset, such as {moment}+00:00")
        shift = at.timestamp() - real_time()  # from the real clock, even in a moved process
        if shift < 0:
            raise ValueError(f"{MOMENT} must be later than now (the browser's cookies keep real time)")
        environ[SHIFT] = repr(shift)


def start() -> None:
    """Move this process's clock as the run chose (nothing, unless COOP_TEST_CLOCK was set)."""
    shift = os.environ.get(SHIFT)
    if shift and not _started:
        travel = time_machine.travel(real_time() + float(shift), tick=True)
        travel.start()
        _started.append(travel)


def app_module() -> str:
    """What a test server serves: the production app, on the run's clock if it was moved."""
    return "tests.clocked:app" if os.environ.get(SHIFT) else "wsgi:app"
