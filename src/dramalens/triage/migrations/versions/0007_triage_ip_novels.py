"""triage: novels uploaded to the IP section, held in the database instead of one process's memory

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

With several server processes (``serve --workers``, or several machines on one PostgreSQL),
an upload held in one process's memory was not found when the next request reached another.
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('triage_ip_novels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('owner', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token')
    )
    op.create_index('ix_ip_novels_owner', 'triage_ip_novels', ['owner', 'at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_ip_novels_owner', table_name='triage_ip_novels')
    op.drop_table('triage_ip_novels')
