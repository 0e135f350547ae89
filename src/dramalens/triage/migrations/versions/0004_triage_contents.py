"""triage: script bytes in their own table; (desk, sha256) index for idempotent uploads; known logins

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

A script's bytes sat in the middle of each queue row, so a sort by status or a filter by
analysis state read every script (SQLite reads a row's overflow pages to reach the columns
after a large value). The bytes move to ``triage_contents``, read only by the workers and the
script reader. The (desk, sha256) index lets intake find the same content already on a desk.
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('triage_contents',
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['triage_submissions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('submission_id')
    )
    op.execute('INSERT INTO triage_contents (submission_id, content) SELECT id, content FROM triage_submissions')
    # A plain DROP COLUMN (SQLite >= 3.35, PostgreSQL): a batch rebuild would drop and recreate
    # the table, and ON DELETE CASCADE would take the jobs and scores with it.
    op.execute('ALTER TABLE triage_submissions DROP COLUMN content')
    op.create_index('ix_sub_desk_sha', 'triage_submissions', ['desk_id', 'sha256'], unique=False)
    op.create_table('triage_known_logins',
    sa.Column('account', sa.String(length=100), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('account', 'address')
    )


def downgrade() -> None:
    op.drop_table('triage_known_logins')
    op.drop_index('ix_sub_desk_sha', table_name='triage_submissions')
    op.add_column('triage_submissions', sa.Column('content', sa.LargeBinary(), nullable=True))
    op.execute('UPDATE triage_submissions SET content = (SELECT content FROM triage_contents '
               'WHERE triage_contents.submission_id = triage_submissions.id)')
    op.drop_table('triage_contents')
