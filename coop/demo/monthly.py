"""The monthly invoices of a generated co-op (`coop generate`), written as each month ends."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from coop.demo.bulk import Writer
from coop.invoicing.issuing import content_fingerprint
from coop.invoicing.models import Invoice, InvoicedItem, InvoiceLine, Payment
from coop.invoicing.totals import totals
from coop.money import round_pence

Row = dict[str, Any]


@dataclass(frozen=True)
class Entry:
    """A generated timesheet, as much as its invoice needs."""

    id: int
    shift_id: int
    client_id: int
    service_id: int
    minutes: int
    approved: bool


@dataclass
class _Line:
    net_pence: int
    vat_rate_bp: int


class Invoicer:
    """One invoice per client for each whole past month, one line per visit; most are paid. Only
    the month in progress is held in memory. Payments draw on their own seeded generator."""

    def __init__(
        self,
        seed: int,
        service: dict[int, Row],
        clients: list[Row],
        registered: bool,
        coordinator_id: int,
        today: date,
        now: datetime,
        out: Writer,
        supplier_json: str,
    ) -> None:
        self.now = now
        self.rng = random.Random(seed * 1_000_003 + 43)
        self.service, self.clients, self.registered = service, clients, registered
        self.coordinator_id, self.today, self.out = coordinator_id, today, out
        self.supplier_json = supplier_json
        self.month: date | None = None
        # client -> shift -> (its day, its entries)
        self.held: dict[int, dict[int, tuple[date, list[Entry]]]] = defaultdict(dict)
        self.number = 0

    def entry(self, day: date, e: Entry) -> None:
        self.month = day.replace(day=1)
        self.held[e.client_id].setdefault(e.shift_id, (day, []))[1].append(e)

    def month_over(self) -> None:
        if self.month is None:
            return
        month, self.month = self.month, None
        period_end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        issue_date = period_end + timedelta(days=1)
        for c in sorted(self.held):
            self.number += 1
            inv_id = self.number
            inv_lines: list[_Line] = []
            rows: list[Row] = []
            for position, (day, group) in enumerate(self.held[c].values()):
                svc = self.service[group[0].service_id]
                minutes = sum(e.minutes for e in group)
                net = round_pence(Decimal(minutes * svc["charge_pence_per_hour"]) / 60)
                vat_bp = svc["vat_rate_bp"] if self.registered else 0
                rows.append(
                    {
                        "invoice_id": inv_id,
                        "position": position,
                        "kind": "work",
                        "description": f"{svc['name']}, {day:%a %-d %b %Y}, {len(group)} worker(s)",
                        "quantity_centi": round(minutes * 100 / 60),
                        "unit_pence": svc["charge_pence_per_hour"],
                        "net_pence": net,
                        "vat_rate_bp": vat_bp,
                        "supply_date": day,
                        "minutes": minutes,
                    }
                )
                inv_lines.append(_Line(net, vat_bp))
            net, vat, gross = totals(inv_lines, self.registered)
            paid = gross > 0 and (issue_date < self.today - timedelta(days=45) or self.rng.random() < 0.5)
            issued = datetime.combine(issue_date, time(9), tzinfo=UTC)
            client = self.clients[c - 1]
            invoice = {
                "id": inv_id,
                "client_id": c,
                "number": f"CW-{self.number:05d}",
                "sequence_number": self.number,
                "status": "issued",
                "period_start": month,
                "period_end": period_end,
                "issue_date": issue_date,
                "due_date": issue_date + timedelta(days=client["payment_terms_days"]),
                "net_pence": net,
                "vat_pence": vat,
                "gross_pence": gross,
                "supplier_json": self.supplier_json,
                "client_json": json.dumps(
                    {"name": client["name"], "address": client["address"], "email": client["billing_email"]}
                ),
                "created_at": issued,
                "issued_at": issued,
                "owing": gross > 0 and not paid,  # as Invoice.owes_now: paid in full or not at all
            }
            # Frozen as issuing freezes it, so `coop verify` can prove nothing changed since.
            invoice["content_sha256"] = content_fingerprint(
                SimpleNamespace(**invoice, lines=[SimpleNamespace(**li) for li in rows])  # type: ignore[arg-type]
            )
            self.out.add(Invoice, invoice)
            self.out.put(InvoiceLine, rows)
            for _day, group in self.held[c].values():
                self.out.put(InvoicedItem, [{"invoice_id": inv_id, "timesheet_id": e.id} for e in group])
            if paid:
                self.out.add(
                    Payment,
                    {
                        "invoice_id": inv_id,
                        "paid_on": min(issue_date + timedelta(days=self.rng.randint(3, 40)), self.today),
                        "amount_pence": gross,
                        "method": "bank transfer",
                        "created_by_id": self.coordinator_id,
                        "created_at": self.now,
                    },
                )
        self.held.clear()
