"""bank statements: credit lines with a unique fingerprint, the payments each became, and each bank's CSV layout; clients may ask for a monthly statement by email

Revision ID: 0034
Revises: 0032
Create Date: 2026-12-03
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from coop.db import UTCDateTime

revision: str = '0034'
down_revision: str | None = '0032'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'bank_statement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('bank', sa.String(length=80), nullable=False),
        sa.Column('format', sa.String(length=10), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('file_sha256', sa.String(length=64), nullable=False),
        sa.Column('credit_lines', sa.Integer(), nullable=False),
        sa.Column('new_lines', sa.Integer(), nullable=False),
        sa.Column('uploaded_at', UTCDateTime(), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("format IN ('ofx', 'mt940', 'camt053', 'csv')", name=op.f('ck_bank_statement_format_known')),
        sa.CheckConstraint('new_lines >= 0 AND new_lines <= credit_lines', name=op.f('ck_bank_statement_counts')),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_bank_statement_uploaded_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_statement')),
    )
    op.create_table(
        'bank_line',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('statement_id', sa.Integer(), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('booked_on', sa.Date(), nullable=False),
        sa.Column('amount_pence', sa.Integer(), nullable=False),
        sa.Column('payer_name', sa.String(length=140), nullable=False),
        sa.Column('reference', sa.String(length=300), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('dealt_at', UTCDateTime(), nullable=True),
        sa.Column('dealt_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('amount_pence > 0', name=op.f('ck_bank_line_credit')),
        sa.CheckConstraint("status IN ('open', 'confirmed', 'set_aside')", name=op.f('ck_bank_line_status_known')),
        sa.CheckConstraint("(status = 'open') = (dealt_at IS NULL)", name=op.f('ck_bank_line_dealt_when_closed')),
        sa.ForeignKeyConstraint(['statement_id'], ['bank_statement.id'], name=op.f('fk_bank_line_statement_id_bank_statement')),
        sa.ForeignKeyConstraint(['dealt_by_id'], ['user_account.id'], name=op.f('fk_bank_line_dealt_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_line')),
        sa.UniqueConstraint('fingerprint', name=op.f('uq_bank_line_fingerprint')),
    )
    op.create_index(op.f('ix_bank_line_statement_id'), 'bank_line', ['statement_id'])
    op.create_index(op.f('ix_bank_line_status'), 'bank_line', ['status'])
    op.create_table(
        'bank_line_payment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('line_id', sa.Integer(), nullable=False),
        sa.Column('payment_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['line_id'], ['bank_line.id'], name=op.f('fk_bank_line_payment_line_id_bank_line')),
        sa.ForeignKeyConstraint(['payment_id'], ['payment.id'], name=op.f('fk_bank_line_payment_payment_id_payment')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_line_payment')),
        sa.UniqueConstraint('payment_id', name=op.f('uq_bank_line_payment_payment_id')),
    )
    op.create_index(op.f('ix_bank_line_payment_line_id'), 'bank_line_payment', ['line_id'])
    op.create_table(
        'bank_csv_layout',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('bank', sa.String(length=80), nullable=False),
        sa.Column('date_column', sa.String(length=80), nullable=False),
        sa.Column('amount_column', sa.String(length=80), nullable=False),
        sa.Column('reference_column', sa.String(length=80), nullable=False),
        sa.Column('payer_column', sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_csv_layout')),
        sa.UniqueConstraint('bank', name=op.f('uq_bank_csv_layout_bank')),
    )
    with op.batch_alter_table('client') as batch:
        batch.add_column(sa.Column('statement_by_email', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        'client_statement_sent',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('period_end', sa.Date(), nullable=False),
        sa.Column('sent_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint('period_end >= period_start', name=op.f('ck_client_statement_sent_period_order')),
        sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_client_statement_sent_client_id_client')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_client_statement_sent')),
        sa.UniqueConstraint('client_id', 'period_start', name=op.f('uq_client_statement_sent_client_id_period_start')),
    )


def downgrade() -> None:
    op.drop_table('client_statement_sent')
    with op.batch_alter_table('client') as batch:
        batch.drop_column('statement_by_email')
    op.drop_table('bank_csv_layout')
    op.drop_index(op.f('ix_bank_line_payment_line_id'), table_name='bank_line_payment')
    op.drop_table('bank_line_payment')
    op.drop_index(op.f('ix_bank_line_status'), table_name='bank_line')
    op.drop_index(op.f('ix_bank_line_statement_id'), table_name='bank_line')
    op.drop_table('bank_line')
    op.drop_table('bank_statement')
