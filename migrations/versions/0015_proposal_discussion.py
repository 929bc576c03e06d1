"""proposal discussion, decisions in words, proposal email choice

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from coop.db import UTCDateTime

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    
    op.create_table('proposal_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('edited_at', UTCDateTime(), nullable=True),
    sa.Column('hidden_at', UTCDateTime(), nullable=True),
    sa.Column('hidden_by_id', sa.Integer(), nullable=True),
    sa.Column('hidden_reason', sa.String(length=300), nullable=False),
    sa.CheckConstraint('hidden_at IS NULL OR length(hidden_reason) > 0', name=op.f('ck_proposal_comment_hidden_has_reason')),
    sa.CheckConstraint('length(body) BETWEEN 1 AND 4000', name=op.f('ck_proposal_comment_body_length')),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['user_account.id'], name=op.f('fk_proposal_comment_hidden_by_id_user_account')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_proposal_comment_member_id_member')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_proposal_comment_proposal_id_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_comment'))
    )
    with op.batch_alter_table('proposal_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_comment_proposal_id'), ['proposal_id'], unique=False)

    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decision_text', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('decision_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('decision_at', UTCDateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_proposal_decision_by_id_user_account'), 'user_account', ['decision_by_id'], ['id'])

    with op.batch_alter_table('rota_preferences', schema=None) as batch_op:
        batch_op.add_column(sa.Column('proposal_emails', sa.Boolean(), nullable=True))

    


def downgrade() -> None:
    
    with op.batch_alter_table('rota_preferences', schema=None) as batch_op:
        batch_op.drop_column('proposal_emails')

    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_proposal_decision_by_id_user_account'), type_='foreignkey')
        batch_op.drop_column('decision_at')
        batch_op.drop_column('decision_by_id')
        batch_op.drop_column('decision_text')

    with op.batch_alter_table('proposal_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_comment_proposal_id'))

    op.drop_table('proposal_comment')
    
