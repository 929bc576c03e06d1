"""Push notifications end to end: chosen per kind, queued in the outbox, encrypted for the
browser (RFC 8291) and sent to a local push service that decrypts them; a gone browser is
forgotten; quiet hours hold them back; two senders at once send each one once."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from coop.db import write_transaction
from coop.errors import DomainError
from coop.mail import service as mail
from coop.mail.models import OutboxMessage
from coop.notify import choices
from coop.notify import service as notify
from coop.notify.keys import load_or_create
from coop.notify.models import PushSubscription
from coop.notify.sending import Sent, send_push_pending
from coop.notify.texts import TEXTS, lock_screen_safe, push_text
from coop.rota import service as rota
from coop.timesheets import service as timesheets
from coop.timeutil import LONDON, utcnow
from tests import factories
from tests.factories import fresh, hours, worked_shift
from tests.notify.push_service import b64, push_service
from tests.parallel import run_parallel

CONTACT = "mailto:co-op@coop.test"


def _subscribe(session, user_id, ps, name):
    browser = ps.browser(name)
    return choices.subscribe(
        session, user_id, ps.endpoint(name), browser.p256dh, b64(browser.auth), allow_http=True
    )


def _queried(session, member_choice: str):
    """A member who chose `member_choice` for answers, and a coordinator's question about their hours."""
    a, shift, m = worked_shift(session)
    choices.save(session, m.user_id, choices.Choices({"answers": member_choice}))
    entry = timesheets.submit(session, a.id, hours(shift), actor_id=m.user_id, member_id=m.id)
    return m, entry


def _emails_to(session, email):
    return session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == email, OutboxMessage.channel == "email")
    ).all()


def test_a_chosen_push_arrives_encrypted_with_its_words_and_its_page(session, tmp_path):
    m, entry = _queried(session, "push")
    keys = load_or_create(tmp_path)
    with push_service() as ps:
        _subscribe(session, m.user_id, ps, "phone")
        timesheets.query(session, entry.id, "Was there a break? Your pay depends on it.", actor_id=1)
        assert send_push_pending(session, keys, contact=CONTACT) == Sent(sent=1)
        assert send_push_pending(session, keys, contact=CONTACT) == Sent()  # never twice
    [got] = ps.received
    assert got.payload["title"] == "A question about your hours"
    assert got.payload["body"].startswith("Please check your hours for ")
    assert got.payload["url"] == "http://coop.test/timesheets"  # where the answer is given
    assert "pay" not in json.dumps(got.payload).lower()  # the coordinator's words stay in the app
    assert got.vapid_key == keys.public_key and got.ttl == "86400"
    fresh(session)
    assert _emails_to(session, m.user.email) == []  # push only, as chosen


def test_both_means_email_and_push_and_none_means_neither(session, tmp_path):
    m, entry = _queried(session, "both")
    with push_service() as ps:
        _subscribe(session, m.user_id, ps, "laptop")
        _subscribe(session, m.user_id, ps, "phone")
        timesheets.query(session, entry.id, "Check the end time", actor_id=1)
        assert send_push_pending(session, load_or_create(tmp_path), contact=CONTACT) == Sent(sent=2)
    assert sorted(r.browser for r in ps.received) == ["laptop", "phone"]
    assert len(_emails_to(session, m.user.email)) == 1
    quiet, entry2 = _queried(session, "none")
    timesheets.query(session, entry2.id, "Check the end time", actor_id=1)
    fresh(session)
    assert (
        session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == quiet.user.email)).all() == []
    )


def test_push_chosen_without_a_browser_sends_the_email(session):
    m, entry = _queried(session, "push")
    timesheets.query(session, entry.id, "Check the end time", actor_id=1)
    fresh(session)
    assert len(_emails_to(session, m.user.email)) == 1


def test_a_browser_the_push_service_says_is_gone_is_forgotten(session, tmp_path):
    m, entry = _queried(session, "push")
    with push_service() as ps:
        _subscribe(session, m.user_id, ps, "old")
        _subscribe(session, m.user_id, ps, "new")
        ps.gone.add("old")
        timesheets.query(session, entry.id, "Check the end time", actor_id=1)
        assert send_push_pending(session, load_or_create(tmp_path), contact=CONTACT) == Sent(sent=1, gone=1)
    assert [r.browser for r in ps.received] == ["new"]
    fresh(session)
    left = session.scalars(select(PushSubscription.endpoint)).all()
    assert left == [ps.endpoint("new")]
    assert (
        session.scalars(
            select(OutboxMessage).where(OutboxMessage.channel == "push", OutboxMessage.sent_at.is_(None))
        ).all()
        == []
    )


def test_coordinators_cover_alert_opens_the_fill_page(session, tmp_path):
    coordinator = factories.coordinator(session, "cover-coord@example.org")
    choices.save(session, coordinator.id, choices.Choices({"cover_alerts": "push"}))
    m, shift = factories.held_shift(session, email="dropper@example.org")
    shift.starts_at, shift.ends_at = utcnow() + timedelta(hours=3), utcnow() + timedelta(hours=6)
    session.commit()
    [assignment] = rota.my_shifts(session, m)
    with push_service() as ps:
        _subscribe(session, coordinator.id, ps, "coordinator")
        assert rota.drop(session, m.id, assignment.id).late
        send_push_pending(session, load_or_create(tmp_path), contact=CONTACT)
    [got] = ps.received
    assert got.payload["title"] == "Cover needed"
    assert got.payload["url"] == f"http://coop.test/shifts/{shift.id}/fill"


def test_quiet_hours_hold_push_back_until_they_end(session, tmp_path):
    m, entry = _queried(session, "push")
    now = utcnow().astimezone(LONDON)
    start, end = (now - timedelta(hours=1)).time(), (now + timedelta(hours=1)).time()
    choices.save(
        session,
        m.user_id,
        choices.Choices({}, start.replace(second=0, microsecond=0), end.replace(second=0, microsecond=0)),
    )
    keys = load_or_create(tmp_path)
    with push_service() as ps:
        _subscribe(session, m.user_id, ps, "phone")
        timesheets.query(session, entry.id, "Check the end time", actor_id=1)
        assert send_push_pending(session, keys, contact=CONTACT) == Sent()  # still quiet
        fresh(session)
        waiting = session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "push")).one()
        assert timedelta(minutes=55) < waiting.not_before - utcnow() <= timedelta(hours=1)
        waiting.not_before = utcnow() - timedelta(minutes=1)  # the quiet hours are over
        session.commit()
        assert send_push_pending(session, keys, contact=CONTACT) == Sent(sent=1)
    assert len(ps.received) == 1


def test_quiet_hours_over_midnight():
    quiet = SimpleNamespace(starts=time(21, 0), ends=time(8, 0))
    at = datetime(2026, 12, 3, 23, 30, tzinfo=LONDON)
    assert choices.quiet_until(quiet, at) == datetime(2026, 12, 4, 8, 0, tzinfo=LONDON)
    assert choices.quiet_until(quiet, at.replace(hour=7)) == datetime(2026, 12, 3, 8, 0, tzinfo=LONDON)
    assert choices.quiet_until(quiet, at.replace(hour=12)) is None


def test_no_push_text_carries_figures_names_or_health_words():
    """Every push text, made from the most revealing context there could be, is safe on a lock screen."""
    revealing = SimpleNamespace(
        id=7,
        # A fixed time whose digits are none of the figures looked for below.
        starts_at=datetime(2026, 3, 10, 14, 20, tzinfo=LONDON).astimezone(UTC),
        service=SimpleNamespace(name="Mental health peer support", pay_pence_per_hour=1500),
        client=SimpleNamespace(name="Crisis Benefits Advice"),
    )
    context = {
        "shift": revealing,
        "shifts": [revealing],
        "got": revealing,
        "gave": revealing,
        "theirs": revealing,
        "yours": revealing,
        "booking": revealing,
        "entry": SimpleNamespace(name="Health trainer course"),
        "proposer": "Sam",
        "taker": "Sam",
        "comment": "Your pay is £55 over your limit",
        "req": revealing,
        "offer_id": 7,
        "minutes": 30,
    }
    for template in TEXTS:
        text = push_text(template, context)
        assert text is not None
        words = f"{text.title} {text.body}"
        assert lock_screen_safe(words), template
        for private in ("Mental", "Crisis", "Benefit", "Health", "£", "55"):
            assert private not in words, (template, private)
        assert text.path.startswith("/")
    for unsafe in ("You earn £12.50", "over your limit", "your UC", "health check", "pay day", "ESA"):
        assert not lock_screen_safe(unsafe)


def test_subscriptions_accept_only_real_keys_and_https(session):
    m = factories.member(session)
    with push_service() as ps:
        browser = ps.browser("x")
        with pytest.raises(DomainError, match="push service address"):
            choices.subscribe(session, m.user_id, ps.endpoint("x"), browser.p256dh, b64(browser.auth))
        with pytest.raises(DomainError, match="encryption key"):
            choices.subscribe(session, m.user_id, "https://push.example/a", "bad", b64(browser.auth))
        with pytest.raises(DomainError, match="authentication key"):
            choices.subscribe(session, m.user_id, "https://push.example/a", browser.p256dh, b64(b"short"))
    # the same browser signed in by someone else now tells only them
    other = factories.member(session)
    choices.subscribe(session, m.user_id, "https://push.example/a", browser.p256dh, b64(browser.auth))
    choices.subscribe(session, other.user_id, "https://push.example/a", browser.p256dh, b64(browser.auth))
    fresh(session)
    assert session.scalars(select(PushSubscription.user_id)).all() == [other.user_id]


def test_the_vapid_key_is_made_once_and_kept_private(tmp_path):
    first = load_or_create(tmp_path / "push")
    assert load_or_create(tmp_path / "push").public_key == first.public_key
    path = tmp_path / "push" / "vapid_private.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def _send(session, folder: str) -> None:
    send_push_pending(session, load_or_create(Path(folder)), contact=CONTACT, batch=3)


def test_two_senders_at_once_send_each_notification_once(session, db_url, tmp_path):
    members = []
    with push_service() as ps:
        for i in range(3):
            m = factories.member(session, email=f"racer{i}@example.org")
            choices.save(session, m.user_id, choices.Choices({"reminders": "push"}))
            _subscribe(session, m.user_id, ps, f"phone{i}")
            members.append(m)
        shift = factories.shift(session)
        for _ in range(8):
            for m in members:
                with write_transaction(session):
                    notify.tell_member(
                        session,
                        session.merge(m),
                        "shift_reminder",
                        shift=session.merge(shift),
                        contacts=[],
                        my_shifts="",
                    )
        load_or_create(tmp_path)  # made once, before the senders start
        results = run_parallel(db_url, _send, [(str(tmp_path),), (str(tmp_path),)])
        assert results == [("ok", ""), ("ok", "")]
    tags = [r.payload["tag"] for r in ps.received]
    assert len(tags) == 24 and len(set(tags)) == 24
    fresh(session)
    assert (
        session.scalars(
            select(OutboxMessage).where(OutboxMessage.channel == "push", OutboxMessage.sent_at.is_(None))
        ).all()
        == []
    )


def test_the_email_sender_never_takes_a_push_row_nor_the_push_sender_an_email(session):
    m, entry = _queried(session, "both")
    with push_service() as ps:
        _subscribe(session, m.user_id, ps, "phone")
        timesheets.query(session, entry.id, "Check the end time", actor_id=1)
    emails = mail.claim_batch(session, 50, set())
    pushes = mail.claim_batch(session, 50, set(), channel="push")
    assert [e.channel for e in emails] == ["email"] and [p.channel for p in pushes] == ["push"]
    assert emails[0].to_address == pushes[0].to_address == m.user.email
