"""triage: what the pipeline detected (track, format, episodes) beside what the sender declared

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24

Most senders leave the form empty; the queue then shows "declared or else detected".
Existing rows get '' / NULL (nothing detected yet); they fill in when re-analysed.
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('triage_submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('detected_track', sa.String(length=60), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('detected_format', sa.String(length=20), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('detected_episodes', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('triage_submissions', schema=None) as batch_op:
        batch_op.drop_column('detected_episodes')
        batch_op.drop_column('detected_format')
        batch_op.drop_column('detected_track')
