"""several businesses under one co-op: trading names with their own services, invoice series,
leads and quote requests; everything that exists belongs to the first business

Revision ID: 0030
Revises: 0034
Create Date: 2026-12-03
"""
import json
from collections.abc import Sequence
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

from coop.db import UTCDateTime

revision: str = '0030'
down_revision: str | None = '0034'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _setting(connection: sa.Connection, key: str, default: str) -> str:
    """The value in force now (the latest effective date not after today), else the default."""
    raw = connection.execute(
        sa.text(
            "SELECT value FROM setting WHERE key = :key AND effective_from <= :today "
            "ORDER BY effective_from DESC LIMIT 1"
        ),
        {"key": key, "today": datetime.now(timezone.utc).date()},
    ).scalar()
    return str(json.loads(raw)) if raw is not None else default


def upgrade() -> None:
    op.create_table('business',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('contact_phone', sa.String(length=40), nullable=False),
    sa.Column('logo_path', sa.String(length=200), nullable=False),
    sa.Column('logo_type', sa.String(length=40), nullable=False),
    sa.Column('invoice_prefix', sa.String(length=12), nullable=False),
    sa.Column('series', sa.String(length=20), nullable=False),
    sa.Column('in_directory', sa.Boolean(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint("invoice_prefix <> ''", name=op.f('ck_business_prefix_given')),
    sa.ForeignKeyConstraint(['series'], ['number_sequence.name'], name=op.f('fk_business_series_number_sequence')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_business')),
    sa.UniqueConstraint('invoice_prefix', name=op.f('uq_business_invoice_prefix')),
    sa.UniqueConstraint('name', name=op.f('uq_business_name')),
    sa.UniqueConstraint('series', name=op.f('uq_business_series'))
    )
    op.create_table('business_lead',
    sa.Column('business_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['business_id'], ['business.id'], name=op.f('fk_business_lead_business_id_business'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_business_lead_user_id_user_account')),
    sa.PrimaryKeyConstraint('business_id', 'user_id', name=op.f('pk_business_lead'))
    )
    with op.batch_alter_table('business_lead', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_business_lead_user_id'), ['user_id'], unique=False)
    op.create_table('quote_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('business_id', sa.Integer(), nullable=False),
    sa.Column('organisation', sa.String(length=120), nullable=False),
    sa.Column('contact_name', sa.String(length=120), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('contact_phone', sa.String(length=40), nullable=False),
    sa.Column('need', sa.Text(), nullable=False),
    sa.Column('place', sa.Text(), nullable=False),
    sa.Column('timing', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('answered_at', UTCDateTime(), nullable=True),
    sa.CheckConstraint("status IN ('new', 'answered', 'client')", name=op.f('ck_quote_request_status_known')),
    sa.CheckConstraint("status <> 'client' OR client_id IS NOT NULL", name=op.f('ck_quote_request_client_named')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['user_account.id'], name=op.f('fk_quote_request_answered_by_id_user_account')),
    sa.ForeignKeyConstraint(['business_id'], ['business.id'], name=op.f('fk_quote_request_business_id_business')),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_quote_request_client_id_client')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quote_request'))
    )
    with op.batch_alter_table('quote_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quote_request_business_id'), ['business_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quote_request_created_at'), ['created_at'], unique=False)

    # The first business is the co-op itself, with today's invoice prefix and the existing
    # 'invoice' series, so every issued number stays and the series continues.
    connection = op.get_bind()
    prefix = _setting(connection, 'invoice_prefix', 'CW-')
    if not prefix or prefix[-1].isdigit():
        prefix = f'{prefix}-'
    connection.execute(
        sa.text(
            "INSERT INTO number_sequence (name, next_number) SELECT 'invoice', 1 "
            "WHERE NOT EXISTS (SELECT 1 FROM number_sequence WHERE name = 'invoice')"
        )
    )
    connection.execute(
        sa.text(
            "INSERT INTO business (name, description, contact_email, contact_phone, logo_path, logo_type, "
            "invoice_prefix, series, in_directory, created_at) VALUES (:name, '', :email, '', '', '', "
            ":prefix, 'invoice', :yes, :now)"
        ),
        {
            'name': _setting(connection, 'coop_name', 'Co-op Works')[:80],
            'email': _setting(connection, 'coop_email', '')[:254],
            'prefix': prefix[:12],
            'yes': True,
            'now': datetime.now(timezone.utc).replace(tzinfo=None),
        },
    )
    first = connection.execute(sa.text('SELECT min(id) FROM business')).scalar()

    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.add_column(sa.Column('business_id', sa.Integer(), nullable=True))
    connection.execute(sa.text('UPDATE service SET business_id = :b'), {'b': first})
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.alter_column('business_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_service_business_id'), ['business_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_service_business_id_business'), 'business', ['business_id'], ['id'])

    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('business_id', sa.Integer(), nullable=True))
    connection.execute(sa.text('UPDATE invoice SET business_id = :b'), {'b': first})
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.alter_column('business_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(batch_op.f('uq_invoice_sequence_number'), type_='unique')
        batch_op.create_unique_constraint(
            batch_op.f('uq_invoice_business_id_sequence_number'), ['business_id', 'sequence_number']
        )
        batch_op.create_index(batch_op.f('ix_invoice_business_id'), ['business_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_invoice_business_id_business'), 'business', ['business_id'], ['id'])
    # Quote requests from the public pages are rate limited like the other public forms.
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_login_attempt_kind_known'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_login_attempt_kind_known'),
            "kind IN ('login', 'reset', 'link', 'verify', 'enquiry', 'quote')",
        )
    if connection.dialect.name == 'sqlite':
        # SQLite's batch copy cannot read an index on expressions back, so it is made again.
        op.execute('DROP INDEX IF EXISTS ix_invoice_newest')
        op.create_index('ix_invoice_newest', 'invoice', [sa.text('issue_date DESC'), sa.text('id DESC')])


def downgrade() -> None:
    connection = op.get_bind()
    if connection.execute(sa.text('SELECT count(*) FROM business')).scalar() > 1:
        raise RuntimeError('More than one business: their invoice series cannot be merged back into one.')
    connection.execute(sa.text("DELETE FROM login_attempt WHERE kind = 'quote'"))
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_login_attempt_kind_known'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_login_attempt_kind_known'), "kind IN ('login', 'reset', 'link', 'verify', 'enquiry')"
        )
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_invoice_business_id_business'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_invoice_business_id'))
        batch_op.drop_constraint(batch_op.f('uq_invoice_business_id_sequence_number'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_invoice_sequence_number'), ['sequence_number'])
        batch_op.drop_column('business_id')
    if connection.dialect.name == 'sqlite':
        op.execute('DROP INDEX IF EXISTS ix_invoice_newest')
        op.create_index('ix_invoice_newest', 'invoice', [sa.text('issue_date DESC'), sa.text('id DESC')])
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_service_business_id_business'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_service_business_id'))
        batch_op.drop_column('business_id')
    op.drop_table('quote_request')
    op.drop_table('business_lead')
    op.drop_table('business')
