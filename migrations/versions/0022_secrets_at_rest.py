"""secrets at rest: an email keeps its secret link only until it is sent; calendar feed
tokens are kept as their SHA-256 (existing addresses keep working)

Revision ID: 0022
Revises: 0020
Create Date: 2026-12-02
"""
import hashlib
import re
import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0022'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The secret links emails carried before this revision: invoice links, invitations, password resets.
SECRET_LINK = re.compile(r"https?://\S+?/(?:invoice-link|invite|reset)/[^\s/]+")
LINK_REMOVED = "[the link is removed from our copy once sent]"

outbox = sa.table(
    'outbox_message',
    sa.column('id', sa.Integer),
    sa.column('body', sa.Text),
    sa.column('sent_at', sa.DateTime),
    sa.column('secret_link', sa.Text),
)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _hash_column(table: str, clear: str, hashed: str, *, nullable: bool) -> None:
    """Replace a column of clear tokens by one of their SHA-256 digests, row by row (the same on
    SQLite and PostgreSQL), so every address already handed out keeps working."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.add_column(sa.Column(hashed, sa.String(length=64), nullable=True))
    t = sa.table(table, sa.column('id', sa.Integer), sa.column(clear, sa.String), sa.column(hashed, sa.String))
    conn = op.get_bind()
    for row_id, token in conn.execute(sa.select(t.c.id, t.c[clear])).all():
        conn.execute(sa.update(t).where(t.c.id == row_id).values({hashed: _digest(token)}))
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(f'uq_{table}_{clear}'), type_='unique')
        batch_op.drop_column(clear)
        batch_op.alter_column(hashed, existing_type=sa.String(length=64), nullable=nullable)
        batch_op.create_unique_constraint(batch_op.f(f'uq_{table}_{hashed}'), [hashed])


def upgrade() -> None:
    _hash_column('client', 'feed_token', 'feed_token_sha256', nullable=True)
    _hash_column('member_feed', 'token', 'token_sha256', nullable=False)
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('secret_link', sa.Text(), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(outbox.c.id, outbox.c.body, outbox.c.sent_at).where(
            sa.or_(*(outbox.c.body.like(f'%/{p}/%') for p in ('invoice-link', 'invite', 'reset')))
        )
    ).all()
    for row in rows:
        links = SECRET_LINK.findall(row.body)
        if not links:
            continue
        if row.sent_at is None:  # still to send: it keeps its link until then
            values = {'secret_link': links[0]}
        else:  # sent: only the digest the link's owner keeps remains
            values = {'body': SECRET_LINK.sub(LINK_REMOVED, row.body)}
        conn.execute(sa.update(outbox).where(outbox.c.id == row.id).values(**values))
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_check_constraint(
            batch_op.f('ck_outbox_message_no_secret_once_sent'), 'sent_at IS NULL OR secret_link IS NULL'
        )


def downgrade() -> None:
    # The clear tokens cannot come back: each calendar gets a new random address.
    for table, clear, hashed, nullable in (
        ('client', 'feed_token', 'feed_token_sha256', False),
        ('member_feed', 'token', 'token_sha256', False),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column(clear, sa.String(length=64), nullable=True))
        t = sa.table(table, sa.column('id', sa.Integer), sa.column(clear, sa.String))
        conn = op.get_bind()
        for (row_id,) in conn.execute(sa.select(t.c.id)).all():
            conn.execute(sa.update(t).where(t.c.id == row_id).values({clear: secrets.token_urlsafe(24)}))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'uq_{table}_{hashed}'), type_='unique')
            batch_op.drop_column(hashed)
            batch_op.alter_column(clear, existing_type=sa.String(length=64), nullable=nullable)
            batch_op.create_unique_constraint(batch_op.f(f'uq_{table}_{clear}'), [clear])
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_outbox_message_no_secret_once_sent'), type_='check')
        batch_op.drop_column('secret_link')
