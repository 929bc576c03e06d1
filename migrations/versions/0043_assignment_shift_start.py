"""an assignment carries its shift's start, kept true by the database

The week grid reads the places 25 members hold in a week. Without the shift's start on the
assignment, PostgreSQL at ten times the co-op read all 5,500 places those members held in two
years and all 18,000 shifts of the week to find the 50 that meet (6 ms). With it, an index on
(member, start) gives the 50 places directly.

The copy cannot go wrong. On PostgreSQL (shift_id, shift_starts_at) is a foreign key to the
shift's (id, starts_at) that follows a change of the start (ON UPDATE CASCADE). SQLite cannot add
a foreign key to a table without rebuilding it (and rebuilding one that others refer to would
run their ON DELETE actions), so there two triggers do the same: an insert or change with a start
that is not its shift's is refused, and a shift's new start is copied to its assignments.

Revision ID: 0043
Revises: 0042
Create Date: 2026-12-04
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from coop.db import UTCDateTime

revision: str = '0043'
down_revision: str | None = '0042'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_TRIGGERS = {
    'tr_assignment_shift_start_insert': """
        CREATE TRIGGER tr_assignment_shift_start_insert BEFORE INSERT ON assignment
        WHEN NEW.shift_starts_at IS NOT (SELECT starts_at FROM shift WHERE id = NEW.shift_id)
        BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: fk_assignment_shift_start'); END
    """,
    'tr_assignment_shift_start_update': """
        CREATE TRIGGER tr_assignment_shift_start_update
        BEFORE UPDATE OF shift_id, shift_starts_at ON assignment
        WHEN NEW.shift_starts_at IS NOT (SELECT starts_at FROM shift WHERE id = NEW.shift_id)
        BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: fk_assignment_shift_start'); END
    """,
    'tr_shift_start_to_assignments': """
        CREATE TRIGGER tr_shift_start_to_assignments AFTER UPDATE OF starts_at ON shift
        BEGIN UPDATE assignment SET shift_starts_at = NEW.starts_at WHERE shift_id = NEW.id; END
    """,
}


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    op.add_column(
        'assignment',
        sa.Column(
            'shift_starts_at',
            UTCDateTime(),
            # SQLite adds a NOT NULL column only with a default; the triggers refuse any row
            # whose value is not its shift's, so the default is never kept.
            nullable=not sqlite,
            server_default=sa.text("'1970-01-01 00:00:00.000000'") if sqlite else None,
        ),
    )
    op.execute(
        'UPDATE assignment SET shift_starts_at = '
        '(SELECT shift.starts_at FROM shift WHERE shift.id = assignment.shift_id)'
    )
    if sqlite:
        for ddl in SQLITE_TRIGGERS.values():
            op.execute(ddl)
    else:
        op.alter_column('assignment', 'shift_starts_at', nullable=False)
        op.create_unique_constraint('uq_shift_id_starts_at', 'shift', ['id', 'starts_at'])
        op.create_foreign_key(
            'fk_assignment_shift_start',
            'assignment',
            'shift',
            ['shift_id', 'shift_starts_at'],
            ['id', 'starts_at'],
            onupdate='CASCADE',
            ondelete='CASCADE',
        )
    op.create_index(
        'ix_assignment_member_starts',
        'assignment',
        ['member_id', 'shift_starts_at'],
        postgresql_include=['shift_id', 'status', 'chosen_pay_pence_per_hour'],
        postgresql_where=sa.text("status IN ('accepted', 'asked')"),
    )


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    op.drop_index('ix_assignment_member_starts', table_name='assignment')
    if sqlite:
        for name in SQLITE_TRIGGERS:
            op.execute(f'DROP TRIGGER {name}')
    else:
        op.drop_constraint('fk_assignment_shift_start', 'assignment', type_='foreignkey')
        op.drop_constraint('uq_shift_id_starts_at', 'shift', type_='unique')
    op.drop_column('assignment', 'shift_starts_at')
