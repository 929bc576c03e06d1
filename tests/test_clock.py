"""The run's clock can be moved (tests/clock.py): a test process and a test server started under a
moved clock both read it, and a moment the browser could not follow is refused."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from tests import clock

ROOT = clock.__file__.rsplit("/tests/", 1)[0]
NOW = "from coop.timeutil import utcnow"
READ = f"from tests import clock; clock.start(); {NOW}; print(utcnow().isoformat())"


def moved_env(moment: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in (clock.MOMENT, clock.SHIFT)}
    env[clock.MOMENT] = moment
    clock.settle(env)
    return env


def python(code: str, env: dict[str, str]) -> str:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout


def test_a_process_and_a_server_started_under_a_moved_clock_read_it(tmp_path, monkeypatch):
    env = moved_env("2099-03-28T00:59:30+00:00")
    most = datetime(2100, 1, 1, tzinfo=UTC).timestamp() - clock.real_time()  # this run may be moved
    assert 0 < float(env[clock.SHIFT]) < most
    assert python(READ, env).startswith("2099-03-28T00:59:3")
    # What a test server serves: the production app, with the clock moved before it is made.
    env |= {"DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}", "SECRET_KEY": "x" * 32}
    env |= {"INVOICE_DIR": str(tmp_path / "i"), "UPLOAD_DIR": str(tmp_path / "u")}
    monkeypatch.delenv(clock.SHIFT, raising=False)  # this run's own clock may have been moved
    assert clock.app_module() == "wsgi:app"
    monkeypatch.setenv(clock.SHIFT, env[clock.SHIFT])
    assert clock.app_module() == "tests.clocked:app"
    served = python(f"from tests.clocked import app; {NOW}; print(utcnow().year, app)", env)
    assert served.split() == ["2099", "<Flask", "'coop.app'>"], served


def test_the_distance_is_settled_once_and_the_real_clock_is_the_default():
    env = moved_env("2099-01-01T00:00:00+00:00")
    first = env[clock.SHIFT]
    env[clock.MOMENT] = "2098-01-01T00:00:00+00:00"
    clock.settle(env)  # a worker started later inherits the distance; it does not work it out again
    assert env[clock.SHIFT] == first
    plain = {k: v for k, v in os.environ.items() if k not in (clock.MOMENT, clock.SHIFT)}
    clock.settle(plain)
    assert clock.SHIFT not in plain


@pytest.mark.parametrize(
    ("moment", "says"), [("2001-01-01T00:00:00+00:00", "later than now"), ("2099-01-01T00:00:00", "offset")]
)
def test_a_moment_the_run_cannot_keep_is_refused(moment, says):
    with pytest.raises(ValueError, match=says):
        moved_env(moment)
