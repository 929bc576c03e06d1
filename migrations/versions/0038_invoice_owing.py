"""invoice.owing: issued and something still to pay, kept with the money in

The coordinator's overdue count added up every invoice's payments and credits on each request
(236 ms at ten times the co-op, 48,000 invoices nearly all paid). Issuing and the money-in rule
now keep `owing` in the same transaction as the payment or credit, and a partial index holds only
the invoices still owing, by due date. This fills it for the invoices there are, from their
payments, credit used and applied, and credit notes (as Invoice.owes_now).

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-03
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0038'
down_revision: str | None = '0037'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CREDITED = "(SELECT COALESCE(SUM(c.gross_pence), 0) FROM credit_note c WHERE c.invoice_id = invoice.id)"
_PAID = (
    "(SELECT COALESCE(SUM(p.amount_pence), 0) FROM payment p"
    " WHERE p.invoice_id = invoice.id AND p.reversed_at IS NULL)"
    " + (SELECT COALESCE(SUM(u.amount_pence), 0) FROM credit_use u WHERE u.to_invoice_id = invoice.id)"
    " - (SELECT COALESCE(SUM(u.amount_pence), 0) FROM credit_use u WHERE u.from_invoice_id = invoice.id)"
)


def upgrade() -> None:
    with op.batch_alter_table('invoice') as batch_op:
        batch_op.add_column(sa.Column('owing', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute(
        "UPDATE invoice SET owing = (status = 'issued' AND "
        f"{_CREDITED} < gross_pence AND gross_pence - {_CREDITED} - ({_PAID}) > 0)"
    )
    op.create_index(
        'ix_invoice_owing_due',
        'invoice',
        ['due_date', 'status'],
        postgresql_where=sa.text('owing'),
        sqlite_where=sa.text('owing'),
    )


def downgrade() -> None:
    op.drop_index('ix_invoice_owing_due', table_name='invoice')
    with op.batch_alter_table('invoice') as batch_op:
        batch_op.drop_column('owing')
