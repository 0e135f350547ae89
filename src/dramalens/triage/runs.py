"""Batch work the command line starts: submitting a file or folder, draining the queue.

``dramalens triage submit`` and ``dramalens triage run`` each call one function here and draw a
progress bar from its ``on_progress(done, total)`` calls.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from .. import cluster
from ..db import make_engine
from ..errors import ConfigError, DramalensError, InputError
from .catalogs import open_catalog
from .distributed import DaskClient, run_dask
from .intake import SCRIPT_EXTENSIONS, Receipt, SkippedMember, SubmissionMeta, ensure_desk, skipped_for_error, submit, unpack_upload
from .jobs import Claim, QueueStats, queue_stats, run_tx
from .models import init_db
from .pipeline import PipelineFn, analyse_submission
from .worker import Worker, WorkerStats

__all__ = ["Progress", "RunReport", "drain_queue", "open_desk", "read_scripts", "submit_path"]

#: ``on_progress(done, total)``: called once with 0 before the work starts, then after each item.
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class RunReport:
    """What a run of the queue did, what it warned about, and the queue's counts afterwards."""

    done: int
    failed: int
    skipped: int
    warnings: tuple[str, ...]
    queue: QueueStats


def _quiet(done: int, total: int) -> None:
    """The default progress callback: say nothing."""


def read_scripts(path: Path, *, on_progress: Progress = _quiet) -> tuple[list[tuple[str, bytes]], list[SkippedMember]]:
    """The scripts in ``path`` as (name, bytes) and the names skipped: one script, a .zip batch,
    or every script file (and .zip) directly inside a folder.

    >>> # files, skipped = read_scripts(Path("inbox"))
    """
    if not path.exists():
        raise InputError("no such file or folder", source=str(path))
    if not path.is_dir():
        return unpack_upload(path.name, path.read_bytes())
    files: list[tuple[str, bytes]] = []
    skipped: list[SkippedMember] = []
    candidates = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SCRIPT_EXTENSIONS)
    on_progress(0, len(candidates))
    for done, p in enumerate(candidates, 1):
        try:
            got, skip = unpack_upload(p.name, p.read_bytes())
        except DramalensError as exc:  # one unreadable file is skipped with its reason, as in a zip
            got, skip = [], [skipped_for_error(p.name, exc)]
        files += got
        skipped += skip
        on_progress(done, len(candidates))
    if not files:
        raise InputError("the folder holds no script files", source=str(path), hint=f"expected {', '.join(SCRIPT_EXTENSIONS)}")
    return files, skipped


def open_desk(db_url: str | None) -> Engine:
    """The desk's database, migrated to the current schema.

    >>> open_desk("sqlite://").dialect.name
    'sqlite'
    """
    return init_db(make_engine(db_url))


def submit_path(db_url: str | None, path: Path, meta: SubmissionMeta = SubmissionMeta(), *, desk: str = "default",
                by: str, on_progress: Progress = _quiet) -> Receipt:
    """Queue the scripts of ``path`` (see :func:`read_scripts`) as one batch of desk ``desk``
    in the database at ``db_url`` (opened once the scripts are read).

    >>> # submit_path("sqlite:///desk.sqlite", Path("scripts.zip"), SubmissionMeta(track="都市"), by="ann").batch_id
    """
    files, skipped = read_scripts(path, on_progress=on_progress)
    engine = open_desk(db_url)
    desk_id = run_tx(engine, lambda conn: ensure_desk(conn, desk))
    return submit(engine, files, meta, desk_id=desk_id, by=by, batch_name=path.name, skipped=skipped)


def drain_queue(
    db_url: str | None,
    *,
    threads: int = 1,
    dask: str | None = None,
    dask_timeout: float = 5.0,
    pipeline: PipelineFn = analyse_submission,
    weights_file: str | os.PathLike[str] | None = None,
    on_progress: Progress = _quiet,
) -> RunReport:
    """Process the queue of the database at ``db_url`` until no job is claimable, on ``threads`` threads here or on the Dask
    cluster ``dask`` (``"local"`` or ``tcp://HOST:PORT``, reached within ``dask_timeout``
    seconds); returns the counts, the run's warnings (e.g. remote workers that cannot see a
    SQLite file) and the queue's counts afterwards.

    >>> # drain_queue("sqlite:///desk.sqlite", dask="local").done
    """
    if dask_timeout <= 0:
        raise ConfigError(f"--dask-timeout must be > 0 seconds, got {dask_timeout}")
    engine = open_desk(db_url)
    start = queue_stats(engine)
    total, done = start.queued + start.running, 0

    def advance(claim: Claim, ok: bool) -> None:
        nonlocal done
        done += 1
        on_progress(done, total)

    connect: AbstractContextManager[DaskClient | None] = (
        cluster.dask_client(dask, timeout=f"{dask_timeout}s") if dask else nullcontext())
    warnings: tuple[str, ...] = ()
    with connect as client:
        on_progress(0, total)  # once connected: a scheduler that cannot be reached draws no bar
        if client is not None:
            dask_stats = run_dask(engine, client, pipeline=pipeline, weights_file=weights_file, on_progress=advance)
            stats: WorkerStats = dask_stats
            warnings = tuple(dask_stats.warnings)
        else:
            stats = Worker(engine, pipeline=pipeline, threads=threads, catalog=open_catalog(db_url),
                           weights_file=weights_file, on_progress=advance).run_until_empty()
    return RunReport(stats.done, stats.failed, stats.skipped, warnings, queue_stats(engine))
