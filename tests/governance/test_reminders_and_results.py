"""Members who have not voted are reminded once, the morning before the day a proposal closes (a
job run that day queued none before: the reminder waited for midnight); the
result reads once ("Passed: 3 for, ..."), not "Passed. Passed: ..."."""

from __future__ import annotations

from datetime import date, time, timedelta

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from coop.governance import service as governance
from coop.governance.proposals import reminder_due_at
from coop.mail.models import OutboxMessage
from coop.timeutil import london_to_utc, to_london
from tests import factories
from tests.factories import proposal
from tests.parallel import run_parallel


def _reminded(session):
    session.rollback()
    return sorted(
        session.scalars(
            select(OutboxMessage.to_address).where(OutboxMessage.subject.like("One day left to vote%"))
        )
    )


def test_non_voters_are_reminded_once_the_morning_before_the_closing_day(session):
    voter, _quiet, left = (
        factories.member(session, email=f"{n}@example.org") for n in ("voter", "quiet", "left")
    )
    left.status = "left"
    session.commit()
    p = proposal(session, voter)
    governance.cast_vote(session, voter, p.id, "for")
    # Voting closes at 23:59; the reminder is due at 9:00 the day before (39 hours earlier).
    assert governance.remind_non_voters(session, now=p.closes_at - timedelta(hours=40)) == 0
    assert governance.remind_non_voters(session, now=p.closes_at - timedelta(hours=30)) == 1
    assert _reminded(session) == ["quiet@example.org"]
    assert governance.remind_non_voters(session, now=p.closes_at - timedelta(hours=2)) == 0  # once
    body = session.scalars(
        select(OutboxMessage.body).where(OutboxMessage.to_address == "quiet@example.org")
    ).all()
    assert any(f"http://coop.test/proposals/{p.id}" in b for b in body)


@given(st.dates(min_value=date(2025, 1, 2), max_value=date(2035, 12, 31)))
def test_the_reminder_comes_the_morning_before_the_closing_day(closes_on):
    closes_at = london_to_utc(closes_on, time(23, 59))
    due = reminder_due_at(closes_at)
    assert to_london(due).date() == closes_on - timedelta(days=1) and to_london(due).time() == time(9)
    assert timedelta(hours=24) <= closes_at - due <= timedelta(hours=40)


def test_no_reminder_once_voting_has_ended(session):
    author = factories.member(session)
    factories.member(session)
    p = proposal(session, author)
    assert governance.remind_non_voters(session, now=p.closes_at + timedelta(minutes=1)) == 0


def _remind(s, when):
    governance.remind_non_voters(s, now=when)


def test_two_runs_at_once_send_one_set(db_url, session):
    author = factories.member(session)
    others = [factories.member(session) for _ in range(3)]
    p = proposal(session, author)
    when = p.closes_at - timedelta(hours=3)
    results = run_parallel(db_url, _remind, [(when,)] * 4)
    assert [r for r in results if r[0] != "ok"] == []
    assert len(_reminded(session)) == 1 + len(others)


def test_the_result_reads_once(session, make_web):
    members = [factories.member(session, email=f"m{i}@example.org") for i in range(3)]
    p = proposal(session, members[0])
    for m in members:
        governance.cast_vote(session, m, p.id, "for")
    governance.close_due(session, now=p.closes_at + timedelta(minutes=1))
    web = make_web()
    web.login("m0@example.org")
    page = web.get(f"/proposals/{p.id}").get_data(as_text=True)
    assert "<strong>Passed:</strong> 3 for, 0 against, 0 abstained." in page
    assert "Passed. Passed" not in page and page.count("Passed") == 1
