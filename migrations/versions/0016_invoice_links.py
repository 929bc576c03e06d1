"""invoice links and email attachments

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from coop.db import UTCDateTime

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('outbox_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['outbox_message.id'], name=op.f('fk_outbox_attachment_message_id_outbox_message'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_attachment'))
    )
    with op.batch_alter_table('outbox_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_attachment_message_id'), ['message_id'], unique=False)

    op.create_table('invoice_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('token_sha256', sa.String(length=64), nullable=False),
    sa.Column('sent_to', sa.String(length=254), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('expires_at', UTCDateTime(), nullable=False),
    sa.Column('revoked_at', UTCDateTime(), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('last_opened_at', UTCDateTime(), nullable=True),
    sa.CheckConstraint('expires_at > created_at', name=op.f('ck_invoice_link_expires_after_made')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_invoice_link_invoice_id_invoice')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['user_account.id'], name=op.f('fk_invoice_link_revoked_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_link')),
    sa.UniqueConstraint('token_sha256', name=op.f('uq_invoice_link_token_sha256'))
    )
    with op.batch_alter_table('invoice_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_link_invoice_id'), ['invoice_id'], unique=False)

    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wants_einvoice', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_login_attempt_kind_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_login_attempt_kind_known'), "kind IN ('login', 'reset', 'link')")



def downgrade() -> None:
    op.execute("DELETE FROM login_attempt WHERE kind = 'link'")
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_login_attempt_kind_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_login_attempt_kind_known'), "kind IN ('login', 'reset')")

    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.drop_column('wants_einvoice')

    with op.batch_alter_table('invoice_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_link_invoice_id'))

    op.drop_table('invoice_link')
    with op.batch_alter_table('outbox_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_attachment_message_id'))

    op.drop_table('outbox_attachment')
