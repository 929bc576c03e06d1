"""on the phone: the times a member taps on the day of a shift

Revision ID: 0033
Revises: 0027
Create Date: 2026-12-03
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from coop.db import UTCDateTime

revision: str = '0033'
down_revision: str | None = '0027'
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


def downgrade() -> None:
    op.drop_table('shift_day_times')
