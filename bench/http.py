"""Benchmarks through real servers (gunicorn in subprocesses):

- throughput of the open-shifts page vs a bare hello-world Flask app on the same gunicorn, both
  measured by wrk in the same run;
- 50 parallel claims on a 5-slot shift through gunicorn with 4 workers (SQLite and PostgreSQL);
- two gunicorn instances on one PostgreSQL: the claims split across both still fill exactly 5,
  sign-in throttling counts failures made on either, and two `coop send-outbox` processes at
  once send each email exactly once.
"""

from __future__ import annotations

import http.client
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import time as clock_time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench.minimal import PATH as MINIMAL_PATH
from coop.app import create_app
from coop.demo import generate as gen
from coop.demo.service import DEMO_LOGINS
from coop.migrate import upgrade
from tests.pg import TempCluster, free_port

ROOT = Path(__file__).resolve().parent.parent
TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
PASSWORD = str(DEMO_LOGINS["password"])


def _env(url: str, tmp: Path) -> dict[str, str]:
    return os.environ | {
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-only-secret",
        "SESSION_COOKIE_SECURE": "false",
        "INVOICE_DIR": str(tmp / "invoices"),
        "UPLOAD_DIR": str(tmp / "uploads"),
        "ARGON2_TIME_COST": "1",
        "ARGON2_MEMORY_COST": "1024",
        "SMTP_PORT": "1",
    }


@contextmanager
def gunicorn(app: str, env: dict[str, str], workers: int) -> Iterator[str]:
    """Serve a WSGI app ('module:name') on a free port; yields its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            app,
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            status, _, _ = request(base, "GET", "/healthz" if app == "wsgi:app" else "/")
            if status == 200:
                break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"gunicorn for {app} did not start")
        time.sleep(0.2)
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def request(
    base: str, method: str, path: str, body: dict[str, str] | None = None, cookie: str = ""
) -> tuple[int, dict[str, str], str]:
    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    headers = {"Cookie": cookie} if cookie else {}
    data = None
    if body is not None:
        data = urllib.parse.urlencode(body)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=data, headers=headers)
    r = conn.getresponse()
    text = r.read().decode("utf-8", "replace")
    out = (r.status, {k.lower(): v for k, v in r.getheaders()}, text)
    conn.close()
    return out


class Browser:
    """A signed-in person over HTTP: keeps the session cookie and the CSRF token."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookie = ""

    def _keep(self, headers: dict[str, str]) -> None:
        if "set-cookie" in headers:
            self.cookie = headers["set-cookie"].split(";", 1)[0]

    def get(self, path: str) -> tuple[int, str]:
        status, headers, text = request(self.base, "GET", path, cookie=self.cookie)
        self._keep(headers)
        return status, text

    def post(self, path: str, data: dict[str, str]) -> tuple[int, dict[str, str]]:
        _, page = self.get("/login" if not self.cookie else "/home")
        token = TOKEN.search(page)
        status, headers, _ = request(
            self.base, "POST", path, {**data, "csrf_token": token[1] if token else ""}, self.cookie
        )
        self._keep(headers)
        return status, headers

    def login(self, email: str, password: str = PASSWORD) -> int:
        status, _ = self.post("/login", {"email": email, "password": password})
        return status


def wrk(url: str, seconds: int = 10, cookie: str = "", connections: int = 8) -> dict[str, float]:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])  # type: ignore[index]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)

    def ms(label: str) -> float:
        m = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out)
        if not m:
            return float("nan")
        value = float(m[1])
        return value / 1000 if m[2] == "us" else value * 1000 if m[2] == "s" else value

    return {
        "rps": rps,
        "p50_ms": ms("50"),
        "p99_ms": ms("99"),
        "non_2xx": float(errors[1]) if errors else 0.0,
    }


def throughput(big_db_url: str, tmp: Path, seconds: int = 10) -> dict[str, Any]:
    env = _env(big_db_url, tmp)
    with gunicorn("bench.minimal_app:app", env, 2) as base:
        member = Browser(base)
        assert member.login(dict(gen.logins())["member"]) == 302
        for path in ("/shifts/open", MINIMAL_PATH):
            status, _ = member.get(path)
            assert status == 200, path
        page = wrk(f"{base}/shifts/open", seconds, member.cookie)
        minimal = wrk(f"{base}{MINIMAL_PATH}", seconds, member.cookie)
    with gunicorn("bench.hello:app", env, 2) as base:
        hello = wrk(f"{base}/", seconds)
    return {
        "page": page,
        "minimal": minimal,
        "hello": hello,
        "ratio": page["rps"] / minimal["rps"],
        "ratio_hello": page["rps"] / hello["rps"],
    }


# --- parallel claims ------------------------------------------------------------------------------


def claim_setup(url: str, tmp: Path, members: int = 50, slots: int = 5) -> tuple[int, list[str]]:
    """A generated co-op plus one new 5-slot shift at 03:00 three weeks ahead; returns its id and
    the emails of `members` members who could each take it (the skill, no limit, free)."""
    from coop.bookings.models import Booking, Service, Shift
    from coop.limits.models import BenefitLimit
    from coop.members.models import Member, member_skill
    from coop.timeutil import local_span_to_utc, today_london

    app = create_app(_config(url, tmp))
    s = app.extensions["coop_db"][1]()
    gen.generate(s, gen.Spec(members=400, clients=4, weeks=5, seed=3))
    service = s.scalars(select(Service).order_by(Service.id)).first()
    assert service is not None
    day = today_london() + timedelta(days=21)
    starts, ends = local_span_to_utc(day, clock_time(3), clock_time(5))
    booking = Booking(
        client_id=1,
        service_id=service.id,
        site_address="1 Night Road",
        workers=slots,
        start_date=day,
        start_time=clock_time(3),
        end_time=clock_time(5),
        status="scheduled",
    )
    shift = Shift(
        booking=booking,
        service_id=service.id,
        client_id=1,
        starts_at=starts,
        ends_at=ends,
        slots=slots,
        site_address="1 Night Road",
    )
    s.add(shift)
    s.commit()
    with_limit = select(BenefitLimit.member_id)
    rows = s.execute(
        select(Member)
        .join(member_skill, member_skill.c.member_id == Member.id)
        .where(member_skill.c.skill_id == service.skill_id, Member.id.not_in(with_limit))
        .order_by(Member.id)
        .limit(members)
    ).scalars()
    emails = [m.user.email for m in rows]
    shift_id = shift.id
    s.close()
    app.extensions["coop_db"][0].dispose()
    assert len(emails) == members, len(emails)
    return shift_id, emails


def _config(url: str, tmp: Path) -> dict[str, Any]:
    return {
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-only-secret",
        "INVOICE_DIR": str(tmp / "invoices"),
        "UPLOAD_DIR": str(tmp / "uploads"),
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
    }


def parallel_claims(bases: list[str], shift_id: int, emails: list[str]) -> dict[str, Any]:
    """Sign everyone in (round robin over the servers), then all claim at the same moment."""
    people = []
    for i, email in enumerate(emails):
        b = Browser(bases[i % len(bases)])
        assert b.login(email) == 302, email
        _, page = b.get("/shifts/open")
        people.append((b, TOKEN.search(page)[1]))  # type: ignore[index]
    barrier = threading.Barrier(len(people))
    results: list[tuple[int, float]] = [(0, 0.0)] * len(people)

    def go(i: int) -> None:
        b, token = people[i]
        barrier.wait()
        t = time.perf_counter()
        status, _, _ = request(b.base, "POST", f"/shifts/{shift_id}/claim", {"csrf_token": token}, b.cookie)
        results[i] = (status, (time.perf_counter() - t) * 1000)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(len(people))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies = sorted(ms for _, ms in results)
    return {
        "requests": len(results),
        "errors": sum(1 for status, _ in results if status >= 500 or status == 0),
        "median_ms": statistics.median(latencies),
        "max_ms": latencies[-1],
    }


def held(url: str, tmp: Path, shift_id: int) -> int:
    from coop.rota.models import Assignment

    app = create_app(_config(url, tmp))
    s = app.extensions["coop_db"][1]()
    n = s.scalar(
        select(func.count())
        .select_from(Assignment)
        .where(Assignment.shift_id == shift_id, Assignment.status == "accepted")
    )
    s.close()
    app.extensions["coop_db"][0].dispose()
    return int(n or 0)


def claims_on(url: str, tmp: Path, instances: int) -> dict[str, Any]:
    shift_id, emails = claim_setup(url, tmp)
    env = _env(url, tmp)
    with _servers(env, instances) as bases:
        out = parallel_claims(bases, shift_id, emails)
    out["filled"] = held(url, tmp, shift_id)
    return out


@contextmanager
def _servers(env: dict[str, str], count: int) -> Iterator[list[str]]:
    if count == 1:
        with gunicorn("wsgi:app", env, 4) as base:
            yield [base]
    else:
        with gunicorn("wsgi:app", env, 2) as a, gunicorn("wsgi:app", env, 2) as b:
            yield [a, b]


def shared_throttle(url: str, tmp: Path) -> bool:
    """Five wrong passwords spread over two servers lock the account on both."""
    env = _env(url, tmp)
    email = gen.logins()[1][1]
    with _servers(env, 2) as (a, b):
        for i in range(5):
            Browser(a if i % 2 else b).login(email, "wrong-password")
        status = Browser(a).login(email)  # the right password, but locked for now
    return status == 200  # shown the sign-in form again with the message, not signed in


def outbox_once(url: str, tmp: Path, messages: int = 300) -> dict[str, int]:
    """Two `coop send-outbox` processes at once against one SMTP sink: each message once."""
    from aiosmtpd.controller import Controller

    from coop.mail.models import OutboxMessage

    received: list[str] = []

    class Sink:
        async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
            received.append(re.search(rb"Subject: (.+)", envelope.content)[1].decode())  # type: ignore[index]
            return "250 OK"

    port = free_port()
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    app = create_app(_config(url, tmp))
    s = app.extensions["coop_db"][1]()
    s.add_all(
        OutboxMessage(to_address=f"person{i}@example.org", subject=f"message {i}", body="Hello")
        for i in range(messages)
    )
    s.commit()
    s.close()
    app.extensions["coop_db"][0].dispose()
    env = _env(url, tmp) | {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port)}
    coop = str(Path(sys.executable).with_name("coop"))
    procs = [subprocess.Popen([coop, "send-outbox", "--batch", "20"], env=env, cwd=ROOT) for _ in range(2)]
    for p in procs:
        p.wait(timeout=300)
    controller.stop()
    return {"queued": messages, "received": len(received), "distinct": len(set(received))}


def postgres_suite(tmp: Path) -> dict[str, Any]:
    cluster = TempCluster().start()
    try:
        from sqlalchemy import create_engine, text
        from sqlalchemy.pool import NullPool

        admin = create_engine(cluster.url("postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool)

        def fresh(name: str) -> str:
            with admin.connect() as c:
                c.execute(text(f"CREATE DATABASE {name}"))
            url = cluster.url(name)
            upgrade(url)
            return url

        out = {
            "claims_4_workers": claims_on(fresh("claims_one"), tmp, 1),
            "claims_two_instances": claims_on(fresh("claims_two"), tmp, 2),
        }
        url = fresh("shared")
        gen_app = create_app(_config(url, tmp))
        s = gen_app.extensions["coop_db"][1]()
        gen.generate(s, gen.Spec(members=20, clients=2, weeks=5))
        s.close()
        gen_app.extensions["coop_db"][0].dispose()
        out["throttle_shared"] = shared_throttle(url, tmp)
        out["outbox"] = outbox_once(url, tmp)
        admin.dispose()
        return out
    finally:
        cluster.stop()


def sqlite_claims(tmp: Path) -> dict[str, Any]:
    url = f"sqlite:///{tmp / 'claims.sqlite3'}"
    upgrade(url)
    return claims_on(url, tmp, 1)
