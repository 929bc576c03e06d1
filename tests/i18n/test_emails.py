"""Emails and pushes are written for the person who reads them, whoever sent them: a member who
reads the pseudo-language gets their reminder in it from an English run of the job and from an
English coordinator's request; an address with no account reads the co-op's language; a client's
billing address reads the client's language."""

from __future__ import annotations

from sqlalchemy import select

from coop.auth.service import tell_coordinators
from coop.db import write_transaction
from coop.i18n import Reading, reading
from coop.mail import readers
from coop.mail.models import OutboxMessage
from coop.notify import choices
from coop.notify import service as notify
from coop.rota import service as rota
from coop.settings import service as settings
from coop.timeutil import format_dt
from tests import factories
from tests.i18n.conftest import PSEUDO
from tests.notify.push_service import push_service
from tests.notify.test_push import _subscribe
from tests.rota.test_reminders import at, held_tomorrow


def _mail_to(session, address: str) -> list[OutboxMessage]:
    session.rollback()
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address)))


def _choose(session, user, language: str) -> None:
    user.language = language
    session.commit()


def test_a_shift_reminder_is_in_the_members_language_from_an_english_run(session):
    pseudo_member, _, _ = held_tomorrow(session, hour=10, reminder_hour=18)
    english_member, _, _ = held_tomorrow(session, hour=14, reminder_hour=18)
    _choose(session, pseudo_member.user, "en-XA")
    with reading(Reading("en")):  # the job run from the command line, in English
        assert rota.queue_shift_reminders(session, base_url="https://coop.test", now=at(19)) == 2
    [theirs] = _mail_to(session, pseudo_member.user.email)
    [plain] = _mail_to(session, english_member.user.email)
    assert PSEUDO in theirs.subject and PSEUDO in theirs.body
    assert PSEUDO not in plain.subject + plain.body
    assert "1 Site Road" in theirs.body  # what people typed is never rewritten


def test_an_english_coordinators_request_emails_the_member_in_their_language(session, make_web):
    skill = factories.skill(session)
    shift = factories.shift(session, service_=factories.service(session, skill, name="Cleaning"))
    asked = factories.member(session, name="Able Person", skills=[skill])
    _choose(session, asked.user, "en-XA")
    factories.coordinator(session, "coord@example.org")
    coordinator = make_web()
    coordinator.login("coord@example.org")
    page = coordinator.post(f"/shifts/{shift.id}/fill", {"member_id": str(asked.id)}, follow_redirects=True)
    assert PSEUDO not in page.get_data(as_text=True).split("<footer")[0]  # the coordinator's own page
    [email] = _mail_to(session, asked.user.email)
    assert PSEUDO in email.subject and PSEUDO in email.body
    assert "Cleaning" in email.subject  # the service's name is data


def test_each_coordinator_is_told_in_their_own_language(session):
    pseudo = factories.coordinator(session, "pseudo@example.org")
    factories.coordinator(session, "plain@example.org")
    _choose(session, pseudo, "en-XA")
    shift = factories.shift(session)
    tell_coordinators(session, "cover_needed", shift=shift, fmt=format_dt)
    session.commit()
    [theirs] = _mail_to(session, "pseudo@example.org")
    [plain] = _mail_to(session, "plain@example.org")
    assert PSEUDO in theirs.body and PSEUDO not in plain.body


def test_who_reads_an_address(session):
    member = factories.member(session, email="reader@example.org")
    _choose(session, member.user, "pl")
    keen = factories.client(session, billing_email="bills@polish.example", language="en-XA")
    factories.client(session, billing_email="bills@plain.example")
    assert readers.reader_of(session, "Reader@Example.org") == Reading("pl")
    assert readers.reader_of(session, "bills@polish.example") == Reading("en-XA")
    assert readers.reader_of(session, "bills@plain.example") == Reading("en")
    assert readers.reader_of(session, "stranger@example.org") == Reading("en")
    settings.set_value(session, "coop_language", "pl")
    session.commit()
    assert readers.reader_of(session, "stranger@example.org") == Reading("pl")
    assert readers.reader_of(session, "bills@plain.example") == Reading("pl")  # the co-op's, now Polish
    assert readers.client_reading(session, keen) == Reading("en-XA")  # its own stays
    member.user.easy_read = True
    session.commit()
    assert readers.reader_of(session, "reader@example.org").easy


def test_a_push_is_in_the_members_language(session):
    member = factories.member(session, email="pushed@example.org")
    _choose(session, member.user, "en-XA")
    choices.save(session, member.user_id, choices.Choices({"reminders": "push"}))
    shift = factories.shift(session)
    with push_service() as ps:
        _subscribe(session, member.user_id, ps, "phone")
        with reading(Reading("en")), write_transaction(session):
            notify.tell_member(session, member, "shift_reminder", shift=shift, contacts=[], my_shifts="")
    [push] = session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "push"))
    assert PSEUDO in push.subject
