"""Members' voice: a discussion on each proposal, kind moderation, the outcome in words, and a
choice about proposal emails."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from coop.errors import DomainError, NotFound
from coop.governance import service as governance
from coop.governance.models import ProposalComment
from coop.mail.models import OutboxMessage
from coop.rota import service as rota
from coop.timeutil import format_dt, utcnow
from tests import factories
from tests.factories import proposal


def test_comment_edit_window_and_hiding(session):
    author, other = factories.member(session), factories.member(session)
    coordinator = factories.coordinator(session)
    p = proposal(session, author)
    c = governance.add_comment(session, other, p.id, "  I think <b>yes</b>\r\nbut ask the bakery  ")
    assert c.body == "I think <b>yes</b>\nbut ask the bakery"
    governance.edit_comment(
        session, other, c.id, "Yes, if the bakery agrees", now=c.created_at + timedelta(minutes=14)
    )
    assert c.body == "Yes, if the bakery agrees" and c.edited_at is not None
    with pytest.raises(DomainError, match="15 minutes"):
        governance.edit_comment(session, other, c.id, "later", now=c.created_at + timedelta(minutes=16))
    with pytest.raises(NotFound):  # not theirs: treated as not there
        governance.edit_comment(session, author, c.id, "mine now")
    with pytest.raises(DomainError, match="reason"):
        governance.hide_comment(session, c.id, "   ", actor_id=coordinator.id)
    assert c.hidden_at is None
    governance.hide_comment(session, c.id, "Names a client's staff member", actor_id=coordinator.id)
    session.refresh(c)
    assert c.hidden_at and c.hidden_reason == "Names a client's staff member"
    with pytest.raises(DomainError, match="hidden"):
        governance.edit_comment(session, other, c.id, "again", now=c.created_at)


def test_bad_comments_change_nothing(session):
    m = factories.member(session)
    p = proposal(session, m)
    for text, message in (("   ", "Write your comment"), ("x" * 100_000, "up to 4,000 characters")):
        with pytest.raises(DomainError, match=message):
            governance.add_comment(session, m, p.id, text)
    session.rollback()
    assert session.scalars(select(ProposalComment)).all() == []
    governance.close_due(session, now=utcnow() + timedelta(days=4))
    with pytest.raises(DomainError, match="closed"):
        governance.add_comment(session, m, p.id, "too late", now=utcnow() + timedelta(days=4))


def test_outcome_in_words_by_proposer_or_coordinator_only(session):
    author, other = factories.member(session), factories.member(session)
    coordinator = factories.coordinator(session)
    p = proposal(session, author)
    with pytest.raises(DomainError, match="not closed"):
        governance.record_decision(session, p.id, "We buy it", user_id=author.user_id, is_coordinator=False)
    governance.cast_vote(session, author, p.id, "for")
    governance.cast_vote(session, other, p.id, "for")
    governance.close_due(session, now=utcnow() + timedelta(days=4))
    with pytest.raises(DomainError, match="Only the member who raised it"):
        governance.record_decision(session, p.id, "No", user_id=other.user_id, is_coordinator=False)
    with pytest.raises(DomainError, match="2,000"):
        governance.record_decision(session, p.id, "x" * 2001, user_id=author.user_id, is_coordinator=False)
    governance.record_decision(
        session, p.id, "We buy a used van by March.", user_id=author.user_id, is_coordinator=False
    )
    governance.record_decision(
        session, p.id, "We buy a used van by April.", user_id=coordinator.id, is_coordinator=True
    )
    [logged] = governance.decisions(session)
    assert logged.decision_text == "We buy a used van by April." and logged.decision_by_id == coordinator.id


def test_decisions_log_shows_the_closing_time_set_not_when_the_job_ran(web, session):
    author = factories.member(session, email="a@example.org")
    p = proposal(session, author, title="Paint the office")
    set_close = p.closes_at
    governance.close_due(session, now=set_close + timedelta(days=9))  # the job ran late
    assert p.closed_at == set_close + timedelta(days=9)
    web.login("a@example.org")
    page = web.get("/decisions").get_data(as_text=True)
    assert "Paint the office" in page and "Not written yet." in page
    assert format_dt(set_close) in page
    assert format_dt(set_close + timedelta(days=9)) not in page


def test_proposal_emails_follow_the_members_choice(session):
    keen, quiet, chooser = (factories.member(session) for _ in range(3))
    # "quiet" asked for fewer emails (no shift reminders) and never chose: not emailed
    rota.save_preferences(
        session,
        quiet,
        preferred_hours_week=None,
        show_open_when_paused=False,
        daily_digest=False,
        reminder_hour=None,
    )
    governance.set_proposal_emails(session, chooser, False)
    assert governance.wants_proposal_emails(session, keen)
    assert not governance.wants_proposal_emails(session, quiet)
    proposal(session, keen)
    to = set(
        session.scalars(select(OutboxMessage.to_address).where(OutboxMessage.subject.like("New proposal%")))
    )
    assert to == {keen.user.email}
    governance.set_proposal_emails(session, quiet, True)
    governance.close_due(session, now=utcnow() + timedelta(days=4))
    to = set(session.scalars(select(OutboxMessage.to_address).where(OutboxMessage.subject.like("Decided:%"))))
    assert to == {keen.user.email, quiet.user.email}


def test_discussion_through_the_pages(make_web, session):
    author = factories.member(session, email="a@example.org")
    bm = factories.member(session, email="b@example.org")
    factories.coordinator(session, email="c@example.org")
    p = proposal(session, author)
    a, b, c = make_web(), make_web(), make_web()
    a.login("a@example.org"), b.login("b@example.org"), c.login("c@example.org")
    # markup is shown as text
    r = b.post(f"/proposals/{p.id}/comments", {"body": "<script>alert(1)</script> Good idea"})
    assert r.status_code == 302
    page = a.get(f"/proposals/{p.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Good idea" in page and "<script>alert" not in page
    # a 100,000 character comment: a clear message on the form, nothing saved
    r = b.post(f"/proposals/{p.id}/comments", {"body": "y" * 100_000})
    assert r.status_code == 200 and "up to 4,000 characters; this one is 100,000" in r.get_data(as_text=True)
    assert len(session.scalars(select(ProposalComment)).all()) == 1
    comment = session.scalars(select(ProposalComment)).one()
    assert "Change your comment" in b.get(f"/proposals/{p.id}").get_data(as_text=True)
    assert b.post(f"/comments/{comment.id}/edit", {"body": "Good idea, I'd vote for"}).status_code == 302
    assert a.get(f"/comments/{comment.id}/edit").status_code == 404  # not theirs
    assert a.post(f"/comments/{comment.id}/hide", {"reason": "x"}).status_code == 403  # not a coordinator
    r = c.post(f"/comments/{comment.id}/hide", {"reason": ""})
    assert r.status_code == 200 and "Say why it is hidden" in r.get_data(as_text=True)
    c.post(f"/comments/{comment.id}/hide", {"reason": "Off topic, please start a new proposal"})
    page = a.get(f"/proposals/{p.id}").get_data(as_text=True)
    assert "A coordinator hid this comment: Off topic, please start a new proposal" in page
    assert "vote for" not in page
    # voting closes; the proposer writes the outcome; the decisions log shows it
    a.post(f"/proposals/{p.id}", {"choice": "for"})
    b.post(f"/proposals/{p.id}", {"choice": "for"})
    governance.close_due(session, now=utcnow() + timedelta(days=4))
    assert b.post(f"/proposals/{p.id}/decision", {"text": "Mine"}).status_code == 403
    assert (
        a.post(f"/proposals/{p.id}/decision", {"text": "We will buy the van in spring."}).status_code == 302
    )
    assert "We will buy the van in spring." in c.get("/decisions").get_data(as_text=True)
    # the email choice
    assert b.post("/say/emails", {"wanted": "no"}).status_code == 302
    page = b.get("/say").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="no"', page), page[page.index("Emails about") :][:600]
    session.expire_all()
    assert not governance.wants_proposal_emails(session, bm)


def _choose(session, member_id, wanted):
    from coop.members.models import Member

    governance.set_proposal_emails(session, session.get(Member, member_id), wanted)


def test_saving_the_email_choice_twice_at_once_makes_one_row(db_url, session):
    from coop.rota.models import RotaPreferences
    from tests.parallel import run_parallel

    member = factories.member(session)
    results = run_parallel(db_url, _choose, [(member.id, False)] * 4)
    assert [status for status, _ in results] == ["ok"] * 4, results
    session.rollback()
    rows = session.scalars(select(RotaPreferences).where(RotaPreferences.member_id == member.id)).all()
    assert len(rows) == 1 and rows[0].proposal_emails is False
