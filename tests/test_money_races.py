"""Two people clicking at once, from separate processes (as separate app servers would), on every
write path that moves money or pay. On PostgreSQL these are real row-lock races; on SQLite the
write lock. Each test finds: no error, exactly one winner where only one may win, a truthful
message for the loser, and `coop verify` clean afterwards."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from coop.bookings.models import Shift
from coop.governance.models import Proposal, SurplusShare
from coop.governance.service import take_share
from coop.integrity.service import verify
from coop.invoicing import service as invoicing
from coop.invoicing.models import CreditNote, Invoice, InvoiceLine, Payment
from coop.pay import service as pay
from coop.pay.models import PayAdjustment, PayRun
from coop.rota import offers
from coop.rota import service as rota
from coop.rota.models import Assignment, Offer, SwapOffer
from coop.timesheets import service as timesheets
from coop.timesheets.models import TimesheetEntry
from coop.timeutil import today_london, utcnow
from tests import factories
from tests.factories import (
    approved_work,
    fresh,
    hours,
    issue_draft,
    period,
    simple_html,
    simple_render,
    worked_shift,
)
from tests.parallel import run_parallel


def outcomes(results: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"ok": [], "refused": [], "error": []}
    for status, message in results:
        out[status].append(message)
    assert out["error"] == [], out["error"]
    return out


def books_are_whole(session, invoice_dir: Path) -> None:
    fresh(session)
    report = verify(session, invoice_dir)
    assert report.problems == []


# --- invoices -----------------------------------------------------------------------------------


def _invoice_op(session, op, invoice_id, invoice_dir):
    kw = {"today": today_london(), "invoice_dir": Path(invoice_dir), "actor_id": 1}
    if op == "issue":  # as the view does: by id, so a draft deleted a moment ago is reported
        invoicing.issue(session, invoice_id, render_html=simple_html, base_url="http://coop.test", **kw)
        return
    invoice = invoicing.get_invoice(session, invoice_id)
    if op == "delete":
        invoicing.delete_draft(session, invoice_id, actor_id=1)
    elif op == "add_line":
        invoicing.add_line(
            session, invoice_id, description="Ladder hire", quantity_centi=100, unit_pence=6000, vat_rate_bp=0
        )
    elif op == "discount":
        invoicing.add_discount(session, invoice_id, percent=Decimal("7.5"), description="")
    elif op == "remove_line":
        extra = next(li for li in invoice.lines if li.kind == "extra")
        invoicing.remove_line(session, invoice_id, extra.id)
    elif op == "note":
        invoicing.set_note(session, invoice_id, "Thank you")
    elif op == "credit":
        invoicing.credit_note(
            session, invoice, gross_pence=invoice.gross_pence, reason="Goodwill", render=simple_render, **kw
        )
    elif op == "pay":
        invoicing.record_payment(
            session,
            invoice,
            paid_on=today_london(),
            amount_pence=1000,
            method="bank transfer",
            reference="",
            actor_id=1,
            today=today_london(),
        )
    elif op == "reverse":
        payment = session.scalars(select(Payment).where(Payment.invoice_id == invoice_id)).first()
        invoicing.reverse_payment(session, invoice, payment.id, reason="Bounced", actor_id=1)
    else:  # pragma: no cover - a typo in a test
        raise AssertionError(op)


def _draft(session):
    client = factories.client(session)
    approved_work(session, client)
    drafts = invoicing.invoice_run(session, *period())
    return next(d for d in drafts if d.client_id == client.id)


def test_issue_racing_delete_leaves_one_truth(db_url, session, tmp_path):
    for _ in range(3):
        draft_id = _draft(session).id
        results = outcomes(
            run_parallel(
                db_url,
                _invoice_op,
                [("issue", draft_id, str(tmp_path)), ("delete", draft_id, str(tmp_path))],
            )
        )
        assert len(results["ok"]) == 1 and len(results["refused"]) == 1, results
        [message] = results["refused"]
        fresh(session)
        session.expunge_all()
        invoice = session.get(Invoice, draft_id)
        if invoice is None:  # delete won: no number used, no file written
            assert "deleted a moment ago" in message
        else:  # issue won
            assert invoice.status == "issued" and "can no longer be deleted" in message, (
                results,
                invoice.status,
            )
        issued = session.scalar(select(func.count()).where(Invoice.status == "issued"))
        assert len(list(tmp_path.glob("*.pdf"))) == 2 * issued  # no file left by a deleted draft
        books_are_whole(session, tmp_path)


@pytest.mark.parametrize("edit", ["add_line", "discount", "remove_line", "note"])
def test_issue_racing_an_edit_freezes_what_was_issued(db_url, session, tmp_path, edit):
    draft = _draft(session)
    if edit == "remove_line":
        _invoice_op(session, "add_line", draft.id, str(tmp_path))
    results = outcomes(
        run_parallel(
            db_url, _invoice_op, [("issue", draft.id, str(tmp_path)), (edit, draft.id, str(tmp_path))]
        )
    )
    assert len(results["ok"]) >= 1
    for message in results["refused"]:
        assert "can no longer be changed" in message
    fresh(session)
    invoice = session.get(Invoice, draft.id)
    assert invoice.status == "issued"
    # what is stored is what was frozen, printed and put in the e-invoice
    assert invoicing.content_fingerprint(invoice) == invoice.content_sha256
    import facturx

    _name, xml = facturx.get_xml_from_pdf(invoicing.read_pdf(invoice, tmp_path, facturx=True))
    assert f"{invoice.gross_pence / 100:.2f}".encode() in xml
    books_are_whole(session, tmp_path)


def test_eight_full_credit_notes_at_once_credit_it_once(db_url, session, tmp_path):
    draft = _draft(session)
    issue_draft(session, draft.id, tmp_path, actor_id=1)
    results = outcomes(run_parallel(db_url, _invoice_op, [("credit", draft.id, str(tmp_path))] * 8))
    assert len(results["ok"]) == 1
    assert all("already been credited in full" in m for m in results["refused"]), results["refused"]
    fresh(session)
    credited = session.scalar(
        select(func.sum(CreditNote.gross_pence)).where(CreditNote.invoice_id == draft.id)
    )
    assert credited == session.get(Invoice, draft.id).gross_pence
    books_are_whole(session, tmp_path)


def _run(session, start, end):
    invoicing.invoice_run(session, start, end, actor_id=1)


def test_four_invoice_runs_at_once_bill_work_once(db_url, session, tmp_path):
    for name in ("Corner Bakery", "Riverside Cafe"):
        approved_work(session, factories.client(session, name))
    start, end = period()
    outcomes(run_parallel(db_url, _run, [(start, end)] * 4))
    fresh(session)
    drafts = session.scalars(select(Invoice.client_id).where(Invoice.status == "draft")).all()
    assert sorted(drafts) == sorted(set(drafts)) and len(drafts) == 2
    books_are_whole(session, tmp_path)


def test_payment_reversed_twice_at_once_is_reversed_once(db_url, session, tmp_path):
    draft = _draft(session)
    issue_draft(session, draft.id, tmp_path, actor_id=1)
    _invoice_op(session, "pay", draft.id, str(tmp_path))
    results = outcomes(
        run_parallel(
            db_url,
            _invoice_op,
            [("reverse", draft.id, str(tmp_path))] * 4 + [("pay", draft.id, str(tmp_path))] * 2,
        )
    )
    assert len(results["ok"]) == 3  # one reversal, two new payments
    assert all("already been reversed" in m for m in results["refused"])
    fresh(session)
    invoice = session.get(Invoice, draft.id)
    assert invoicing.paid_pence(invoice) == 2000
    assert invoicing.balance_pence(invoice) == invoice.gross_pence - 2000
    books_are_whole(session, tmp_path)


# --- pay runs -------------------------------------------------------------------------------------


def _approved(session, days_ago=3):
    a, shift, _m = worked_shift(session, days_ago=days_ago)
    e = timesheets.submit(session, a.id, hours(shift), actor_id=1)
    timesheets.approve(session, [e.id], actor_id=1)
    return e


def _pay_op(session, op, run_id, seen=None):
    today = today_london()
    if op == "build":
        pay.build_pay_run(
            session, today - timedelta(days=10), today - timedelta(days=1), actor_id=1, today=today
        )
    elif op == "finalise":
        pay.finalise(session, run_id, actor_id=1, seen=seen)
    elif op == "delete":
        pay.delete_draft(session, run_id, actor_id=1)
    else:  # pragma: no cover
        raise AssertionError(op)


def _build(session):
    today = today_london()
    return pay.build_pay_run(
        session, today - timedelta(days=10), today - timedelta(days=1), actor_id=1, today=today
    )


def test_six_coordinators_finalise_once(db_url, session, tmp_path):
    _approved(session)
    run = _build(session)
    results = outcomes(run_parallel(db_url, _pay_op, [("finalise", run.id)] * 6))
    assert len(results["ok"]) == 1
    assert all("has been finalised" in m for m in results["refused"])
    fresh(session)
    from coop.audit.models import AuditEntry

    assert session.scalar(select(func.count()).where(AuditEntry.action == "payrun.finalise")) == 1
    books_are_whole(session, tmp_path)


def test_finalise_racing_a_rebuild_never_finalises_unseen_figures(db_url, session, tmp_path):
    _approved(session)
    run = _build(session)
    seen = pay.fingerprint(run)
    _approved(session, days_ago=4)  # a rebuild now finds more work
    results = outcomes(run_parallel(db_url, _pay_op, [("finalise", run.id, seen), ("build", run.id)]))
    assert len(results["ok"]) == 1
    fresh(session)
    [only] = session.scalars(select(PayRun)).all()
    if only.status == "finalised":
        assert only.frozen_sha256 == seen and len(only.statements) == 1
        assert "finalised" in results["refused"][0]
    else:
        assert len(only.statements) == 2 and "rebuilt" in results["refused"][0]
    books_are_whole(session, tmp_path)


def test_parallel_builds_leave_one_draft_and_pay_work_once(db_url, session, tmp_path):
    for days in (2, 3, 4):
        _approved(session, days_ago=days)
    outcomes(run_parallel(db_url, _pay_op, [("build", 0)] * 4))
    fresh(session)
    assert session.scalar(select(func.count()).select_from(PayRun)) == 1
    books_are_whole(session, tmp_path)


def test_finalise_racing_delete(db_url, session, tmp_path):
    _approved(session)
    run_id = _build(session).id
    results = outcomes(run_parallel(db_url, _pay_op, [("finalise", run_id), ("delete", run_id)]))
    assert len(results["ok"]) == 1
    session.expunge_all()
    left = session.get(PayRun, run_id)
    if left is None:
        assert "deleted a moment ago" in results["refused"][0]
    else:
        assert left.status == "finalised" and "finalised" in results["refused"][0]
    books_are_whole(session, tmp_path)


# --- timesheets, surplus --------------------------------------------------------------------------


def _timesheet_op(session, op, assignment_id, entry_id, extra_minutes):
    if op == "approve":
        timesheets.approve(session, [entry_id], actor_id=1)
    else:
        a = session.get(Assignment, assignment_id)
        timesheets.submit(session, assignment_id, hours(a.shift, end_delta=extra_minutes), actor_id=1)


def test_correction_racing_approval_pays_the_hours_approved(db_url, session, tmp_path):
    for _ in range(3):
        a, shift, _m = worked_shift(session, hours=3)
        e = timesheets.submit(session, a.id, hours(shift), actor_id=1)
        results = outcomes(
            run_parallel(
                db_url,
                _timesheet_op,
                [("approve", a.id, e.id, 0), ("submit", a.id, e.id, 90)],
            )
        )
        fresh(session)
        entry = session.get(TimesheetEntry, e.id)
        session.refresh(entry)
        if entry.status == "approved":
            _rate, expected, _holiday = timesheets.pay_for_entry(session, entry)
            assert entry.pay_pence == expected  # priced from the hours stored, never stale ones
        for message in results["refused"]:
            assert "approved already" in message
    books_are_whole(session, tmp_path)


def _take(session, member_id, share_id):
    from coop.members.models import Member

    take_share(session, session.get(Member, member_id), share_id, today=today_london())


def test_surplus_share_taken_eight_times_at_once_is_paid_once(db_url, session, tmp_path):
    m = factories.member(session)
    author = factories.member(session)
    proposal = Proposal(
        created_by_id=author.id,
        title="Share the surplus",
        text="",
        kind="distribute_surplus",
        surplus_pence=1765,
        surplus_year=2026,
        closes_at=utcnow(),
        status="closed",
    )
    session.add(proposal)
    session.flush()
    share = SurplusShare(proposal_id=proposal.id, member_id=m.id, minutes=60, amount_pence=1765)
    session.add(share)
    session.commit()
    results = outcomes(run_parallel(db_url, _take, [(m.id, share.id)] * 8))
    assert len(results["ok"]) == 1
    assert all("already taken" in msg for msg in results["refused"])
    fresh(session)
    assert session.scalar(select(func.count()).select_from(PayAdjustment)) == 1
    books_are_whole(session, tmp_path)


# --- offers, swaps, cancellations -----------------------------------------------------------------


def _swap_op(session, op, member_id, offer_id):
    if op == "withdraw":
        rota.withdraw_swap(session, member_id, offer_id)
    else:
        rota.accept_swap(session, member_id, offer_id)


def test_swap_withdrawn_while_accepted_has_one_truth(db_url, session):
    skill = factories.skill(session)
    svc = factories.service(session, skill)
    for _ in range(3):
        shift = factories.shift(session, service_=svc, starts_in=timedelta(days=5))
        giver, taker = factories.member(session, skills=[skill]), factories.member(session, skills=[skill])
        a = rota.claim(session, giver.id, shift.id)
        swap = rota.offer_swap(session, giver.id, a.id)
        results = outcomes(
            run_parallel(db_url, _swap_op, [("withdraw", giver.id, swap.id), ("accept", taker.id, swap.id)])
        )
        assert len(results["ok"]) == 1
        fresh(session)
        swap = session.get(SwapOffer, swap.id)
        session.refresh(swap)
        holders = session.scalars(
            select(Assignment.member_id).where(
                Assignment.shift_id == shift.id, Assignment.status == "accepted"
            )
        ).all()
        if swap.status == "withdrawn":
            assert holders == [giver.id] and "withdrawn a moment ago" in results["refused"][0]
        else:
            assert swap.status == "taken" and holders == [taker.id]
            assert "took this shift over" in results["refused"][0]


def _offer_op(session, op, member_id, offer_id):
    if op == "accept":
        offers.accept(session, member_id, offer_id)
    else:
        offers.decline(session, member_id, offer_id)


def test_offer_accepted_and_declined_at_once(db_url, session):
    skill = factories.skill(session)
    svc = factories.service(session, skill)
    for i in range(3):
        shift = factories.shift(session, service_=svc, starts_in=timedelta(days=3 + i))
        m = factories.member(session, skills=[skill])
        offer = Offer(shift_id=shift.id, member_id=m.id, expires_at=utcnow() + timedelta(hours=12))
        session.add(offer)
        session.commit()
        results = outcomes(
            run_parallel(db_url, _offer_op, [("accept", m.id, offer.id), ("decline", m.id, offer.id)])
        )
        fresh(session)
        offer = session.get(Offer, offer.id)
        session.refresh(offer)
        held = session.scalar(
            select(func.count())
            .select_from(Assignment)
            .where(Assignment.shift_id == shift.id, Assignment.status == "accepted")
        )
        if offer.status == "accepted":
            assert held == 1
            assert results["refused"] == [] or "already hold this shift" in results["refused"][0]
        else:
            assert offer.status == "declined" and held == 0
            assert "said no" in results["refused"][0]


def _cancel_or_claim(session, op, ident, shift_id):
    from coop.bookings import service as bookings

    if op == "cancel":
        bookings.cancel_shift(session, bookings.get_shift(session, shift_id), actor_id=1)
    else:
        rota.claim(session, ident, shift_id)


def test_visit_cancelled_while_members_claim_it(db_url, session):
    skill = factories.skill(session)
    svc = factories.service(session, skill)
    shift = factories.shift(session, service_=svc, starts_in=timedelta(days=4), slots=3)
    members = [factories.member(session, skills=[skill]) for _ in range(4)]
    outcomes(
        run_parallel(
            db_url, _cancel_or_claim, [("cancel", 0, shift.id)] + [("claim", m.id, shift.id) for m in members]
        )
    )
    fresh(session)
    session.refresh(shift)
    held = session.scalar(
        select(func.count())
        .select_from(Assignment)
        .where(Assignment.shift_id == shift.id, Assignment.status == "accepted")
    )
    assert shift.status == "cancelled" and shift.filled == 0 and held == 0


def test_verify_catches_each_kind_of_corruption(session, tmp_path):
    draft = _draft(session)
    invoice = issue_draft(session, draft.id, tmp_path, actor_id=1)
    invoicing.credit_note(
        session,
        invoice,
        gross_pence=100,
        reason="Goodwill",
        today=today_london(),
        render=simple_render,
        invoice_dir=tmp_path,
        actor_id=1,
    )
    _approved(session)
    run = _build(session)
    pay.finalise(session, run.id, actor_id=1)
    books_are_whole(session, tmp_path)

    def problems():
        session.commit()
        session.expire_all()
        return " ".join(verify(session, tmp_path).problems)

    line = session.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id)).first()
    line.net_pence += 100
    assert "changed after it was issued" in problems() and "add up to" in problems()
    line.net_pence -= 100
    pdf = tmp_path / invoice.pdf_path
    original = pdf.read_bytes()
    pdf.write_bytes(original + b"x")
    assert "not the one that was issued" in problems()
    pdf.unlink()
    assert "is missing" in problems()
    pdf.write_bytes(original)
    note = session.scalars(select(CreditNote)).one()
    note.gross_pence, note.net_pence = invoice.gross_pence + 1, invoice.gross_pence + 1 - note.vat_pence
    assert "more than the" in problems() and "changed after it was issued" in problems()
    note.gross_pence, note.net_pence = 100, 100 - note.vat_pence
    invoice.sequence_number = 7
    assert "gap or a repeat" in problems()
    invoice.sequence_number = 1
    statement = run.statements[0]
    statement.lines[0].amount_pence += 1
    statement.total_pence += 1
    statement.earnings_pence += 1
    assert "changed after it was finalised" in problems() and "pay line says" in problems()
    statement.lines[0].amount_pence -= 1
    statement.total_pence -= 1
    statement.earnings_pence -= 1
    assert problems() == ""
    shift = session.scalars(select(Shift).where(Shift.filled > 0)).first()
    shift.filled -= 1
    assert (
        f"Shift {shift.id} counts {shift.filled} place(s) taken but {shift.filled + 1} member(s)"
        in problems()
    )
    shift.filled += 1
    assert problems() == ""
