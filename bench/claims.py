"""Claims at saturation: successful claims per second through gunicorn against the minimal POST
(bench/minimal.py) on the same gunicorn, in the same run, on SQLite and on PostgreSQL.

Setup (before the clock): a generated co-op plus many open shifts, 10:00-12:00 on 48 days in a
row (a day apart, so no two clash or break the rest between working days); the members taking
part are in four groups of 40, each group with its own 40-slot shift each day. Members without a benefit limit are chosen, and for each the shifts the
rota's own rule (`blocking_reasons`: skills, weekly pattern, time off, their other shifts) lets
them take; those with the most are kept. Each signs in with their own session and CSRF token.

The clock: wrk with one connection per thread (so each response is matched to its request),
twice as many connections as gunicorn workers, each thread rotating over its own members and
each member over their own shifts, so every claim is new; a 302 to "My shifts" is a claim,
a 302 back to open shifts a refusal (counted apart), anything else an error. The minimal POST
is measured before and after the claims on the same server and the two runs averaged.

Afterwards the database is checked: no shift holds more people than its slots, its filled count
equals its accepted places, every claim answered as successful has exactly one place, and the
places nobody was told about are at most the requests in flight when wrk stopped."""

from __future__ import annotations

import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from datetime import time as clock_time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench.http import TOKEN, Browser, _config, _env, gunicorn
from bench.minimal import PATH as MINIMAL_PATH
from bench.minimal import POST_ACTION, POST_PATH
from coop.app import create_app
from coop.demo import generate as gen
from coop.migrate import upgrade
from tests.pg import TempCluster

WORKERS = 4
CONNECTIONS = 2 * WORKERS
MEMBERS = 160
GROUPS = 4  # members in four groups, each with its own shifts: a slot for everyone in a group
SLOTS = MEMBERS // GROUPS  # 40 (a shift has at most 50)
DAYS = 48
WRK = ("wrk", "--timeout", "30s")

LUA = r"""
local MEMBERS = {%(members)s}
local threads, counter = {}, 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  mode = args[1]
  mine = {}
  for i, m in ipairs(MEMBERS) do
    if (i - 1) %% %(threads)d == tid then table.insert(mine, m) end
  end
  n, ok, refused, other, exhausted, pending = 0, 0, 0, 0, 0, ""
  okpairs = {}
end

function request()
  local m = mine[(n %% #mine) + 1]
  local round = math.floor(n / #mine)
  n = n + 1
  local headers = {["Cookie"] = m.cookie, ["Content-Type"] = "application/x-www-form-urlencoded"}
  if mode == "minimal" then
    return wrk.format("POST", "%(post_path)s", headers, "csrf_token=" .. m.token)
  end
  if round >= #m.shifts then exhausted = exhausted + 1 end
  local s = m.shifts[((round + tid * 5) %% #m.shifts) + 1]
  pending = m.id .. ":" .. s
  return wrk.format("POST", "/shifts/" .. s .. "/claim", headers, "csrf_token=" .. m.token)
end

function response(status, headers, body)
  local loc = headers["Location"] or headers["location"] or ""
  if status ~= 302 then
    other = other + 1
  elseif mode == "minimal" then
    if loc:find("%(minimal_path)s", 1, true) then ok = ok + 1 else other = other + 1 end
  elseif loc:find("/shifts/mine", 1, true) then
    ok = ok + 1
    okpairs[#okpairs + 1] = pending
  elseif loc:find("/shifts/open", 1, true) then
    refused = refused + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  for _, t in ipairs(threads) do
    io.write(string.format("COUNTS %%d %%d %%d %%d\n", t:get("ok"), t:get("refused"), t:get("other"),
      t:get("exhausted")))
    for _, p in ipairs(t:get("okpairs")) do io.write("OK " .. p .. "\n") end
  end
end
"""


def setup(url: str, tmp: Path) -> tuple[list[int], dict[str, tuple[int, list[int]]]]:
    """The co-op, the bench's shifts (their ids) and the members taking part: email -> (member
    id, the bench shifts the rule lets them take)."""
    from coop.bookings.models import Booking, Service, Shift
    from coop.limits.models import BenefitLimit
    from coop.members.models import Member, MemberStatus
    from coop.rota.eligibility import member_facts, rules_from_settings, shift_facts
    from coop.rota.rules import can_take
    from coop.timeutil import local_span_to_utc, today_london

    app = create_app(_config(url, tmp))
    s = app.extensions["coop_db"][1]()
    gen.generate(s, gen.Spec(members=400, clients=4, weeks=5, seed=3))
    services = list(s.scalars(select(Service).where(Service.active.is_(True)).order_by(Service.id)))
    first = today_london() + timedelta(days=60)  # past the generated rota
    groups: list[list[Shift]] = [[] for _ in range(GROUPS)]
    for i in range(DAYS):
        service = services[i % len(services)]
        day = first + timedelta(days=i)
        starts, ends = local_span_to_utc(day, clock_time(10), clock_time(12))
        for group in groups:
            booking = Booking(
                client_id=1,
                service_id=service.id,
                site_address="1 Bench Road",
                workers=SLOTS,
                start_date=day,
                start_time=clock_time(10),
                end_time=clock_time(12),
                status="scheduled",
            )
            group.append(
                Shift(
                    booking=booking,
                    service_id=service.id,
                    client_id=1,
                    starts_at=starts,
                    ends_at=ends,
                    slots=SLOTS,
                    site_address="1 Bench Road",
                )
            )
            s.add(group[-1])
    s.commit()
    members = list(
        s.scalars(
            select(Member)
            .where(Member.status == MemberStatus.ACTIVE, Member.id.not_in(select(BenefitLimit.member_id)))
            .order_by(Member.id)
        )
    )
    rules = rules_from_settings(s)
    days = groups[0]  # every group's shifts are alike: the same days, times and services
    facts = member_facts(
        s, members, (days[0].starts_at - timedelta(days=2), days[-1].ends_at + timedelta(days=2))
    )
    sf = [shift_facts(sh) for sh in days]
    takeable = {m.id: [i for i, f in enumerate(sf) if can_take(facts[m.id], f, rules)] for m in members}
    chosen = sorted(members, key=lambda m: (-len(takeable[m.id]), m.id))[:MEMBERS]
    out = {
        m.user.email: (m.id, [groups[n % GROUPS][i].id for i in takeable[m.id]]) for n, m in enumerate(chosen)
    }
    shift_ids = [sh.id for group in groups for sh in group]
    s.close()
    app.extensions["coop_db"][0].dispose()
    assert len(out) == MEMBERS and min(len(v[1]) for v in out.values()) >= 8, (
        "too few members can take shifts"
    )
    return shift_ids, out


def sign_in(base: str, people: dict[str, tuple[int, list[int]]]) -> list[dict[str, Any]]:
    """Every member signed in with their own session, and their CSRF token (before the clock)."""

    def one(email: str) -> dict[str, Any]:
        b = Browser(base)
        assert b.login(email) == 302, email
        _, page = b.get("/shifts/open")
        token = TOKEN.search(page)
        assert token, email
        member_id, shifts = people[email]
        return {"id": member_id, "cookie": b.cookie, "token": token[1], "shifts": shifts}

    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(one, sorted(people)))


def _lua(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def run_wrk(base: str, script: Path, mode: str, seconds: int) -> dict[str, Any]:
    out = subprocess.run(
        [*WRK, f"-t{CONNECTIONS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "-s", str(script), base, "--", mode],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    counts = [
        tuple(int(x) for x in line.split()[1:]) for line in out.splitlines() if line.startswith("COUNTS ")
    ]
    ok = sum(c[0] for c in counts)
    pairs = [
        tuple(int(x) for x in line[3:].split(":")) for line in out.splitlines() if line.startswith("OK ")
    ]
    return {
        "ok": ok,
        "per_s": ok / seconds,
        "refused": sum(c[1] for c in counts),
        "errors": sum(c[2] for c in counts),
        "exhausted": sum(c[3] for c in counts),
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),  # type: ignore[index]
        "pairs": pairs,
    }


def check(url: str, tmp: Path, shift_ids: list[int], pairs: list[tuple[int, int]]) -> dict[str, int]:
    """Exactly once, read back from the database after the run."""
    from coop.audit.models import AuditEntry
    from coop.bookings.models import Shift
    from coop.rota.models import Assignment, AssignmentStatus

    app = create_app(_config(url, tmp))
    s = app.extensions["coop_db"][1]()
    held = {
        (m, sh): n
        for m, sh, n in s.execute(
            select(Assignment.member_id, Assignment.shift_id, func.count())
            .where(Assignment.shift_id.in_(shift_ids), Assignment.status == AssignmentStatus.ACCEPTED)
            .group_by(Assignment.member_id, Assignment.shift_id)
        )
    }
    per_shift: dict[int, int] = {}
    for (_, sh), n in held.items():
        per_shift[sh] = per_shift.get(sh, 0) + n
    over = 0
    for sh_id, slots, filled in s.execute(
        select(Shift.id, Shift.slots, Shift.filled).where(Shift.id.in_(shift_ids))
    ):
        over += per_shift.get(sh_id, 0) > slots or filled != per_shift.get(sh_id, 0)
    told = set(pairs)
    posts = s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == POST_ACTION))
    s.close()
    app.extensions["coop_db"][0].dispose()
    return {
        "places": sum(held.values()),
        "shifts_over_or_miscounted": over,
        "claims_without_one_place": sum(1 for p in told if held.get(p) != 1) + len(pairs) - len(told),
        "places_nobody_was_told": sum(n for p, n in held.items() if p not in told),
        "minimal_post_rows": int(posts or 0),
    }


def saturation(url: str, tmp: Path, seconds: int = 10) -> dict[str, Any]:
    shift_ids, people = setup(url, tmp)
    with gunicorn("bench.minimal_app:app", _env(url, tmp), WORKERS) as base:
        members = sign_in(base, people)
        table = ",\n".join(
            f"{{id={m['id']}, cookie={_lua(m['cookie'])}, token={_lua(m['token'])}, "
            f"shifts={{{','.join(map(str, m['shifts']))}}}}}"
            for m in members
        )
        script = tmp / "saturation.lua"
        script.write_text(
            LUA
            % {
                "members": table,
                "threads": CONNECTIONS,
                "post_path": POST_PATH,
                "minimal_path": MINIMAL_PATH,
            }
        )
        before = run_wrk(base, script, "minimal", seconds)
        claims = run_wrk(base, script, "claim", seconds)
        after = run_wrk(base, script, "minimal", seconds)
    minimal_per_s = (before["per_s"] + after["per_s"]) / 2
    return {
        "workers": WORKERS,
        "connections": CONNECTIONS,
        "members": MEMBERS,
        "shifts": DAYS * GROUPS,
        "seconds": seconds,
        "claims_per_s": claims["per_s"],
        "claims": claims["ok"],
        "refused": claims["refused"],
        "errors": claims["errors"] + before["errors"] + after["errors"],
        "exhausted": claims["exhausted"],
        "minimal_per_s": minimal_per_s,
        "minimal_runs": (before["per_s"], after["per_s"]),
        "minimal_posts": before["ok"] + after["ok"],
        "ratio": claims["per_s"] / minimal_per_s,
        "check": check(url, tmp, shift_ids, claims["pairs"]),
    }


def exactly_once(r: dict[str, Any]) -> bool:
    c = r["check"]
    return (
        r["errors"] == 0
        and r["refused"] == 0
        and c["shifts_over_or_miscounted"] == 0
        and c["claims_without_one_place"] == 0
        and c["places_nobody_was_told"] <= r["connections"]
        and c["minimal_post_rows"] >= r["minimal_posts"]
    )


def on_sqlite(tmp: Path, seconds: int = 10) -> dict[str, Any]:
    url = f"sqlite:///{tmp / 'saturation.sqlite3'}"
    upgrade(url)
    return saturation(url, tmp, seconds)


def on_postgres(tmp: Path, seconds: int = 10) -> dict[str, Any]:

    cluster = TempCluster().start()
    try:
        cluster.create_database("saturation")
        url = cluster.url("saturation")
        upgrade(url)
        return saturation(url, tmp, seconds)
    finally:
        cluster.stop()


def main() -> None:
    import sys
    import tempfile

    which = sys.argv[1:] or ["sqlite", "postgresql"]
    seconds = 10
    for db in which:
        with tempfile.TemporaryDirectory() as tmp:
            r = (on_sqlite if db == "sqlite" else on_postgres)(Path(tmp), seconds)
        print(db, {k: v for k, v in r.items()}, "exactly once:", exactly_once(r), flush=True)


if __name__ == "__main__":
    main()
