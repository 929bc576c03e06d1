"""Pay runs, statements (PDF), payroll CSV, expenses and holiday pay."""

import csv
import io
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from coop.errors import DomainError
from coop.pay import service as pay
from coop.pay.models import Expense, PayRun
from coop.pay.rates import RateRules, hourly_rate
from coop.pay.rules import pay_for
from coop.rota import service as rota
from coop.timesheets import service as timesheets
from coop.timesheets.models import TimesheetEntry
from coop.timeutil import to_london, today_london
from tests import factories
from tests.conftest import pdf_text
from tests.factories import fresh, hours, worked_shift

PNG = factories.png_bytes()


def test_the_whole_pay_journey_through_the_ui(web, make_web, session):
    factories.coordinator(session, "coord@example.org")
    m = factories.member(session, name="Priya Shah", email="priya@example.org")
    a, shift, _ = worked_shift(session, pay_rate=1500, hours=2, member_=m, days_ago=2)
    factories.member(session, email="other@example.org")
    member_web = make_web()
    member_web.login("priya@example.org")
    page = member_web.get("/timesheets").get_data(as_text=True)
    assert "Record hours" in page
    local_start, local_end = to_london(shift.starts_at), to_london(shift.ends_at)
    r = member_web.post(
        f"/timesheets/record/{a.id}",
        {
            "day": local_start.date().isoformat(),
            "start_time": local_start.strftime("%H:%M"),
            "end_time": local_end.strftime("%H:%M"),
            "break_minutes": "0",
            "note": "",
        },
    )
    assert r.status_code == 302
    # an expense with a receipt
    r = member_web.post(
        "/expenses",
        {
            "kind": "travel",
            "spent_on": today_london().isoformat(),
            "description": "Bus fare",
            "amount": "4.50",
            "receipt": (io.BytesIO(PNG), "bus.png"),
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    fresh(session)
    expense = session.scalars(select(Expense)).one()
    web.login("coord@example.org")
    review = web.get("/timesheets/review").get_data(as_text=True)
    assert "Priya Shah" in review
    entry = session.scalars(select(TimesheetEntry)).one()
    assert web.post("/timesheets/approve", {"entry": [str(entry.id)]}).status_code == 302
    assert web.post(f"/expenses/{expense.id}/decide", {"decision": "approve", "note": ""}).status_code == 302
    start = today_london() - timedelta(days=20)
    end = today_london() - timedelta(days=1)
    r = web.post("/pay/runs", {"period_start": start.isoformat(), "period_end": end.isoformat()})
    assert r.status_code == 302
    fresh(session)
    run = session.scalars(select(PayRun)).one()
    assert web.post(f"/pay/runs/{run.id}/finalise").status_code == 302
    fresh(session)
    run = session.get(PayRun, run.id)
    [statement] = run.statements
    # 2 h × £15 = £30.00, holiday £3.62, expense £4.50
    assert (statement.earnings_pence, statement.expenses_pence, statement.total_pence) == (3362, 450, 3812)
    # CSV for payroll
    csv_text = web.get(f"/pay/runs/{run.id}.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert rows[0]["Name"] == "Priya Shah" and rows[0]["Gross pay"] == "33.62" and rows[0]["Total"] == "38.12"
    # the member sees it and gets the PDF; another member cannot
    assert "£38.12" in member_web.get("/my/pay").get_data(as_text=True)
    pdf = member_web.get(f"/my/pay/{statement.id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    text = pdf_text(pdf.data)
    assert "Priya Shah" in text and "£38.12" in text and "Holiday pay" in text
    nosy = make_web()
    nosy.login("other@example.org")
    assert nosy.get(f"/my/pay/{statement.id}.pdf").status_code == 404
    assert nosy.get(f"/expenses/{expense.id}/receipt").status_code == 404
    assert member_web.get(f"/expenses/{expense.id}/receipt").data == PNG
    # a finalised run never changes
    again = web.post(
        "/pay/runs", {"period_start": start.isoformat(), "period_end": end.isoformat()}, follow_redirects=True
    )
    assert "finalised and cannot change" in again.get_data(as_text=True)


def test_receipts_must_really_be_images_or_pdfs(web, session):
    factories.member(session, email="m@example.org")
    web.login("m@example.org")
    r = web.post(
        "/expenses",
        {
            "kind": "travel",
            "spent_on": today_london().isoformat(),
            "description": "x",
            "amount": "3",
            "receipt": (io.BytesIO(b"<script>alert(1)</script>"), "evil.png"),
        },
        content_type="multipart/form-data",
    )
    assert "must be a photo" in r.get_data(as_text=True)
    fresh(session)
    assert session.scalars(select(Expense)).all() == []
    # A picture's signature followed by script is not a picture: receipts are decoded.
    for fake in (
        b"\x89PNG\r\n\x1a\n<script>alert(1)</script>",
        PNG[:40],
        b"\xff\xd8\xff<svg onload=x>",
        b"%PDF-1.7 <script>",
    ):
        with pytest.raises(DomainError, match="must be a photo"):
            pay.receipt_kind(fake)
    import io as stdio

    from PIL import Image

    jpeg = stdio.BytesIO()
    Image.new("RGB", (8, 8)).save(jpeg, "JPEG")
    assert pay.receipt_kind(jpeg.getvalue()) == (".jpg", "image/jpeg")
    assert pay.receipt_kind(PNG) == (".png", "image/png")
    from weasyprint import HTML

    assert pay.receipt_kind(HTML(string="<p>Bus ticket</p>").write_pdf()) == (".pdf", "application/pdf")


def test_corrections_go_into_the_next_run(session):
    a, shift, m = worked_shift(session, pay_rate=1500, hours=2, days_ago=3)
    entry = timesheets.submit(session, a.id, hours(shift), actor_id=1)
    timesheets.approve(session, [entry.id], actor_id=1)
    today = today_london()
    run1 = pay.build_pay_run(
        session, today - timedelta(days=10), today - timedelta(days=1), actor_id=1, today=today
    )
    pay.finalise(session, run1.id, actor_id=1)
    adj = pay.add_adjustment(session, m, -500, "Overpaid last time", actor_id=1)
    assert adj.pay_on != run1.pay_date  # that run is finalised: the next open pay day
    run2 = pay.build_pay_run(
        session, today, today + timedelta(days=40), actor_id=1, today=today + timedelta(days=41)
    )
    [st2] = run2.statements
    assert [(line.kind, line.amount_pence) for line in st2.lines] == [("adjustment", -500)]
    with pytest.raises(DomainError, match="has been finalised"):
        pay.finalise(session, run1.id, actor_id=1)


@settings(max_examples=60, deadline=None)
@given(
    minutes=st.integers(1, 16 * 60),
    rate=st.integers(1, 5000),
    floor=st.integers(1, 3000),
    holiday=st.integers(0, 2000),
)
def test_pay_is_never_below_the_floor_and_adds_up(minutes, rate, floor, holiday):
    p = pay_for(minutes, hourly_rate(RateRules(floor, floor // 2, holiday), rate), holiday_bp=holiday)
    assert p.rate_pence >= floor
    assert p.base_pence * 60 >= minutes * floor - 30  # rounding to the nearest penny at most
    assert p.total_pence == p.base_pence + p.holiday_pence


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[__import__("hypothesis").HealthCheck.function_scoped_fixture],
)
@given(
    shifts=st.lists(
        st.tuples(st.integers(60, 600), st.integers(0, 59), st.sampled_from([1300, 1345, 1500, 2000])),
        min_size=1,
        max_size=4,
    ),
    expense=st.integers(0, 5000),
)
def test_statement_totals_equal_the_sum_of_lines(app, shifts, expense):
    session = app.extensions["coop_db"][1]()
    try:
        m = factories.member(session)
        for i, (mins, brk, rate) in enumerate(shifts):
            a, shift, _ = worked_shift(session, pay_rate=rate, hours=mins / 60, days_ago=2 + i, member_=m)
            e = timesheets.submit(
                session, a.id, timesheets.Hours(shift.starts_at, shift.ends_at, brk), actor_id=1
            )
            timesheets.approve(session, [e.id], actor_id=1)
        if expense:
            ex = pay.claim_expense(
                session,
                m,
                kind="travel",
                spent_on=today_london(),
                description="bus",
                amount_pence=expense,
                receipt=None,
                upload_dir=None,
                today=today_london(),
            )  # type: ignore[arg-type]
            pay.decide_expense(session, ex, approve=True, note="", actor_id=1)
        today = today_london()
        run = pay.build_pay_run(
            session, today - timedelta(days=30), today - timedelta(days=1), actor_id=1, today=today
        )
        for st_ in run.statements:
            assert st_.total_pence == sum(line.amount_pence for line in st_.lines)
            assert st_.earnings_pence == sum(
                line.amount_pence for line in st_.lines if line.kind != "expense"
            )
            assert all(line.rate_pence >= 1345 for line in st_.lines if line.kind == "work")
    finally:
        session.close()


def test_holiday_accrued_and_taken(session):
    from datetime import date

    m = factories.member(session)
    today = date(2026, 11, 25)
    rota.add_time_off(session, m, date(2026, 3, 30), date(2026, 4, 2), "", today=date(2026, 3, 1))
    rota.add_time_off(session, m, date(2026, 11, 20), date(2026, 11, 30), "", today=date(2026, 3, 1))
    assert pay.leave_year_start(today) == date(2026, 4, 1)
    assert pay.days_off_taken(session, m, date(2026, 4, 1), today) == 2 + 6
    data = pay.my_pay(session, m, 1207, today)
    assert data.days_off_taken == 8 and data.holiday_hours_accrued == 0
