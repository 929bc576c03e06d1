"""Governance, skill sharing, paid involvement, surplus sharing and the directory."""

import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import select

from coop.audit.models import AuditEntry
from coop.caps import service as caps
from coop.errors import DomainError
from coop.governance import service as governance
from coop.governance.models import Proposal
from coop.mail.models import OutboxMessage
from coop.rota import service as rota
from coop.skillshare import service as skillshare
from coop.timesheets import service as timesheets
from coop.timeutil import today_london, utcnow
from tests import factories
from tests.parallel import run_parallel


def proposal(session, author, **kw):
    data = governance.ProposalData(
        title=kw.pop("title", "Buy a van"), text="Because", closes_on=today_london() + timedelta(days=3), **kw
    )
    return governance.create_proposal(session, author, data, today=today_london())


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


def test_skill_session_capacity_waiting_list_and_attendance(session):
    garden = factories.skill(session, "Gardening")
    teacher = factories.member(session, skills=[garden])
    learners = [factories.member(session) for _ in range(3)]
    starts = utcnow() + timedelta(days=2)
    s = skillshare.offer_session(
        session,
        teacher,
        skillshare.SessionData(garden.id, "Pruning", "", "Garden", starts, starts + timedelta(hours=2), 2),
    )
    statuses = [skillshare.sign_up(session, m, s.id).status for m in learners]
    assert statuses == ["booked", "booked", "waiting"]
    skillshare.cancel_sign_up(session, learners[0], s.id)
    session.refresh(s)
    assert s.booked == 2 and skillshare.my_sign_up(session, learners[2], s.id).status == "booked"
    s.starts_at = utcnow() - timedelta(minutes=5)
    session.commit()
    assert skillshare.mark_attendance(session, teacher, s.id, [learners[1].id], add_skill=True) == 1
    session.refresh(learners[1])
    assert garden in learners[1].skills and garden not in learners[2].skills
    with pytest.raises(Exception, match="No such session of yours"):
        skillshare.mark_attendance(session, learners[1], s.id, [], add_skill=False)


def test_parallel_sign_ups_never_overbook(db_url, session):
    garden = factories.skill(session, "Gardening")
    teacher = factories.member(session, skills=[garden])
    learners = [factories.member(session) for _ in range(8)]
    starts = utcnow() + timedelta(days=2)
    s = skillshare.offer_session(
        session,
        teacher,
        skillshare.SessionData(garden.id, "Pruning", "", "Garden", starts, starts + timedelta(hours=2), 3),
    )
    results = run_parallel(
        db_url,
        lambda sess, sid, mid: skillshare.sign_up(sess, sess.get(type(teacher), mid), sid),
        [(s.id, m.id) for m in learners],
    )
    assert [r for r in results if r[0] != "ok"] == []
    statuses = [su.status for su in skillshare.sign_ups(session, s.id)]
    assert statuses.count("booked") == 3 and statuses.count("waiting") == 5


def test_involvement_pay_can_be_reduced_or_declined_and_counts_for_caps(session):
    skill = factories.skill(session, "Interview panels")
    svc = factories.service(session, skill, name="Interview panel", pay=2000)
    svc.involvement = True
    session.commit()
    shift = factories.shift(session, service_=svc, hours=2, starts_in=timedelta(days=1))
    m = factories.member(session, skills=[skill])
    a = rota.claim(session, m.id, shift.id)
    rota.set_pay_choice(session, m.id, a.id, 0)
    caps.set_cap(
        session, m, caps.CapData(100_000, None, "monthly", 1), actor_id=m.user_id, by_coordinator=False
    )
    assert (
        caps.Planner.for_member(session, m)
        .totals(caps.Planner.for_member(session, m).period_of(shift.starts_at.date()))
        .pay_pence
        == 0
    )
    with pytest.raises(DomainError, match="between nothing and the full rate"):
        rota.set_pay_choice(session, m.id, a.id, 99_999)
    rota.set_pay_choice(session, m.id, a.id, 1000)
    shift.starts_at -= timedelta(days=3)
    shift.ends_at -= timedelta(days=3)
    session.commit()
    e = timesheets.submit(session, a.id, timesheets.Hours(shift.starts_at, shift.ends_at, 0), by_user_id=1)
    timesheets.approve(session, [e.id], by_user_id=1)
    session.refresh(e)
    assert (e.pay_rate_pence, e.pay_pence) == (1000, 2000)
    other = factories.shift(session, hours=2)
    b = rota.claim(session, factories.member(session, skills=[other.service.skill]).id, other.id)
    with pytest.raises(DomainError, match="Only involvement work"):
        rota.set_pay_choice(session, b.member_id, b.id, 0)


def test_surplus_is_shared_by_hours_exactly_and_paid_through_pay(session):
    members = [factories.member(session) for _ in range(3)]
    from tests.pay.test_timesheets_and_pay import hours, worked_shift

    for m, h in zip(members, (1, 2, 4), strict=True):
        a, shift, _ = worked_shift(session, hours=h, member=m, days_ago=2)
        e = timesheets.submit(session, a.id, hours(shift), by_user_id=1)
        timesheets.approve(session, [e.id], by_user_id=1)
    year = (utcnow() - timedelta(days=3)).year
    shares = governance.surplus_shares(session, 1000, year)
    assert sum(amount for _, amount in shares.values()) == 1000
    assert [shares[m.id][1] for m in members] == [143, 286, 571]
    p = proposal(session, members[0], kind="distribute_surplus", surplus_pence=1000, surplus_year=year)
    for m in members:
        governance.cast_vote(session, m, p.id, "for")
    governance.close_due(session, now=utcnow() + timedelta(days=4))
    # a member whose limit it would break can defer; another takes it into pay
    caps.set_cap(session, members[2], caps.CapData(10, None), actor_id=1, by_coordinator=False)
    [share2] = governance.my_shares(session, members[2])
    with pytest.raises(DomainError, match="over your limit"):
        governance.take_share(session, members[2], share2.id, today=today_london())
    governance.defer_share(session, members[2], share2.id)
    [share0] = governance.my_shares(session, members[0])
    governance.take_share(session, members[0], share0.id, today=today_london())
    from coop.pay import service as pay

    today = today_london()
    run = pay.build_pay_run(
        session, today - timedelta(days=20), today - timedelta(days=1), by_user_id=1, today=today
    )
    lines = [
        (st.member_id, line.kind, line.amount_pence)
        for st in run.statements
        for line in st.lines
        if line.kind == "adjustment"
    ]
    assert lines == [(members[0].id, "adjustment", 143)]


def test_directory_public_page_and_pdf(web, session):
    from coop.directory import service as directory

    factories.service(session, name="Office cleaning")
    today = today_london()
    directory.save_entry(
        session,
        directory.EntryData(
            "job_club",
            "Thursday Job Club",
            "CV help",
            "Drop in",
            "Thu 10-12",
            "Step-free",
            today + timedelta(days=30),
        ),
        today=today,
    )
    stale = directory.save_entry(
        session,
        directory.EntryData("advice", "Welfare Rights", "Benefits advice", "0800 000", "", "", today),
        today=today,
    )
    stale.review_date = today - timedelta(days=1)
    session.commit()
    page = web.get("/directory").get_data(as_text=True)
    assert "Office cleaning" in page and "Thursday Job Club" in page and "being checked" in page
    assert 'href="/directory"' in web.get("/").get_data(as_text=True)
    pdf = web.get("/directory.pdf")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf.data, capture_output=True, check=True
    ).stdout.decode()
    assert "Thursday Job Club" in text and "Office cleaning" in text and "Job clubs" in text
    with pytest.raises(DomainError, match="today or later"):
        directory.save_entry(
            session,
            directory.EntryData("advice", "X", "", "y", "", "", today - timedelta(days=2)),
            today=today,
        )
    assert session.scalars(select(Proposal)).all() == []


def test_paying_teaching_time_a_teacher_cannot_take_stores_nothing(web, session):
    """A refusal stores nothing: no booking, no visit, no email to the client."""
    from coop.bookings.models import Booking, Shift

    garden = factories.skill(session, "Gardening")
    teacher = factories.member(session, skills=[garden])
    starts = utcnow() + timedelta(days=2)
    s = skillshare.offer_session(
        session,
        teacher,
        skillshare.SessionData(garden.id, "Pruning", "", "Garden", starts, starts + timedelta(hours=2), 4),
    )
    other_skill = factories.service(session, factories.skill(session, "Plumbing"), name="Plumbing")
    garden_work = factories.service(session, garden, name="Garden work")
    client = factories.client(session, "Allotment Society")
    factories.coordinator(session, "coord@example.org")
    web.login("coord@example.org")
    page = web.post(
        f"/learning/{s.id}/pay",
        {"service_id": str(other_skill.id), "client_id": str(client.id)},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "does not have the skill this work needs" in page
    session.rollback()
    assert session.scalars(select(Booking)).all() == [] and session.scalars(select(Shift)).all() == []
    assert session.scalars(select(OutboxMessage)).all() == []
    # With a service the teacher can do: a booking, and the teacher asked to take it.
    web.post(f"/learning/{s.id}/pay", {"service_id": str(garden_work.id), "client_id": str(client.id)})
    session.rollback()
    session.expire_all()
    [booking] = session.scalars(select(Booking)).all()
    [asked] = rota.asked_of(session, teacher)
    assert asked.shift.booking_id == booking.id and skillshare.get_session(session, s.id).paid_shift_id
