"""Whether an invoice still owes money is stored (Invoice.owing, which the overdue count reads)
and kept by issuing and by every payment and credit rule in the same transaction; `coop verify`
says when it disagrees with the records."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import update

from coop.integrity.service import verify
from coop.invoicing import service as invoicing
from coop.invoicing.models import Invoice
from coop.timeutil import today_london
from tests import factories
from tests.factories import fresh, simple_render
from tests.invoicing.test_client_credit import pay, two_invoices


def _owing(session, *invoices):
    fresh(session)
    return [session.get(Invoice, i.id).owing for i in invoices]


def test_every_payment_and_credit_rule_keeps_owing_and_the_overdue_count(session, tmp_path):
    client = factories.client(session, "Corner Bakery")
    a, b = two_invoices(session, tmp_path, client)
    today = today_london()
    assert _owing(session, a, b) == [True, True] and invoicing.overdue_count(session, today) == 2
    pay(session, b, b.gross_pence)
    assert _owing(session, a, b) == [True, False] and invoicing.overdue_count(session, today) == 1
    b = session.get(Invoice, b.id)
    invoicing.reverse_payment(session, b, b.payments[0].id, reason="Bounced", actor_id=1)
    assert _owing(session, a, b) == [True, True] and invoicing.overdue_count(session, today) == 2
    a = session.get(Invoice, a.id)
    pay(session, a, a.gross_pence + b.gross_pence)  # more than owed: the rest is credit
    assert _owing(session, a, b) == [False, True] and invoicing.overdue_count(session, today) == 1
    invoicing.use_credit(
        session, a.id, amount_pence=b.gross_pence - 500, to_invoice_id=b.id, reference="", actor_id=1
    )
    assert _owing(session, a, b) == [False, True] and invoicing.overdue_count(session, today) == 1
    invoicing.credit_note(
        session,
        session.get(Invoice, b.id),
        gross_pence=500,
        reason="Not worked",
        today=today,
        render=simple_render,
        invoice_dir=tmp_path,
        actor_id=1,
    )
    assert _owing(session, a, b) == [False, False] and invoicing.overdue_count(session, today) == 0
    for i in (a, b):
        fresh(session)
        assert session.get(Invoice, i.id).owing == (
            invoicing.display_status(session.get(Invoice, i.id), today) in ("issued", "part-paid", "overdue")
        )
    assert verify(session, Path(tmp_path)).problems == []


def test_verify_says_when_owing_disagrees_with_the_records(session, tmp_path):
    a, _b = two_invoices(session, tmp_path, factories.client(session, "Corner Bakery"))
    session.execute(update(Invoice).where(Invoice.id == a.id).values(owing=False))
    session.commit()
    problems = verify(session, Path(tmp_path)).problems
    assert len(problems) == 1 and "stored as settled" in problems[0] and a.number in problems[0]
