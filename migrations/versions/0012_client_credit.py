"""a client's credit from an overpayment: applied to another invoice or refunded

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from coop.db import UTCDateTime

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'credit_use',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('from_invoice_id', sa.Integer(), nullable=False),
        sa.Column('to_invoice_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('amount_pence', sa.Integer(), nullable=False),
        sa.Column('reference', sa.String(length=100), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('amount_pence > 0', name=op.f('ck_credit_use_positive')),
        sa.CheckConstraint("kind IN ('applied', 'refunded')", name=op.f('ck_credit_use_kind_known')),
        sa.CheckConstraint(
            "(kind = 'applied') = (to_invoice_id IS NOT NULL)", name=op.f('ck_credit_use_applied_has_target')
        ),
        sa.CheckConstraint(
            'to_invoice_id IS NULL OR to_invoice_id != from_invoice_id', name=op.f('ck_credit_use_not_to_itself')
        ),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_credit_use_created_by_id_user_account')),
        sa.ForeignKeyConstraint(['from_invoice_id'], ['invoice.id'], name=op.f('fk_credit_use_from_invoice_id_invoice')),
        sa.ForeignKeyConstraint(['to_invoice_id'], ['invoice.id'], name=op.f('fk_credit_use_to_invoice_id_invoice')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_use')),
    )
    with op.batch_alter_table('credit_use', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_use_from_invoice_id'), ['from_invoice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_credit_use_to_invoice_id'), ['to_invoice_id'], unique=False)


def downgrade() -> None:
    op.drop_table('credit_use')
