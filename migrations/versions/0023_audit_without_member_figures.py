"""the audit log without members' own figures: entries written before events were declared
lose the fields now declared private (pay, corrections, shares, expenses, pay run totals)

The log is append-only and stays so: the guard is lifted only inside this migration's
transaction, for this one redaction, and put back before it commits. The figures themselves
are kept in each member's pay records, which erasure and the six-year rule reach.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-02
"""
import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0023'
down_revision: str | None = '0022'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here (not read from coop.audit.events): what was private when this ran.
PRIVATE = {
    'pay.adjustment': ('amount_pence', 'reason', 'pay_on'),
    'surplus.taken': ('pence', 'pay_days'),
    'expense.approved': ('amount_pence',),
    'expense.rejected': ('amount_pence',),
    'payrun.finalise': ('total_pence',),
}

SQLITE_GUARD = ('audit_entry_no_update', 'audit_entry_no_delete')


def _without(raw: str, fields: tuple[str, ...]) -> str:
    try:
        values = json.loads(raw or '{}')
    except ValueError:
        return '{}'
    if not isinstance(values, dict):
        return '{}'
    return json.dumps({k: v for k, v in values.items() if k not in fields}, sort_keys=True)


def upgrade() -> None:
    conn = op.get_bind()
    entry = sa.table('audit_entry', sa.column('id'), sa.column('action'), sa.column('before'), sa.column('after'))
    rows = conn.execute(
        sa.select(entry.c.id, entry.c.action, entry.c.before, entry.c.after).where(
            entry.c.action.in_(list(PRIVATE))
        )
    ).all()
    changes = []
    for id_, action, before, after in rows:
        fields = PRIVATE[action]
        new = (_without(before, fields), _without(after, fields))
        if new != (before, after):
            changes.append({'row': id_, 'b': new[0], 'a': new[1]})
    if not changes:
        return
    postgres = conn.dialect.name == 'postgresql'
    if postgres:
        op.execute('ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_no_change')
    else:
        sqlite_guard = {
            name: sql
            for name, sql in conn.execute(
                sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_entry'")
            )
        }
        for name in SQLITE_GUARD:
            op.execute(f'DROP TRIGGER {name}')
    conn.execute(
        sa.update(entry).where(entry.c.id == sa.bindparam('row')).values(
            before=sa.bindparam('b'), after=sa.bindparam('a')
        ),
        changes,
    )
    if postgres:
        op.execute('ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_no_change')
    else:
        for name in SQLITE_GUARD:
            op.execute(sqlite_guard[name])


def downgrade() -> None:
    # The figures are gone from the log on purpose; they are still in the members' pay records.
    pass
