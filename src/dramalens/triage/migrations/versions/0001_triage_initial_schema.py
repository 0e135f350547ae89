"""triage initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('triage_desks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('triage_settings',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('triage_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('desk_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('submitted_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.Float(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['desk_id'], ['triage_desks.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('triage_users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('is_admin', sa.Boolean(), nullable=False),
    sa.Column('desk_id', sa.Integer(), nullable=True),
    sa.Column('api_token_hash', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['desk_id'], ['triage_desks.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('api_token_hash'),
    sa.UniqueConstraint('name')
    )
    op.create_table('triage_sessions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('csrf', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.Float(), nullable=False),
    sa.Column('expires_at', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['triage_users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('triage_submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('desk_id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('filename', sa.String(length=300), nullable=False),
    sa.Column('format', sa.String(length=20), nullable=False),
    sa.Column('episodes', sa.Integer(), nullable=True),
    sa.Column('track', sa.String(length=60), nullable=False),
    sa.Column('synopsis', sa.Text(), nullable=False),
    sa.Column('budget', sa.Integer(), nullable=True),
    sa.Column('submitted_by', sa.String(length=100), nullable=False),
    sa.Column('submitted_at', sa.Float(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('tropes', sa.String(length=500), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('analysis_state', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['triage_users.id'], ),
    sa.ForeignKeyConstraint(['batch_id'], ['triage_batches.id'], ),
    sa.ForeignKeyConstraint(['desk_id'], ['triage_desks.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('triage_submissions', schema=None) as batch_op:
        batch_op.create_index('ix_sub_batch', ['batch_id', 'analysis_state'], unique=False)
        batch_op.create_index('ix_sub_desk_score', ['desk_id', 'score'], unique=False)
        batch_op.create_index('ix_sub_desk_status', ['desk_id', 'status'], unique=False)
        batch_op.create_index('ix_sub_desk_submitted', ['desk_id', 'submitted_at'], unique=False)
        batch_op.create_index('ix_sub_desk_title', ['desk_id', 'title'], unique=False)
        batch_op.create_index('ix_sub_score', ['score'], unique=False)
        batch_op.create_index('ix_sub_submitted', ['submitted_at'], unique=False)

    op.create_table('triage_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('assigned_by', sa.Integer(), nullable=False),
    sa.Column('at', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['assigned_by'], ['triage_users.id'], ),
    sa.ForeignKeyConstraint(['submission_id'], ['triage_submissions.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['triage_users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('submission_id', 'user_id', name='uq_assignment')
    )
    op.create_table('triage_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('user_name', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('from_status', sa.String(length=12), nullable=True),
    sa.Column('to_status', sa.String(length=12), nullable=True),
    sa.Column('expected_version', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=12), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('at', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['triage_submissions.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['triage_users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('triage_decisions', schema=None) as batch_op:
        batch_op.create_index('ix_decisions_sub', ['submission_id', 'at'], unique=False)

    op.create_table('triage_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('max_attempts', sa.Integer(), nullable=False),
    sa.Column('available_at', sa.Float(), nullable=False),
    sa.Column('lease_owner', sa.String(length=100), nullable=True),
    sa.Column('lease_expires', sa.Float(), nullable=True),
    sa.Column('heartbeat_at', sa.Float(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.Float(), nullable=False),
    sa.Column('finished_at', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['submission_id'], ['triage_submissions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('submission_id')
    )
    with op.batch_alter_table('triage_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_jobs_claim', ['status', 'available_at'], unique=False)

    op.create_table('triage_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('at', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['triage_submissions.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['triage_users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('triage_notes', schema=None) as batch_op:
        batch_op.create_index('ix_notes_sub', ['submission_id'], unique=False)

    op.create_table('triage_scores',
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('total', sa.Float(), nullable=False),
    sa.Column('originality', sa.Float(), nullable=True),
    sa.Column('craft', sa.Float(), nullable=False),
    sa.Column('risk', sa.Float(), nullable=False),
    sa.Column('weights', sa.Text(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('similar', sa.Text(), nullable=False),
    sa.Column('analysis', sa.Text(), nullable=False),
    sa.Column('report_html', sa.Text(), nullable=False),
    sa.Column('worker', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['triage_submissions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('submission_id')
    )
    


def downgrade() -> None:
    
    op.drop_table('triage_scores')
    with op.batch_alter_table('triage_notes', schema=None) as batch_op:
        batch_op.drop_index('ix_notes_sub')

    op.drop_table('triage_notes')
    with op.batch_alter_table('triage_jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_jobs_claim')

    op.drop_table('triage_jobs')
    with op.batch_alter_table('triage_decisions', schema=None) as batch_op:
        batch_op.drop_index('ix_decisions_sub')

    op.drop_table('triage_decisions')
    op.drop_table('triage_assignments')
    with op.batch_alter_table('triage_submissions', schema=None) as batch_op:
        batch_op.drop_index('ix_sub_submitted')
        batch_op.drop_index('ix_sub_score')
        batch_op.drop_index('ix_sub_desk_title')
        batch_op.drop_index('ix_sub_desk_submitted')
        batch_op.drop_index('ix_sub_desk_status')
        batch_op.drop_index('ix_sub_desk_score')
        batch_op.drop_index('ix_sub_batch')

    op.drop_table('triage_submissions')
    op.drop_table('triage_sessions')
    op.drop_table('triage_users')
    op.drop_table('triage_batches')
    op.drop_table('triage_settings')
    op.drop_table('triage_desks')
    
