"""A member's pay in the words they read: the statement in their own language, whoever downloads
it, and each line worded for the reader from what it pays for."""

from datetime import timedelta

from sqlalchemy import update

from coop.auth.models import User
from coop.i18n import Reading, reading
from coop.pay import service as pay
from coop.pay.mine import line_words
from coop.timesheets import service as timesheets
from coop.timeutil import today_london
from tests import factories
from tests.factories import hours, worked_shift


def _draft_run(session):
    a, shift, m = worked_shift(session, pay_rate=1500, hours=2, days_ago=3)
    entry = timesheets.submit(session, a.id, hours(shift), actor_id=1)
    timesheets.approve(session, [entry.id], actor_id=1)
    today = today_london()
    run = pay.build_pay_run(
        session, today - timedelta(days=10), today - timedelta(days=1), actor_id=1, today=today
    )
    return run, m


def test_lines_read_as_stored_in_english_and_in_the_readers_own_words(session):
    run, _m = _draft_run(session)
    [st] = run.statements
    assert line_words(session, st.lines) == {line.id: line.description for line in st.lines}
    with reading(Reading("en-XA")):
        words = line_words(session, st.lines)
    [holiday] = [line for line in st.lines if line.kind == "holiday"]
    assert words[holiday.id].startswith("⟦Ĥółíđáý ƥáý: ")
    [work] = [line for line in st.lines if line.kind == "work"]
    assert words[work.id] != work.description  # its day is written for the reader too


def test_the_statement_is_in_the_members_language_whoever_downloads_it(web, session, monkeypatch):
    factories.coordinator(session, "coord@example.org")
    run, m = _draft_run(session)
    [st] = run.statements
    session.execute(update(User).where(User.id == m.user_id).values(language="en-XA"))
    session.commit()
    made: list[str] = []
    monkeypatch.setattr("coop.pay.views.html_to_pdf", lambda html: made.append(html) or b"%PDF-1.4\n")
    web.login("coord@example.org")
    assert web.get(f"/pay/statements/{st.id}.pdf").status_code == 200
    assert "⟦Ƥáý šţáţéɱéñţ" in made[0] and "Pay statement" not in made[0]
    # the coordinator's own page stays in their words
    assert "Pay run:" in web.get(f"/pay/runs/{run.id}").get_data(as_text=True)
