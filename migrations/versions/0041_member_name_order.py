"""members in name order from an index

The week grid and the members list show members a page at a time by name
(`lower(display_name)`, then id). At ten times the co-op that sorted all 10,000 members for each
page (5-8 ms); an index on the same expression gives the first page from its first entries.

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-03
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0041'
down_revision: str | None = '0040'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_member_name_order', 'member', [sa.text('lower(display_name)'), 'id'])


def downgrade() -> None:
    op.drop_index('ix_member_name_order', table_name='member')
