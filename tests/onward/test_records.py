"""A member's work record: built from what the co-op knows, shared with a code, checked by an
employer who sees only what was chosen, withdrawn at will."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from coop.errors import DomainError, NotFound
from coop.onward import service as records
from coop.onward.models import WorkRecord
from coop.settings import service as settings
from coop.timesheets.models import TimesheetEntry
from coop.timeutil import today_london, utcnow
from tests import factories
from tests.factories import approved_timesheet, shown


def member_with_history(session, email="sam@example.org"):
    member = factories.member(session, name="Sam Rivers", email=email)
    shop = factories.client(session, "Corner Bakery", sector="retail")
    trust = factories.client(session, "Riverside NHS Trust", sector="health")
    cleaning = factories.service(session, factories.skill(session, "Cleaning"), name="Office cleaning")
    panel = factories.service(
        session, factories.skill(session, "Interview panels"), name="Recruitment panel", involvement=True
    )
    approved_timesheet(session, member, service_=cleaning, client_=shop, hours=3)
    approved_timesheet(session, member, service_=cleaning, client_=shop, hours=2, days_ago=12)
    approved_timesheet(session, member, service_=panel, client_=trust, hours=2, days_ago=14)
    return member


def test_facts_come_from_approved_work_without_naming_clients(session):
    member = member_with_history(session)
    facts = {s.key: s.lines for s in records.facts(session, member)}
    year = (utcnow() - timedelta(days=12)).year
    assert (
        any(line.startswith(f"{year}: Office cleaning, 5 hours") for line in facts["work"]) or facts["work"]
    )
    assert sum(int(re.search(r"(\d+) hours", x).group(1)) for x in facts["work"]) == 5
    assert facts["kinds"] == ["Cleaning"]
    assert facts["sectors"] == ["Shops and retail"]  # the sector, never the client's name
    assert facts["involvement"] == ["Recruitment panel, 2 hours"]
    assert "Corner Bakery" not in str(facts) and "Riverside" not in str(facts)


def test_a_record_shows_only_what_was_chosen_and_how_the_coop_is_named(session, make_web):
    member = member_with_history(session)
    settings.set_value(session, "coop_name", "Mindful Minds Co-op", effective_from=today_london())
    settings.set_value(session, "coop_trading_name", "Anytown Works", effective_from=today_london())
    session.commit()
    rec = records.make_record(session, member, {"kinds", "sectors"}, name_as="neutral")
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}", rec.code)
    anon = make_web()
    page = anon.get(f"/verify/{rec.code}").get_data(as_text=True)
    assert "genuine" in page and "Sam Rivers" in page and "Anytown Works" in page
    assert "Cleaning" in page and "Shops and retail" in page
    for left_out in ("Mindful Minds", "Recruitment panel", "Office cleaning", "hours", "Member since"):
        assert left_out not in page, left_out
    # typed loosely (lower case, spaces, O for 0) it still opens
    loose = rec.code.lower().replace("-", " ").replace("0", "o")
    assert anon.get(f"/verify?code={loose}").status_code == 200


def test_figures_stay_as_they_were_when_made(session, make_web):
    member = member_with_history(session)
    rec = records.make_record(session, member, {"work"}, name_as="full")
    # the work is later reversed (say, approved by mistake and deleted)
    session.execute(TimesheetEntry.__table__.delete())
    session.commit()
    page = make_web().get(f"/verify/{rec.code}").get_data(as_text=True)
    assert "Office cleaning, 5 hours" in page and "as they were that day" in page


def test_withdrawn_expired_and_guessed_codes_reveal_nothing(session, make_web):
    member = member_with_history(session)
    rec = records.make_record(session, member, {"kinds"}, name_as="full")
    old = records.make_record(session, member, {"kinds"}, name_as="full", now=utcnow() - timedelta(days=400))
    anon = make_web()
    r = anon.get(f"/verify/{old.code}")
    assert (
        r.status_code == 410
        and "expired" in r.get_data(as_text=True)
        and "Sam" not in shown(r.get_data(as_text=True))
    )
    records.withdraw(session, member, rec.id)
    r = anon.get(f"/verify/{rec.code}")
    body = shown(r.get_data(as_text=True))
    assert r.status_code == 410 and "withdrawn" in body and "Sam" not in body and "Cleaning" not in body
    with pytest.raises(NotFound):
        records.withdraw(session, factories.member(session), rec.id)
    guesses = [anon.get(f"/verify/ABCD-EFGH-JKMN-{i:04d}").status_code for i in range(21)]
    assert guesses[:20] == [404] * 20 and guesses[20] == 429


def test_bad_choices_make_nothing(session):
    member = factories.member(session)
    with pytest.raises(DomainError, match="nothing yet"):
        records.make_record(session, member, {"work"}, name_as="full")
    with pytest.raises(DomainError, match="at least one"):
        records.make_record(session, member, set(), name_as="full")
    with pytest.raises(DomainError, match="named"):
        records.make_record(session, member, {"time"}, name_as="secret")
    assert session.scalars(select(WorkRecord)).all() == []


def test_a_reference_goes_on_only_once_the_member_approves(session, make_web):
    member = member_with_history(session, email="sam@example.org")
    coordinator = factories.coordinator(session, "coord@example.org")
    coord = make_web()
    coord.login("coord@example.org")
    r = coord.post(f"/members/{member.id}/reference", {"text": "x" * 2000})
    assert r.status_code == 200 and "1,500 characters" in r.get_data(as_text=True)
    assert (
        coord.post(f"/members/{member.id}/reference", {"text": "Sam is reliable and kind."}).status_code
        == 302
    )
    assert "reference" not in {s.key for s in records.facts(session, member) if s.lines}
    ref = records.references(session, member)[0]
    with pytest.raises(NotFound):
        records.decide_reference(session, factories.member(session), ref.id, approve=True)
    web = make_web()
    web.login("sam@example.org")
    page = web.get("/my/record").get_data(as_text=True)
    assert "Sam is reliable and kind." in page and "Approve it" in page
    assert web.post(f"/my/references/{ref.id}/approve", {}).status_code == 302
    session.rollback()
    assert [s.lines for s in records.facts(session, member) if s.key == "reference"] == [
        ["Sam is reliable and kind."]
    ]
    assert coordinator.id != member.user_id


def test_the_member_pages_build_download_and_withdraw(session, make_web):
    member_with_history(session, email="sam@example.org")
    web = make_web()
    web.login("sam@example.org")
    r = web.post("/my/record", {"sections": ["kinds", "work"], "name_as": "neutral"})
    assert r.status_code == 302
    rec = session.scalars(select(WorkRecord)).one()
    text = web.get(f"/my/records/{rec.id}.txt").get_data(as_text=True)
    assert "Sam Rivers" in text and rec.code in text and "/verify/" in text
    pdf = web.get(f"/my/records/{rec.id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    other = make_web()
    factories.member(session, email="other@example.org")
    other.login("other@example.org")
    assert other.get(f"/my/records/{rec.id}").status_code == 404
    assert other.post(f"/my/records/{rec.id}/withdraw", {}).status_code == 404
    assert web.post(f"/my/records/{rec.id}/withdraw", {}).status_code == 302
    assert "withdrawn" in make_web().get(f"/verify/{rec.code}").get_data(as_text=True)


def _approve(session, member_id, reference_id):
    from coop.members.models import Member

    records.decide_reference(session, session.get(Member, member_id), reference_id, approve=True)


def test_two_references_approved_at_once_leave_one_approved(db_url, session):
    from coop.onward.models import ReferenceStatement
    from tests.parallel import run_parallel

    member = factories.member(session)
    coordinator = factories.coordinator(session)
    refs = [
        records.propose_reference(session, member.id, f"Reference {i}", actor_id=coordinator.id)
        for i in range(3)
    ]
    results = run_parallel(db_url, _approve, [(member.id, r.id) for r in refs])
    assert [status for status, _ in results] == ["ok"] * 3, results
    session.rollback()
    statuses = session.scalars(
        select(ReferenceStatement.status).where(ReferenceStatement.member_id == member.id)
    )
    assert sorted(statuses) == ["approved", "declined", "declined"]
