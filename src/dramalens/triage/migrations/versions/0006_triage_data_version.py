"""triage: data-version counters bumped by triggers on every change the queue page shows

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

The web process keeps rendered queue pages keyed by these counters (``dramalens.web.pagecache``).
Triggers bump them inside the writing transaction, so a reader that reads the counters before
the rows never files old rows under a new number, and no write path can forget to bump them.

Two counters: ``n`` moves with what people do (uploads, decisions, assignments, users, batches,
weights), ``progress`` with what the workers do (a job's status, a submission's analysis columns).
A busy server may serve a page a moment behind on ``progress``, never behind on ``n``. A job's
heartbeat (lease columns only) bumps neither: the page does not show leases.

(Written beside 0005, which another branch added at the same time, and chained after it on
merging; 0005's due dates, declared languages and note templates move ``n`` too.)
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

#: Submission columns people change; any other column (analysis state, score, detected values,
#: an adopted title) is the workers' progress.
PEOPLE = ('desk_id', 'batch_id', 'format', 'episodes', 'track', 'synopsis', 'budget', 'submitted_by', 'status',
          'version', 'assignee_id', 'due_at', 'declared_language')
#: (trigger, timing and event, table, condition or '', counter)
TRIGGERS = (
    ('triage_sub_dv_ins', 'INSERT', 'triage_submissions', '', 'n'),
    ('triage_sub_dv_del', 'DELETE', 'triage_submissions', '', 'n'),
    ('triage_sub_dv_people', 'UPDATE', 'triage_submissions', 'CHANGED', 'n'),
    ('triage_sub_dv_progress', 'UPDATE', 'triage_submissions', 'NOT CHANGED', 'progress'),
    ('triage_jobs_dv_ins', 'INSERT', 'triage_jobs', '', 'n'),
    ('triage_jobs_dv_del', 'DELETE', 'triage_jobs', '', 'n'),
    ('triage_jobs_dv_status', 'UPDATE OF status', 'triage_jobs', '', 'progress'),
) + tuple((f'{table}_dv_{event.lower()}', event, table, '', 'n')
          for table in ('triage_batches', 'triage_users', 'triage_settings', 'triage_note_templates') for event in ('INSERT', 'UPDATE', 'DELETE'))


def _changed(pg: bool) -> str:
    differs = 'IS DISTINCT FROM' if pg else 'IS NOT'
    return '(' + ' OR '.join(f'OLD.{c} {differs} NEW.{c}' for c in PEOPLE) + ')'


def upgrade() -> None:
    op.create_table('triage_data_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('n', sa.BigInteger(), nullable=False),
    sa.Column('progress', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.execute('INSERT INTO triage_data_version (id, n, progress) VALUES (1, 0, 0)')
    pg = op.get_bind().dialect.name == 'postgresql'
    if pg:  # OR REPLACE: dropping the tables (as a test's fresh schema does) leaves functions behind
        for counter in ('n', 'progress'):
            op.execute(f'CREATE OR REPLACE FUNCTION triage_bump_{counter}() RETURNS trigger AS $$ BEGIN '
                       f'UPDATE triage_data_version SET {counter} = {counter} + 1 WHERE id = 1; RETURN NULL; END $$ '
                       'LANGUAGE plpgsql')
    for name, event, table, condition, counter in TRIGGERS:
        when = condition.replace('CHANGED', _changed(pg))
        if pg:
            op.execute(f'CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW '
                       f"{f'WHEN ({when}) ' if when else ''}EXECUTE PROCEDURE triage_bump_{counter}()")
        else:
            op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} {f'WHEN {when} ' if when else ''}"
                       f'BEGIN UPDATE triage_data_version SET {counter} = {counter} + 1 WHERE id = 1; END')


def downgrade() -> None:
    pg = op.get_bind().dialect.name == 'postgresql'
    for name, _event, table, _condition, _counter in TRIGGERS:
        op.execute(f'DROP TRIGGER {name} ON {table}' if pg else f'DROP TRIGGER {name}')
    if pg:  # OR REPLACE: dropping the tables (as a test's fresh schema does) leaves functions behind
        for counter in ('n', 'progress'):
            op.execute(f'DROP FUNCTION triage_bump_{counter}()')
    op.drop_table('triage_data_version')
