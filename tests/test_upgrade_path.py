"""An existing co-op upgrades in place: a database populated at the first migration's schema is
migrated all the way to head and keeps its rows (docs/DEPLOY.md, "Upgrading")."""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from coop.migrate import current_revision, head_revision, upgrade


def test_a_database_from_the_first_release_upgrades_to_head_with_its_rows(databases: Any):
    url = databases.create()
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"), poolclass=NullPool)
    try:
        # A fresh database from the template is at head: take it down to the first schema.
        from alembic import command

        from coop.migrate import alembic_config

        command.downgrade(alembic_config(url), "0001")
        assert current_revision(engine) == "0001"
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO user_account (email, password_hash, active, session_token, created_at) "
                    "VALUES ('first@coop.example', NULL, :t, 'tok', '2024-04-01 09:00:00')"
                ),
                {"t": True},
            )
            conn.execute(
                text("INSERT INTO skill (name, description) VALUES ('Gardening', 'Lawns and hedges')")
            )
        upgrade(url)
        assert current_revision(engine) == head_revision()
        with engine.connect() as conn:
            assert conn.execute(text("SELECT email FROM user_account")).scalars().all() == [
                "first@coop.example"
            ]
            assert conn.execute(text("SELECT name FROM skill")).scalars().all() == ["Gardening"]
    finally:
        engine.dispose()
        databases.drop(url)
