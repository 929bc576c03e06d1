"""Bank statements in all four formats, built from issued invoices, read and reconciled: an exact
payment, one payment split over two invoices, an overpayment (the client's credit), a line
nobody can match (it stays listed), the same statement imported twice and an overlapping one
(nothing recorded twice), and two coordinators confirming one line at once (one payment)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from coop.books import service as books
from coop.books.models import BankLine, LinePayment, LineStatus
from coop.books.reading import CsvColumns
from coop.errors import DomainError
from coop.integrity.service import verify
from coop.invoicing import service as invoicing
from coop.invoicing.models import Payment
from coop.timeutil import today_london
from tests import factories
from tests.books.statements import BUILD, Paid, camt053
from tests.factories import fresh
from tests.parallel import run_parallel

FORMATS = ["ofx", "mt940", "camt053", "csv"]
COLUMNS = CsvColumns("Date", "Paid in", "Description")


def _import(session, fmt, payments, *, bank="Co-op Bank current account", columns=COLUMNS):
    return books.import_statement(
        session,
        BUILD[fmt](payments),
        fmt=fmt,
        bank=bank,
        filename=f"statement.{fmt}",
        actor_id=1,
        columns=columns if fmt == "csv" else None,
    )


@pytest.fixture(autouse=True)
def treasurer(session):
    """The coordinator who uploads and confirms (account 1)."""
    user = factories.coordinator(session, "treasurer@example.org")
    assert user.id == 1
    return user


@pytest.fixture
def invoices(session, tmp_path):
    bakery = factories.client(session, "Corner Bakery")
    grocer = factories.client(session, "Green Grocer")
    a1 = factories.issued_invoice(session, bakery, tmp_path, hours=2)
    a2 = factories.issued_invoice(session, bakery, tmp_path, hours=3)
    b1 = factories.issued_invoice(session, grocer, tmp_path, hours=1)
    return a1, a2, b1


def _line(session, amount_pence):
    return session.scalar(select(BankLine).where(BankLine.amount_pence == amount_pence))


def _balances(session, *invoices):
    fresh(session)
    return [invoicing.balance_pence(invoicing.get_invoice(session, i.id)) for i in invoices]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_statement_in_each_format_becomes_payments(session, invoices, tmp_path, fmt):
    a1, a2, b1 = invoices
    day = today_london() - timedelta(days=2)
    statement = [
        Paid(day, a1.gross_pence + a2.gross_pence, "CORNER BAKERY LTD", f"{a1.number} {a2.number}"),
        Paid(day, b1.gross_pence + 1_000, "GREEN GROCER", f"INV {b1.number}"),
        Paid(day + timedelta(days=1), 777, "HMRC", "Interest"),
    ]
    result = _import(session, fmt, statement)
    assert (result.credit_lines, result.new_lines) == (3, 3)  # the payment out is never read

    views = {v.line.amount_pence: v for v in books.reconcile_view(session, books.open_lines(session))}
    split = views[a1.gross_pence + a2.gross_pence].suggestion
    assert [(a.number, a.amount_pence) for a in split.allocations] == [
        (a1.number, a1.gross_pence),
        (a2.number, a2.gross_pence),
    ]
    assert split.reasons == [
        f"number {a1.number}, {a2.number} in the reference",
        "exactly what they owe together",
    ]
    over = views[b1.gross_pence + 1_000].suggestion
    assert [(a.number, a.amount_pence) for a in over.allocations] == [(b1.number, b1.gross_pence + 1_000)]
    assert "£10.00 more than owed" in over.reasons[1]
    assert not views[777].suggestion.found

    for amount in (a1.gross_pence + a2.gross_pence, b1.gross_pence + 1_000):
        view = views[amount]
        warnings = books.confirm_line(
            session,
            view.line.id,
            [(a.invoice_id, a.amount_pence) for a in view.suggestion.allocations],
            actor_id=1,
            today=today_london(),
        )
    assert "more than was owed" in warnings[0]

    assert _balances(session, a1, a2, b1) == [0, 0, -1_000]  # paid, paid, £10 of credit
    assert invoicing.client_credit(session, b1.client_id)[0][1] == 1_000
    payments = session.scalars(select(Payment).order_by(Payment.id)).all()
    assert [(p.invoice_id, p.amount_pence, p.paid_on, p.method) for p in payments] == [
        (a1.id, a1.gross_pence, day, "bank transfer"),
        (a2.id, a2.gross_pence, day, "bank transfer"),
        (b1.id, b1.gross_pence + 1_000, day, "bank transfer"),
    ]
    assert session.scalar(select(func.count()).select_from(LinePayment)) == 3
    # The line nobody could match stays listed until someone deals with it.
    assert [line.amount_pence for line in books.open_lines(session)] == [777]

    # The same statement again adds nothing; an overlapping one adds only what is new.
    again = _import(session, fmt, statement)
    assert (again.credit_lines, again.new_lines) == (3, 0)
    later = Paid(day + timedelta(days=1), 2_500, "CORNER BAKERY LTD", "thanks")
    overlap = _import(session, fmt, [*statement[1:], later])
    assert (overlap.credit_lines, overlap.new_lines) == (3, 1)
    assert sorted(line.amount_pence for line in books.open_lines(session)) == [777, 2_500]
    assert session.scalar(select(func.count()).select_from(Payment)) == 3
    assert verify(session, tmp_path).problems == []


def test_two_equal_payments_on_one_day_are_two_lines(session):
    day = today_london() - timedelta(days=1)
    twice = [Paid(day, 5_000, "A Client", "rent"), Paid(day, 5_000, "A Client", "rent")]
    assert _import(session, "csv", twice).new_lines == 2
    assert _import(session, "csv", twice).new_lines == 0


def test_a_csv_layout_is_asked_once_per_bank_and_remembered(session):
    day = today_london() - timedelta(days=1)
    with pytest.raises(DomainError, match="first CSV statement from Metro"):
        _import(session, "csv", [Paid(day, 100, "X", "y")], bank="Metro", columns=None)
    assert session.scalar(select(func.count()).select_from(BankLine)) == 0
    _import(session, "csv", [Paid(day, 100, "X", "y")], bank="Metro")
    assert _import(session, "csv", [Paid(day, 200, "X", "z")], bank="Metro", columns=None).new_lines == 1
    with pytest.raises(DomainError, match="no column called “Amount”"):
        _import(
            session,
            "csv",
            [Paid(day, 300, "X", "z")],
            bank="Metro",
            columns=CsvColumns("Date", "Amount", "Ref"),
        )


@pytest.mark.parametrize(
    ("fmt", "data", "message"),
    [
        ("ofx", b"not an ofx file", "could not be read as OFX"),
        ("mt940", b"\x00\x01garbage", "could not be read as MT940"),
        ("camt053", b"<Document><oops/></Document>", "not a valid CAMT.053"),
        (
            "camt053",
            b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>",
            "CAMT.053",
        ),
        ("camt053", b"<unclosed", "not well-formed"),
        (
            "camt053",
            camt053([Paid(date(2026, 11, 2), 100, "X", "y")]).replace(b">1.00<", b">abc<"),
            "CAMT.053",
        ),
        (
            "camt053",
            camt053([Paid(date(2026, 11, 2), 100, "X", "y")]).replace(b">1.00<", b">1E1000000<"),
            "CAMT.053",
        ),
        ("csv", b"Date,Paid in,Description\r\n02/11/2026," + b"9" * 40 + b",x\r\n", "Row 2"),
        ("csv", b"", "empty"),
        ("csv", b"Date,Paid in,Description\r\n31/02/2026,12.00,x\r\n", "Row 2"),
        ("ofx", b"x" * (2 * 1024 * 1024 + 1), "larger than 2 MB"),
    ],
)
def test_a_bad_file_is_refused_and_nothing_is_stored(session, fmt, data, message):
    with pytest.raises(DomainError, match=message):
        books.import_statement(session, data, fmt=fmt, bank="Bank", filename="x", actor_id=1, columns=COLUMNS)
    fresh(session)
    assert session.scalar(select(func.count()).select_from(BankLine)) == 0


def test_confirming_checks_the_amounts_and_set_aside_closes_a_line(session, invoices):
    a1, _, _ = invoices
    day = today_london() - timedelta(days=1)
    _import(session, "ofx", [Paid(day, 1_234, "Someone", "?"), Paid(day, 99, "Bank", "interest")])
    line = _line(session, 1_234)
    with pytest.raises(DomainError, match=r"add up to £12\.00"):
        books.confirm_line(session, line.id, [(a1.id, 1_200)], actor_id=1, today=today_london())
    with pytest.raises(DomainError, match="Choose the invoice"):
        books.confirm_line(session, line.id, [], actor_id=1, today=today_london())
    books.set_aside(session, _line(session, 99).id, actor_id=1)
    with pytest.raises(DomainError, match="already been dealt with"):
        books.confirm_line(session, _line(session, 99).id, [(a1.id, 99)], actor_id=1, today=today_london())
    fresh(session)
    assert session.scalar(select(func.count()).select_from(Payment)) == 0
    assert [x.amount_pence for x in books.open_lines(session)] == [1_234]
    assert _line(session, 99).status == LineStatus.SET_ASIDE


def _confirm(session, line_id, invoice_id, pence):
    books.confirm_line(session, line_id, [(invoice_id, pence)], actor_id=1, today=today_london())


def test_two_coordinators_confirming_one_line_at_once_make_one_payment(db_url, session, invoices):
    a1, _, _ = invoices
    for n in range(3):
        day = today_london() - timedelta(days=1 + n)
        _import(session, "ofx", [Paid(day, a1.gross_pence, "Corner Bakery", a1.number, bank_id=f"race{n}")])
        line = session.scalar(select(BankLine).where(BankLine.status == LineStatus.OPEN))
        results = run_parallel(
            db_url, _confirm, [(line.id, a1.id, a1.gross_pence), (line.id, a1.id, a1.gross_pence)]
        )
        assert sorted(status for status, _ in results) == ["ok", "refused"], results
        assert "already been dealt with" in next(m for s, m in results if s == "refused")
        fresh(session)
        assert session.scalar(select(func.count()).select_from(Payment)) == n + 1
        assert session.scalar(select(func.count()).select_from(LinePayment)) == n + 1


def _import_same(session, data):
    books.import_statement(session, data, fmt="ofx", bank="Bank", filename="x", actor_id=1)


def test_the_same_statement_uploaded_twice_at_once_is_read_once(db_url, session):
    data = BUILD["ofx"]([Paid(today_london() - timedelta(days=1), 4_200, "A", "b", bank_id="one")])
    results = run_parallel(db_url, _import_same, [(data,), (data,)])
    assert [s for s, _ in results] == ["ok", "ok"], results
    fresh(session)
    assert session.scalar(select(func.count()).select_from(BankLine)) == 1
