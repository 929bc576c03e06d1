"""visit change requests and notes

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-29
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from coop.db import UTCDateTime

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('visit_change_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shift_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('end_time', sa.Time(), nullable=False),
    sa.Column('slots', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('answered_at', UTCDateTime(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'accepted', 'declined', 'replaced')", name=op.f('ck_visit_change_request_status_known')),
    sa.CheckConstraint('slots BETWEEN 1 AND 50', name=op.f('ck_visit_change_request_slots_range')),
    sa.CheckConstraint('start_time != end_time', name=op.f('ck_visit_change_request_has_length')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['user_account.id'], name=op.f('fk_visit_change_request_answered_by_id_user_account')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'], name=op.f('fk_visit_change_request_requested_by_id_user_account')),
    sa.ForeignKeyConstraint(['shift_id'], ['shift.id'], name=op.f('fk_visit_change_request_shift_id_shift'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_change_request'))
    )
    with op.batch_alter_table('visit_change_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_change_request_shift_id'), ['shift_id'], unique=False)
        batch_op.create_index('uq_visit_change_request_one_pending', ['shift_id'], unique=True, sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))

    op.create_table('visit_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shift_id', sa.Integer(), nullable=False),
    sa.Column('by_user_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint('length(note) BETWEEN 1 AND 1000', name=op.f('ck_visit_note_note_length')),
    sa.ForeignKeyConstraint(['by_user_id'], ['user_account.id'], name=op.f('fk_visit_note_by_user_id_user_account')),
    sa.ForeignKeyConstraint(['shift_id'], ['shift.id'], name=op.f('fk_visit_note_shift_id_shift'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_note')),
    sa.UniqueConstraint('shift_id', name=op.f('uq_visit_note_shift_id'))
    )


def downgrade() -> None:
    op.drop_table('visit_note')
    with op.batch_alter_table('visit_change_request', schema=None) as batch_op:
        batch_op.drop_index('uq_visit_change_request_one_pending', sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))
        batch_op.drop_index(batch_op.f('ix_visit_change_request_shift_id'))

    op.drop_table('visit_change_request')
