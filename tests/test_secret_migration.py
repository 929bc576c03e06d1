"""Migration 0022 on a co-op that already has secrets in clear (issue 33, problem 4): calendar
feed tokens become their SHA-256 (and the old addresses keep working); sent emails lose their
links; unsent ones keep theirs until sent."""

from __future__ import annotations

from typing import Any

from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from coop.migrate import alembic_config, current_revision, head_revision, upgrade
from coop.secret_tokens import digest

LINK = "https://coop.example/invoice-link/OLDclearTOKENthatWasEmailed123456789abcdefgh"
RESET = "https://coop.example/reset/eyJ1IjoxfQ.abc.def"


def test_0022_hashes_clear_tokens_and_cuts_links_out_of_sent_emails(databases: Any):
    url = databases.create()
    engine = create_engine(url, poolclass=NullPool)
    try:
        command.downgrade(alembic_config(url), "0022-1")
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO client (id, name, address, billing_email, payment_terms_days,"
                    " invoice_grouping, confirms_work, wants_einvoice, sector, feed_token, active,"
                    " created_at)"
                    " VALUES (1, 'Bakery', '', 'b@x.example', 30, 'shift', :f, :f, 'other',"
                    " 'client-clear-token', :t, '2026-01-01 09:00:00')"
                ),
                {"t": True, "f": False},
            )
            conn.execute(
                text(
                    "INSERT INTO user_account (id, email, password_hash, active, session_token, created_at)"
                    " VALUES (1, 'sam@example.org', NULL, :t, 'tok', '2026-01-01 09:00:00')"
                ),
                {"t": True},
            )
            conn.execute(
                text(
                    "INSERT INTO member (id, user_id, display_name, pronouns, phone, status, created_at,"
                    " leaving_reason) VALUES (1, 1, 'Sam', '', '', 'active', '2026-01-01 09:00:00', '')"
                )
            )
            conn.execute(text("INSERT INTO member_feed (member_id, token) VALUES (1, 'member-clear-token')"))
            for i, (body, sent) in enumerate(
                [
                    (f"Your invoice: {LINK}\nThanks", "2026-01-02 09:00:00"),
                    (f"Set a password: {RESET}\n", None),
                    ("No link here, just hello.", "2026-01-02 09:00:00"),
                ]
            ):
                conn.execute(
                    text(
                        "INSERT INTO outbox_message (id, to_address, subject, body, created_at, sent_at,"
                        " attempts, last_error) VALUES (:i, 'x@example.org', 's', :b, '2026-01-01 09:00:00',"
                        " :s, 0, '')"
                    ),
                    {"i": i + 1, "b": body, "s": sent},
                )
        upgrade(url)
        assert current_revision(engine) == head_revision()
        with engine.connect() as conn:
            client_digest = conn.execute(text("SELECT feed_token_sha256 FROM client")).scalar_one()
            member_digest = conn.execute(text("SELECT token_sha256 FROM member_feed")).scalar_one()
            assert client_digest == digest("client-clear-token")
            assert member_digest == digest("member-clear-token")
            rows = conn.execute(text("SELECT id, body, secret_link FROM outbox_message ORDER BY id")).all()
        sent, unsent, plain = rows
        assert LINK not in sent.body and "OLDclear" not in sent.body and sent.secret_link is None
        assert sent.body.startswith("Your invoice: [the link is removed") and sent.body.endswith("\nThanks")
        assert unsent.secret_link == RESET and RESET in unsent.body  # still to send: kept until then
        assert plain.body == "No link here, just hello." and plain.secret_link is None
    finally:
        engine.dispose()
        databases.drop(url)
