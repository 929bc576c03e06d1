"""the invoice list, newest first: an index in that order

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_invoice_newest', 'invoice', [sa.text('issue_date DESC'), sa.text('id DESC')])


def downgrade() -> None:
    op.drop_index('ix_invoice_newest', table_name='invoice')
