"""Tables of the script desk, in their own ``MetaData`` (the catalog keeps its own).

Times are UTC epoch seconds (floats): the lease arithmetic of the job queue is plain
subtraction, and SQLite and PostgreSQL agree on them without timezone surprises.
The schema is created by the Alembic folder ``migrations/`` (see :func:`init_db`), never
by ``create_all`` in production code, so a deployed database can be upgraded in place.
"""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Engine

from ..db import upgrade

__all__ = [
    "MAX_DB_INT",
    "MAX_PAGE",
    "REVIEW_STATUSES",
    "assignments",
    "batches",
    "contents",
    "data_version",
    "decisions",
    "desks",
    "init_db",
    "ip_novels",
    "jobs",
    "known_logins",
    "login_failures",
    "metadata",
    "note_templates",
    "notes",
    "now",
    "scores",
    "sessions",
    "settings",
    "submissions",
    "users",
]

metadata = MetaData()

#: Review workflow order; ``signed`` and ``passed`` are final but may be reopened by an admin.
REVIEW_STATUSES = ("new", "in_review", "consider", "signed", "passed")

MIGRATIONS = Path(__file__).with_name("migrations")
VERSION_TABLE = "alembic_version_triage"


#: The largest integer a database column holds (SQLite and PostgreSQL BIGINT): ids, pages and
#: amounts past it are refused as input, never sent to the driver (which raises OverflowError).
MAX_DB_INT = 2**63 - 1
#: The last page any listing serves (offsets stay far inside MAX_DB_INT).
MAX_PAGE = 1_000_000


def now() -> float:
    """Seconds since the epoch (UTC); one place so tests can reason about leases."""
    return time.time()


desks = Table(
    "triage_desks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("created_at", Float, nullable=False),
)

users = Table(
    "triage_users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("is_admin", Boolean, nullable=False, default=False),
    Column("desk_id", Integer, ForeignKey("triage_desks.id"), nullable=True),
    # sha256 of the API token: a stolen database does not leak usable tokens.
    Column("api_token_hash", String(64), nullable=True, unique=True),
    Column("created_at", Float, nullable=False),
)

sessions = Table(
    "triage_sessions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("triage_users.id", ondelete="CASCADE"), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
)

batches = Table(
    "triage_batches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("desk_id", Integer, ForeignKey("triage_desks.id"), nullable=False),
    Column("name", String(300), nullable=False),
    Column("submitted_by", String(100), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("total", Integer, nullable=False, default=0),
)

submissions = Table(
    "triage_submissions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("desk_id", Integer, ForeignKey("triage_desks.id"), nullable=False),
    Column("batch_id", Integer, ForeignKey("triage_batches.id"), nullable=True),
    Column("title", String(300), nullable=False),
    Column("filename", String(300), nullable=False),
    Column("format", String(20), nullable=False, default=""),  # declared: vertical/horizontal
    Column("episodes", Integer, nullable=True),  # declared count
    Column("track", String(60), nullable=False, default=""),
    Column("synopsis", Text, nullable=False, default=""),
    Column("budget", Integer, nullable=True),  # yuan
    Column("submitted_by", String(100), nullable=False),
    Column("submitted_at", Float, nullable=False),
    Column("sha256", String(64), nullable=False),
    # Filled in by the pipeline (denormalised here so the queue page sorts on indexed columns).
    Column("language", String(8), nullable=False, default=""),
    Column("tropes", String(500), nullable=False, default=""),
    # What the pipeline detected (revision 0002); pages show "declared or else detected".
    Column("detected_track", String(60), nullable=False, default="", server_default=""),
    Column("detected_format", String(20), nullable=False, default="", server_default=""),
    Column("detected_episodes", Integer, nullable=True),
    Column("score", Float, nullable=True),
    Column("analysis_state", String(12), nullable=False, default="queued"),
    # Review workflow, optimistic locking on ``version``.
    Column("status", String(12), nullable=False, default="new"),
    Column("version", Integer, nullable=False, default=1),
    Column("assignee_id", Integer, ForeignKey("triage_users.id"), nullable=True),
    Column("updated_at", Float, nullable=False),
    # When the desk wants the read done (revision 0005): epoch seconds of the due day's start (UTC).
    Column("due_at", Float, nullable=True),
    # The language the desk declared for the file (revision 0005, the receipt's per-file table):
    # when set, ``language`` holds it and the pipeline's identification does not replace it.
    Column("declared_language", String(8), nullable=False, default="", server_default=""),
)
Index("ix_sub_desk_score", submissions.c.desk_id, submissions.c.score)
Index("ix_sub_desk_submitted", submissions.c.desk_id, submissions.c.submitted_at)
Index("ix_sub_desk_title", submissions.c.desk_id, submissions.c.title)
Index("ix_sub_desk_status", submissions.c.desk_id, submissions.c.status)
Index("ix_sub_batch", submissions.c.batch_id, submissions.c.analysis_state)
Index("ix_sub_score", submissions.c.score)
Index("ix_sub_submitted", submissions.c.submitted_at)
Index("ix_sub_desk_sha", submissions.c.desk_id, submissions.c.sha256)
Index("ix_sub_desk_due", submissions.c.desk_id, submissions.c.due_at)
# The queue's language filter lists the languages a desk holds: an index-only DISTINCT.
Index("ix_sub_desk_language", submissions.c.desk_id, submissions.c.language)

#: A script's bytes, apart from its queue row (revision 0004): sorting and filtering the queue
#: never reads them; the workers and the script reader do.
contents = Table(
    "triage_contents",
    metadata,
    Column("submission_id", Integer, ForeignKey("triage_submissions.id", ondelete="CASCADE"), primary_key=True),
    Column("content", LargeBinary, nullable=False),
)

jobs = Table(
    "triage_jobs",
    metadata,
    Column("id", Integer, primary_key=True),
    # One job per submission: re-submitting work never queues a script twice.
    Column("submission_id", Integer, ForeignKey("triage_submissions.id", ondelete="CASCADE"), nullable=False, unique=True),
    Column("status", String(10), nullable=False, default="queued"),  # queued/running/done/failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("max_attempts", Integer, nullable=False, default=3),
    Column("available_at", Float, nullable=False),
    Column("lease_owner", String(100), nullable=True),
    Column("lease_expires", Float, nullable=True),
    Column("heartbeat_at", Float, nullable=True),
    Column("error", Text, nullable=True),
    Column("created_at", Float, nullable=False),
    Column("finished_at", Float, nullable=True),
)
Index("ix_jobs_claim", jobs.c.status, jobs.c.available_at)

scores = Table(
    "triage_scores",
    metadata,
    # The primary key is the submission: writing a result twice is impossible by construction.
    Column("submission_id", Integer, ForeignKey("triage_submissions.id", ondelete="CASCADE"), primary_key=True),
    Column("total", Float, nullable=False),
    Column("originality", Float, nullable=True),
    Column("craft", Float, nullable=False),
    Column("risk", Float, nullable=False),
    Column("weights", Text, nullable=False),  # JSON of the weights used
    Column("evidence", Text, nullable=False),  # JSON list
    Column("similar", Text, nullable=False),  # JSON list
    Column("analysis", Text, nullable=False),  # JSON of Analysis.to_dict()
    Column("report_html", Text, nullable=False),
    Column("worker", String(100), nullable=False),
    Column("created_at", Float, nullable=False),
)

decisions = Table(
    "triage_decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    # None for desk-wide actions (settings changes).
    Column("submission_id", Integer, ForeignKey("triage_submissions.id", ondelete="CASCADE"), nullable=True),
    Column("user_id", Integer, ForeignKey("triage_users.id"), nullable=True),
    Column("user_name", String(100), nullable=False),
    Column("action", String(20), nullable=False),  # status / assign / note / settings
    Column("from_status", String(12), nullable=True),
    Column("to_status", String(12), nullable=True),
    Column("expected_version", Integer, nullable=True),
    Column("outcome", String(12), nullable=False),  # applied / conflict / refused
    Column("detail", Text, nullable=False, default=""),
    Column("at", Float, nullable=False),
)
Index("ix_decisions_sub", decisions.c.submission_id, decisions.c.at)

notes = Table(
    "triage_notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("submission_id", Integer, ForeignKey("triage_submissions.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", Integer, ForeignKey("triage_users.id"), nullable=False),
    Column("text", Text, nullable=False),
    Column("at", Float, nullable=False),
)
Index("ix_notes_sub", notes.c.submission_id)

assignments = Table(
    "triage_assignments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("submission_id", Integer, ForeignKey("triage_submissions.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", Integer, ForeignKey("triage_users.id"), nullable=False),
    Column("assigned_by", Integer, ForeignKey("triage_users.id"), nullable=False),
    Column("at", Float, nullable=False),
    UniqueConstraint("submission_id", "user_id", name="uq_assignment"),
)

#: Notes a desk writes again and again (a polite pass, a request for the next episodes): the
#: admin keeps them per desk (revision 0005), a reviewer picks one when deciding.
note_templates = Table(
    "triage_note_templates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("desk_id", Integer, ForeignKey("triage_desks.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    UniqueConstraint("desk_id", "name", name="uq_note_template"),
)

settings = Table(
    "triage_settings",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),  # JSON
    Column("updated_at", Float, nullable=False),
)

login_failures = Table(
    "triage_login_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    # The name as typed (casefolded), whether or not such a user exists: the lockout must not
    # tell an attacker which names are real. Revision 0003.
    Column("account", String(100), nullable=False),
    Column("address", String(64), nullable=False),
    Column("at", Float, nullable=False),
)

#: Where each account last logged in successfully (revision 0004): the address limit spares an
#: account on an address it is known from, so an attack from an office's NAT address does not
#: lock the whole office out.
known_logins = Table(
    "triage_known_logins",
    metadata,
    Column("account", String(100), primary_key=True),
    Column("address", String(64), primary_key=True),
    Column("at", Float, nullable=False),
)
#: Novels uploaded to the IP section (revision 0007), by a random token, for their uploader
#: only: in the database so every server process sees them (they were held in one process's
#: memory). A few per account; the oldest go first (``triage.ip_novels``).
ip_novels = Table(
    "triage_ip_novels",
    metadata,
    Column("id", Integer, primary_key=True),  # upload order: the oldest go first
    Column("token", String(64), nullable=False, unique=True),
    Column("owner", String(100), nullable=False),
    Column("name", String(255), nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("at", Float, nullable=False),
)
Index("ix_ip_novels_owner", ip_novels.c.owner, ip_novels.c.at)
Index("ix_login_fail_account", login_failures.c.account, login_failures.c.address, login_failures.c.at)
Index("ix_login_fail_address", login_failures.c.address, login_failures.c.at)
Index("ix_login_fail_at", login_failures.c.at)

#: Bumped by database triggers (revision 0006) on every change the queue page shows: ``n`` by
#: what people do, ``progress`` by what the workers do. The web process keys its rendered queue
#: pages by them (:func:`dramalens.triage.listing.queue_data_version`).
data_version = Table(
    "triage_data_version",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("n", BigInteger, nullable=False),
    Column("progress", BigInteger, nullable=False),
)


def init_db(engine: Engine) -> Engine:
    """Bring the triage tables of ``engine``'s database up to date (Alembic, own version table).

    >>> from dramalens.db import make_engine
    >>> init_db(make_engine("sqlite://")).dialect.name
    'sqlite'
    """
    upgrade(engine, MIGRATIONS, VERSION_TABLE)
    return engine
