"""A large, believable co-op for benchmarks: `coop generate --members N --clients M --weeks W`.

Deterministic for a seed. Rows are written in bulk (ids chosen here, on an empty database) and
streamed: day by day, in batches of `bulk.BATCH` rows (COPY on PostgreSQL), each month's
invoices once the month is over, so memory stays flat however many weeks. The 1,000-member /
200-client / 52-week co-op (about 90,000 shifts with their assignments, timesheets and monthly
invoices) takes well under two minutes on SQLite; ten times that over two years (`make bench
SCALE=10`, about 10 million rows) a quarter of an hour on PostgreSQL. The weeks run up to
four weeks ahead of today: past shifts are filled, worked, approved and (by whole month)
invoiced, most invoices paid; future ones are mostly filled, the rest open.

Generated invoices are issued with numbers and totals but without PDF files (rendering 2,000+
PDFs is the invoice-run benchmark's job, not the data generator's).
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from coop.auth import service as auth
from coop.auth.models import User, UserRole
from coop.bookings.models import Booking, Client, ClientContact, Service, Shift
from coop.businesses.models import Business
from coop.db import Base, is_sqlite, write_transaction
from coop.demo.bulk import Writer
from coop.demo.business import SERVICES
from coop.demo.monthly import Entry, Invoicer
from coop.demo.service import DEMO_LOGINS, MEMBER_NAMES, SKILLS
from coop.errors import DomainError
from coop.invoicing.issuing import supplier_details
from coop.invoicing.models import NumberSequence
from coop.limits.models import BenefitLimit
from coop.members.models import Member, Skill, member_skill
from coop.pay import rates
from coop.pay.rules import pay_for
from coop.rota.models import Assignment, RotaPreferences
from coop.settings import service as settings
from coop.settings.keys import K
from coop.timesheets.models import TimesheetEntry
from coop.timeutil import local_span_to_utc, today_london, utcnow, week_start

DOMAIN = "gen.coop.works"
FUTURE_WEEKS = 4
Row = dict[str, Any]


@dataclass(frozen=True)
class Spec:
    members: int = 1000
    clients: int = 200
    weeks: int = 52
    seed: int = 1


def logins() -> list[tuple[str, str]]:
    return [
        ("coordinator", f"coordinator@{DOMAIN}"),
        ("member", f"member00001@{DOMAIN}"),
        ("client", f"client0001@{DOMAIN}"),
    ]


def generate(session: Session, spec: Spec, progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Fill an empty database. `progress` receives increments adding up to 100."""
    step = progress or (lambda _n: None)
    if session.scalar(select(func.count()).select_from(User)):
        raise DomainError("coop generate needs an empty database (run `coop db upgrade` on a new one).")
    if spec.members < 1 or spec.clients < 1 or spec.weeks < FUTURE_WEEKS + 1:
        raise DomainError(f"Ask for at least one member, one client and {FUTURE_WEEKS + 1} weeks.")
    rng = random.Random(spec.seed)
    now = utcnow()
    today = today_london()
    password = auth.hash_password(str(DEMO_LOGINS["password"]))
    rules = rates.rules_on(session, today)
    registered = bool(settings.get(session, K.VAT_REGISTERED))
    supplier = json.dumps(supplier_details(session, session.scalar(select(Business).order_by(Business.id))))
    out = Writer(session)

    # --- skills and services ---
    with write_transaction(session):
        skills: list[Row] = [
            {"id": i + 1, "name": name, "description": desc} for i, (name, desc) in enumerate(SKILLS)
        ]
        out.put(Skill, skills)
        skill_id = {s["name"]: s["id"] for s in skills}
        services: list[Row] = [
            {
                "id": i + 1,
                "name": name,
                "skill_id": skill_id[skill],
                "charge_pence_per_hour": charge,
                "pay_pence_per_hour": rates.hourly_rate(rules, pay),
                "vat_rate_bp": vat,
                "min_booking_minutes": minimum,
                "description": desc,
                "involvement": vat == 0,
            }
            for i, (name, skill, charge, pay, vat, minimum, desc) in enumerate(SERVICES)
        ]
        out.put(Service, services)
        service: dict[int, Row] = {s["id"]: s for s in services}

        # --- people: coordinator, members, client contacts ---
        users: list[Row] = []
        roles: list[Row] = []

        def user(email: str, *names: str) -> int:
            uid = len(users) + 1
            users.append({"id": uid, "email": email, "password_hash": password, "created_at": now})
            roles.extend({"user_id": uid, "role": r} for r in names)
            return uid

        coordinator_id = user(f"coordinator@{DOMAIN}", "coordinator", "admin")
        members: list[Row] = []
        links: list[Row] = []
        prefs: list[Row] = []
        limits: list[Row] = []
        by_skill: dict[int, list[int]] = defaultdict(list)
        for m in range(1, spec.members + 1):
            first, last = MEMBER_NAMES[m % len(MEMBER_NAMES)][0].split()[0], f"{m:05d}"
            uid = user(f"member{m:05d}@{DOMAIN}", "member")
            members.append(
                {
                    "id": m,
                    "user_id": uid,
                    "display_name": f"{first} {last}",
                    "status": "active",
                    "created_at": now,
                }
            )
            for sid in rng.sample([s["id"] for s in skills], rng.randint(1, 3)):
                links.append({"member_id": m, "skill_id": sid})
                by_skill[sid].append(m)
            prefs.append({"member_id": m, "preferred_hours_week": rng.choice([4, 8, 12, 16, 20, 30])})
            if rng.random() < 0.3:
                limits.append(
                    {
                        "member_id": m,
                        "earnings_limit_pence": rng.choice([19550, 29000, 40000]),
                        "period": "weekly",
                        "period_start_day": 1,
                        "mode": "block",
                        "count_by": "worked",
                        "preset": "",
                        "updated_at": now,
                    }
                )
        clients: list[Row] = []
        contacts: list[Row] = []
        for c in range(1, spec.clients + 1):
            clients.append(
                {
                    "id": c,
                    "name": f"Client {c:04d} Ltd",
                    "address": f"{c} High Street, Anytown",
                    "billing_email": f"accounts{c:04d}@{DOMAIN}",
                    "payment_terms_days": rng.choice([7, 14, 30]),
                    "invoice_grouping": "shift",
                    "created_at": now,
                }
            )
            uid = user(f"client{c:04d}@{DOMAIN}", "client")
            contacts.append({"client_id": c, "user_id": uid, "name": f"Contact {c:04d}"})
        out.put(User, users)
        out.put(UserRole, roles)
        out.put(Member, members)
        out.put(member_skill, links)
        out.put(RotaPreferences, prefs)
        out.put(BenefitLimit, limits)
        out.put(Client, clients)
        out.put(ClientContact, contacts)
        step(10)

        # --- bookings: what each client has every week ---
        first_monday = week_start(today) - timedelta(weeks=spec.weeks - FUTURE_WEEKS)
        last_day = first_monday + timedelta(weeks=spec.weeks) - timedelta(days=1)
        staffed = [s for s in services if by_skill[s["skill_id"]]]
        if not staffed:
            raise DomainError("No member has a skill any service needs.")
        weekly: list[list[_Booking]] = [[] for _ in range(7)]
        bid = 0
        for c in range(1, spec.clients + 1):
            for _ in range(rng.randint(2, 4)):
                svc = rng.choice(staffed)
                days = sorted(rng.sample(range(7), rng.randint(2, 4)))
                start = time(rng.randint(6, 17), rng.choice([0, 30]))
                end = time((start.hour + rng.choice([2, 3, 4])) % 24, start.minute)
                workers = 2 if rng.random() < 0.15 else 1
                bid += 1
                out.add(
                    Booking,
                    {
                        "id": bid,
                        "client_id": c,
                        "service_id": svc["id"],
                        "site_address": clients[c - 1]["address"],
                        "workers": workers,
                        "start_date": first_monday,
                        "start_time": start,
                        "end_time": end,
                        "recurrence": "weekly",
                        "weekdays": ",".join(map(str, days)),
                        "until_date": last_day,
                        "status": "scheduled",
                        "created_by_id": coordinator_id,
                        "created_at": now,
                    },
                )
                for d in days:
                    weekly[d].append(_Booking(bid, c, svc["id"], start, end, workers))
        step(5)

        # --- day by day, in time order: the shifts, who works each (no one twice at once), the
        # hours they record, and each whole past month's invoices once the month is over ---
        state = _Days(rng, spec, service, by_skill, members, coordinator_id, rules, now, out)
        invoicer = Invoicer(
            spec.seed, service, clients, registered, coordinator_id, today, now, out, supplier
        )
        this_month = today.replace(day=1)
        total_days = spec.weeks * 7
        done = 0
        for n in range(total_days):
            day = first_monday + timedelta(days=n)
            if day.day == 1 and day <= this_month:
                invoicer.month_over()
            for e in state.day(day, weekly[day.weekday()], clients):
                if e.approved and day < this_month:
                    invoicer.entry(day, e)
            if (n + 1) * 80 // total_days > done:
                step((n + 1) * 80 // total_days - done)
                done = (n + 1) * 80 // total_days
        invoicer.month_over()
        out.flush()
        if invoicer.number:
            session.merge(NumberSequence(name="invoice", next_number=invoicer.number + 1))
        _advance_sequences(session)
    step(5)
    return out.counts


@dataclass(frozen=True)
class _Booking:
    id: int
    client_id: int
    service_id: int
    start: time
    end: time
    workers: int


class _Days:
    """Shifts, assignments and timesheets one day at a time. Within a day the shifts are taken in
    start order (bookings' order on a tie), so ids run in time order across the whole co-op."""

    def __init__(
        self,
        rng: random.Random,
        spec: Spec,
        service: dict[int, Row],
        by_skill: dict[int, list[int]],
        members: list[Row],
        coordinator_id: int,
        rules: Any,
        now: datetime,
        out: Writer,
    ) -> None:
        self.rng, self.service, self.by_skill, self.members = rng, service, by_skill, members
        self.coordinator_id, self.now, self.out = coordinator_id, now, out
        self.holiday_bp = rules.holiday_bp
        self.rate = {sid: rates.hourly_rate(rules, s["pay_pence_per_hour"]) for sid, s in service.items()}
        self.busy_until: dict[int, datetime] = {}
        self.pointer: dict[int, int] = defaultdict(int)
        self.shifts = self.assignments = self.entries = 0
        self.pay: dict[tuple[int, int], Any] = {}

    def day(self, day: date, bookings: list[_Booking], clients: list[Row]) -> list[Entry]:
        spans = {}
        for b in bookings:
            if (b.start, b.end) not in spans:
                spans[(b.start, b.end)] = local_span_to_utc(day, b.start, b.end)
        made: list[Entry] = []
        rng, now = self.rng, self.now
        for b in sorted(bookings, key=lambda b: spans[(b.start, b.end)][0]):
            starts_at, ends_at = spans[(b.start, b.end)]
            svc = self.service[b.service_id]
            skill = svc["skill_id"]
            pool = self.by_skill[skill]
            past = ends_at <= now
            wanted = b.workers if past else sum(rng.random() < 0.8 for _ in range(b.workers))
            taken: list[int] = []
            tries = 0
            while len(taken) < wanted and tries < 12:
                tries += 1
                self.pointer[skill] = (self.pointer[skill] + rng.randint(1, 7)) % len(pool)
                m = pool[self.pointer[skill]]
                if m in taken or self.busy_until.get(m, starts_at) > starts_at:
                    continue
                taken.append(m)
                self.busy_until[m] = ends_at + timedelta(minutes=30)
            self.shifts += 1
            sid = self.shifts
            address = clients[b.client_id - 1]["address"]
            self.out.add(
                Shift,
                {
                    "id": sid,
                    "booking_id": b.id,
                    "service_id": b.service_id,
                    "client_id": b.client_id,
                    "starts_at": starts_at,
                    "ends_at": ends_at,
                    "slots": b.workers,
                    "filled": len(taken),
                    "site_address": address,
                    "created_at": now,
                },
            )
            minutes = int((ends_at - starts_at).total_seconds() // 60)
            approved = ends_at < now - timedelta(days=7)
            for m in taken:
                self.assignments += 1
                aid = self.assignments
                self.out.add(
                    Assignment,
                    {
                        "id": aid,
                        "shift_id": sid,
                        "shift_starts_at": starts_at,
                        "member_id": m,
                        "status": "accepted",
                        "source": "claim",
                        "created_at": starts_at - timedelta(days=7),
                    },
                )
                if not past:
                    continue
                key = (minutes, self.rate[b.service_id])
                if key not in self.pay:
                    self.pay[key] = pay_for(minutes, key[1], holiday_bp=self.holiday_bp)
                pay = self.pay[key]
                self.entries += 1
                self.out.add(
                    TimesheetEntry,
                    {
                        "id": self.entries,
                        "assignment_id": aid,
                        "member_id": m,
                        "actual_start": starts_at,
                        "actual_end": ends_at,
                        "status": "approved" if approved else "submitted",
                        "submitted_at": ends_at,
                        "submitted_by_id": self.members[m - 1]["user_id"],
                        "approved_by_id": self.coordinator_id if approved else None,
                        "approved_at": ends_at + timedelta(days=2) if approved else None,
                        "pay_rate_pence": pay.rate_pence if approved else None,
                        "pay_pence": pay.base_pence if approved else None,
                        "holiday_pence": pay.holiday_pence if approved else None,
                    },
                )
                made.append(Entry(self.entries, sid, b.client_id, b.service_id, minutes, approved))
        return made


def _advance_sequences(session: Session) -> None:
    """Ids were chosen here; on PostgreSQL the id sequences must carry on after them."""
    if is_sqlite(session):
        return
    for table in Base.metadata.sorted_tables:
        if "id" in table.c and table.c.id.autoincrement is not False and table.c.id.primary_key:
            session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                    f"GREATEST((SELECT MAX(id) FROM {table.name}), 1))"
                )
            )
