import re

from sqlalchemy import select

from coop.audit.models import AuditEntry
from coop.members.models import Member
from tests import factories


def test_member_edits_own_profile_and_can_pause(web, session):
    m = factories.member(session, name="Sam", email="sam@example.org")
    web.login("sam@example.org")
    page = web.get("/me").get_data(as_text=True)
    assert "never ask about your health" in page
    r = web.post(
        "/me",
        {"display_name": "  Sam   Okafor ", "pronouns": "they/them", "phone": "0770", "status": "paused"},
    )
    assert r.status_code == 302
    session.refresh(m)
    assert (m.display_name, m.pronouns, m.status) == ("Sam Okafor", "they/them", "paused")
    assert "taking a break" in web.get("/home").get_data(as_text=True)


def test_member_cannot_mark_themselves_as_left(web, session):
    m = factories.member(session, email="sam@example.org")
    web.login("sam@example.org")
    page = web.post("/me", {"display_name": "Sam", "status": "left"}).get_data(as_text=True)
    assert "Not a valid choice" in page
    session.refresh(m)
    assert m.status == "active"


def test_profile_has_no_health_fields(app):
    columns = {c.name for c in Member.__table__.columns}
    for word in ("health", "diagnosis", "condition", "benefit_type", "disability"):
        assert not any(word in c for c in columns)


def test_coordinator_sets_skills_and_status(web, session):
    factories.coordinator(session, "coord@example.org")
    garden = factories.skill(session, "Gardening")
    m = factories.member(session, name="Kofi")
    web.login("coord@example.org")
    r = web.post(f"/members/{m.id}", {"display_name": "Kofi", "status": "left", "skills": [str(garden.id)]})
    assert r.status_code == 302
    session.refresh(m)
    assert m.status == "left" and [s.name for s in m.skills] == ["Gardening"]
    listing = web.get("/members?status=left").get_data(as_text=True)
    assert "Kofi" in listing
    assert "Kofi" not in web.get("/members?status=active").get_data(as_text=True)


def test_unknown_member_is_404(web, session):
    factories.coordinator(session, "coord@example.org")
    web.login("coord@example.org")
    assert web.get("/members/999").status_code == 404


def test_skills_are_kept_by_coordinators_with_unique_names(web, session):
    factories.coordinator(session, "coord@example.org")
    web.login("coord@example.org")
    assert web.post("/skills", {"name": "Catering", "description": "Food"}).status_code == 302
    dup = web.post("/skills", {"name": "catering"}).get_data(as_text=True)
    assert "already a skill" in dup
    assert "Catering" in web.get("/skills").get_data(as_text=True)


def test_admin_changes_roles_and_it_is_audited(web, session):
    admin = factories.user(session, "admin@example.org", ("admin",))
    m = factories.member(session, email="sam@example.org")
    web.login("admin@example.org")
    r = web.post(f"/people/{m.user_id}/roles", {"roles": ["member", "coordinator"]})
    assert r.status_code == 302
    session.expire_all()
    entry = session.scalars(select(AuditEntry)).one()
    assert entry.actor_id == admin.id and entry.action == "roles.change"
    audit_page = web.get("/audit")
    assert audit_page.status_code == 200 and "Changed the roles of" in audit_page.get_data(as_text=True)


def test_audit_log_is_append_only_in_the_database(session):
    import pytest
    from sqlalchemy.exc import DatabaseError

    from coop.audit.service import record

    record(session, None, "invoice.reminder", ("invoice", "CW-1"))
    session.commit()
    entry = session.scalars(select(AuditEntry)).one()
    entry.action = "changed"
    with pytest.raises(DatabaseError):
        session.commit()
    session.rollback()
    session.delete(session.scalars(select(AuditEntry)).one())
    with pytest.raises(DatabaseError):
        session.commit()


def test_member_downloads_all_their_data_and_only_theirs(web, session):
    import json
    from datetime import timedelta

    from coop.limits import service as limits
    from coop.rota import service as rota

    skill = factories.skill(session, "Gardening")
    shift = factories.shift(
        session, service_=factories.service(session, skill, name="Gardening"), starts_in=timedelta(days=2)
    )
    me = factories.member(
        session, name="Sam Okafor", email="sam@example.org", skills=[skill], pronouns="they/them"
    )
    factories.member(session, name="Priya Shah", email="priya@example.org", skills=[skill])
    rota.claim(session, me.id, shift.id)
    limits.set_limit(session, me, limits.LimitData(19550, None), actor_id=me.user_id, by_coordinator=False)
    web.login("sam@example.org")
    assert "Download everything we hold about you" in web.get("/me").get_data(as_text=True)
    r = web.get("/me/data.json")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    data = json.loads(r.get_data(as_text=True))
    assert data["profile"]["display_name"] == "Sam Okafor" and data["profile"]["skills"] == ["Gardening"]
    assert data["account"]["email"] == "sam@example.org"
    assert [s["service"] for s in data["shifts"]] == ["Gardening"]
    assert data["earnings_limit"][0]["earnings_limit_pence"] == 19550
    assert "priya" not in r.get_data(as_text=True).lower()
    session.expire_all()
    assert session.scalars(select(AuditEntry.action)).all() == ["export.member_data"]


def test_the_member_list_goes_a_page_at_a_time(app, session, make_web):
    from coop.demo import generate as gen
    from coop.demo.service import DEMO_LOGINS

    gen.generate(session, gen.Spec(members=130, clients=1, weeks=5))
    web = make_web()
    assert web.login(dict(gen.logins())["coordinator"], DEMO_LOGINS["password"]).status_code == 302
    first = web.get("/members").get_data(as_text=True)
    assert "130 members, showing 1 to 100" in first and "Next page" in first
    second = web.get("/members?page=2").get_data(as_text=True)
    assert "showing 101 to 130" in second and "Previous page" in second and "Next page" not in second
    names = lambda page: set(re.findall(r'/members/\d+">([^<]+)</a>', page))  # noqa: E731
    assert len(names(first)) == 100 and len(names(second)) == 30 and not names(first) & names(second)
