"""the person who wrote a visit note: written_by_id, like the other *_by_id columns

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('visit_note', schema=None) as batch_op:
        batch_op.drop_constraint('fk_visit_note_by_user_id_user_account', type_='foreignkey')
        batch_op.alter_column('by_user_id', new_column_name='written_by_id')
    # A second batch: on SQLite a key made in the same batch as the rename is lost.
    with op.batch_alter_table('visit_note', schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f('fk_visit_note_written_by_id_user_account'), 'user_account', ['written_by_id'], ['id']
        )


def downgrade() -> None:
    with op.batch_alter_table('visit_note', schema=None) as batch_op:
        batch_op.drop_constraint('fk_visit_note_written_by_id_user_account', type_='foreignkey')
        batch_op.alter_column('written_by_id', new_column_name='by_user_id')
    with op.batch_alter_table('visit_note', schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f('fk_visit_note_by_user_id_user_account'), 'user_account', ['by_user_id'], ['id']
        )
