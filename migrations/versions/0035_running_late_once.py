"""running late is told once per shift per member

Revision ID: 0035
Revises: 0030
Create Date: 2026-12-03
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from coop.db import UTCDateTime

revision: str = '0035'
down_revision: str | None = '0030'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('cover_late_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shift_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('told_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_cover_late_notice_member_id_member'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shift_id'], ['shift.id'], name=op.f('fk_cover_late_notice_shift_id_shift'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cover_late_notice')),
    sa.UniqueConstraint('shift_id', 'member_id', name=op.f('uq_cover_late_notice_shift_id_member_id')),
    )
    op.create_index(op.f('ix_cover_late_notice_member_id'), 'cover_late_notice', ['member_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_cover_late_notice_member_id'), table_name='cover_late_notice')
    op.drop_table('cover_late_notice')
