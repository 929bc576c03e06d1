"""benefit-safe changes: places asked of members, benefit week day, assessment periods from any
day, pay adjustments paid on a chosen pay day, surplus shares taken in parts, hours confirmed over
a limit

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('benefit_cap', schema=None) as batch_op:
        # 'uc_no_housing' did not fit the old 10 characters (PostgreSQL refused it).
        batch_op.alter_column('preset', type_=sa.String(length=20), existing_type=sa.String(length=10))
        batch_op.add_column(sa.Column('week_start_day', sa.Integer(), nullable=False, server_default='0'))
        batch_op.drop_constraint(batch_op.f('ck_benefit_cap_start_day_range'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_benefit_cap_start_day_range'), 'period_start_day BETWEEN 1 AND 31')
        batch_op.create_check_constraint(batch_op.f('ck_benefit_cap_week_start_day_range'), 'week_start_day BETWEEN 0 AND 6')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_assignment_status_known'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_assignment_status_known'),
            "status IN ('accepted', 'asked', 'dropped', 'swapped', 'cancelled')",
        )
        batch_op.drop_index('uq_assignment_active_member_shift')
        batch_op.create_index(
            'uq_assignment_active_member_shift',
            ['shift_id', 'member_id'],
            unique=True,
            sqlite_where=sa.text("status IN ('accepted', 'asked')"),
            postgresql_where=sa.text("status IN ('accepted', 'asked')"),
        )
    with op.batch_alter_table('pay_adjustment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pay_on', sa.Date(), nullable=True))
    with op.batch_alter_table('surplus_share', schema=None) as batch_op:
        batch_op.add_column(sa.Column('taken_pence', sa.Integer(), nullable=False, server_default='0'))
    op.execute("UPDATE surplus_share SET taken_pence = amount_pence WHERE status = 'paid'")
    with op.batch_alter_table('surplus_share', schema=None) as batch_op:
        batch_op.create_check_constraint(
            batch_op.f('ck_surplus_share_taken_within_share'), 'taken_pence BETWEEN 0 AND amount_pence'
        )
    # A limit's figures and benefit were once written into the audit log, which every coordinator
    # can read: keep only that, who and when.
    op.execute("UPDATE audit_entry SET before = '{}', after = '{}' WHERE action LIKE 'cap.%'")
    with op.batch_alter_table('timesheet_entry', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('over_limit_confirmed', sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table('timesheet_entry', schema=None) as batch_op:
        batch_op.drop_column('over_limit_confirmed')
    with op.batch_alter_table('surplus_share', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_surplus_share_taken_within_share'), type_='check')
        batch_op.drop_column('taken_pence')
    with op.batch_alter_table('pay_adjustment', schema=None) as batch_op:
        batch_op.drop_column('pay_on')
    op.execute("UPDATE assignment SET status = 'dropped' WHERE status = 'asked'")
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index('uq_assignment_active_member_shift')
        batch_op.create_index(
            'uq_assignment_active_member_shift',
            ['shift_id', 'member_id'],
            unique=True,
            sqlite_where=sa.text("status = 'accepted'"),
            postgresql_where=sa.text("status = 'accepted'"),
        )
        batch_op.drop_constraint(batch_op.f('ck_assignment_status_known'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_assignment_status_known'),
            "status IN ('accepted', 'dropped', 'swapped', 'cancelled')",
        )
    op.execute("UPDATE benefit_cap SET period_start_day = 28 WHERE period_start_day > 28")
    op.execute("UPDATE benefit_cap SET preset = 'uc' WHERE preset = 'uc_no_housing'")
    with op.batch_alter_table('benefit_cap', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_benefit_cap_week_start_day_range'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_benefit_cap_start_day_range'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_benefit_cap_start_day_range'), 'period_start_day BETWEEN 1 AND 28')
        batch_op.drop_column('week_start_day')
        batch_op.alter_column('preset', type_=sa.String(length=10), existing_type=sa.String(length=20))
