"""The impact report counts no figure about fewer than 5 people and names no one; members act on
opportunities and get help; leaving reasons are theirs to give."""

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from coop.errors import DomainError, NotFound
from coop.mail.models import OutboxMessage
from coop.members import service as members
from coop.onward import impact, opportunities
from coop.onward.models import OpportunityInterest
from coop.timeutil import today_london
from tests import factories
from tests.factories import approved_timesheet, period


@given(
    value=st.integers(min_value=0, max_value=10**9),
    people=st.integers(min_value=0, max_value=50),
    unit=st.sampled_from(["minutes", "pence", "count", "percent"]),
)
def test_a_figure_about_fewer_than_5_people_is_never_shown(value, people, unit):
    f = impact.Figure("k", "Label", value, people, unit)
    assert (f.text() == "fewer than 5") == (people < 5)


@pytest.mark.parametrize("n", [0, 4, 5])
def test_the_report_hides_small_groups_and_shows_the_rest(session, make_web, n):
    people = [factories.member(session, name=f"Person {i}") for i in range(n)]
    for p in people:
        approved_timesheet(session, p, hours=2)
    inv = factories.service(session, name="Panel", involvement=True)
    approved_timesheet(session, people[0] if people else factories.member(session), service_=inv, hours=1)
    rep = impact.report(session, *period())
    by_key = {now.key: now for now, _ in rep.figures}
    assert by_key["work_hours"].people == n
    for now, before in rep.figures:
        for f in (now, before):
            assert f.people >= 5 or f.text() == "fewer than 5"
    assert by_key["involvement_hours"].text() == "fewer than 5"  # one person
    if n >= 5:
        assert by_key["work_hours"].text() == f"{2 * n} hours"
        assert by_key["members_paid"].text() == str(n)
    factories.coordinator(session, "coord@example.org")
    web = make_web()
    web.login("coord@example.org")
    first, last = period()
    page = web.get(f"/impact?first={first}&last={last}").get_data(as_text=True)
    rows = list(
        csv.reader(io.StringIO(web.get(f"/impact.csv?first={first}&last={last}").get_data(as_text=True)))
    )
    for i in range(n):
        assert f"Person {i}" not in page
    work_row = next(r for r in rows if r and r[0] == "Hours of paid work")
    assert work_row[1] == ("fewer than 5" if n < 5 else f"{2 * n} hours")
    involvement_row = next(r for r in rows if r and r[0].startswith("Hours of paid involvement"))
    assert involvement_row[1] == "fewer than 5" and "1 hours" not in page
    pdf = web.get(f"/impact.pdf?first={first}&last={last}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_an_empty_or_bad_period_is_a_clear_page(session, make_web):
    factories.coordinator(session, "coord@example.org")
    web = make_web()
    web.login("coord@example.org")
    r = web.get("/impact?first=2001-01-01&last=2001-01-31")
    assert r.status_code == 200 and "No work, pay or skill-sharing was recorded" in r.get_data(as_text=True)
    r = web.get("/impact?first=2026-05-01&last=2026-04-01")
    assert r.status_code == 400 and "on or after the first" in r.get_data(as_text=True)
    r = web.get("/impact.csv?first=nonsense&last=2026-04-01")
    assert r.status_code == 400 and "Enter both days as dates" in r.get_data(as_text=True)
    assert web.get("/impact").status_code == 200  # the last full quarter by default


def test_moved_on_counts_only_what_members_chose_to_say_and_only_in_fives(session):
    factories.coordinator(session)
    leavers = [factories.member(session) for _ in range(5)]
    for m in leavers[:4]:
        opportunities.say_why_leaving(session, m, "job")
    with pytest.raises(DomainError):
        opportunities.say_why_leaving(session, leavers[4], "unhappy")
    for m in leavers:
        members.update_profile(
            session, m, display_name=m.display_name, pronouns="", phone="", status="left", allow_left=True
        )
    by_key = {now.key: now for now, _ in impact.report(session, *period()).figures}
    assert by_key["moved_on"].text() == "fewer than 5"  # 4 said, 1 did not
    opportunities.say_why_leaving(session, leavers[4], "study")
    by_key = {now.key: now for now, _ in impact.report(session, *period()).figures}
    assert by_key["moved_on"].text() == "5"
    told = session.scalars(select(OutboxMessage.subject).where(OutboxMessage.subject.like("%leaving%"))).all()
    assert len(told) == 5


def test_interest_notes_and_a_conversation_with_a_coordinator(session, make_web):
    from coop.directory.models import DirectoryEntry

    entry = DirectoryEntry(category="job", name="Library assistant", review_date=today_london())
    session.add(entry)
    session.commit()
    member = factories.member(session, email="sam@example.org")
    factories.coordinator(session, "coord@example.org")
    web = make_web()
    web.login("sam@example.org")
    page = web.get("/my/opportunities").get_data(as_text=True)
    assert "Library assistant" in page and "I'm interested" in page
    assert web.post(f"/opportunities/{entry.id}/interested", {}).status_code == 302
    assert web.post(f"/opportunities/{entry.id}/interested", {}).status_code == 302  # once only
    session.rollback()
    interest = session.scalars(select(OpportunityInterest)).one()
    web.post(f"/my/opportunities/{interest.id}", {"status": "applied", "note": "Sent my CV <b>today</b>"})
    web.post(f"/my/opportunities/{interest.id}/help", {"body": "Could someone read my cover letter?"})
    coord = make_web()
    coord.login("coord@example.org")
    page = coord.get("/opportunities/interest").get_data(as_text=True)
    assert "waiting for an answer" in page and "Could someone read my cover letter?" in page
    assert "Sent my CV &lt;b&gt;today&lt;/b&gt;" in page
    assert (
        coord.post(
            f"/opportunities/interest/{interest.id}/reply", {"body": "Yes, bring it Tuesday"}
        ).status_code
        == 302
    )
    assert "Yes, bring it Tuesday" in web.get("/my/opportunities").get_data(as_text=True)
    session.rollback()
    subjects = set(session.scalars(select(OutboxMessage.subject)))
    assert any("interested in Library assistant" in s for s in subjects)
    assert any("answered you" in s for s in subjects)
    other = factories.member(session)
    with pytest.raises(NotFound):
        opportunities.update(session, other, interest.id, status="started", note="")
    with pytest.raises(DomainError, match="2,000"):
        opportunities.ask_for_help(session, member, interest.id, "x" * 2001)
