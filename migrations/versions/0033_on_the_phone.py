"""on the phone: the times a member taps on the day of a shift; push notifications by choice

Revision ID: 0033
Revises: 0031
Create Date: 2026-12-03
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from coop.db import UTCDateTime

revision: str = '0033'
down_revision: str | None = '0031'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'shift_day_times',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assignment_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('arrived_at', UTCDateTime(), nullable=True),
        sa.Column('finished_at', UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            'arrived_at IS NULL OR finished_at IS NULL OR finished_at > arrived_at',
            name=op.f('ck_shift_day_times_finished_after_arrived'),
        ),
        sa.CheckConstraint(
            'arrived_at IS NOT NULL OR finished_at IS NOT NULL', name=op.f('ck_shift_day_times_some_time_tapped')
        ),
        sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], name=op.f('fk_shift_day_times_assignment_id_assignment')),
        sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_shift_day_times_member_id_member')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_shift_day_times')),
        sa.UniqueConstraint('assignment_id', name=op.f('uq_shift_day_times_assignment_id')),
    )
    with op.batch_alter_table('shift_day_times', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shift_day_times_member_id'), ['member_id'], unique=False)

    op.create_table(
        'push_subscription',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('endpoint', sa.Text(), nullable=False),
        sa.Column('p256dh', sa.String(length=120), nullable=False),
        sa.Column('auth', sa.String(length=40), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_push_subscription_user_id_user_account'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_push_subscription')),
        sa.UniqueConstraint('endpoint', name=op.f('uq_push_subscription_endpoint')),
    )
    with op.batch_alter_table('push_subscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_push_subscription_user_id'), ['user_id'], unique=False)
    kinds = "'offers', 'cover', 'swaps', 'answers', 'reminders', 'requests', 'cover_alerts'"
    op.create_table(
        'notification_choice',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('channel', sa.String(length=5), nullable=False),
        sa.CheckConstraint(f'kind IN ({kinds})', name=op.f('ck_notification_choice_kind_known')),
        sa.CheckConstraint("channel IN ('email', 'push', 'both', 'none')", name=op.f('ck_notification_choice_channel_known')),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notification_choice_user_id_user_account'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_choice')),
        sa.UniqueConstraint('user_id', 'kind', name=op.f('uq_notification_choice_user_id_kind')),
    )
    op.create_table(
        'quiet_hours',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('starts', sa.Time(), nullable=False),
        sa.Column('ends', sa.Time(), nullable=False),
        sa.CheckConstraint('starts != ends', name=op.f('ck_quiet_hours_not_empty')),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_quiet_hours_user_id_user_account'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_quiet_hours')),
        sa.UniqueConstraint('user_id', name=op.f('uq_quiet_hours_user_id')),
    )
    # Every email already queued stays an email.
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=5), nullable=False, server_default='email'))
        batch_op.add_column(sa.Column('push_subscription_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('url', sa.String(length=500), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('not_before', UTCDateTime(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_outbox_message_push_subscription_id_push_subscription'),
            'push_subscription', ['push_subscription_id'], ['id'], ondelete='CASCADE',
        )
        batch_op.create_index(batch_op.f('ix_outbox_message_push_subscription_id'), ['push_subscription_id'], unique=False)
        batch_op.create_check_constraint(batch_op.f('ck_outbox_message_channel_known'), "channel IN ('email', 'push')")
        batch_op.create_check_constraint(batch_op.f('ck_outbox_message_push_has_device'), "(channel = 'push') = (push_subscription_id IS NOT NULL)")


def downgrade() -> None:
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_outbox_message_push_has_device'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_outbox_message_channel_known'), type_='check')
        batch_op.drop_index(batch_op.f('ix_outbox_message_push_subscription_id'))
        batch_op.drop_constraint(batch_op.f('fk_outbox_message_push_subscription_id_push_subscription'), type_='foreignkey')
        batch_op.drop_column('not_before')
        batch_op.drop_column('url')
        batch_op.drop_column('push_subscription_id')
        batch_op.drop_column('channel')
    op.drop_table('quiet_hours')
    op.drop_table('notification_choice')
    op.drop_table('push_subscription')
    op.drop_table('shift_day_times')
