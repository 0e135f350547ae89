"""triage: failed logins, counted per account+address and per address (login throttling)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24

Counted in the database so the lockout holds across web processes and restarts.
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('triage_login_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(length=100), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_login_fail_account', 'triage_login_failures', ['account', 'address', 'at'], unique=False)
    op.create_index('ix_login_fail_address', 'triage_login_failures', ['address', 'at'], unique=False)
    op.create_index('ix_login_fail_at', 'triage_login_failures', ['at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_login_fail_at', table_name='triage_login_failures')
    op.drop_index('ix_login_fail_address', table_name='triage_login_failures')
    op.drop_index('ix_login_fail_account', table_name='triage_login_failures')
    op.drop_table('triage_login_failures')
