"""The production app (wsgi.py) on the test run's moved clock (tests/clock.py): what a test server
serves when COOP_TEST_CLOCK is set. gunicorn imports it once and forks its workers, which keep
the moved clock."""

from tests import clock

clock.start()

from wsgi import app  # noqa: E402  (the clock moves before the app reads it)

__all__ = ["app"]
