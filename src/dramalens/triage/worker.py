"""Workers that drain the job queue: threads inside ``dramalens serve``, or separate
``dramalens worker`` processes next to PostgreSQL in production.

A worker loops: claim → (result already there? mark done) → run the pipeline while a
heartbeat thread renews the lease → write the result (idempotent) or record the failure.
Stopping is cooperative (:meth:`Worker.stop`); a killed worker is recovered by lease expiry.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.process
import os
import socket
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine

from ..db import make_engine
from ..errors import ConfigError
from . import jobs as q
from .catalogs import CatalogRef, open_catalog
from .intake import SubmissionInput, SubmissionMeta
from .models import contents, init_db, submissions
from .pipeline import PipelineFn, analyse_submission
from .scoring import Weights, load_weights

__all__ = ["Worker", "WorkerProcesses", "WorkerStats", "close_if_finished", "default_worker_processes", "failure_detail", "load_submission", "lower_priority", "record_failure", "run_worker"]

log = logging.getLogger("dramalens.triage.worker")


@dataclass(slots=True)
class WorkerStats:
    """Counts of what a worker did."""

    done: int = 0
    failed: int = 0
    skipped: int = 0  # result already present (a resumed job)

    def to_dict(self) -> dict[str, object]:
        return {"done": self.done, "failed": self.failed, "skipped": self.skipped}


def load_submission(engine: Engine, submission_id: int) -> SubmissionInput:
    """The pipeline's input for ``submission_id``: its bytes and the metadata recorded at intake.

    >>> # load_submission(engine, 7).meta.track
    """
    with engine.connect() as conn:
        r = conn.execute(select(submissions, contents.c.content).join(contents, contents.c.submission_id == submissions.c.id)
                         .where(submissions.c.id == submission_id)).one()
    meta = SubmissionMeta(title=r.title, format=r.format, episodes=r.episodes, track=r.track, synopsis=r.synopsis,
                          budget=r.budget)
    return SubmissionInput(id=r.id, filename=r.filename, content=r.content, meta=meta)


def close_if_finished(engine: Engine, claim: q.Claim) -> bool:
    """Close a claimed job whose result is already stored (it finished before a crash); True when so.

    >>> # if close_if_finished(engine, claim): ...  # nothing left to analyse
    """
    if not q.has_result(engine, claim.submission_id):
        return False
    q.close(engine, claim)  # the stored result stands
    return True


def failure_detail(exc: BaseException) -> str:
    """How a failed attempt is described in the job's ``error`` column.

    >>> failure_detail(ValueError("bad"))
    'ValueError: bad'
    """
    return f"{type(exc).__name__}: {exc}"


def record_failure(engine: Engine, claim: q.Claim, detail: str) -> str:
    """Record a failed attempt (retry after a backoff, or ``failed``); returns the job's new status.

    >>> # record_failure(engine, claim, failure_detail(exc))  -> "queued" | "failed" | "lost"
    """
    log.warning("submission %s failed: %s", claim.submission_id, detail)
    return q.fail(engine, claim, detail)


class Worker:
    """A pool of ``threads`` worker threads over ``engine``'s queue.

    >>> # w = Worker(engine, threads=2); w.run_until_empty()
    """

    def __init__(
        self,
        engine: Engine,
        *,
        pipeline: PipelineFn = analyse_submission,
        threads: int = 1,
        lease: float = q.DEFAULT_LEASE,
        poll: float = 1.0,
        catalog: CatalogRef | None = None,
        name: str | None = None,
        on_progress: Callable[[q.Claim, bool], None] | None = None,
        batch_id: int | None = None,
        weights_file: str | os.PathLike[str] | None = None,
    ) -> None:
        if threads < 1 or threads > 64:
            raise ConfigError(f"threads must be between 1 and 64, got {threads}")
        if lease <= 0 or poll <= 0:
            raise ConfigError("lease and poll must be > 0 seconds")
        self.engine = engine
        self.pipeline = pipeline
        self.threads = threads
        self.lease = lease
        self.poll = poll
        self.catalog = catalog
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.on_progress = on_progress
        self.batch_id = batch_id
        self.weights_file = weights_file  # Settings.triage_settings: weights when the DB has none
        self.stats = WorkerStats()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    # -- one job -------------------------------------------------------------------------
    def process_one(self, owner: str) -> bool:
        """Claim and process one job; False when the queue had nothing for us."""
        claim = q.claim(self.engine, owner, lease=self.lease, batch_id=self.batch_id)
        if claim is None:
            return False
        if close_if_finished(self.engine, claim):  # finished before a crash: just close it
            self._count("skipped", claim, True)
            return True
        beat_stop = threading.Event()
        beat = threading.Thread(target=self._heartbeat, args=(claim, beat_stop), daemon=True)
        beat.start()
        try:
            sub = load_submission(self.engine, claim.submission_id)
            weights = self._weights()
            result = self.pipeline(sub, weights=weights, catalog=self.catalog)
        except Exception as exc:  # any failure of one script must not stop the batch
            beat_stop.set()
            log.debug("%s", traceback.format_exc())
            status = record_failure(self.engine, claim, failure_detail(exc))
            self._count("failed" if status == "failed" else "skipped", claim, False)
            return True
        finally:
            beat_stop.set()
        try:
            q.complete(self.engine, claim, result)
        except Exception as exc:  # a result that cannot be stored is a failed attempt, not "done"
            log.debug("%s", traceback.format_exc())
            status = record_failure(self.engine, claim, failure_detail(exc))
            self._count("failed" if status == "failed" else "skipped", claim, False)
            return True
        self._count("done", claim, True)
        return True

    def _weights(self) -> Weights:
        with self.engine.connect() as conn:
            return load_weights(conn, path=self.weights_file)

    def _heartbeat(self, claim: q.Claim, stop: threading.Event) -> None:
        interval = max(self.lease / 3, 0.05)
        while not stop.wait(interval):
            try:
                if not q.heartbeat(self.engine, claim, lease=self.lease):
                    return
            except Exception:  # a missed beat only shortens the lease; never crash the worker
                log.debug("heartbeat failed", exc_info=True)

    def _count(self, field: str, claim: q.Claim, ok: bool) -> None:
        with self._lock:
            setattr(self.stats, field, getattr(self.stats, field) + 1)
        if self.on_progress is not None:
            self.on_progress(claim, ok)

    # -- loops -----------------------------------------------------------------------------
    def _loop(self, index: int, until_empty: bool) -> None:
        owner = f"{self.name}:{index}"
        while not self._stop.is_set():
            try:
                worked = self.process_one(owner)
            except Exception:  # the database went away for a moment: wait and retry
                log.exception("worker %s: queue error", owner)
                worked = False
            if not worked:
                if until_empty:
                    return
                self._stop.wait(self.poll)

    def start(self) -> None:
        """Start the threads in the background; they poll until :meth:`stop`."""
        self._stop.clear()
        self._threads = [threading.Thread(target=self._loop, args=(i, False), name=f"triage-worker-{i}", daemon=True)
                         for i in range(self.threads)]
        for t in self._threads:
            t.start()

    def stop(self, timeout: float | None = 10.0) -> None:
        """Ask the threads to stop after their current job, and wait for them."""
        self._stop.set()
        for t in self._threads:
            t.join(timeout)
        self._threads = []

    def join(self) -> None:
        """Wait for the background threads (they end only after :meth:`stop`)."""
        while any(t.is_alive() for t in self._threads):
            for t in self._threads:
                t.join(1.0)

    def run_until_empty(self) -> WorkerStats:
        """Process jobs on ``threads`` threads until none is claimable; returns the counts."""
        self._stop.clear()
        threads = [threading.Thread(target=self._loop, args=(i, True), daemon=True) for i in range(self.threads)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return self.stats


def run_worker(db_url: str | None = None, *, threads: int = 1, poll: float = 2.0, until_empty: bool = False,
               pipeline: PipelineFn = analyse_submission,
               weights_file: str | os.PathLike[str] | None = None) -> WorkerStats:
    """Entry point of a worker process (``dramalens worker``): migrate, then drain the queue.

    >>> # run_worker("postgresql://desk@db/dramalens", threads=2)
    """
    engine = init_db(make_engine(db_url))
    worker = Worker(engine, pipeline=pipeline, threads=threads, poll=poll, catalog=open_catalog(db_url),
                    weights_file=weights_file)
    if until_empty:
        return worker.run_until_empty()
    worker.start()
    try:
        worker.join()
    except KeyboardInterrupt:
        worker.stop()
    return worker.stats


def default_worker_processes(cores: int | None = None) -> int:
    """How many worker processes ``serve`` and ``demo`` start beside the web process: one per
    core but one, at least one. The web process needs a core of its own while reviewers read:
    with as many analysis processes as cores, 50 readers took a third of the analysis pace and
    the pages waited behind it; with one core left, analysis keeps its pace while they read.

    >>> default_worker_processes(2), default_worker_processes(8), default_worker_processes(1)
    (1, 7, 1)
    """
    found = cores if cores is not None else (os.cpu_count() or 2)
    return max(1, found - 1)


def lower_priority(increment: int) -> int:
    """Raise this process's niceness by ``increment`` (capped at 19), every thread of it; return
    the niceness now. What ``serve`` and ``demo`` do to the web process once its worker processes
    are started: they keep the priority they were started with, so the scheduler gives a core
    both want to the analysis first and to reviewers' page requests after it. Lowering one's own
    priority needs no privileges; raising it back would, which is why the workers are started
    first. A no-op (returning 0) where the platform has no ``setpriority`` (Windows).

    >>> # lower_priority(10) -> 10 for a process started at niceness 0
    """
    if not hasattr(os, "setpriority"):
        return 0
    current = os.getpriority(os.PRIO_PROCESS, 0)
    if increment <= 0:
        return current
    target = min(19, current + increment)
    # On Linux a niceness belongs to a thread, not to the process: setpriority(…, 0, …) would
    # lower only the calling thread, so every thread listed under /proc is lowered by its id.
    # A thread started meanwhile by one not yet lowered keeps its creator's niceness, so the list
    # is read again until a pass finds no new thread (bounded: a process starting threads without
    # end would otherwise keep this loop going).
    tasks = Path("/proc/self/task")
    done: set[int] = set()
    for _ in range(10):
        ids = {int(t.name) for t in tasks.iterdir()} if tasks.is_dir() else {0}
        if ids <= done:
            break
        for tid in ids - done:
            try:
                os.setpriority(os.PRIO_PROCESS, tid, target)
            except ProcessLookupError:  # a thread that ended meanwhile
                pass
        done |= ids
    return target


class WorkerProcesses:
    """``count`` worker processes beside the web process (what ``serve`` and ``demo`` start).

    Analysis threads inside the web process share its interpreter lock with the page requests:
    with 30 reviewers reading, the queue page's p95 went past a second and analysis slowed to a
    crawl. Separate processes (spawned, so nothing of the web process is inherited) share only
    the database. ``stop`` terminates them; a job they held is claimable again when its lease
    runs out, as after any crash.

    >>> # pool = WorkerProcesses("sqlite:///desk.sqlite", 2); pool.start(); ...; pool.stop()
    """

    def __init__(self, db_url: str, count: int, *, pipeline: PipelineFn = analyse_submission, poll: float = 1.0,
                 weights_file: str | os.PathLike[str] | None = None) -> None:
        if not 1 <= count <= 64:
            raise ConfigError(f"worker processes must be between 1 and 64, got {count}")
        if db_url in ("sqlite://", "sqlite:///:memory:"):
            raise ConfigError("an in-memory database cannot be shared with worker processes",
                              hint="use a database file, or worker threads")
        self.db_url, self.count, self.pipeline, self.poll, self.weights_file = db_url, count, pipeline, poll, weights_file
        self.processes: list[multiprocessing.process.BaseProcess] = []

    def start(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        for i in range(self.count):
            proc = ctx.Process(target=run_worker, name=f"dramalens-worker-{i}", daemon=True,
                               kwargs={"db_url": self.db_url, "threads": 1, "poll": self.poll,
                                       "pipeline": self.pipeline, "weights_file": self.weights_file})
            proc.start()
            self.processes.append(proc)

    def stop(self, timeout: float = 10.0) -> None:
        for proc in self.processes:
            proc.terminate()
        for proc in self.processes:
            proc.join(timeout)
        self.processes.clear()
