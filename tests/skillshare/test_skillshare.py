"""Skill-share sessions: places, waiting lists, attendance and paid teaching time."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from coop.mail.models import OutboxMessage
from coop.members.models import Member
from coop.rota import service as rota
from coop.skillshare import service as skillshare
from coop.timeutil import utcnow
from tests import factories
from tests.parallel import run_parallel


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
    session.rollback()  # end the read that listed the learners, begun before the sign-ups
    statuses = [su.status for su in skillshare.sign_ups(session, s.id)]
    assert statuses.count("booked") == 3 and statuses.count("waiting") == 5


def _register(sess, session_id, teacher_id, attended):
    teacher = sess.get(Member, teacher_id)
    skillshare.mark_attendance(sess, teacher, session_id, attended, add_skill=True)


def test_the_register_saved_twice_at_once_adds_each_skill_once(db_url, session):
    garden = factories.skill(session, "Gardening")
    teacher = factories.member(session, skills=[garden])
    learners = [factories.member(session) for _ in range(3)]
    starts = utcnow() + timedelta(days=2)
    s = skillshare.offer_session(
        session,
        teacher,
        skillshare.SessionData(garden.id, "Pruning", "", "Garden", starts, starts + timedelta(hours=2), 3),
    )
    for m in learners:
        skillshare.sign_up(session, m, s.id)
    s.starts_at = utcnow() - timedelta(minutes=5)
    session.commit()
    came = [m.id for m in learners]
    results = run_parallel(db_url, _register, [(s.id, teacher.id, came)] * 3)
    assert [r for r in results if r[0] != "ok"] == []
    session.rollback()
    session.expire_all()
    for m in learners:
        assert [sk.id for sk in session.get(Member, m.id).skills] == [garden.id]


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
