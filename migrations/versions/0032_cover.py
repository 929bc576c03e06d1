"""cover when someone can't come: cover cases, the offers sent for them, members' cover choices

Revision ID: 0032
Revises: 0033
Create Date: 2026-12-03
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from coop.db import UTCDateTime

revision: str = '0032'
down_revision: str | None = '0033'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('cover_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shift_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('opened_at', UTCDateTime(), nullable=False),
    sa.Column('closed_at', UTCDateTime(), nullable=True),
    sa.Column('waves', sa.Integer(), nullable=False),
    sa.Column('widened', sa.Boolean(), nullable=False),
    sa.Column('wave_ends_at', UTCDateTime(), nullable=True),
    sa.Column('client_told_at', UTCDateTime(), nullable=True),
    sa.Column('client_choice', sa.String(length=10), nullable=False),
    sa.Column('client_chose_at', UTCDateTime(), nullable=True),
    sa.CheckConstraint("status IN ('open', 'covered', 'uncovered')", name=op.f('ck_cover_case_status_known')),
    sa.CheckConstraint("client_choice IN ('', 'fewer', 'move', 'cancel')", name=op.f('ck_cover_case_choice_known')),
    sa.CheckConstraint('waves >= 0', name=op.f('ck_cover_case_waves_non_negative')),
    sa.CheckConstraint("(status = 'open') = (closed_at IS NULL)", name=op.f('ck_cover_case_closed_when_not_open')),
    sa.ForeignKeyConstraint(['shift_id'], ['shift.id'], name=op.f('fk_cover_case_shift_id_shift'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cover_case'))
    )
    with op.batch_alter_table('cover_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cover_case_shift_id'), ['shift_id'], unique=False)
        batch_op.create_index('ix_cover_case_status_opened', ['status', 'opened_at'], unique=False)

    op.create_table('cover_offer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('wave', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('sent_at', UTCDateTime(), nullable=False),
    sa.Column('answered_at', UTCDateTime(), nullable=True),
    sa.CheckConstraint("status IN ('offered', 'accepted', 'declined', 'closed')", name=op.f('ck_cover_offer_status_known')),
    sa.CheckConstraint('wave >= 1', name=op.f('ck_cover_offer_wave_positive')),
    sa.ForeignKeyConstraint(['case_id'], ['cover_case.id'], name=op.f('fk_cover_offer_case_id_cover_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_cover_offer_member_id_member'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cover_offer')),
    sa.UniqueConstraint('case_id', 'member_id', name=op.f('uq_cover_offer_case_id_member_id'))
    )
    with op.batch_alter_table('cover_offer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cover_offer_member_id'), ['member_id'], unique=False)

    op.create_table('cover_preferences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('requests_on', sa.Boolean(), nullable=False),
    sa.Column('weekdays', sa.String(length=20), nullable=False),
    sa.Column('min_notice_hours', sa.Integer(), nullable=False),
    sa.CheckConstraint('min_notice_hours BETWEEN 0 AND 72', name=op.f('ck_cover_preferences_notice_range')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_cover_preferences_member_id_member'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cover_preferences')),
    sa.UniqueConstraint('member_id', name=op.f('uq_cover_preferences_member_id'))
    )


def downgrade() -> None:
    op.drop_table('cover_preferences')
    op.drop_table('cover_offer')
    op.drop_table('cover_case')
