"""invoice lines keep the exact minutes of work, so their arithmetic is visible

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('invoice_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('minutes', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(batch_op.f('ck_invoice_line_minutes_positive'), 'minutes IS NULL OR minutes > 0')


def downgrade() -> None:
    with op.batch_alter_table('invoice_line', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_invoice_line_minutes_positive'), type_='check')
        batch_op.drop_column('minutes')
