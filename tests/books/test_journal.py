"""The accountant's journal: every entry balances (a property of the builders, for any figures);
a period with every kind of entry is accepted by bean-check, and its accounts hold what
`coop verify` reports; the Xero, QuickBooks and Sage files have the columns each documents, and
each of their journals balances."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from coop.books import journal as jr
from coop.books import layouts
from coop.books.exports import export_journal
from coop.books.ledger import chart, journal
from coop.integrity.service import verify
from coop.invoicing import service as invoicing
from coop.pay import service as pay
from coop.timeutil import today_london
from tests import factories
from tests.factories import fresh, hours, simple_render, worked_shift

pence = st.integers(min_value=-10_000_00, max_value=10_000_00)
DAY = date(2026, 11, 2)


@given(
    sales=st.dictionaries(
        st.tuples(st.sampled_from(["Cleaning", "Garden", "Other"]), st.sampled_from([0, 500, 2000])), pence
    ),
    vat=st.dictionaries(st.sampled_from([0, 500, 2000]), pence),
    net=st.integers(min_value=1, max_value=10**8),
    credit_vat=st.integers(min_value=0, max_value=10**7),
    paid=st.integers(min_value=1, max_value=10**8),
    parts=st.dictionaries(st.sampled_from(["wages", "holiday_pay", "expenses", "surplus"]), pence),
)
def test_every_journal_entry_balances(sales, vat, net, credit_vat, paid, parts):
    entries = [
        jr.invoice_entry(DAY, "CW-00001", "A", sales, vat),
        jr.credit_note_entry(DAY, "CN-00001", "CW-00001", "A", net, credit_vat),
        jr.payment_entry(DAY, "CW-00001", "A", paid),
        jr.payment_entry(DAY, "CW-00001", "A", paid, reversed_=True),
        jr.refund_entry(DAY, "CW-00001", "A", paid),
        jr.pay_run_entry(DAY, "run", parts),
    ]
    assert all(e.balanced for e in entries)
    assert sum(jr.balances(entries).values()) == 0
    run = entries[-1]
    assert [p.pence for p in run.postings if p.account == "deductions"] == [0]  # none: shown as zero


def _every_kind_of_entry(session, tmp_path):
    """Invoices (two services, one paid over, one part-paid), a credit note, a payment reversed,
    credit applied and refunded, a pay run with work, holiday pay, an expense and a surplus share."""
    today = today_london()
    bakery = factories.client(session, "Corner Bakery")
    grocer = factories.client(session, "Green Grocer")
    a = factories.issued_invoice(session, bakery, tmp_path, hours=2)
    b = factories.issued_invoice(session, bakery, tmp_path, hours=3)
    c = factories.issued_invoice(session, grocer, tmp_path, hours=1)

    def paid(invoice, amount):
        invoicing.record_payment(
            session, invoice, paid_on=today, amount_pence=amount, method="bank transfer",
            reference="", actor_id=1, today=today,
        )  # fmt: skip

    paid(a, a.gross_pence + 3_000)  # £30 over: credit
    invoicing.use_credit(session, a.id, amount_pence=1_000, to_invoice_id=b.id, reference="", actor_id=1)
    invoicing.use_credit(session, a.id, amount_pence=2_000, to_invoice_id=None, reference="BACS", actor_id=1)
    paid(c, 500)
    paid(b, 700)
    fresh(session)
    b = invoicing.get_invoice(session, b.id)
    invoicing.reverse_payment(session, b, b.payments[-1].id, reason="Bounced", actor_id=1)
    invoicing.credit_note(
        session, invoicing.get_invoice(session, c.id), gross_pence=1_200, reason="Goodwill", today=today,
        render=simple_render, invoice_dir=tmp_path, actor_id=1,
    )  # fmt: skip

    assignment, shift, member = worked_shift(session, pay_rate=1500, hours=2, days_ago=3)
    from coop.timesheets import service as timesheets

    entry = timesheets.submit(session, assignment.id, hours(shift), actor_id=1)
    timesheets.approve(session, [entry.id], actor_id=1)
    expense = pay.claim_expense(
        session, member, kind="travel", spent_on=today - timedelta(days=2), description="Bus",
        amount_pence=450, receipt=None, upload_dir=tmp_path, today=today,
    )  # fmt: skip
    pay.decide_expense(session, expense, approve=True, note="", actor_id=1)
    share = factories.surplus_share(session, member, pence=2_500)
    from coop.governance import service as governance

    governance.take_share(session, member, share.id, today=today)
    run = pay.build_pay_run(
        session,
        today - timedelta(days=10),
        today + timedelta(days=40),
        actor_id=1,
        today=today + timedelta(days=41),
    )
    pay.finalise(session, run.id, actor_id=1)
    fresh(session)
    return today - timedelta(days=60), max(run.pay_date, today)


def _bean_check() -> str:
    found = shutil.which("bean-check") or str(Path(sys.executable).with_name("bean-check"))
    assert Path(found).exists(), "beancount (a test dependency) provides bean-check"
    return found


def test_bean_check_accepts_a_period_with_every_kind_of_entry_and_its_balances_are_verifys(session, tmp_path):
    factories.coordinator(session, "treasurer@example.org")
    first, last = _every_kind_of_entry(session, tmp_path)
    entries = journal(session, first, last)
    assert {e.kind for e in entries} == {
        "invoice",
        "credit_note",
        "payment",
        "payment_reversed",
        "refund",
        "pay_run",
    }
    assert all(e.balanced for e in entries)
    [run] = [e for e in entries if e.kind == "pay_run"]
    assert {p.account for p in run.postings} == {
        "wages",
        "holiday_pay",
        "expenses",
        "surplus",
        "deductions",
        "net_pay",
    }

    body, filename = export_journal(session, first, last, "beancount", actor_id=1)
    assert filename.endswith(".beancount")
    path = tmp_path / filename
    path.write_text(body)
    checked = subprocess.run([_bean_check(), str(path)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    from beancount import loader
    from beancount.core import data

    loaded, errors, _ = loader.load_file(str(path))
    assert errors == []
    held: dict[str, int] = defaultdict(int)
    accounts = chart(session, last)
    by_name = {layouts.beancount_account(jr.Posting(k, 0), accounts): k for k in accounts}
    for txn in loaded:
        if isinstance(txn, data.Transaction):
            for posting in txn.postings:
                top = ":".join(posting.account.split(":")[:2])
                held[by_name[top]] += int(posting.units.number * 100)
    report = verify(session, tmp_path)
    assert report.problems == []
    # Debit positive in the journal; verify reports each account the way people read it.
    expected = {
        "sales": -report.balances["sales"],
        "credit_notes": report.balances["credit_notes"],
        "vat": -report.balances["vat"],
        "bank": report.balances["bank"],
        "debtors": report.balances["debtors"],
        "wages": report.balances["wages"],
        "holiday_pay": report.balances["holiday_pay"],
        "expenses": report.balances["expenses"],
        "surplus": report.balances["surplus"],
        "net_pay": -report.balances["net_pay"],
        "deductions": 0,
    }
    assert dict(held) == expected
    assert report.balances["surplus"] == 2_500 and report.balances["expenses"] == 450
    assert report.balances["debtors"] > 0 and report.balances["bank"] > 0


def _rows(body: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(body))
    return list(reader.fieldnames or []), list(reader)


def _pence(text: str) -> int:
    return round(float(text or "0") * 100)


def test_the_csv_layouts_have_each_tools_documented_columns_and_balance(session, tmp_path):
    factories.coordinator(session, "treasurer@example.org")
    first, last = _every_kind_of_entry(session, tmp_path)
    files = {
        k: export_journal(session, first, last, k, actor_id=1)[0] for k in ("xero", "quickbooks", "sage")
    }

    # Xero's manual journal import template (mandatory columns starred): a journal is the rows
    # with one narration and date, amounts debit positive, credit negative.
    header, rows = _rows(files["xero"])
    assert header == [
        "*Narration", "*Date", "Description", "*AccountCode", "*TaxRate", "*Amount",
        "TrackingName1", "TrackingOption1", "TrackingName2", "TrackingOption2",
    ]  # fmt: skip
    groups: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        groups[(row["*Narration"], row["*Date"])] += _pence(row["*Amount"])
        assert row["*AccountCode"] and row["*TaxRate"] == "No VAT"
        date.fromisoformat("-".join(reversed(row["*Date"].split("/"))))  # dd/mm/yyyy
    assert groups and set(groups.values()) == {0}

    # QuickBooks Online's journal entry import: Journal No, Journal Date, Account Name, Debits,
    # Credits, Description, Name; each journal number's debits equal its credits.
    header, rows = _rows(files["quickbooks"])
    assert header == [
        "Journal No",
        "Journal Date",
        "Account Name",
        "Debits",
        "Credits",
        "Description",
        "Name",
    ]
    by_number: dict[str, int] = defaultdict(int)
    for row in rows:
        assert bool(row["Debits"]) != bool(row["Credits"])
        by_number[row["Journal No"]] += _pence(row["Debits"]) - _pence(row["Credits"])
        if row["Account Name"] == "Debtors control":
            assert row["Name"] in ("Corner Bakery", "Green Grocer")  # receivable lines name the customer
    assert by_number and set(by_number.values()) == {0}

    # Sage 50 Accounts audit trail import: JD/JC journal lines to nominal codes, tax code T9.
    header, rows = _rows(files["sage"])
    assert header == [
        "Type", "Account Reference", "Nominal A/C Ref", "Department Code", "Date", "Reference",
        "Details", "Net Amount", "Tax Code", "Tax Amount",
    ]  # fmt: skip
    sage_groups: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        assert row["Type"] in ("JD", "JC") and row["Tax Code"] == "T9" and _pence(row["Net Amount"]) >= 0
        sign = 1 if row["Type"] == "JD" else -1
        sage_groups[(row["Date"], row["Reference"])] += sign * _pence(row["Net Amount"])
    assert sage_groups and set(sage_groups.values()) == {0}
