"""Entries written before audit events were declared: the upgrade takes a member's figures out
of them (migration 0023), and the log is still append-only afterwards."""

from __future__ import annotations

import json
from typing import Any

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.pool import NullPool

from coop.migrate import alembic_config, upgrade

OLD = [
    ("surplus.taken", "member", "3", {}, {"pay_days": 5, "pence": 81333}),
    ("pay.adjustment", "member", "3", {}, {"amount_pence": 9317, "reason": "Missed", "pay_on": "2026-04-06"}),
    ("expense.approved", "expense", "7", {}, {"amount_pence": 1250, "member_id": 3}),
    (
        "payrun.finalise",
        "pay_run",
        "2",
        {},
        {"period": "2026-03-01..2026-03-31", "statements": 1, "total_pence": 81333},
    ),
    (
        "invoice.payment",
        "invoice",
        "CW-1",
        {"balance_pence": 5000},
        {"balance_pence": 0, "amount_pence": 5000},
    ),
]


def test_the_upgrade_takes_members_figures_out_of_old_entries(databases: Any):
    url = databases.create()
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"), poolclass=NullPool)
    try:
        config = alembic_config(url)
        before_redaction = ScriptDirectory.from_config(config).get_revision("0023").down_revision
        command.downgrade(config, before_redaction)
        with engine.begin() as conn:
            for action, kind, key, before, after in OLD:
                conn.execute(
                    text(
                        "INSERT INTO audit_entry (at, action, object_type, object_id, before, after) "
                        "VALUES ('2026-04-01 09:00:00', :a, :k, :o, :b, :f)"
                    ),
                    {"a": action, "k": kind, "o": key, "b": json.dumps(before), "f": json.dumps(after)},
                )
        upgrade(url)
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT action, before, after FROM audit_entry ORDER BY id")).all()
        kept = {action: (json.loads(b), json.loads(a)) for action, b, a in rows}
        assert kept == {
            "surplus.taken": ({}, {}),
            "pay.adjustment": ({}, {}),
            "expense.approved": ({}, {"member_id": 3}),
            "payrun.finalise": ({}, {"period": "2026-03-01..2026-03-31", "statements": 1}),
            "invoice.payment": ({"balance_pence": 5000}, {"balance_pence": 0, "amount_pence": 5000}),
        }
        for statement in ("UPDATE audit_entry SET after = '{}'", "DELETE FROM audit_entry"):
            with pytest.raises(DatabaseError), engine.begin() as conn:
                conn.execute(text(statement))
    finally:
        engine.dispose()
        databases.drop(url)
