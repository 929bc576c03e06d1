"""Many processes at once (separate app servers): the overdue reminder goes once, and the form's
limit of 5 an hour from one address holds."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from coop.enquiries import followup, service
from coop.enquiries.models import Enquiry
from coop.mail.models import OutboxMessage
from coop.timeutil import today_london, utcnow
from tests import factories
from tests.enquiries.helpers import data, link_for
from tests.parallel import run_parallel


def _remind(s):
    followup.remind_overdue(s, today_london())


def test_runs_of_the_reminder_job_at_once_email_coordinators_once(db_url, session):
    factories.coordinator(session, "coord@example.org")
    enquiry = service.receive(session, data(), ip="10.0.0.1", link_for=link_for)
    session.get(Enquiry, enquiry.id).created_at = utcnow() - timedelta(days=10)
    session.commit()
    results = run_parallel(db_url, _remind, [()] * 4)
    assert [r for r in results if r[0] != "ok"] == []
    session.rollback()
    sent = session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.to_address == "coord@example.org")
    )
    assert sent == 1


def _ask(s, n):
    service.receive(s, data(email=f"p{n}@example.org"), ip="10.0.0.9", link_for=link_for)


def test_the_limit_per_address_holds_when_enquiries_arrive_at_once(db_url, session):
    results = run_parallel(db_url, _ask, [(n,) for n in range(8)])
    assert sorted(r[0] for r in results) == ["ok"] * 5 + ["refused"] * 3
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Enquiry)) == 5
