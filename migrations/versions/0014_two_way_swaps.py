"""two-way swaps: a swap offer can ask for one of another member's shifts in exchange

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('swap_offer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wanted_assignment_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('terms', sa.String(length=200), nullable=False, server_default=''))
        batch_op.create_foreign_key(
            batch_op.f('fk_swap_offer_wanted_assignment_id_assignment'),
            'assignment',
            ['wanted_assignment_id'],
            ['id'],
            ondelete='CASCADE',
        )
        batch_op.drop_constraint(batch_op.f('ck_swap_offer_status_known'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_swap_offer_status_known'), "status IN ('open', 'taken', 'withdrawn', 'declined')"
        )


def downgrade() -> None:
    op.execute("UPDATE swap_offer SET status = 'withdrawn' WHERE status = 'declined'")
    with op.batch_alter_table('swap_offer', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_swap_offer_status_known'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_swap_offer_status_known'), "status IN ('open', 'taken', 'withdrawn')"
        )
        batch_op.drop_constraint(batch_op.f('fk_swap_offer_wanted_assignment_id_assignment'), type_='foreignkey')
        batch_op.drop_column('terms')
        batch_op.drop_column('wanted_assignment_id')
