"""Polish, the second language, end to end: a member who chooses it reads every page they can
reach, their shift reminder and their pay statement in Polish, with nothing missing from the
catalogue (a message without a translation would show in English)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from coop.auth.models import User
from coop.demo.service import DEMO_LOGINS
from coop.i18n import Reading, core, reading
from coop.mail.models import OutboxMessage
from coop.rota import service as rota
from tests import factories
from tests.conftest import signed_in
from tests.crawl import crawl
from tests.rota.test_reminders import at, held_tomorrow

POLISH = Reading("pl")


def polish(message: str) -> str:
    """The catalogue's Polish for an English message (failing if it has none)."""
    words = core.translations(POLISH).gettext(message)
    assert words != message, f"no Polish for {message!r}"
    return words


@pytest.fixture
def missing():
    """The messages a Polish reader was given in English, while the test runs."""
    found: set[str] = set()
    core.on_missing = lambda language, message: found.add(message) if language == "pl" else None
    try:
        yield found
    finally:
        core.on_missing = None


def test_every_page_a_member_reaches_is_in_polish(demo, make_web, missing):
    email = dict(DEMO_LOGINS["accounts"])["member"]
    demo.scalars(select(User).where(User.email == email)).one().language = "pl"
    demo.commit()
    web = signed_in(make_web, "member")
    pages = crawl(web, ["/home", "/directory"])
    assert len(pages) > 15
    assert 'lang="pl"' in pages["/home"] and polish("Open shifts") in pages["/home"]
    assert missing == set(), f"{len(missing)} messages a member reads have no Polish: {sorted(missing)[:20]}"


def test_a_member_who_reads_polish_gets_their_reminder_in_polish(session, missing):
    member, _, _ = held_tomorrow(session, hour=10, reminder_hour=18)
    member.user.language = "pl"
    session.commit()
    with reading(Reading("en")):  # the job, run in English from the command line
        assert rota.queue_shift_reminders(session, base_url="https://coop.test", now=at(19)) == 1
    session.rollback()
    [mail] = session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == member.user.email))
    assert polish("A reminder of your shift tomorrow:") in mail.body
    assert "A reminder of your shift tomorrow" not in mail.body and "Tomorrow:" not in mail.subject
    assert missing == set(), sorted(missing)


def test_a_member_who_reads_polish_gets_their_pay_statement_in_polish(session, make_web, missing):
    statement = factories.finalised_pay_statement(
        session, name="Ola Nowak", email="ola@example.org", language="pl"
    )
    web = make_web()
    web.login("ola@example.org")
    got = web.get(f"/my/pay/{statement.id}.pdf")
    assert got.status_code == 200
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(got.data)).pages)
    assert polish("Pay statement") in text and "Pay statement" not in text
    assert "Ola Nowak" in text
    assert missing == set(), sorted(missing)
