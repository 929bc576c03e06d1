"""Proposals, votes, elections and sharing a surplus."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from coop.audit.models import AuditEntry
from coop.auth import service as auth
from coop.auth.models import User, UserRole
from coop.errors import DomainError
from coop.governance import service as governance
from coop.limits import service as limits
from coop.mail.models import OutboxMessage
from coop.timesheets import service as timesheets
from coop.timeutil import today_london, utcnow
from tests import factories
from tests.factories import hours, proposal, worked_shift
from tests.parallel import run_parallel


def test_vote_change_close_and_decisions_log(session):
    members = [factories.member(session) for _ in range(4)]
    p = proposal(session, members[0])
    assert (
        len(session.scalars(select(OutboxMessage).where(OutboxMessage.subject.like("New proposal%"))).all())
        == 4
    )
    governance.cast_vote(session, members[0], p.id, "against")
    governance.cast_vote(session, members[0], p.id, "for")  # changed, still one vote
    governance.cast_vote(session, members[1], p.id, "for")
    governance.cast_vote(session, members[2], p.id, "abstain")
    assert governance.tally(session, p.id) == {"for": 2, "against": 0, "abstain": 1}
    closed = governance.close_due(session, now=utcnow() + timedelta(days=4))
    assert [c.outcome for c in closed] == ["passed"] and closed[0].eligible_voters == 4
    with pytest.raises(DomainError, match="closed"):
        governance.cast_vote(session, members[3], p.id, "for")
    assert [d.id for d in governance.decisions(session)] == [p.id]


def test_no_quorum_is_not_decided(session):
    members = [factories.member(session) for _ in range(10)]
    p = proposal(session, members[0])
    governance.cast_vote(session, members[0], p.id, "for")  # 1 of 10 < 25%
    [closed] = governance.close_due(session, now=utcnow() + timedelta(days=4))
    assert closed.outcome == "not_decided" and "quorum" in closed.outcome_statement


def test_electing_a_coordinator_grants_the_role_and_is_audited(session):
    members = [factories.member(session) for _ in range(3)]
    p = proposal(session, members[0], kind="appoint_coordinator", subject_member_id=members[2].id)
    for m in members:
        governance.cast_vote(session, m, p.id, "for")
    governance.close_due(session, now=utcnow() + timedelta(days=4))
    session.refresh(members[2].user)
    assert "coordinator" in members[2].user.role_names
    assert session.scalars(select(AuditEntry.action)).all() == ["roles.elected"]


def _elect_or_appoint(sess, op, proposal_id, user_id, admin_id):
    if op == "close":
        governance.close(sess, proposal_id, now=utcnow() + timedelta(days=4))
    else:
        auth.set_roles(sess, sess.get(User, user_id), {"member", "coordinator"}, actor_id=admin_id)


def test_an_election_closing_while_an_admin_appoints_the_same_member_gives_one_role(db_url, session):
    members = [factories.member(session) for _ in range(3)]
    admin = factories.user(session, "admin@example.org", ("admin",))
    p = proposal(session, members[0], kind="appoint_coordinator", subject_member_id=members[2].id)
    for m in members:
        governance.cast_vote(session, m, p.id, "for")
    user_id = members[2].user_id
    results = run_parallel(
        db_url, _elect_or_appoint, [("close", p.id, user_id, admin.id), ("appoint", p.id, user_id, admin.id)]
    )
    assert [r for r in results if r[0] != "ok"] == []
    session.rollback()
    roles = session.scalars(select(UserRole.role).where(UserRole.user_id == user_id)).all()
    assert sorted(roles) == ["coordinator", "member"]


def test_parallel_votes_count_one_per_member(db_url, session):
    m = factories.member(session)
    p = proposal(session, m)
    results = run_parallel(
        db_url,
        lambda s, pid, mid: governance.cast_vote(s, s.get(type(m), mid), pid, "for"),
        [(p.id, m.id)] * 6,
    )
    assert [r for r in results if r[0] != "ok"] == []
    assert governance.tally(session, p.id)["for"] == 1


def test_voting_through_the_ui(web, session):
    author = factories.member(session, email="a@example.org")
    p = proposal(session, author)
    web.login("a@example.org")
    page = web.get(f"/proposals/{p.id}").get_data(as_text=True)
    assert "Buy a van" in page and "Your vote" in page
    web.post(f"/proposals/{p.id}", {"choice": "against"})
    assert "You voted <strong>against</strong>" in web.get(f"/proposals/{p.id}").get_data(as_text=True)
    factories.client(session, contact_email="c@client.example")
    web.logout()
    web.login("c@client.example")
    assert web.post(f"/proposals/{p.id}", {"choice": "for"}).status_code == 403


def test_surplus_is_shared_by_hours_exactly_and_paid_through_pay(session):
    members = [factories.member(session) for _ in range(3)]

    for m, h in zip(members, (1, 2, 4), strict=True):
        a, shift, _ = worked_shift(session, hours=h, member_=m, days_ago=2)
        e = timesheets.submit(session, a.id, hours(shift), actor_id=1)
        timesheets.approve(session, [e.id], actor_id=1)
    year = (utcnow() - timedelta(days=3)).year
    shares = governance.surplus_shares(session, 1000, year)
    assert sum(amount for _, amount in shares.values()) == 1000
    assert [shares[m.id][1] for m in members] == [143, 286, 571]
    p = proposal(session, members[0], kind="distribute_surplus", surplus_pence=1000, surplus_year=year)
    for m in members:
        governance.cast_vote(session, m, p.id, "for")
    governance.close_due(session, now=utcnow() + timedelta(days=4))
    # a member whose limit it would break can defer; another takes it into pay
    limits.set_limit(session, members[2], limits.LimitData(10, None), actor_id=1, by_coordinator=False)
    [share2] = governance.my_shares(session, members[2])
    with pytest.raises(DomainError, match="over your limit"):
        governance.take_share(session, members[2], share2.id, today=today_london())
    governance.defer_share(session, members[2], share2.id)
    [share0] = governance.my_shares(session, members[0])
    governance.take_share(session, members[0], share0.id, today=today_london())
    from coop.pay import service as pay

    today = today_london()
    run = pay.build_pay_run(
        session, today - timedelta(days=20), today - timedelta(days=1), actor_id=1, today=today
    )
    lines = [
        (st.member_id, line.kind, line.amount_pence)
        for st in run.statements
        for line in st.lines
        if line.kind == "adjustment"
    ]
    assert lines == [(members[0].id, "adjustment", 143)]
