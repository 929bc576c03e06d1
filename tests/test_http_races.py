"""People clicking at the same moment through the app's own forms, served by gunicorn with four
worker processes, as in production: on PostgreSQL real row-lock races, on SQLite the write lock.
Each case finds no 5xx, exactly one winner where only one may win, a truthful message for every
loser, pay worked out from the final hours, and `coop verify` clean afterwards."""

from __future__ import annotations

import re
import shutil
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coop.app import create_app
from coop.audit.models import AuditEntry
from coop.governance.models import Proposal, SurplusShare
from coop.integrity.service import verify
from coop.invoicing import service as invoicing
from coop.invoicing.models import Invoice
from coop.pay import service as pay
from coop.pay.models import PayAdjustment, PayRun
from coop.rota import offers
from coop.rota.autofill import Proposal as Offered
from coop.rota.models import Assignment, Offer
from coop.timesheets import service as timesheets
from coop.timesheets.models import TimesheetEntry
from coop.timeutil import to_london, today_london, utcnow
from tests import factories
from tests.conftest import app_config
from tests.factories import (
    PASSWORD,
    approved_work,
    fresh,
    hours,
    issue_draft,
    period,
    worked_shift,
)
from tests.pg import free_port
from tests.server import Server, serve

TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


class Client:
    """One person's browser, without the browser: cookies, CSRF tokens, redirects followed."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.token = ""

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str]:
        body = None
        if data is not None:
            body = urllib.parse.urlencode({"csrf_token": self.token, **data}).encode()
        try:
            with self.opener.open(self.base_url + path, body, timeout=60) as r:
                status, text = r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read().decode()
        match = TOKEN.search(text)
        if match:
            self.token = match.group(1)
        return status, text

    def login(self, email: str) -> None:
        self.request("/login")
        status, page = self.request("/login", {"email": email, "password": PASSWORD})
        assert status == 200 and "Sign out" in page, page[:500]


@dataclass
class Live:
    base_url: str
    session: Session
    invoice_dir: Path

    def clients(self, *emails: str) -> list[Client]:
        out = []
        for email in emails:
            c = Client(self.base_url)
            c.login(email)
            out.append(c)
        return out


@dataclass
class Serving:
    url: str
    config: dict[str, Any]
    server: Server


@pytest.fixture(scope="module")
def serving(databases: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Serving]:
    """One gunicorn for the module's tests (starting one took 1.5 s of CPU), each test with a new
    database at its address and new workers (`live`)."""
    url = databases.create()
    tmp = tmp_path_factory.mktemp("races")
    port = free_port()
    config = app_config(url, tmp) | {"BASE_URL": f"http://127.0.0.1:{port}"}
    server = serve(url, config, port, tmp, workers=4)
    try:
        yield Serving(url, config, server)
    finally:
        server.stop()
        databases.drop(url)


@pytest.fixture
def live(serving: Serving, databases: Any) -> Iterator[Live]:
    serving.server.fresh_workers()  # nobody connected, nothing kept from the test before
    databases.renew(serving.url)
    for files in ("INVOICE_DIR", "UPLOAD_DIR"):  # the test before's issued invoices and uploads
        shutil.rmtree(serving.config[files], ignore_errors=True)
    log_from = serving.server.log_path.stat().st_size
    app = create_app(serving.config)
    session: Session = app.extensions["coop_db"][1]()
    try:
        yield Live(serving.config["BASE_URL"], session, Path(serving.config["INVOICE_DIR"]))
    finally:
        session.close()
        app.extensions["coop_db"][0].dispose()
        with serving.server.log_path.open() as log:
            log.seek(log_from)
            written = log.read()
        assert "Traceback" not in written, written


def at_once(calls: list[tuple[Client, str, dict[str, str]]]) -> list[str]:
    """Send the POSTs together (each from its own client) and return the pages they end on."""
    barrier = threading.Barrier(len(calls))

    def send(call: tuple[Client, str, dict[str, str]]) -> str:
        client, path, data = call
        barrier.wait(timeout=30)
        status, page = client.request(path, data)
        assert status < 500, page[:2000]
        return page

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(send, calls))


def count(pages: list[str], text: str) -> int:
    return sum(text in page for page in pages)


def books_are_whole(live: Live) -> None:
    fresh(live.session)
    assert verify(live.session, live.invoice_dir).problems == []


def coordinators(live: Live, n: int) -> list[Client]:
    emails = [f"coord{i}@example.org" for i in range(n)]
    for email in emails:
        factories.coordinator(live.session, email)
    return live.clients(*emails)


def last_weeks_run(s: Session) -> PayRun:
    today = today_london()
    return pay.build_pay_run(
        s, today - timedelta(days=10), today - timedelta(days=1), actor_id=1, today=today
    )


def test_six_coordinators_finalise_one_pay_run(live):
    s = live.session
    a, shift, _ = worked_shift(s, hours=3, days_ago=3)
    timesheets.approve(s, [timesheets.submit(s, a.id, hours(shift), actor_id=1).id], actor_id=1)
    today = today_london()
    run = pay.build_pay_run(s, today - timedelta(days=10), today - timedelta(days=1), actor_id=1, today=today)
    seen = pay.fingerprint(run)
    pages = at_once([(c, f"/pay/runs/{run.id}/finalise", {"seen": seen}) for c in coordinators(live, 6)])
    assert count(pages, "Pay run finalised.") == 1
    assert count(pages, "has been finalised, so it cannot be finalised again") == 5
    fresh(s)
    assert s.scalar(select(func.count()).where(AuditEntry.action == "payrun.finalise")) == 1
    books_are_whole(live)


def test_finalise_racing_delete_of_a_pay_run(live):
    s = live.session
    a, shift, _ = worked_shift(s, hours=2, days_ago=3)
    timesheets.approve(s, [timesheets.submit(s, a.id, hours(shift), actor_id=1).id], actor_id=1)
    today = today_london()
    run = pay.build_pay_run(s, today - timedelta(days=10), today - timedelta(days=1), actor_id=1, today=today)
    one, two = coordinators(live, 2)
    pages = at_once([(one, f"/pay/runs/{run.id}/finalise", {}), (two, f"/pay/runs/{run.id}/delete", {})])
    fresh(s)
    left = s.scalars(select(PayRun)).all()
    if left:  # finalised first: the delete was told so
        assert left[0].status == "finalised" and count(pages, "cannot be deleted") == 1
    else:  # deleted first: the finalise was told so
        assert count(pages, "was deleted a moment ago, so it cannot be finalised") == 1
    books_are_whole(live)


def test_a_surplus_share_taken_eight_times_at_once_is_paid_once(live):
    s = live.session
    m = factories.member(s, email="m@example.org")
    proposal = Proposal(
        title="Surplus",
        text="x",
        kind="distribute_surplus",
        created_by_id=m.id,
        closes_at=utcnow(),
        surplus_pence=1765,
        surplus_year=2026,
    )
    s.add(proposal)
    s.flush()
    share = SurplusShare(proposal_id=proposal.id, member_id=m.id, minutes=60, amount_pence=1765)
    s.add(share)
    s.commit()
    tabs = live.clients(*["m@example.org"] * 8)
    pages = at_once([(t, f"/my/surplus/{share.id}/take", {"amount": "", "parts": "1"}) for t in tabs])
    assert count(pages, "Done. It will be paid on") == 1
    assert count(pages, "You have already taken this share") == 7
    fresh(s)
    assert [a.amount_pence for a in s.scalars(select(PayAdjustment))] == [1765]


def test_hours_corrected_while_approved_are_paid_as_finally_stored(live):
    s = live.session
    m = factories.member(s, email="m@example.org")
    a, shift, _ = worked_shift(s, pay_rate=2000, hours=3, days_ago=2, member_=m)
    entry = timesheets.submit(s, a.id, hours(shift), actor_id=1)
    timesheets.query(s, entry.id, "Check the end time", actor_id=1)
    (member,) = live.clients("m@example.org")
    (coordinator,) = coordinators(live, 1)
    start, end = to_london(shift.starts_at), to_london(shift.ends_at + timedelta(minutes=90))
    corrected = {
        "day": start.date().isoformat(),
        "start_time": start.strftime("%H:%M"),
        "end_time": end.strftime("%H:%M"),
        "break_minutes": "0",
        "note": "",
    }
    timesheets.submit(s, a.id, hours(shift), actor_id=1)  # sent again as it was, awaiting approval
    at_once(
        [
            (member, f"/timesheets/record/{a.id}", corrected),
            (coordinator, "/timesheets/approve", {"entry": str(entry.id)}),
        ]
    )
    fresh(s)
    stored = s.get(TimesheetEntry, entry.id)
    if stored.status == "approved":  # paid for exactly the hours stored, whichever came first
        assert stored.pay_pence == stored.worked_minutes * 2000 // 60
    else:
        assert stored.status == "submitted" and stored.worked_minutes == 270
    books_are_whole(live)


def test_issue_racing_delete_of_a_draft_invoice(live):
    s = live.session
    client = factories.client(s)
    approved_work(s, client)
    [draft] = invoicing.invoice_run(s, *period())
    draft_id = draft.id
    one, two = coordinators(live, 2)
    pages = at_once([(one, f"/invoices/{draft_id}/issue", {}), (two, f"/invoices/{draft_id}/delete", {})])
    fresh(s)
    invoice = s.get(Invoice, draft_id)
    if invoice is None:
        assert count(pages, "was deleted a moment ago, so it can no longer be issued") == 1
    else:
        assert invoice.status == "issued" and count(pages, "so it can no longer be deleted") == 1
    books_are_whole(live)


def test_four_members_claim_the_last_place(live):
    s = live.session
    skill = factories.skill(s)
    shift = factories.shift(s, service_=factories.service(s, skill))
    emails = [f"m{i}@example.org" for i in range(4)]
    for email in emails:
        factories.member(s, email=email, skills=[skill])
    pages = at_once([(c, f"/shifts/{shift.id}/claim", {}) for c in live.clients(*emails)])
    assert count(pages, "It&#39;s yours") + count(pages, "It's yours") == 1
    assert count(pages, "someone has just taken the last place") == 3
    fresh(s)
    assert s.scalar(select(func.count()).select_from(Assignment)) == 1


def test_an_offer_accepted_and_declined_at_once(live):
    s = live.session
    skill = factories.skill(s)
    shift = factories.shift(s, service_=factories.service(s, skill))
    m = factories.member(s, email="m@example.org", skills=[skill])
    offers.queue_offers(s, [Offered(shift.id, m.id)])
    offer = s.scalars(select(Offer)).one()
    yes, no = live.clients("m@example.org", "m@example.org")
    pages = at_once([(yes, f"/offers/{offer.id}/accept", {}), (no, f"/offers/{offer.id}/decline", {})])
    fresh(s)
    offer = s.get(Offer, offer.id)
    held = s.scalars(select(Assignment).where(Assignment.status == "accepted")).all()
    if offer.status == "accepted":
        assert len(held) == 1 and count(pages, "You already hold this shift") == 1
    else:
        assert offer.status == "declined" and held == []
        assert count(pages, "You said no to this offer") == 1


def test_a_swap_withdrawn_while_it_is_taken(live):
    s = live.session
    skill = factories.skill(s)
    shift = factories.shift(s, service_=factories.service(s, skill))
    giver = factories.member(s, email="giver@example.org", skills=[skill])
    factories.member(s, email="taker@example.org", skills=[skill])
    from coop.rota import service as rota

    a = rota.claim(s, giver.id, shift.id)
    swap = rota.offer_swap(s, giver.id, a.id)
    g, t = live.clients("giver@example.org", "taker@example.org")
    pages = at_once([(g, f"/swaps/{swap.id}/withdraw", {}), (t, f"/swaps/{swap.id}/accept", {})])
    fresh(s)
    [holder] = s.scalars(select(Assignment).where(Assignment.status == "accepted")).all()
    if holder.member_id == giver.id:
        assert count(pages, "Offer withdrawn. The shift is still yours.") == 1
    else:
        assert count(pages, "Offer withdrawn") == 0


def test_a_visit_cancelled_while_members_claim_it(live):
    s = live.session
    skill = factories.skill(s)
    shift = factories.shift(s, service_=factories.service(s, skill), slots=3)
    emails = [f"m{i}@example.org" for i in range(3)]
    for email in emails:
        factories.member(s, email=email, skills=[skill])
    (coordinator,) = coordinators(live, 1)
    calls = [(c, f"/shifts/{shift.id}/claim", {}) for c in live.clients(*emails)]
    at_once([(coordinator, f"/shifts/{shift.id}/cancel", {"reason": ""}), *calls])
    fresh(s)
    shift = s.get(type(shift), shift.id)
    held = s.scalar(
        select(func.count()).where(Assignment.shift_id == shift.id, Assignment.status == "accepted")
    )
    assert shift.status == "cancelled" and held == 0 and shift.filled == 0


def test_four_pay_runs_for_one_period_at_once(live):
    s = live.session
    a, shift, _ = worked_shift(s, hours=2, days_ago=3)
    timesheets.approve(s, [timesheets.submit(s, a.id, hours(shift), actor_id=1).id], actor_id=1)
    today = today_london()
    form = {
        "period_start": (today - timedelta(days=10)).isoformat(),
        "period_end": (today - timedelta(days=1)).isoformat(),
    }
    pages = at_once([(c, "/pay/runs", form) for c in coordinators(live, 4)])
    assert count(pages, "Draft pay run ready") == 4
    fresh(s)
    [run] = s.scalars(select(PayRun)).all()
    [statement] = run.statements
    assert [line.kind for line in statement.lines].count("work") == 1
    books_are_whole(live)


EDITS = {
    "add_line": (
        "lines",
        {"description": "Ladder hire", "quantity": "1", "unit_price": "60.00", "vat_rate": "0"},
    ),
    "discount": ("discount", {"percent": "7.5", "description": ""}),
    "note": ("note", {"note": "Thank you"}),
    "remove_line": ("lines/{line}/delete", {}),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_issue_racing_each_kind_of_edit(live, edit):
    s = live.session
    client = factories.client(s)
    approved_work(s, client)
    [draft] = invoicing.invoice_run(s, *period())
    invoicing.add_line(s, draft.id, description="Gloves", quantity_centi=100, unit_pence=500, vat_rate_bp=0)
    fresh(s)
    extra = next(line.id for line in s.get(Invoice, draft.id).lines if line.kind == "extra")
    path, data = EDITS[edit]
    one, two = coordinators(live, 2)
    url = f"/invoices/{draft.id}/" + path.format(line=extra)
    pages = at_once([(one, f"/invoices/{draft.id}/issue", {}), (two, url, data)])
    assert count(pages, "Issued as CW-") == 1
    assert count(pages, "so it can no longer be changed") <= 1
    books_are_whole(live)  # what was issued is what is stored, in the PDF and the XML


def test_eight_full_credit_notes_at_once_credit_it_once(live):
    s = live.session
    client = factories.client(s)
    approved_work(s, client)
    [draft] = invoicing.invoice_run(s, *period())
    invoice = issue_draft(s, draft.id, live.invoice_dir, actor_id=1)
    amount = f"{invoice.gross_pence / 100:.2f}"
    pages = at_once(
        [
            (c, f"/invoices/{invoice.id}/credit-notes", {"amount": amount, "reason": "Goodwill"})
            for c in coordinators(live, 8)
        ]
    )
    assert count(pages, "Credit note CN-") == 1
    assert count(pages, "already been credited in full") == 7
    books_are_whole(live)


def test_four_invoice_runs_at_once_bill_work_once(live):
    s = live.session
    client = factories.client(s)
    approved_work(s, client)
    approved_work(s, client, hours=2)
    first, last = period()
    form = {"period_start": first.isoformat(), "period_end": last.isoformat()}
    pages = at_once([(c, "/invoices/run", form) for c in coordinators(live, 4)])
    assert count(pages, "1 draft invoice made") == 1
    assert count(pages, "There is no approved work waiting") == 3
    fresh(s)
    assert s.scalar(select(func.count()).select_from(Invoice)) == 1
    books_are_whole(live)


def test_a_payment_reversed_twice_at_once(live):
    s = live.session
    client = factories.client(s)
    approved_work(s, client)
    [draft] = invoicing.invoice_run(s, *period())
    invoice = issue_draft(s, draft.id, live.invoice_dir, actor_id=1)
    invoicing.record_payment(
        s,
        invoice,
        paid_on=today_london(),
        amount_pence=invoice.gross_pence,
        method="bank transfer",
        reference="",
        actor_id=1,
        today=today_london(),
    )
    fresh(s)
    [payment] = s.get(Invoice, invoice.id).payments
    url = f"/invoices/{invoice.id}/payments/{payment.id}/reverse"
    pages = at_once([(c, url, {"reason": "Bounced"}) for c in coordinators(live, 3)])
    assert count(pages, "Payment reversed.") == 1
    assert count(pages, "already been reversed") == 2
    books_are_whole(live)
