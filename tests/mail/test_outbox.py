"""The outbox over a real SMTP server (aiosmtpd on a free port)."""

import email
import threading
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import select

from coop.cli import cli
from coop.mail import service as mail
from coop.mail.models import OutboxMessage
from tests.pg import free_port


class Collector:
    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.original_content, policy=default)
        with self.lock:
            self.messages.append((envelope.rcpt_tos, msg))
        return "250 OK"


@pytest.fixture
def smtp_server():
    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, handler
    controller.stop()


def settings_for(controller):
    return mail.SmtpSettings(host="127.0.0.1", port=controller.port, sender="Co-op Works <hello@coop.test>")


def test_queued_email_is_sent_once_over_smtp(session, smtp_server):
    controller, handler = smtp_server
    mail.queue(session, "sam@example.org", "password_reset", link="http://coop.test/reset/abc")
    session.commit()
    assert mail.send_pending(session, settings_for(controller)) == (1, 0)
    assert mail.send_pending(session, settings_for(controller)) == (0, 0)
    [(rcpt, msg)] = handler.messages
    assert rcpt == ["sam@example.org"]
    assert msg["Subject"] == "Set a new password for Co-op Works"
    assert msg["From"] == "Co-op Works <hello@coop.test>"
    assert "http://coop.test/reset/abc" in msg.get_content()
    row = session.scalars(select(OutboxMessage)).one()
    assert row.sent_at is not None and row.attempts == 1
    # Date and a Message-ID that stays the same for the message (a resend is the same email).
    from email.utils import parsedate_to_datetime

    assert abs((parsedate_to_datetime(msg["Date"]) - row.created_at).total_seconds()) < 1
    assert msg["Message-ID"] == f"<outbox-{row.id}-{int(row.created_at.timestamp())}@coop.test>"


def test_send_outbox_cli(app, session, smtp_server):
    controller, handler = smtp_server
    for i in range(3):
        mail.queue(session, f"p{i}@example.org", "password_reset", link=f"http://coop.test/r/{i}")
    session.commit()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port)
    result = CliRunner().invoke(cli, ["send-outbox"], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.output
    assert "Sent 3, failed 0." in result.output
    assert sorted(r[0][0] for r in handler.messages) == ["p0@example.org", "p1@example.org", "p2@example.org"]


def test_a_failed_send_is_kept_for_later(session, smtp_server):
    controller, _handler = smtp_server
    mail.queue(session, "a@example.org", "password_reset", link="x")
    session.commit()
    dead = mail.SmtpSettings(host="127.0.0.1", port=free_port())
    with pytest.raises(OSError):
        mail.send_pending(session, dead)
    session.expire_all()
    row = session.scalars(select(OutboxMessage)).one()
    assert row.sent_at is None
    # The claim is released once stale; a later run sends it.
    row.claimed_at = row.claimed_at - mail.STALE_CLAIM * 2
    session.commit()
    assert mail.send_pending(session, settings_for(controller)) == (1, 0)


def test_two_senders_at_once_send_each_message_exactly_once(app, smtp_server):
    controller, handler = smtp_server
    factory = app.extensions["coop_db"][1]
    with factory() as s:
        for i in range(40):
            mail.queue(s, f"p{i}@example.org", "password_reset", link=f"x{i}")
        s.commit()

    results = []

    def run():
        with factory() as s:
            results.append(mail.send_pending(s, settings_for(controller), batch=5))

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    recipients = [r[0][0] for r in handler.messages]
    assert len(recipients) == 40 and len(set(recipients)) == 40
    assert sum(sent for sent, _ in results) == 40
