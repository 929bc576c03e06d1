"""Erasure: a member asks, a coordinator carries it out; personal data becomes a placeholder,
financial records stay for six years and are then deleted."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from coop.audit.models import AuditEntry
from coop.auth import service as auth
from coop.auth.models import LoginAttempt
from coop.directory.models import DirectoryEntry
from coop.errors import DomainError
from coop.governance import service as governance
from coop.governance.models import ERASED_COMMENT, ProposalComment
from coop.limits import service as limits
from coop.mail.models import OutboxMessage
from coop.members.models import ErasureRequest, Member
from coop.onward import opportunities
from coop.onward import service as onward
from coop.onward.models import HelpMessage, OpportunityInterest
from coop.pay.models import Expense, PayAdjustment
from coop.privacy import erasure
from coop.rota import service as rota
from coop.rota.models import Assignment, TimeOff
from tests import factories


def _member_with_history(session):
    cleaning = factories.skill(session, "Cleaning")
    member = factories.member(session, email="sam@example.org", name="Sam Rivers", skills=[cleaning])
    member.phone = "07700 900999"
    member.pronouns = "she/her"
    session.commit()
    limits.set_limit(
        session,
        member,
        limits.LimitData(earnings_limit_pence=20000, hours_limit_minutes=None),
        actor_id=member.user_id,
        by_coordinator=False,
    )
    far = date.today() + timedelta(days=60)
    rota.add_time_off(session, member, far, far, "hospital appointment", today=date.today())
    shift = factories.shift(
        session, service_=factories.service(session, cleaning), starts_in=timedelta(days=3)
    )
    rota.claim(session, member.id, shift.id)
    session.add(PayAdjustment(member_id=member.id, amount_pence=500, reason="Bus fare top-up"))
    session.add(LoginAttempt(kind="login", email="sam@example.org", ip="127.0.0.1"))
    session.commit()
    p = governance.create_proposal(
        session,
        member,
        governance.ProposalData("A van", "We need one", date.today() + timedelta(days=5)),
        today=date.today(),
    )
    governance.add_comment(session, member, p.id, "I'm Sam from Flat 2, call me on 07700 900999")
    return member, shift


def test_erasure_replaces_personal_data_and_keeps_financial_records(session):
    coordinator = factories.coordinator(session)
    member, shift = _member_with_history(session)
    req = erasure.request_erasure(session, member, actor_id=member.user_id)
    assert erasure.request_erasure(session, member, actor_id=member.user_id).id == req.id  # one at a time

    erasure.carry_out(session, req.id, actor_id=coordinator.id)
    session.expire_all()
    member = session.get(Member, member.id)
    assert member.display_name == f"Former member {member.id}"
    assert (member.phone, member.pronouns, member.status, member.skills) == ("", "", "left", [])
    assert member.user.email.endswith("@erased.invalid") and not member.user.is_active
    assert member.user.role_names == set()
    assert limits.limit_for(session, member.id) is None
    assert session.scalar(select(func.count()).select_from(TimeOff)) == 0
    assert session.scalar(select(func.count()).where(LoginAttempt.email == "sam@example.org")) == 0
    # the future shift went back to the rota, the pay adjustment is kept
    assert session.scalar(select(Assignment.status).where(Assignment.member_id == member.id)) == "dropped"
    assert shift.filled == 0
    assert session.scalar(select(PayAdjustment.reason).where(PayAdjustment.member_id == member.id))
    # what they wrote in discussions is gone, the discussion keeps its shape
    assert session.scalars(select(ProposalComment.body)).all() == [ERASED_COMMENT]
    req = session.get(ErasureRequest, req.id)
    assert req.status == "erased" and req.retain_until.year == date.today().year + 6
    actions = set(session.scalars(select(AuditEntry.action)))
    assert {"erasure.requested", "erasure.carried_out"} <= actions


def test_kept_records_are_deleted_after_six_years(session, tmp_path):
    coordinator = factories.coordinator(session)
    member, _ = _member_with_history(session)
    req = erasure.request_erasure(session, member, actor_id=member.user_id)
    (tmp_path / "receipt.png").write_bytes(factories.png_bytes())
    session.add(
        Expense(
            member_id=member.id,
            kind="travel",
            spent_on=date.today(),
            description="Bus",
            amount_pence=420,
            receipt_path="receipt.png",
        )
    )
    session.commit()
    erasure.carry_out(session, req.id, actor_id=coordinator.id)
    assert erasure.purge_due(session, tmp_path).members == 0  # not yet
    later = req.retain_until + timedelta(days=1)
    done = erasure.purge_due(session, tmp_path, today=later)
    assert (done.members, done.files) == (1, 1) and not (tmp_path / "receipt.png").exists()
    assert session.scalar(select(func.count()).select_from(PayAdjustment)) == 0
    assert session.scalar(select(func.count()).select_from(Expense)) == 0
    assert session.get(Member, member.id).display_name == f"Former member {member.id}"  # the rest stays
    assert erasure.purge_due(session, tmp_path, today=later).members == 0  # only once


def test_member_asks_and_coordinator_erases_through_the_web(session, make_web):
    factories.coordinator(session, email="coord@example.org")
    member, _ = _member_with_history(session)
    me = make_web()
    me.login("sam@example.org")
    assert "Ask to erase my details" in me.get("/me").get_data(as_text=True)
    assert me.post("/me/erase").status_code == 302
    assert "Keep my details after all" in me.get("/me").get_data(as_text=True)

    coordinator = make_web()
    coordinator.login("coord@example.org")
    assert "1 waiting" in coordinator.get("/members").get_data(as_text=True)
    page = coordinator.get("/erasure-requests").get_data(as_text=True)
    assert "Sam Rivers" in page
    session.rollback()
    req = session.scalars(select(ErasureRequest)).one()
    r = coordinator.post(f"/erasure-requests/{req.id}/erase", follow_redirects=True)
    assert f"Former member {member.id}" in r.get_data(as_text=True)
    # the member is signed out and cannot sign in again
    assert me.get("/me").status_code == 302
    assert me.login("sam@example.org").status_code == 200


def test_member_can_withdraw_before_it_is_done(session, make_web):
    member, _ = _member_with_history(session)
    me = make_web()
    me.login("sam@example.org")
    me.post("/me/erase")
    me.post("/me/erase/withdraw")
    session.rollback()
    assert session.scalars(select(ErasureRequest.status)).all() == ["withdrawn"]
    session.expire_all()
    assert session.get(Member, member.id).display_name == "Sam Rivers"


def test_members_cannot_reach_the_coordinator_side(session, make_web):
    member, _ = _member_with_history(session)
    req = erasure.request_erasure(session, member, actor_id=member.user_id)
    me = make_web()
    me.login("sam@example.org")
    assert me.get("/erasure-requests").status_code == 403
    assert me.post(f"/erasure-requests/{req.id}/erase").status_code == 403


def _asked(session):
    coordinator = factories.coordinator(session, email="coord@example.org")
    member, shift = _member_with_history(session)
    req = erasure.request_erasure(session, member, actor_id=member.user_id)
    return coordinator, member, shift, req


def test_erasure_is_one_transaction_so_a_failure_lets_nothing_go(session, monkeypatch):
    coordinator, member, shift, req = _asked(session)

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(erasure, "erase_rows", broken)
    with pytest.raises(RuntimeError):
        erasure.carry_out(session, req.id, actor_id=coordinator.id)
    session.expire_all()
    # Before, each future shift was let go in its own transaction before the final step.
    assert session.scalar(select(Assignment.status).where(Assignment.member_id == member.id)) == "accepted"
    assert session.get(type(shift), shift.id).filled == 1
    assert session.get(ErasureRequest, req.id).status == "requested"


def test_the_member_is_emailed_at_their_own_address_that_it_is_done(session):
    coordinator, _, _, req = _asked(session)
    erasure.carry_out(session, req.id, actor_id=coordinator.id)
    to_them = session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == "sam@example.org")
    ).all()
    assert [m.subject for m in to_them] == ["Your details have been erased"]
    assert "Sam" not in to_them[0].body


def test_the_coordinator_confirms_on_a_page_saying_what_goes_and_what_is_kept(session, make_web):
    _, member, _, req = _asked(session)
    coordinator = make_web()
    coordinator.login("coord@example.org")
    listing = coordinator.get("/erasure-requests").get_data(as_text=True)
    assert f'action="/erasure-requests/{req.id}/erase"' not in listing  # no one-click button
    page = coordinator.get(f"/erasure-requests/{req.id}/erase").get_data(as_text=True)
    assert "What is deleted" in page and "What is kept, and why" in page
    assert "HMRC" in page and "earnings or hours limit" in page
    session.rollback()
    assert (
        session.scalar(select(Member.display_name).where(Member.id == member.id)) == "Sam Rivers"
    )  # looking changes nothing
    assert coordinator.post(f"/erasure-requests/{req.id}/erase", csrf=False).status_code == 400
    done = coordinator.post(f"/erasure-requests/{req.id}/erase", follow_redirects=True)
    assert f"Former member {member.id}" in done.get_data(as_text=True)
    session.rollback()
    assert (
        session.scalar(select(Member.display_name).where(Member.id == member.id))
        == f"Former member {member.id}"
    )
    assert coordinator.get(f"/erasure-requests/{req.id}/erase").status_code == 404  # done: not again


def test_an_erased_account_shows_as_erased_and_cannot_be_given_roles(session, make_web):
    coordinator, member, _, req = _asked(session)
    erasure.carry_out(session, req.id, actor_id=coordinator.id)
    factories.user(session, "admin@example.org", ("admin",))
    admin = make_web()
    admin.login("admin@example.org")
    people = admin.get("/people").get_data(as_text=True)
    row = next(r for r in people.split("<tr>") if f"erased-{member.user_id}@" in r)
    assert "Erased" in row and "Invited" not in row and "Change roles" not in row
    page = admin.get(f"/people/{member.user_id}/roles").get_data(as_text=True)
    assert "cannot be given roles" in page and 'name="roles"' not in page
    r = admin.post(f"/people/{member.user_id}/roles", {"roles": ["coordinator"]})
    assert r.status_code == 200
    session.rollback()
    assert session.get(Member, member.id).user.role_names == set()
    with pytest.raises(DomainError, match="erased"):
        auth.set_roles(session, session.get(Member, member.id).user, {"member"}, actor_id=coordinator.id)


def test_a_work_record_code_says_it_was_withdrawn_at_the_persons_request(session, make_web):
    coordinator, member, _, req = _asked(session)
    ref = onward.propose_reference(session, member.id, "Sam is kind and careful.", actor_id=coordinator.id)
    onward.decide_reference(session, member, ref.id, approve=True)
    rec = onward.make_record(session, member, {"time", "reference"}, name_as="neutral")
    anon = make_web()
    assert "Sam Rivers" in anon.get(f"/verify/{rec.code}").get_data(as_text=True)
    erasure.carry_out(session, req.id, actor_id=coordinator.id)
    r = anon.get(f"/verify/{rec.code}")
    text = r.get_data(as_text=True)
    assert r.status_code == 410 and "withdrawn at the person" in text
    assert "Sam" not in text and "kind and careful" not in text
    session.expire_all()
    assert session.get(type(rec), rec.id).person_name == ""
    assert "kind and careful" not in session.get(type(ref), ref.id).text


def test_private_notes_and_help_messages_lose_the_personal_text(session):
    coordinator, member, _, req = _asked(session)
    entry = DirectoryEntry(
        category="job", name="Library job", description="d", contact="c", hours="h", review_date=date.today()
    )
    session.add(entry)
    session.commit()
    interest = opportunities.interested(session, member, entry.id)
    opportunities.update(session, member, interest.id, status="applied", note="I live at 3 Elm Row")
    opportunities.ask_for_help(session, member, interest.id, "Call me on 07700 900999")
    opportunities.reply(session, interest.id, "Hello Sam, yes.", actor_id=coordinator.id)
    erasure.carry_out(session, req.id, actor_id=coordinator.id)
    session.expire_all()
    kept = session.get(OpportunityInterest, interest.id)
    assert kept.note == "" and kept.status == "applied"  # counted, not named, in the impact report
    bodies = " ".join(session.scalars(select(HelpMessage.body)))
    assert "07700" not in bodies and "Sam" not in bodies


def test_erasure_lets_go_held_and_asked_places_and_asks_for_cover_when_late(session):
    coordinator = factories.coordinator(session, email="coord@example.org")
    cleaning = factories.skill(session, "Cleaning")
    svc = factories.service(session, cleaning)
    member = factories.member(session, email="sam@example.org", name="Sam Rivers", skills=[cleaning])
    soon = factories.shift(session, service_=svc, starts_in=timedelta(hours=2))
    later = factories.shift(session, service_=svc, starts_in=timedelta(days=4))
    rota.claim(session, member.id, soon.id)
    rota.ask(session, member.id, later.id)  # a coordinator asked; no answer yet
    req = erasure.request_erasure(session, member, actor_id=member.user_id)
    erasure.carry_out(session, req.id, actor_id=coordinator.id)
    session.expire_all()
    statuses = session.scalars(select(Assignment.status).where(Assignment.member_id == member.id)).all()
    assert statuses == ["dropped", "dropped"]
    assert [session.get(type(s), s.id).filled for s in (soon, later)] == [0, 0]
    subjects = session.scalars(
        select(OutboxMessage.subject).where(OutboxMessage.to_address == "coord@example.org")
    )
    assert any(s.startswith("Cover needed") for s in subjects)
