"""enquiries: people interested in working with the co-op, their follow-up, a tally by source;
a service can be the helpline; enquiries count towards the form's rate limit

Revision ID: 0031
Revises: 0027
Create Date: 2026-12-03
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from coop.db import UTCDateTime

revision: str = '0031'
down_revision: str | None = '0027'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SOURCES = "('gp', 'ward', 'day_centre', 'college', 'friend', 'member', 'other')"


def upgrade() -> None:
    op.create_table('enquiry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('channel', sa.String(length=5), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('good_time', sa.String(length=200), nullable=False),
    sa.Column('work_interests', sa.Text(), nullable=False),
    sa.Column('would_help', sa.Text(), nullable=False),
    sa.Column('heard_from', sa.String(length=12), nullable=False),
    sa.Column('taken_by_id', sa.Integer(), nullable=True),
    sa.Column('assigned_to_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('contacted_at', UTCDateTime(), nullable=True),
    sa.Column('ended_at', UTCDateTime(), nullable=True),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('reminded_at', UTCDateTime(), nullable=True),
    sa.Column('forget_digest', sa.String(length=64), nullable=True),
    sa.CheckConstraint("channel IN ('web', 'phone')", name=op.f('ck_enquiry_channel_known')),
    sa.CheckConstraint(f"heard_from IN {SOURCES}", name=op.f('ck_enquiry_heard_from_known')),
    sa.CheckConstraint(
        "status IN ('new', 'contacted', 'invited', 'pointed', 'closed')", name=op.f('ck_enquiry_status_known')
    ),
    sa.CheckConstraint("email <> '' OR phone <> ''", name=op.f('ck_enquiry_has_contact')),
    sa.CheckConstraint("length(name) BETWEEN 1 AND 80", name=op.f('ck_enquiry_name_length')),
    sa.CheckConstraint("channel = 'web' OR taken_by_id IS NOT NULL", name=op.f('ck_enquiry_call_taken_by')),
    sa.CheckConstraint("status <> 'invited' OR member_id IS NOT NULL", name=op.f('ck_enquiry_invited_member')),
    sa.CheckConstraint("status <> 'pointed' OR ended_at IS NOT NULL", name=op.f('ck_enquiry_pointed_ended')),
    sa.ForeignKeyConstraint(['taken_by_id'], ['user_account.id'], name=op.f('fk_enquiry_taken_by_id_user_account')),
    sa.ForeignKeyConstraint(['assigned_to_id'], ['user_account.id'], name=op.f('fk_enquiry_assigned_to_id_user_account')),
    sa.ForeignKeyConstraint(['entry_id'], ['directory_entry.id'], name=op.f('fk_enquiry_entry_id_directory_entry'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_enquiry_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enquiry')),
    sa.UniqueConstraint('forget_digest', name=op.f('uq_enquiry_forget_digest')),
    )
    with op.batch_alter_table('enquiry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enquiry_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_enquiry_taken_by_id'), ['taken_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enquiry_assigned_to_id'), ['assigned_to_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enquiry_member_id'), ['member_id'], unique=False)

    op.create_table('enquiry_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enquiry_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint(
        "kind IN ('call', 'note', 'assigned', 'contacted', 'invited', 'pointed', 'closed')",
        name=op.f('ck_enquiry_note_kind_known'),
    ),
    sa.CheckConstraint("length(body) <= 2000", name=op.f('ck_enquiry_note_body_length')),
    sa.ForeignKeyConstraint(['enquiry_id'], ['enquiry.id'], name=op.f('fk_enquiry_note_enquiry_id_enquiry'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_enquiry_note_author_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enquiry_note')),
    )
    with op.batch_alter_table('enquiry_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enquiry_note_enquiry_id'), ['enquiry_id'], unique=False)

    op.create_table('enquiry_tally',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('heard_from', sa.String(length=12), nullable=False),
    sa.Column('enquiries', sa.Integer(), nullable=False),
    sa.CheckConstraint(f"heard_from IN {SOURCES}", name=op.f('ck_enquiry_tally_heard_from_known')),
    sa.CheckConstraint("enquiries >= 0", name=op.f('ck_enquiry_tally_enquiries_non_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enquiry_tally')),
    sa.UniqueConstraint('month', 'heard_from', name=op.f('uq_enquiry_tally_month_heard_from')),
    )

    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.add_column(sa.Column('helpline', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_login_attempt_kind_known'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_login_attempt_kind_known'), "kind IN ('login', 'reset', 'link', 'verify', 'enquiry')"
        )


def downgrade() -> None:
    op.execute("DELETE FROM login_attempt WHERE kind = 'enquiry'")
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_login_attempt_kind_known'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_login_attempt_kind_known'), "kind IN ('login', 'reset', 'link', 'verify')"
        )
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.drop_column('helpline')
    op.drop_table('enquiry_tally')
    op.drop_table('enquiry_note')
    op.drop_table('enquiry')
