"""A large, believable co-op for benchmarks: `coop generate --members N --clients M --weeks W`.

Deterministic for a seed. Rows are written in bulk (ids chosen here, on an empty database), so
the 1,000-member / 200-client / 52-week co-op (about 90,000 shifts with their assignments,
timesheets and monthly invoices) takes well under two minutes on SQLite. The weeks run up to
four weeks ahead of today: past shifts are filled, worked, approved and (by whole month)
invoiced, most invoices paid; future ones are mostly filled, the rest open.

Generated invoices are issued with numbers and totals but without PDF files (rendering 2,000+
PDFs is the invoice-run benchmark's job, not the data generator's).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from coop.auth import service as auth
from coop.auth.models import User, UserRole
from coop.bookings.models import Booking, Client, ClientContact, Service, Shift
from coop.db import Base, is_sqlite, write_transaction
from coop.demo.business import SERVICES
from coop.demo.service import DEMO_LOGINS, MEMBER_NAMES, SKILLS
from coop.errors import DomainError
from coop.invoicing.models import Invoice, InvoicedItem, InvoiceLine, NumberSequence, Payment
from coop.invoicing.totals import totals
from coop.limits.models import BenefitLimit
from coop.members.models import Member, Skill, member_skill
from coop.money import round_pence
from coop.pay import rates
from coop.pay.rules import pay_for
from coop.rota.models import Assignment, RotaPreferences
from coop.settings import service as settings
from coop.settings.keys import K
from coop.timesheets.models import TimesheetEntry
from coop.timeutil import local_span_to_utc, to_london, today_london, utcnow, week_start

DOMAIN = "gen.coop.works"
FUTURE_WEEKS = 4
Row = dict[str, Any]


@dataclass(frozen=True)
class Spec:
    members: int = 1000
    clients: int = 200
    weeks: int = 52
    seed: int = 1


@dataclass
class _Line:
    net_pence: int
    vat_rate_bp: int


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
    counts: dict[str, int] = {}

    def put(model: Any, rows: list[dict[str, Any]]) -> None:
        for i in range(0, len(rows), 5000):
            session.execute(insert(model), rows[i : i + 5000])
        counts[model.__tablename__] = counts.get(model.__tablename__, 0) + len(rows)

    # --- skills and services ---
    with write_transaction(session):
        skills: list[Row] = [
            {"id": i + 1, "name": name, "description": desc} for i, (name, desc) in enumerate(SKILLS)
        ]
        put(Skill, skills)
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
        put(Service, services)
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
        put(User, users)
        put(UserRole, roles)
        put(Member, members)
        session.execute(insert(member_skill), links)
        put(RotaPreferences, prefs)
        put(BenefitLimit, limits)
        put(Client, clients)
        put(ClientContact, contacts)
        step(10)

        # --- bookings and shifts ---
        first_monday = week_start(today) - timedelta(weeks=spec.weeks - FUTURE_WEEKS)
        last_day = first_monday + timedelta(weeks=spec.weeks) - timedelta(days=1)
        staffed = [s for s in services if by_skill[s["skill_id"]]]
        if not staffed:
            raise DomainError("No member has a skill any service needs.")
        bookings: list[Row] = []
        shifts: list[Row] = []
        for c in range(1, spec.clients + 1):
            for _ in range(rng.randint(2, 4)):
                svc = rng.choice(staffed)
                days = sorted(rng.sample(range(7), rng.randint(2, 4)))
                start = time(rng.randint(6, 17), rng.choice([0, 30]))
                length = rng.choice([2, 3, 4])
                end = time((start.hour + length) % 24, start.minute)
                workers = 2 if rng.random() < 0.15 else 1
                bid = len(bookings) + 1
                bookings.append(
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
                    }
                )
                for week in range(spec.weeks):
                    for d in days:
                        day = first_monday + timedelta(weeks=week, days=d)
                        starts_at, ends_at = local_span_to_utc(day, start, end)
                        shifts.append(
                            {
                                "id": len(shifts) + 1,
                                "booking_id": bid,
                                "service_id": svc["id"],
                                "client_id": c,
                                "starts_at": starts_at,
                                "ends_at": ends_at,
                                "slots": workers,
                                "filled": 0,
                                "site_address": clients[c - 1]["address"],
                                "created_at": now,
                            }
                        )
        step(10)

        # --- who works each shift (no one twice at once), and the hours they record ---
        shifts.sort(key=lambda s: s["starts_at"])
        for i, s in enumerate(shifts, start=1):
            s["id"] = i
        busy_until: dict[int, datetime] = {}
        pointer: dict[int, int] = defaultdict(int)
        assignments: list[Row] = []
        entries: list[Row] = []
        for s in shifts:
            svc = service[s["service_id"]]
            pool = by_skill[svc["skill_id"]]
            past = s["ends_at"] <= now
            wanted = s["slots"] if past else sum(rng.random() < 0.8 for _ in range(s["slots"]))
            taken: list[int] = []
            tries = 0
            while len(taken) < wanted and tries < 12:
                tries += 1
                pointer[svc["skill_id"]] = (pointer[svc["skill_id"]] + rng.randint(1, 7)) % len(pool)
                m = pool[pointer[svc["skill_id"]]]
                if m in taken or busy_until.get(m, s["starts_at"]) > s["starts_at"]:
                    continue
                taken.append(m)
                busy_until[m] = s["ends_at"] + timedelta(minutes=30)
            s["filled"] = len(taken)
            for m in taken:
                aid = len(assignments) + 1
                assignments.append(
                    {
                        "id": aid,
                        "shift_id": s["id"],
                        "member_id": m,
                        "status": "accepted",
                        "source": "claim",
                        "created_at": s["starts_at"] - timedelta(days=7),
                    }
                )
                if past:
                    minutes = int((s["ends_at"] - s["starts_at"]).total_seconds() // 60)
                    approved = s["ends_at"] < now - timedelta(days=7)
                    rate = rates.hourly_rate(rules, svc["pay_pence_per_hour"])
                    pay = pay_for(minutes, rate, holiday_bp=rules.holiday_bp)
                    entries.append(
                        {
                            "id": len(entries) + 1,
                            "assignment_id": aid,
                            "member_id": m,
                            "actual_start": s["starts_at"],
                            "actual_end": s["ends_at"],
                            "status": "approved" if approved else "submitted",
                            "submitted_at": s["ends_at"],
                            "submitted_by_id": members[m - 1]["user_id"],
                            "approved_by_id": coordinator_id if approved else None,
                            "approved_at": s["ends_at"] + timedelta(days=2) if approved else None,
                            "pay_rate_pence": pay.rate_pence if approved else None,
                            "pay_pence": pay.base_pence if approved else None,
                            "holiday_pence": pay.holiday_pence if approved else None,
                            "_shift": s,
                            "_minutes": minutes,
                        }
                    )
        put(Booking, bookings)
        step(5)
        put(Shift, shifts)
        step(15)
        put(Assignment, assignments)
        step(15)
        put(TimesheetEntry, [{k: v for k, v in e.items() if not k.startswith("_")} for e in entries])
        step(15)

        # --- monthly invoices for whole past months, one line per visit; most are paid ---
        by_client_month: dict[tuple[int, date], list[dict[str, Any]]] = defaultdict(list)
        this_month = today.replace(day=1)
        for e in entries:
            if e["status"] != "approved":
                continue
            local = to_london(e["_shift"]["starts_at"]).date()
            month = local.replace(day=1)
            if month < this_month:
                by_client_month[(e["_shift"]["client_id"], month)].append(e)
        invoices: list[Row] = []
        lines: list[Row] = []
        items: list[Row] = []
        payments: list[Row] = []
        number = 0
        for (c, month), month_entries in sorted(by_client_month.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            number += 1
            inv_id = number
            period_end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            issue_date = period_end + timedelta(days=1)
            per_shift: dict[int, list[dict[str, Any]]] = defaultdict(list)
            for e in month_entries:
                per_shift[e["_shift"]["id"]].append(e)
            inv_lines: list[_Line] = []
            for position, group in enumerate(per_shift.values()):
                s = group[0]["_shift"]
                svc = service[s["service_id"]]
                minutes = sum(e["_minutes"] for e in group)
                net = round_pence(Decimal(minutes * svc["charge_pence_per_hour"]) / 60)
                vat_bp = svc["vat_rate_bp"] if registered else 0
                lines.append(
                    {
                        "invoice_id": inv_id,
                        "position": position,
                        "kind": "work",
                        "description": f"{svc['name']}, {to_london(s['starts_at']):%a %-d %b %Y}, "
                        f"{len(group)} worker(s)",
                        "quantity_centi": round(minutes * 100 / 60),
                        "unit_pence": svc["charge_pence_per_hour"],
                        "net_pence": net,
                        "vat_rate_bp": vat_bp,
                        "supply_date": to_london(s["starts_at"]).date(),
                    }
                )
                inv_lines.append(_Line(net, vat_bp))
                items.extend({"invoice_id": inv_id, "timesheet_id": e["id"]} for e in group)
            net, vat, gross = totals(inv_lines, registered)
            invoices.append(
                {
                    "id": inv_id,
                    "client_id": c,
                    "number": f"CW-{number:05d}",
                    "sequence_number": number,
                    "status": "issued",
                    "period_start": month,
                    "period_end": period_end,
                    "issue_date": issue_date,
                    "due_date": issue_date + timedelta(days=clients[c - 1]["payment_terms_days"]),
                    "net_pence": net,
                    "vat_pence": vat,
                    "gross_pence": gross,
                    "created_at": datetime.combine(issue_date, time(9), tzinfo=UTC),
                    "issued_at": datetime.combine(issue_date, time(9), tzinfo=UTC),
                }
            )
            if gross > 0 and (issue_date < today - timedelta(days=45) or rng.random() < 0.5):
                payments.append(
                    {
                        "invoice_id": inv_id,
                        "paid_on": min(issue_date + timedelta(days=rng.randint(3, 40)), today),
                        "amount_pence": gross,
                        "method": "bank transfer",
                        "created_by_id": coordinator_id,
                        "created_at": now,
                    }
                )
        put(Invoice, invoices)
        put(InvoiceLine, lines)
        put(InvoicedItem, items)
        put(Payment, payments)
        if number:
            session.merge(NumberSequence(name="invoice", next_number=number + 1))
        step(20)
        _advance_sequences(session)
    step(10)
    return counts


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
