"""The app served by gunicorn in a subprocess, as in production, for the browser tests and the
HTTP race tests."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from tests import clock

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    log: IO[str]
    log_path: Path

    def workers(self) -> set[int]:
        """The worker processes gunicorn's master runs now."""
        pid = self.process.pid
        return {int(w) for w in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}

    def fresh_workers(self) -> None:
        """Replace every worker by a new one, forked from the app the master preloaded, so nothing
        a worker kept (figures cached for a minute, pooled connections) outlives the test that made
        it: the next test can have a new database at the same address. The workers are idle (no
        test is sending), so they are killed, and the master forks new ones at once."""
        old = self.workers()
        for pid in old:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while (now := self.workers()) & old or len(now) < len(old):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the test server did not fork new workers:\n" + self.log_path.read_text())
            time.sleep(0.02)

    def stop(self) -> None:
        """The test is over: kill gunicorn, its master and its workers at once (it runs in a
        process group of its own). A graceful stop only waited: gunicorn's master idles two
        seconds after its workers have gone, and a loaded machine once took over ten. Stopping
        never fails a test: the test has already said what it had to."""
        with contextlib.suppress(ProcessLookupError):  # it had already gone (it failed to start)
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.log.close()


def serve(
    url: str, config: dict[str, Any], port: int, tmp: Path, *, workers: int, env: dict[str, str] | None = None
) -> Server:
    """Start gunicorn with `workers` processes on the database at `url`; wait until it answers.
    `env` adds to the environment its configuration is read from."""
    base_url = f"http://127.0.0.1:{port}"
    environment = (
        os.environ
        | (env or {})
        | {
            "DATABASE_URL": url,
            "SECRET_KEY": config["SECRET_KEY"],
            "SESSION_COOKIE_SECURE": "false",
            "ARGON2_TIME_COST": "1",
            "ARGON2_MEMORY_COST": "1024",
            "INVOICE_DIR": config["INVOICE_DIR"],
            "UPLOAD_DIR": config["UPLOAD_DIR"],
            "BASE_URL": base_url,
            "SMTP_PORT": "1",  # nothing is sent: mail waits in the outbox
        }
    )
    log_path = tmp / "server.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            # The app is imported once, then the workers fork from it (each importing it again
            # took seconds on two busy cores). It opens no connection before the fork.
            "--preload",
            "--bind",
            f"127.0.0.1:{port}",
            clock.app_module(),  # wsgi:app, unless the run moved its clock
        ],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # a process group of its own, killed whole by stop()
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    return Server(process, log, log_path)
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            Server(process, log, log_path).stop()
            raise RuntimeError("the test server did not start:\n" + log_path.read_text())
        time.sleep(0.2)
