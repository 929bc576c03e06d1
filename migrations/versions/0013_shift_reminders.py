"""shift reminders: each member's reminder hour, and when each shift was reminded

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from coop.db import UTCDateTime

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminded_at', UTCDateTime(), nullable=True))
    with op.batch_alter_table('rota_preferences', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminder_hour', sa.Integer(), nullable=True, server_default='18'))
        batch_op.create_check_constraint(
            batch_op.f('ck_rota_preferences_reminder_hour_range'), 'reminder_hour BETWEEN 0 AND 23'
        )


def downgrade() -> None:
    with op.batch_alter_table('rota_preferences', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_rota_preferences_reminder_hour_range'), type_='check')
        batch_op.drop_column('reminder_hour')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_column('reminded_at')
