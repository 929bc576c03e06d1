"""unfilled places counted from the index alone (PostgreSQL)

The coordinator's home counts the unfilled places of this week and next with every page view.
At ten times the co-op that is 8,000 shifts with a free place, and PostgreSQL found them in
ix_shift_open_starts and then read each from the table for its status and places (1.3 ms a week).
The index now carries those columns and the service (a lead sees their businesses' only), so the
counts come from it alone (0.6 ms a week). SQLite's index is as it was.

Revision ID: 0044
Revises: 0043
Create Date: 2026-12-04
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0044'
down_revision: str | None = '0043'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CARRIED = ['status', 'slots', 'filled', 'service_id']


def _index(include: list[str]) -> None:
    op.drop_index('ix_shift_open_starts', table_name='shift')
    op.create_index(
        'ix_shift_open_starts',
        'shift',
        ['starts_at'],
        postgresql_where=sa.text('filled < slots'),
        postgresql_include=include,
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        _index(CARRIED)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        _index([])
