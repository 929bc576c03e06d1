"""Erasure: a member asks, a coordinator carries it out; personal data becomes a placeholder,
financial records stay for six years and are then deleted."""

from datetime import date, timedelta

from sqlalchemy import func, select

from coop.audit.models import AuditEntry
from coop.auth.models import LoginAttempt
from coop.caps import service as caps
from coop.governance import service as governance
from coop.governance.models import ERASED_COMMENT, ProposalComment
from coop.members.models import ErasureRequest, Member
from coop.pay.models import PayAdjustment
from coop.privacy import erasure
from coop.rota import service as rota
from coop.rota.models import Assignment, TimeOff
from tests import factories


def _member_with_history(session):
    cleaning = factories.skill(session, "Cleaning")
    member = factories.member(session, email="sam@example.org", name="Sam Rivers", skills=[cleaning])
    member.phone = "07700 900999"
    member.pronouns = "she/her"
    caps.set_cap(
        session,
        member,
        caps.CapData(earnings_cap_pence=20000, hours_cap_minutes=None),
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
    assert caps.cap_for(session, member.id) is None
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
    erasure.carry_out(session, req.id, actor_id=coordinator.id)
    assert erasure.purge_due(session, tmp_path).members == 0  # not yet
    later = req.retain_until + timedelta(days=1)
    done = erasure.purge_due(session, tmp_path, today=later)
    assert done.members == 1
    assert session.scalar(select(func.count()).select_from(PayAdjustment)) == 0
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
