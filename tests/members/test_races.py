"""Member records changed from two places at once: one result, a clear refusal, never a 500."""

from sqlalchemy import func, select

from coop.audit.models import AuditEntry
from coop.auth import service as auth
from coop.auth.models import Role, User, UserRole
from coop.bookings import service as bookings
from coop.bookings.models import Shift
from coop.errors import DomainError, NotFound
from coop.members import service as members
from coop.members.models import ErasureRequest, Member, Skill
from coop.privacy import erasure
from coop.rota import service as rota
from coop.rota.models import Assignment, Availability, RotaPreferences
from tests import factories
from tests.parallel import run_parallel


def _invite(session, email, name):
    members.invite_member(
        session, email=email, display_name=name, skill_ids=[], invite_link=lambda u: "x", coop_name="Co-op"
    )


def test_two_invitations_of_one_address_at_once_make_one_account(db_url, session):
    results = run_parallel(db_url, _invite, [("sam@example.org", f"Sam {i}") for i in range(4)])
    assert sorted(r[0] for r in results) == ["ok", "refused", "refused", "refused"], results
    assert all("already an account" in m for kind, m in results if kind == "refused")
    session.rollback()
    assert session.scalar(select(func.count()).select_from(User).where(User.email == "sam@example.org")) == 1


def _new_skill(session, name):
    members.save_skill(session, name, "")


def _new_client(session, name):
    bookings.save_client(session, bookings.ClientData(name, "1 Street", "a@example.org", 30))


def test_two_new_skills_or_clients_of_one_name_at_once_give_one(db_url, session):
    results = run_parallel(db_url, _new_skill, [("Gardening",), ("gardening",), ("Gardening ",)])
    assert sorted(r[0] for r in results) == ["ok", "refused", "refused"], results
    results = run_parallel(db_url, _new_client, [("Corner Bakery",), ("corner bakery",), ("Corner  Bakery",)])
    assert sorted(r[0] for r in results) == ["ok", "refused", "refused"], results
    assert all("already a client" in m for kind, m in results if kind == "refused")
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Skill).where(Skill.name.ilike("gardening"))) == 1


def _set_skills(session, member_id, skill_ids):
    members.set_skills(session, session.get(Member, member_id), skill_ids)


def _pattern(session, member_id, windows):
    rota.set_weekly_pattern(session, session.get(Member, member_id), windows)


def _prefs(session, member_id, hours):
    rota.save_preferences(
        session,
        session.get(Member, member_id),
        preferred_hours_week=hours,
        show_open_when_paused=False,
        daily_digest=False,
    )


def test_a_members_skills_times_and_preferences_saved_twice_at_once(db_url, session):
    from datetime import time

    m = factories.member(session)
    skills = [factories.skill(session).id for _ in range(3)]
    results = run_parallel(db_url, _set_skills, [(m.id, skills)] * 4)
    assert [r for r in results if r[0] != "ok"] == []
    windows = [(0, time(9), time(12)), (2, time(13), time(17))]
    results = run_parallel(db_url, _pattern, [(m.id, windows)] * 4)
    assert [r for r in results if r[0] != "ok"] == []
    results = run_parallel(db_url, _prefs, [(m.id, h) for h in (10, 12, 14, 16)])
    assert [r for r in results if r[0] != "ok"] == []
    session.rollback()
    session.expire_all()
    assert sorted(s.id for s in session.get(Member, m.id).skills) == sorted(skills)
    assert (
        session.scalar(select(func.count()).select_from(Availability).where(Availability.member_id == m.id))
        == 2
    )
    prefs = session.scalars(select(RotaPreferences).where(RotaPreferences.member_id == m.id)).all()
    assert len(prefs) == 1 and prefs[0].preferred_hours_week in {10, 12, 14, 16}


def _demote(session, user_id, actor_id):
    auth.set_roles(session, session.get(User, user_id), {Role.COORDINATOR}, actor_id=actor_id)


def test_two_admins_removing_each_other_at_once_leave_one_admin(db_url, session):
    admins = session.scalars(select(UserRole.user_id).where(UserRole.role == Role.ADMIN)).all()
    a = factories.user(session, "ada@example.org", ("admin",))
    b = factories.user(session, "bo@example.org", ("admin",))
    for user_id in admins:  # only these two are admins
        auth.set_roles(session, session.get(User, user_id), set(), actor_id=a.id)
    results = run_parallel(db_url, _demote, [(a.id, b.id), (b.id, a.id)])
    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    assert "at least one admin" in next(m for kind, m in results if kind == "refused")
    session.rollback()
    assert session.scalar(select(func.count()).select_from(UserRole).where(UserRole.role == Role.ADMIN)) == 1


def _erase(session, request_id, actor_id):
    erasure.carry_out(session, request_id, actor_id=actor_id)


def _one_of(session, op, *args):
    {"erase": _erase, "demote": _demote}[op](session, *args)


def _erase_or_gone(session, request_id, actor_id):
    try:
        erasure.carry_out(session, request_id, actor_id=actor_id)
    except NotFound as e:
        raise DomainError(e.message) from None


def test_erasing_one_admin_while_the_other_loses_the_role_leaves_one_admin(db_url, session):
    admins = session.scalars(select(UserRole.user_id).where(UserRole.role == Role.ADMIN)).all()
    a = factories.member(session, email="ada@example.org", roles=("member", "admin"))
    b = factories.user(session, "bo@example.org", ("admin", "coordinator"))
    for user_id in admins:  # only these two are admins
        auth.set_roles(session, session.get(User, user_id), set(), actor_id=b.id)
    request = erasure.request_erasure(session, a, actor_id=a.user_id)
    results = run_parallel(db_url, _one_of, [("erase", request.id, b.id), ("demote", b.id, a.user_id)])
    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    session.rollback()
    assert session.scalar(select(func.count()).select_from(UserRole).where(UserRole.role == Role.ADMIN)) == 1


def test_one_erasure_carried_out_twice_at_once_is_done_once(db_url, session):
    m = factories.member(session, email="sam@example.org")
    coordinator = factories.coordinator(session)
    request = erasure.request_erasure(session, m, actor_id=m.user_id)
    results = run_parallel(db_url, _erase_or_gone, [(request.id, coordinator.id)] * 3)
    assert sorted(r[0] for r in results) == ["ok", "refused", "refused"], results
    assert all("No such request waiting" in msg for kind, msg in results if kind == "refused")
    session.rollback()
    done = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "erasure.carried_out")
    assert session.scalar(done) == 1


def _ask_erasure(session, member_id):
    member = session.get(Member, member_id)
    erasure.request_erasure(session, member, actor_id=member.user_id)


def test_asking_for_erasure_twice_at_once_makes_one_request(db_url, session):
    m = factories.member(session, email="sam@example.org")
    results = run_parallel(db_url, _ask_erasure, [(m.id,)] * 3)
    assert [r for r in results if r[0] != "ok"] == []
    session.rollback()
    requests = select(func.count()).select_from(ErasureRequest).where(ErasureRequest.member_id == m.id)
    assert session.scalar(requests) == 1


def _erase_or_claim(session, op, *args):
    if op == "erase":
        erasure.carry_out(session, args[0], actor_id=args[1])
    else:
        rota.claim(session, *args)


def test_erasure_while_the_member_claims_a_shift_leaves_them_holding_nothing(db_url, session):
    cleaning = factories.skill(session, "Cleaning")
    m = factories.member(session, email="sam@example.org", skills=[cleaning])
    shift = factories.shift(session, service_=factories.service(session, cleaning))
    coordinator = factories.coordinator(session)
    request = erasure.request_erasure(session, m, actor_id=m.user_id)
    results = run_parallel(
        db_url, _erase_or_claim, [("erase", request.id, coordinator.id), ("claim", m.id, shift.id)]
    )
    assert all(kind in ("ok", "refused") for kind, _ in results), results  # the claim may be refused
    session.rollback()
    assert session.scalar(select(ErasureRequest.status).where(ErasureRequest.id == request.id)) == "erased"
    held = select(func.count()).select_from(Assignment).where(Assignment.member_id == m.id, Assignment.held())
    assert session.scalar(held) == 0
    assert session.scalar(select(Shift.filled).where(Shift.id == shift.id)) == 0
