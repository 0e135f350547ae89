"""triage: due dates and a declared language on submissions; note templates per desk

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

A desk sets when a read is due (sortable, overdue marked in the queue) and keeps the notes it
writes again and again as templates a reviewer picks when deciding; the receipt's per-file
table may declare a file's language. Existing rows get no due date and no declared language,
and the desks no templates.
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (nullable, no default): no table rebuild, so ON DELETE CASCADE never fires.
    op.add_column('triage_submissions', sa.Column('due_at', sa.Float(), nullable=True))
    op.add_column('triage_submissions', sa.Column('declared_language', sa.String(length=8), nullable=False, server_default=''))
    op.create_index('ix_sub_desk_due', 'triage_submissions', ['desk_id', 'due_at'], unique=False)
    op.create_index('ix_sub_desk_language', 'triage_submissions', ['desk_id', 'language'], unique=False)
    op.create_table('triage_note_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('desk_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['desk_id'], ['triage_desks.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('desk_id', 'name', name='uq_note_template')
    )


def downgrade() -> None:
    op.drop_table('triage_note_templates')
    op.drop_index('ix_sub_desk_language', table_name='triage_submissions')
    op.drop_index('ix_sub_desk_due', table_name='triage_submissions')
    op.execute('ALTER TABLE triage_submissions DROP COLUMN declared_language')
    op.execute('ALTER TABLE triage_submissions DROP COLUMN due_at')
