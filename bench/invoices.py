"""Benchmark: issue 200 invoices (number, PDF/A-3, Factur-X, hash) vs. rendering the same HTML with
bare WeasyPrint, in the same run."""

from __future__ import annotations

import os
import tempfile
import time as clock
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from coop.app import create_app
from coop.migrate import upgrade

N = 200


def _data(session, n: int) -> None:  # type: ignore[no-untyped-def]
    from coop.auth.models import User
    from coop.bookings.models import Booking, Client, Service, Shift
    from coop.members.models import Member, Skill
    from coop.rota.models import Assignment
    from coop.timesheets.models import TimesheetEntry

    skill = Skill(name="Cleaning")
    service = Service(
        name="Cleaning",
        skill=skill,
        charge_pence_per_hour=2600,
        pay_pence_per_hour=1400,
        vat_rate_bp=2000,
        min_booking_minutes=60,
        description="",
    )
    member = Member(user=User(email="bench@example.org", password_hash="x"), display_name="Bench Member")
    session.add_all([skill, service, member])
    base = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0) - timedelta(days=10)
    for i in range(n):
        client = Client(
            name=f"Client {i:03d}", address=f"{i} High Street\nAnytown", billing_email=f"c{i}@example.org"
        )
        booking = Booking(
            client=client,
            service=service,
            site_address="x",
            workers=1,
            start_date=base.date(),
            start_time=time(9),
            end_time=time(12),
            status="completed",
        )
        for d in range(3):  # three visits each, so invoices have a few lines
            start = base + timedelta(days=d, minutes=i)
            shift = Shift(
                booking=booking,
                service=service,
                client=client,
                starts_at=start,
                ends_at=start + timedelta(hours=3),
                slots=1,
                filled=1,
                site_address="x",
            )
            assignment = Assignment(shift=shift, member=member, source="assign")
            session.add_all([shift, assignment])
            session.flush()
            session.add(
                TimesheetEntry(
                    assignment_id=assignment.id,
                    member_id=member.id,
                    actual_start=start,
                    actual_end=start + timedelta(hours=3),
                    status="approved",
                    pay_rate_pence=1400,
                    pay_pence=4200,
                    holiday_pence=507,
                )
            )
    session.commit()


def run() -> dict[str, float]:
    from weasyprint import HTML

    from coop.invoicing import service as invoicing
    from coop.invoicing.rendering import invoice_html
    from coop.timeutil import today_london

    tmp = Path(tempfile.mkdtemp(prefix="coop-bench-"))
    url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "INVOICE_DIR": str(tmp / "invoices")})
    session = app.extensions["coop_db"][1]()
    _data(session, N)
    today = today_london()
    htmls: list[str] = []
    workers = os.cpu_count() or 1

    with app.test_request_context():
        started = clock.perf_counter()
        drafts = invoicing.invoice_run(session, today - timedelta(days=30), today)
        invoicing.issue_many(
            session,
            [d.id for d in drafts],
            today=today,
            render_html=invoice_html,
            invoice_dir=tmp / "invoices",
            actor_id=None,
            base_url="http://127.0.0.1:5000",
            workers=workers,
        )
        full = clock.perf_counter() - started
        # the same HTML, rendered by bare WeasyPrint
        import json

        from flask import render_template

        from coop.invoicing.models import Invoice
        from coop.invoicing.totals import vat_summary

        for inv in session.query(Invoice).order_by(Invoice.id):
            supplier = json.loads(inv.supplier_json)
            htmls.append(
                render_template(
                    "invoicing/invoice_pdf.html",
                    invoice=inv,
                    supplier=supplier,
                    client=json.loads(inv.client_json),
                    vat=vat_summary(inv.lines, bool(supplier["vat_registered"])),
                )
            )
    started = clock.perf_counter()
    for html in htmls:
        HTML(string=html).write_pdf(pdf_variant="pdf/a-3b")
    bare = clock.perf_counter() - started
    session.close()
    return {
        "invoices": len(drafts),
        "issue_seconds": full,
        "bare_weasyprint_seconds": bare,
        "ratio": full / bare,
        "workers": workers,
    }
