"""open shifts by start: a partial index of the shifts with a free place

At ten times the co-op, six weeks ahead hold some 60,000 shifts of which a fifth have a free
place; the open-shift lists (open shifts, home, the week grid's open row, offers) read them all
by start time and dropped the full ones one by one. This index holds only the shifts with a
free place, so they read just those.

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-03
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0037'
down_revision: str | None = '0036'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        'ix_shift_open_starts',
        'shift',
        ['starts_at'],
        postgresql_where=sa.text('filled < slots'),
        sqlite_where=sa.text('filled < slots'),
    )


def downgrade() -> None:
    op.drop_index('ix_shift_open_starts', table_name='shift')
