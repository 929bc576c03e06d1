"""the places a member holds, from an index alone

At ten times the co-op the week grid read its 25 members' every held place (5,500 in two years)
from the table and looked each shift up (30 ms). A partial index of the held places by member,
carrying the shift and what the grid reads, is read without the table and hash-joined to the
week's shifts (8 ms).

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-03
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0039'
down_revision: str | None = '0038'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        'ix_assignment_held_member',
        'assignment',
        ['member_id', 'shift_id'],
        postgresql_include=['id', 'chosen_pay_pence_per_hour'],
        sqlite_where=sa.text("status IN ('accepted', 'asked')"),
        postgresql_where=sa.text("status IN ('accepted', 'asked')"),
    )


def downgrade() -> None:
    op.drop_index('ix_assignment_held_member', table_name='assignment')
