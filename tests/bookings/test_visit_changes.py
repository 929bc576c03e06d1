"""A client asks to change one visit; a coordinator accepts (the members on it are checked as
for a claim, and told) or declines; a client says how a visit went, beside the timesheet."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from coop.bookings import changes
from coop.bookings.models import Shift, VisitChangeRequest
from coop.errors import DomainError, NotFound
from coop.mail.models import OutboxMessage
from coop.rota import service as rota
from coop.rota.models import Assignment
from coop.rota.service import DoesNotFit
from coop.timesheets import service as timesheets
from coop.timeutil import to_london, utcnow
from tests import factories
from tests.factories import fresh, held_shift
from tests.parallel import run_parallel


def wanted_for(shift, *, extra_hours=0, slots=None, notes=None, days=0):
    now = changes.current(shift)
    end = (to_london(shift.ends_at) + timedelta(hours=extra_hours)).time()
    return changes.Wanted(
        now.day + timedelta(days=days),
        now.start_time,
        end,
        slots or now.slots,
        now.notes if notes is None else notes,
    )


def test_asking_replaces_an_earlier_question_and_checks_the_input(session):
    who = factories.coordinator(session).id
    shift = factories.shift(session)
    other = factories.client(session)
    with pytest.raises(NotFound):
        changes.ask_change(session, other.id, shift.id, wanted_for(shift, notes="x"), actor_id=who)
    with pytest.raises(DomainError, match="as it is now"):
        changes.ask_change(session, shift.client_id, shift.id, wanted_for(shift), actor_id=who)
    with pytest.raises(DomainError, match="still to come"):
        changes.ask_change(session, shift.client_id, shift.id, wanted_for(shift, days=-10), actor_id=who)
    with pytest.raises(DomainError, match="between 1 and 50"):
        changes.ask_change(session, shift.client_id, shift.id, wanted_for(shift, slots=99), actor_id=who)
    first = changes.ask_change(session, shift.client_id, shift.id, wanted_for(shift, slots=2), actor_id=who)
    second = changes.ask_change(session, shift.client_id, shift.id, wanted_for(shift, slots=3), actor_id=who)
    session.refresh(first)
    assert (first.status, second.status) == ("replaced", "pending")
    assert [r.id for r in changes.pending(session)] == [second.id]
    assert changes.latest_for_shifts(session, [shift.id])[shift.id].id == second.id


def test_a_visit_that_has_started_cannot_be_asked_about_and_a_pending_request_lapses(session):
    who = factories.coordinator(session).id
    shift = factories.shift(session, starts_in=timedelta(hours=2))
    req = changes.ask_change(session, shift.client_id, shift.id, wanted_for(shift, slots=2), actor_id=who)
    later = utcnow() + timedelta(hours=3)
    with pytest.raises(DomainError, match="has started"):
        changes.ask_change(
            session, shift.client_id, shift.id, wanted_for(shift, slots=3), actor_id=who, now=later
        )
    assert changes.pending(session, now=later) == []
    with pytest.raises(DomainError, match="not started"):
        changes.accept(session, req.id, actor_id=who, now=later)
    fresh(session)
    assert session.get(VisitChangeRequest, req.id).status == "pending" and shift.slots == 1


def test_accepting_checks_the_members_on_it_like_a_claim_and_tells_everyone(session):
    member, shift = held_shift(session)  # 3 h at £15 is £50.43 of a £55 weekly limit
    coordinator = factories.coordinator(session)
    req = changes.ask_change(
        session, shift.client_id, shift.id, wanted_for(shift, extra_hours=1), actor_id=coordinator.id
    )
    with pytest.raises(DoesNotFit) as refused:
        changes.accept(session, req.id, actor_id=coordinator.id)
    assert "55" not in refused.value.message
    fresh(session)
    assert session.get(VisitChangeRequest, req.id).status == "pending"
    assert to_london(shift.ends_at).time() != req.end_time  # nothing changed
    changes.accept(session, req.id, actor_id=coordinator.id, ask_members=True)
    fresh(session)
    assert session.get(VisitChangeRequest, req.id).status == "accepted"
    assert to_london(shift.ends_at).time() == req.end_time
    assert session.scalars(select(Assignment)).one().status == "asked"  # kept, theirs again on a yes
    to = set(session.scalars(select(OutboxMessage.to_address)))
    assert member.user.email in to and shift.client.billing_email in to
    with pytest.raises(DomainError, match="already been answered"):
        changes.decline(session, req.id, "too late", actor_id=coordinator.id)


def test_decline_needs_a_reason_the_client_reads(session):
    who = factories.coordinator(session).id
    shift = factories.shift(session)
    req = changes.ask_change(session, shift.client_id, shift.id, wanted_for(shift, slots=2), actor_id=who)
    with pytest.raises(DomainError, match="Say why"):
        changes.decline(session, req.id, "  ", actor_id=who)
    changes.decline(session, req.id, "Nobody free that early", actor_id=who)
    fresh(session)
    assert session.get(Shift, shift.id).slots == 1
    body = session.scalars(select(OutboxMessage.body).where(OutboxMessage.subject.like("Your visit%"))).one()
    assert "Nobody free that early" in body


def _answer(session, request_id, how, who):
    if how == "accept":
        changes.accept(session, request_id, actor_id=who)
    else:
        changes.decline(session, request_id, "No", actor_id=who)


def test_two_coordinators_answering_at_once_give_one_answer(db_url, session):
    who = factories.coordinator(session).id
    shift = factories.shift(session)
    req = changes.ask_change(session, shift.client_id, shift.id, wanted_for(shift, slots=4), actor_id=who)
    results = run_parallel(
        db_url, _answer, [(req.id, "accept", who), (req.id, "decline", who), (req.id, "accept", who)]
    )
    assert sorted(status for status, _ in results) == ["ok", "refused", "refused"], results
    fresh(session)
    final = session.get(VisitChangeRequest, req.id)
    assert final.status in ("accepted", "declined")
    assert session.get(Shift, shift.id).slots == (4 if final.status == "accepted" else 1)
    assert (
        len(session.scalars(select(OutboxMessage).where(OutboxMessage.subject.like("Your visit%"))).all())
        == 1
    )


def test_the_client_and_coordinator_pages(web, make_web, session):
    client = factories.client(session, "Corner Bakery", contact_email="pat@bakery.example")
    shift = factories.shift(session, client_=client)
    factories.coordinator(session, "coord@example.org")
    web.login("pat@bakery.example")
    page = web.get(f"/my/bookings/{shift.booking_id}").get_data(as_text=True)
    assert "Ask to change" in page
    now = changes.current(shift)
    form = {
        "day": now.day.isoformat(),
        "start_time": now.start_time.strftime("%H:%M"),
        "end_time": now.end_time.strftime("%H:%M"),
        "slots": "2",
        "notes": "<b>Side door</b>",
    }
    r = web.post(f"/my/visits/{shift.id}/change", {**form, "notes": "n" * 3000})
    assert r.status_code == 200 and "2,000 characters" in r.get_data(as_text=True)
    assert session.scalars(select(VisitChangeRequest)).all() == []
    assert web.post(f"/my/visits/{shift.id}/change", form).status_code == 302
    page = web.get(f"/my/bookings/{shift.booking_id}").get_data(as_text=True)
    assert "waiting for an answer" in page
    coord = make_web()
    coord.login("coord@example.org")
    page = coord.get("/bookings/changes").get_data(as_text=True)
    assert "Corner Bakery" in page and "&lt;b&gt;Side door&lt;/b&gt;" in page
    fresh(session)
    req = session.scalars(select(VisitChangeRequest)).one()
    r = coord.post(f"/bookings/changes/{req.id}/decline", {"reason": ""})
    assert r.status_code == 200 and "Say why" in r.get_data(as_text=True)
    assert coord.post(f"/bookings/changes/{req.id}/accept", {}).status_code == 302
    fresh(session)
    assert session.get(Shift, shift.id).slots == 2
    assert "Changed as you asked" in web.get(f"/my/bookings/{shift.booking_id}").get_data(as_text=True)
    # another client can neither see nor ask about this visit
    factories.client(session, "Riverside", contact_email="sam@river.example")
    other = make_web()
    other.login("sam@river.example")
    assert other.get(f"/my/visits/{shift.id}/change").status_code == 404
    assert other.post(f"/my/visits/{shift.id}/note", {"note": "hi"}).status_code == 404


def test_a_client_says_how_it_went_and_the_coordinator_sees_it_beside_the_timesheet(web, make_web, session):
    client = factories.client(session, "Corner Bakery", contact_email="pat@bakery.example")
    skill = factories.skill(session)
    svc = factories.service(session, skill)
    shift = factories.shift(session, client_=client, service_=svc, starts_in=timedelta(days=2))
    member = factories.member(session, skills=[skill])
    a = rota.claim(session, member.id, shift.id)
    web.login("pat@bakery.example")
    r = web.post(f"/my/visits/{shift.id}/note", {"note": "Lovely job"})
    assert r.status_code == 200 and "once it has started" in r.get_data(as_text=True)
    session.execute(
        Shift.__table__.update()
        .where(Shift.id == shift.id)
        .values(starts_at=utcnow() - timedelta(hours=4), ends_at=utcnow() - timedelta(hours=1))
    )
    session.commit()
    fresh(session)
    timesheets.submit(
        session,
        a.id,
        timesheets.Hours(shift.starts_at, shift.ends_at, 0),
        actor_id=member.user_id,
        member_id=member.id,
    )
    r = web.post(f"/my/visits/{shift.id}/note", {"note": "x" * 1001})
    assert "1,000 characters" in r.get_data(as_text=True)
    assert (
        web.post(f"/my/visits/{shift.id}/note", {"note": "The shop <i>shone</i>. Thank you!"}).status_code
        == 302
    )
    page = web.get("/my/visits").get_data(as_text=True)
    assert "Change what you said about how it went" in page and "Yes, these hours are right" in page
    factories.coordinator(session, "coord@example.org")
    coord = make_web()
    coord.login("coord@example.org")
    page = coord.get("/timesheets/review").get_data(as_text=True)
    assert "How it went, from the client: “The shop &lt;i&gt;shone&lt;/i&gt;. Thank you!”" in page
