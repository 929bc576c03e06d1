"""an email can carry a Reply-To (invoice emails: answers reach the co-op, not the no-reply sender)

Revision ID: 0027
Revises: 0023
Create Date: 2026-12-02
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0027'
down_revision: str | None = '0023'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('outbox_message') as batch:
        batch.add_column(sa.Column('reply_to', sa.String(length=254), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('outbox_message') as batch:
        batch.drop_column('reply_to')
