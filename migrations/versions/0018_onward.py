"""onward: work records, references, opportunities

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-29
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from coop.db import UTCDateTime

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('opportunity_interest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.CheckConstraint("status IN ('interested', 'applied', 'started', 'finished', 'not_for_me')", name=op.f('ck_opportunity_interest_status_known')),
    sa.ForeignKeyConstraint(['entry_id'], ['directory_entry.id'], name=op.f('fk_opportunity_interest_entry_id_directory_entry')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_opportunity_interest_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opportunity_interest')),
    sa.UniqueConstraint('member_id', 'entry_id', name=op.f('uq_opportunity_interest_member_id_entry_id'))
    )
    with op.batch_alter_table('opportunity_interest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_opportunity_interest_member_id'), ['member_id'], unique=False)

    op.create_table('reference_statement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('written_by_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('decided_at', UTCDateTime(), nullable=True),
    sa.CheckConstraint("status IN ('waiting', 'approved', 'declined')", name=op.f('ck_reference_statement_status_known')),
    sa.CheckConstraint('length(text) BETWEEN 1 AND 1500', name=op.f('ck_reference_statement_text_length')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_reference_statement_member_id_member')),
    sa.ForeignKeyConstraint(['written_by_id'], ['user_account.id'], name=op.f('fk_reference_statement_written_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reference_statement'))
    )
    with op.batch_alter_table('reference_statement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reference_statement_member_id'), ['member_id'], unique=False)

    op.create_table('work_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=24), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('expires_at', UTCDateTime(), nullable=False),
    sa.Column('withdrawn_at', UTCDateTime(), nullable=True),
    sa.Column('person_name', sa.String(length=80), nullable=False),
    sa.Column('coop_name', sa.String(length=200), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.CheckConstraint('expires_at > created_at', name=op.f('ck_work_record_expires_after_made')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_work_record_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_record')),
    sa.UniqueConstraint('code', name=op.f('uq_work_record_code'))
    )
    with op.batch_alter_table('work_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_record_member_id'), ['member_id'], unique=False)

    op.create_table('help_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('interest_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('from_coordinator', sa.Boolean(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint('length(body) BETWEEN 1 AND 2000', name=op.f('ck_help_message_body_length')),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_help_message_author_id_user_account')),
    sa.ForeignKeyConstraint(['interest_id'], ['opportunity_interest.id'], name=op.f('fk_help_message_interest_id_opportunity_interest'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_help_message'))
    )
    with op.batch_alter_table('help_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_help_message_interest_id'), ['interest_id'], unique=False)

    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sector', sa.String(length=20), nullable=False, server_default='other'))
        batch_op.create_check_constraint(
            batch_op.f('ck_client_sector_known'),
            "sector IN ('retail', 'hospitality', 'charity', 'health', 'public', 'office', 'other')",
        )

    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('leaving_reason', sa.String(length=20), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('left_on', sa.Date(), nullable=True))

    with op.batch_alter_table('directory_entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_directory_entry_category_known'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_directory_entry_category_known'),
            "category IN ('course', 'volunteering', 'job_club', 'advice', 'job')",
        )
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_login_attempt_kind_known'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_login_attempt_kind_known'), "kind IN ('login', 'reset', 'link', 'verify')"
        )


def downgrade() -> None:
    op.execute("DELETE FROM login_attempt WHERE kind = 'verify'")
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_login_attempt_kind_known'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_login_attempt_kind_known'), "kind IN ('login', 'reset', 'link')"
        )
    op.execute("UPDATE directory_entry SET category = 'advice' WHERE category = 'job'")
    with op.batch_alter_table('directory_entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_directory_entry_category_known'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_directory_entry_category_known'),
            "category IN ('course', 'volunteering', 'job_club', 'advice')",
        )
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_column('left_on')
        batch_op.drop_column('leaving_reason')

    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_client_sector_known'), type_='check')
        batch_op.drop_column('sector')

    with op.batch_alter_table('help_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_help_message_interest_id'))

    op.drop_table('help_message')
    with op.batch_alter_table('work_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_record_member_id'))

    op.drop_table('work_record')
    with op.batch_alter_table('reference_statement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reference_statement_member_id'))

    op.drop_table('reference_statement')
    with op.batch_alter_table('opportunity_interest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opportunity_interest_member_id'))

    op.drop_table('opportunity_interest')
