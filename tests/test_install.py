"""The production install, as docs/DEPLOY.md describes it: build the wheel, install it into a new
virtualenv outside the checkout, and from another folder, with only environment variables set,
upgrade the database, create the admin, check the install, serve it with gunicorn, sign in,
issue an invoice and download its PDF. On SQLite and PostgreSQL, like the rest of the suite."""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.pg import free_port

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "blue-kettle-morning-42"


def _contents_key(wheel: Path) -> str:
    """What the wheel holds, file by file (a rebuilt wheel of the same code differs only in its
    zip entries' times)."""
    digest = hashlib.sha256(sys.version.encode())
    with zipfile.ZipFile(wheel) as archive:
        for name in sorted(archive.namelist()):
            digest.update(name.encode() + b"\0" + archive.read(name))
    return digest.hexdigest()[:16]


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtualenv with only the built wheel (and its dependencies) installed. The wheel is
    built every time; the virtualenv for a wheel of the same contents is made once and shared, by
    the test processes of a run and by the run on the other database (installing took 20 s)."""
    tmp = tmp_path_factory.mktemp("install")
    dist = tmp / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(ROOT)],
        check=True,
        cwd=tmp,
    )
    [wheel] = dist.glob("coop_works-*.whl")
    shared = Path(tempfile.gettempdir()) / "coop-works-test-installs"
    shared.mkdir(exist_ok=True)
    venv = shared / _contents_key(wheel)
    with (shared / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one process installs; the others wait and use it
        if not (venv / "installed").exists():
            for stale in shared.iterdir():  # other wheels' virtualenvs, unused for an hour
                if stale.is_dir() and time.time() - stale.stat().st_mtime > 3600:
                    shutil.rmtree(stale, ignore_errors=True)
            shutil.rmtree(venv, ignore_errors=True)  # an install that was cut short
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            # --no-compile: Python compiles each module when it is first imported instead (a
            # third of the install's time went on compiling every module of every dependency).
            subprocess.run(
                [str(venv / "bin" / "pip"), "install", "-q", "--no-compile", str(wheel)], check=True, cwd=tmp
            )
            (venv / "installed").touch()
        os.utime(venv)  # in use: not stale for another hour
    return venv


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> tuple[int, bytes]:
        with self.opener.open(self.base + path, timeout=30) as r:
            return r.status, r.read()

    def token(self, path: str) -> str:
        _status, page = self.get(path)
        match = re.search(rb'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
        assert match, path
        return match.group(1).decode()

    def post(self, path: str, data: dict[str, str], token_from: str) -> tuple[int, bytes, str]:
        body = urlencode({**data, "csrf_token": self.token(token_from)}).encode()
        with self.opener.open(self.base + path, data=body, timeout=60) as r:
            return r.status, r.read(), r.url


def test_the_wheel_installs_and_serves_from_anywhere(installed: Path, databases: Any, tmp_path: Path):
    url = databases.create()
    port = free_port()
    elsewhere = tmp_path / "somewhere-else"
    elsewhere.mkdir()
    data = tmp_path / "data"
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "COOP_DATA_DIR": str(data),
        "DATABASE_URL": url,
        "SECRET_KEY": "an-operator-chosen-secret-key-of-some-length",
        "BASE_URL": f"http://127.0.0.1:{port}",
        "SESSION_COOKIE_SECURE": "false",
        "ARGON2_TIME_COST": "1",
        "ARGON2_MEMORY_COST": "1024",
    }
    coop = str(installed / "bin" / "coop")

    def run(*args: str) -> str:
        done = subprocess.run(
            [coop, *args], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300, check=False
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    run("db", "upgrade")
    run("create-admin", "--email", "admin@coop.example", "--password", PASSWORD)
    report = run("check-install")
    assert "FAIL" not in report and report.count("\n") == 8, report
    run("demo")
    # approved work waiting to be invoiced: approve what members have recorded
    script = (
        "from sqlalchemy import select\n"
        "from coop.app import create_app\n"
        "from coop.extensions import db\n"
        "from coop.timesheets import service as ts\n"
        "from coop.timesheets.models import TimesheetEntry\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    waiting = select(TimesheetEntry.id).where(TimesheetEntry.status == 'submitted')\n"
        "    ids = db.session.scalars(waiting)\n"
        "    print(ts.approve(db.session, list(ids), actor_id=1))\n"
    )
    approved = subprocess.run(
        [str(installed / "bin" / "python"), "-c", script],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert int(approved.stdout.strip()) > 0
    # nothing was written inside the virtualenv or the checkout
    assert (data / "instance").is_dir() and not list(installed.rglob("secret_key"))

    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [
            str(installed / "bin" / "gunicorn"),
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "coop.wsgi:app",
        ],
        cwd=elsewhere,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        web = Browser(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 30
        while True:
            try:
                if web.get("/login")[0] == 200:
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        status, css = web.get("/static/css/site.css")
        assert status == 200 and b"{" in css
        status, _page, where = web.post(
            "/login", {"email": "admin@coop.example", "password": PASSWORD}, token_from="/login"
        )
        assert status == 200 and not where.endswith("/login")
        status, page, where = web.post(
            "/invoices/run",
            {"period_start": "2000-01-01", "period_end": "2099-12-31"},
            token_from="/invoices",
        )
        ids = re.findall(rb'href="/invoices/(\d+)"', page)
        assert ids, page[:2000]
        invoice_id = ids[0].decode()
        status, page, _ = web.post(f"/invoices/{invoice_id}/issue", {}, token_from=f"/invoices/{invoice_id}")
        assert b"Issued as" in page
        status, pdf = web.get(f"/invoices/{invoice_id}.pdf")
        assert status == 200 and pdf.startswith(b"%PDF")
        assert list((data / "invoices").glob("*.pdf"))
    finally:
        server.terminate()
        server.wait(timeout=30)
        databases.drop(url)


def test_the_wheel_carries_the_compiled_catalogues(installed: Path, tmp_path: Path) -> None:
    """Polish and Easy read work from an install, not only from a checkout."""
    script = (
        "from coop.i18n import Reading, ReadingStyle, core\n"
        "print(core.translations(Reading('pl')).gettext('Open shifts'))\n"
        "print(core.translations(Reading(style=ReadingStyle.EASY)).gettext('See open shifts'))\n"
    )
    out = subprocess.run(
        [str(installed / "bin" / "python"), "-c", script],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout.splitlines()
    assert out[0] != "Open shifts" and out[1] != "See open shifts", out
