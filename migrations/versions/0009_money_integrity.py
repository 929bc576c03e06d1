"""money integrity: frozen fingerprints, one draft pay run per period, payment reversals

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from coop.db import UTCDateTime

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_sha256', sa.String(length=64), nullable=False, server_default=''))
    with op.batch_alter_table('credit_note', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_sha256', sa.String(length=64), nullable=False, server_default=''))
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reversed_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('reversed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reversal_reason', sa.Text(), nullable=False, server_default=''))
        batch_op.create_foreign_key(
            batch_op.f('fk_payment_reversed_by_id_user_account'), 'user_account', ['reversed_by_id'], ['id']
        )
    with op.batch_alter_table('pay_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('frozen_sha256', sa.String(length=64), nullable=False, server_default=''))
        batch_op.create_index(
            'uq_pay_run_draft_period',
            ['period_start', 'period_end'],
            unique=True,
            sqlite_where=sa.text("status = 'draft'"),
            postgresql_where=sa.text("status = 'draft'"),
        )


def downgrade() -> None:
    with op.batch_alter_table('pay_run', schema=None) as batch_op:
        batch_op.drop_index('uq_pay_run_draft_period')
        batch_op.drop_column('frozen_sha256')
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_payment_reversed_by_id_user_account'), type_='foreignkey')
        batch_op.drop_column('reversal_reason')
        batch_op.drop_column('reversed_by_id')
        batch_op.drop_column('reversed_at')
    with op.batch_alter_table('credit_note', schema=None) as batch_op:
        batch_op.drop_column('content_sha256')
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_column('content_sha256')
