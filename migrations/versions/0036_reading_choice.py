"""each person's language and whether they read Easy read; a client's invoice language

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-03
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0036'
down_revision: str | None = '0035'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Added in place (no table rebuild: accounts are referenced from everywhere).
    op.add_column('user_account', sa.Column('language', sa.String(length=8), nullable=False, server_default='en'))
    op.add_column('user_account', sa.Column('easy_read', sa.Boolean(), nullable=False, server_default=sa.false()))
    # NULL: the co-op's language (invoices, statements and reminders to the client)
    op.add_column('client', sa.Column('language', sa.String(length=8), nullable=True))


def downgrade() -> None:
    op.drop_column('client', 'language')
    op.drop_column('user_account', 'easy_read')
    op.drop_column('user_account', 'language')
