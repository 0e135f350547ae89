"""The persistent job queue: one job per submission, claimed under a lease.

A worker claims a job with one atomic ``UPDATE … WHERE status='queued' OR lease expired``;
whoever's UPDATE changes the row owns it (SQLite serialises writers, PostgreSQL re-checks
the WHERE clause after the row lock). A live worker renews its lease with :func:`heartbeat`.
A worker that dies (SIGKILL, power cut) simply stops renewing: when the lease expires the job
is claimable again, so a crash mid-batch resumes where it stopped.

Results are written by :func:`complete`, keyed on the submission id (the primary key of
``triage_scores``): a second write of the same submission is a no-op, so each script ends
analysed exactly once even when two workers raced past an expired lease.
"""

from __future__ import annotations

import html
import json
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TypeVar

from sqlalchemy import ColumnElement, Connection, and_, case, func, insert, literal, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from ..errors import ConfigError
from .models import jobs, now, scores, submissions
from .result import NEEDS_HUMAN, TriageResult

__all__ = [
    "DEFAULT_LEASE",
    "Claim",
    "QueueStats",
    "claim",
    "close",
    "complete",
    "enqueue",
    "fail",
    "has_result",
    "heartbeat",
    "plain_title",
    "queue_stats",
    "requeue_failed",
    "run_tx",
]

T = TypeVar("T")

DEFAULT_LEASE = 120.0  # seconds; a 100-episode script analyses in a few seconds
RETRY_BACKOFF = 5.0  # seconds before a failed attempt may be retried


@dataclass(frozen=True, slots=True)
class Claim:
    """A job this worker holds: the job and submission ids, and which attempt this is."""

    job_id: int
    submission_id: int
    attempt: int
    owner: str

    def to_dict(self) -> dict[str, object]:
        return {"job_id": self.job_id, "submission_id": self.submission_id, "attempt": self.attempt, "owner": self.owner}


@dataclass(frozen=True, slots=True)
class QueueStats:
    """How many jobs are in each state (for progress bars)."""

    queued: int = 0
    running: int = 0
    done: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return self.queued + self.running + self.done + self.failed

    @property
    def finished(self) -> int:
        return self.done + self.failed

    def to_dict(self) -> dict[str, int]:
        return {"queued": self.queued, "running": self.running, "done": self.done, "failed": self.failed, "total": self.total}


def enqueue(conn: Connection, submission_id: int, *, max_attempts: int = 3) -> None:
    """Queue the analysis of ``submission_id`` inside the caller's transaction.

    >>> # enqueue(conn, 1)  -- used by intake.submit_files
    """
    if max_attempts < 1:
        raise ConfigError(f"max_attempts must be >= 1, got {max_attempts}")
    t = now()
    conn.execute(insert(jobs).values(submission_id=submission_id, status="queued", attempts=0,
                                     max_attempts=max_attempts, available_at=t, created_at=t))


def _claimable(t: float) -> ColumnElement[bool]:
    return or_(
        and_(jobs.c.status == "queued", jobs.c.available_at <= t),
        and_(jobs.c.status == "running", jobs.c.lease_expires < t),
    )


def claim(engine: Engine, owner: str, *, lease: float = DEFAULT_LEASE, batch_id: int | None = None) -> Claim | None:
    """Take the oldest claimable job for ``owner``; None when there is nothing to do.

    A job whose lease ran out counts as claimable: its worker is presumed dead.

    >>> # c = claim(engine, "host:123:0"); c.submission_id
    """
    if lease <= 0:
        raise ConfigError(f"lease must be > 0 seconds, got {lease}")

    def work(conn: Connection) -> Claim | None:
        t = now()
        candidate = select(jobs.c.id).where(_claimable(t))
        if batch_id is not None:
            candidate = candidate.join(submissions, submissions.c.id == jobs.c.submission_id).where(
                submissions.c.batch_id == batch_id)
        chosen = candidate.order_by(jobs.c.id).limit(1).scalar_subquery()
        # One statement: pick and take. The WHERE repeats the claimability test, so of two
        # concurrent UPDATEs on the same row only one matches (PostgreSQL re-checks after the lock).
        row = conn.execute(
            update(jobs)
            .where(jobs.c.id == chosen, _claimable(t))
            .values(status="running", lease_owner=owner, lease_expires=t + lease, heartbeat_at=t,
                    attempts=jobs.c.attempts + 1)
            .returning(jobs.c.id, jobs.c.submission_id, jobs.c.attempts)
        ).first()
        if row is None:
            return None
        conn.execute(update(submissions).where(submissions.c.id == row.submission_id).values(analysis_state="running"))
        return Claim(row.id, row.submission_id, row.attempts, owner)

    for _ in range(5):  # a race lost on PostgreSQL matches no row although work remains
        got = run_tx(engine, work)
        if got is not None:
            return got
        if not _any_claimable(engine, batch_id):
            return None
    return None


def _any_claimable(engine: Engine, batch_id: int | None) -> bool:
    q = select(jobs.c.id).where(_claimable(now()))
    if batch_id is not None:
        q = q.join(submissions, submissions.c.id == jobs.c.submission_id).where(submissions.c.batch_id == batch_id)
    with engine.connect() as conn:
        return conn.execute(q.limit(1)).first() is not None


def run_tx(engine: Engine, work: Callable[[Connection], T], *, attempts: int = 30) -> T:
    """Run ``work(conn)`` in a transaction, retrying when SQLite reports the database busy.

    In WAL mode a deferred transaction that read and then writes can get ``SQLITE_BUSY``
    at once (the busy timeout does not apply), so the whole unit is retried.

    >>> from dramalens.db import make_engine
    >>> run_tx(make_engine("sqlite://"), lambda conn: 42)
    42
    """
    delay = 0.01
    for i in range(attempts - 1):
        try:
            with engine.begin() as conn:
                return work(conn)
        except OperationalError as exc:
            text = str(exc).lower()
            if not ("locked" in text or "busy" in text):
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
    with engine.begin() as conn:  # the last attempt: whatever it raises, the caller sees
        return work(conn)


def heartbeat(engine: Engine, claim_: Claim, *, lease: float = DEFAULT_LEASE) -> bool:
    """Extend the lease; False when the job is no longer ours (expired and taken over)."""

    def work(conn: Connection) -> int:
        t = now()
        return conn.execute(
            update(jobs)
            .where(jobs.c.id == claim_.job_id, jobs.c.lease_owner == claim_.owner, jobs.c.status == "running")
            .values(lease_expires=t + lease, heartbeat_at=t)
        ).rowcount

    return run_tx(engine, work) == 1


def has_result(engine: Engine, submission_id: int) -> bool:
    """Whether the submission already has its (one) result row."""
    with engine.connect() as conn:
        return conn.execute(select(scores.c.submission_id).where(scores.c.submission_id == submission_id)).first() is not None


def complete(engine: Engine, claim_: Claim, result: TriageResult) -> bool:
    """Store the result of a claimed job and mark it done; True when this call wrote it.

    The result becomes the ``triage_scores`` row (its JSON columns are written here, and only
    here) and the submission's language, tropes, score and detected track/format/episodes. A
    result marked ``unread`` leaves the submission unscored, in the state ``needs_human``.
    Idempotent on the submission id: when the result already exists (another worker finished
    first) it is left as it is.

    >>> # complete(engine, claim, analyse_submission(sub))  -> True (False: already stored)
    """
    t = now()
    s = result.score
    row = {
        "submission_id": claim_.submission_id,
        "total": float(s.total),
        "originality": s.originality,
        "craft": float(s.craft),
        "risk": float(s.risk),
        "weights": json.dumps(s.weights.to_dict(), ensure_ascii=False),
        "evidence": json.dumps([e.to_dict() for e in s.evidence], ensure_ascii=False, default=str),
        "similar": json.dumps([m.to_dict() for m in result.similar], ensure_ascii=False, default=str),
        "analysis": json.dumps(result.analysis.to_dict() if result.analysis is not None else {}, ensure_ascii=False,
                               default=str),
        "report_html": result.report_html,
        "worker": claim_.owner[:100],
        "created_at": t,
    }
    detected = result.detected

    def work(conn: Connection) -> bool:
        exists = conn.execute(select(scores.c.submission_id).where(scores.c.submission_id == claim_.submission_id)).first()
        wrote = False
        if exists is None:
            conn.execute(insert(scores).values(**row))
            conn.execute(
                update(submissions)
                .where(submissions.c.id == claim_.submission_id)
                .values(score=None if result.unread else row["total"], language=_language(result.language), tropes=",".join(result.tropes)[:500],
                        detected_track=detected.track[:60],
                        detected_format=detected.format if detected.format in ("vertical", "horizontal") else "",
                        detected_episodes=detected.episodes if detected.episodes and detected.episodes > 0 else None)
            )
            _adopt_title(conn, claim_.submission_id, result.script_title.strip())
            wrote = True
        _mark_done(conn, claim_, t, NEEDS_HUMAN if result.unread else "done")
        return wrote

    if not all(math.isfinite(float(x)) for x in (s.total, s.craft, s.risk)) or (
            s.originality is not None and not math.isfinite(s.originality)):
        raise ValueError(f"submission {claim_.submission_id}: the score is not a finite number ({s.total!r})")
    try:
        return run_tx(engine, work)
    except IntegrityError:
        # Only a result row already stored means another worker finished first; any other
        # integrity error (a NULL from a NaN, a constraint) is this result's fault and must
        # not mark the job done without a score.
        if not has_result(engine, claim_.submission_id):
            raise
        run_tx(engine, lambda conn: _mark_done(conn, claim_, t))
        return False


def close(engine: Engine, claim_: Claim) -> None:
    """Mark a claimed job done without writing a result (its result is already stored).

    >>> # if has_result(engine, claim.submission_id): close(engine, claim)
    """
    t = now()
    run_tx(engine, lambda conn: _mark_done(conn, claim_, t))


_TAG = re.compile(r"<!--.*?(?:-->|$)|</?[A-Za-z!?][^<>]*(?:>|$)", re.S)


def plain_title(title: str) -> str:
    """A title taken from a script with its HTML markup removed (tags and comments dropped,
    entities decoded): an HTML export's ``<b>title</b>`` shows as ``title``; one that is all
    markup as ''. Pages escape what is left, so it shows as text.

    >>> plain_title("<b><!-- </b>if (window!= top)--> 重生之我是总裁</b>")
    '重生之我是总裁'
    """
    if "<" not in title:
        return title.strip()
    text = html.unescape(_TAG.sub(" ", title))
    return " ".join(text.split())


def _language(found: str) -> ColumnElement[str]:
    """The language a row keeps: the one the desk declared for the file, else the one identified."""
    return case((submissions.c.declared_language != "", submissions.c.declared_language), else_=literal(found[:8]))


def _adopt_title(conn: Connection, submission_id: int, title: str) -> None:
    """Use the script's own title when the sender gave none (the title is then the file's stem)."""
    title = plain_title(title)
    if not title:
        return
    row = conn.execute(select(submissions.c.title, submissions.c.filename).where(submissions.c.id == submission_id)).one()
    if row.title == PurePosixPath(row.filename).stem:
        conn.execute(update(submissions).where(submissions.c.id == submission_id).values(title=title[:300]))


def _mark_done(conn: Connection, claim_: Claim, t: float, state: str = "done") -> None:
    conn.execute(update(jobs).where(jobs.c.id == claim_.job_id).values(
        status="done", finished_at=t, lease_owner=None, lease_expires=None, error=None))
    conn.execute(update(submissions).where(submissions.c.id == claim_.submission_id).values(analysis_state=state))


def fail(engine: Engine, claim_: Claim, error: str) -> str:
    """Record a failed attempt: back to ``queued`` after a backoff, or ``failed`` when out of attempts.

    Returns the job's new status (``"lost"`` when the lease had already passed to another worker).
    """

    def work(conn: Connection) -> str:
        t = now()
        job = conn.execute(select(jobs.c.attempts, jobs.c.max_attempts, jobs.c.lease_owner, jobs.c.status)
                           .where(jobs.c.id == claim_.job_id)).one()
        if job.lease_owner != claim_.owner or job.status != "running":
            return "lost"
        status = "failed" if job.attempts >= job.max_attempts else "queued"
        conn.execute(
            update(jobs)
            .where(jobs.c.id == claim_.job_id)
            .values(status=status, error=error[:2000], lease_owner=None, lease_expires=None,
                    available_at=t + RETRY_BACKOFF * job.attempts, finished_at=t if status == "failed" else None)
        )
        conn.execute(update(submissions).where(submissions.c.id == claim_.submission_id)
                     .values(analysis_state="failed" if status == "failed" else "queued"))
        return status

    return run_tx(engine, work)


def requeue_failed(engine: Engine) -> int:
    """Give every failed job a fresh set of attempts; returns how many were requeued."""

    def work(conn: Connection) -> int:
        ids = [r.submission_id for r in conn.execute(select(jobs.c.submission_id).where(jobs.c.status == "failed"))]
        conn.execute(update(jobs).where(jobs.c.status == "failed").values(status="queued", attempts=0, available_at=now(), error=None))
        if ids:
            conn.execute(update(submissions).where(submissions.c.id.in_(ids)).values(analysis_state="queued"))
        return len(ids)

    return run_tx(engine, work)


def queue_stats(engine_or_conn: Engine | Connection, *, batch_id: int | None = None, desk_id: int | None = None) -> QueueStats:
    """Count jobs by state, optionally for one batch or one desk."""
    q = select(jobs.c.status, func.count()).select_from(jobs)
    if batch_id is not None or desk_id is not None:
        q = q.join(submissions, submissions.c.id == jobs.c.submission_id)
        if batch_id is not None:
            q = q.where(submissions.c.batch_id == batch_id)
        if desk_id is not None:
            q = q.where(submissions.c.desk_id == desk_id)
    q = q.group_by(jobs.c.status)
    counts: dict[str, int]
    if isinstance(engine_or_conn, Engine):
        with engine_or_conn.connect() as conn:
            counts = {str(k): int(v) for k, v in conn.execute(q).all()}
    else:
        counts = {str(k): int(v) for k, v in engine_or_conn.execute(q).all()}
    return QueueStats(**{k: int(counts.get(k, 0)) for k in ("queued", "running", "done", "failed")})
