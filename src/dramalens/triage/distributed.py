"""Triage on a Dask cluster: the same queue, leases and result writes as the thread worker,
with the analysis itself running on the cluster's workers.

The client (``dramalens triage run --dask …``) does everything that touches the queue, through
the very functions :class:`~.worker.Worker` uses: it claims jobs (:func:`~.jobs.claim`), reads
each submission's bytes and ships them to the cluster, renews every lease it holds while the
cluster works (:func:`~.jobs.heartbeat`), and writes each result (:func:`~.jobs.complete`, keyed
on the submission id, so exactly once) or records the failure (:func:`~.jobs.fail`, with its
retries and backoff). A worker only runs the pipeline function; it opens the catalog itself,
from the database URL, once per worker process (a catalog holds an engine and cached arrays:
it must not be pickled).

A client that dies stops renewing its leases: the jobs it held become claimable again when
they expire, exactly as for a dead thread worker.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Protocol
from urllib.parse import urlsplit

from sqlalchemy.engine import Engine

from ..errors import ConfigError
from . import jobs as q
from .catalogs import CatalogRef, open_catalog
from .intake import SubmissionInput
from .pipeline import PipelineFn, analyse_submission
from .result import TriageResult
from .scoring import Weights, load_weights
from .worker import WorkerStats, close_if_finished, failure_detail, load_submission, record_failure

__all__ = ["DaskClient", "DaskStats", "client_is_local", "run_dask", "sqlite_warning", "worker_db_url"]

log = logging.getLogger("dramalens.triage.distributed")

MAX_WINDOW = 1000

# One catalog handle per worker process and database: opened on first use, then reused by
# every task that process runs (CatalogRef re-checks the catalog for new works every minute).
_CATALOGS: dict[str, CatalogRef] = {}
_CATALOGS_LOCK = threading.Lock()


def _catalog_for(db_url: str | None) -> CatalogRef | None:
    if db_url is None:
        return None
    with _CATALOGS_LOCK:
        ref = _CATALOGS.get(db_url)
        if ref is None:
            ref = _CATALOGS[db_url] = open_catalog(db_url)
        return ref


class DaskFuture(Protocol):
    """The part of a ``distributed.Future`` used here."""

    def result(self) -> tuple[str, TriageResult | str]: ...

    def cancel(self) -> object: ...


class DaskClient(Protocol):
    """The part of a ``distributed.Client`` used here (Dask is an optional extra: its own
    classes are imported only where a run needs them)."""

    def submit(self, func: Callable[..., tuple[str, TriageResult | str]], *args: object, key: str,
               pure: bool) -> DaskFuture: ...

    def nthreads(self) -> dict[str, int]: ...

    def scheduler_info(self) -> dict[str, object]: ...

    @property
    def loop(self) -> object:
        """The event loop the client's futures report on."""
        ...


def _analyse_on_worker(pipeline: PipelineFn, sub: SubmissionInput, weights: Weights,
                       db_url: str | None) -> tuple[str, TriageResult | str]:
    """Runs on a Dask worker: ("ok", result) or ("error", detail).

    The failure is described here, where the exception is: an exception object need not
    survive pickling back to the client, and the detail must read as the thread worker's.
    """
    try:
        return "ok", pipeline(sub, weights=weights, catalog=_catalog_for(db_url))
    except Exception as exc:  # one script's failure must not stop the batch
        log.debug("submission %s failed on a Dask worker", sub.id, exc_info=True)
        return "error", failure_detail(exc)


def worker_db_url(engine: Engine) -> str | None:
    """The URL the cluster's workers open the catalog from: the engine's, with a relative SQLite
    path made absolute (workers may start in another directory); None for in-memory SQLite.

    >>> from dramalens.db import make_engine
    >>> worker_db_url(make_engine("sqlite:///desk.sqlite")).endswith("/desk.sqlite")
    True
    """
    url = engine.url
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            return None
        url = url.set(database=str(Path(url.database).resolve()))
    return url.render_as_string(hide_password=False)


@dataclass(slots=True)
class DaskStats(WorkerStats):
    """A Dask run's counts, and what the run warned about (e.g. workers left without the catalog)."""

    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        # WorkerStats.to_dict named, not super(): slots dataclasses break zero-argument super().
        return {**WorkerStats.to_dict(self), "warnings": list(self.warnings)}


_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def client_is_local(client: object) -> bool:
    """Do the client's workers share this machine's files? True for a ``LocalCluster`` (how
    ``--dask local`` is made) and for a cluster whose every worker listens on a loopback or
    in-process address; False for anything else (a scheduler on another host, or workers
    that could be anywhere).

    >>> class Remote:
    ...     cluster = None
    ...     def scheduler_info(self): return {"workers": {"tcp://10.0.0.7:40331": {}}}
    >>> client_is_local(Remote())
    False
    """
    cluster = getattr(client, "cluster", None)
    if cluster is not None:
        # Dask is an optional extra, imported only here: a client with a cluster means it is installed.
        from dask.distributed import LocalCluster

        if isinstance(cluster, LocalCluster):
            return True
    try:
        info = client.scheduler_info()  # type: ignore[attr-defined]  # a Dask client, or a double
        workers = list((info or {}).get("workers", {}))
    except Exception:  # cannot ask: assume the worst, the warning is cheap
        return False
    if not workers:
        return False
    for address in workers:
        parts = urlsplit(address)
        if parts.scheme != "inproc" and (parts.hostname or "") not in _LOOPBACK:
            return False
    return True


def sqlite_warning(db_url: str | None) -> str | None:
    """The warning for a remote cluster given ``db_url``: a SQLite file is on this machine only.

    >>> sqlite_warning("postgresql://desk@db/triage") is None
    True
    >>> "PostgreSQL" in sqlite_warning("sqlite:////srv/desk.sqlite")
    True
    """
    if db_url is None or not db_url.startswith("sqlite"):
        return None
    return (f"the Dask workers are not on this machine and cannot see the local SQLite file "
            f"{db_url.split('///', 1)[-1]}: they will run without the catalog (no similar-work "
            f"search); use a PostgreSQL database (--db postgresql://…) that the workers can reach")


class _Leases:
    """The claims in flight, renewed together by one heartbeat thread."""

    def __init__(self, engine: Engine, lease: float):
        self.engine = engine
        self.lease = lease
        self.claims: dict[DaskFuture, q.Claim] = {}  # Dask future → its claim
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="triage-dask-heartbeat", daemon=True)

    def __enter__(self) -> "_Leases":
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join(5.0)

    def add(self, future: DaskFuture, claim: q.Claim) -> None:
        with self._lock:
            self.claims[future] = claim

    def pop(self, future: DaskFuture) -> q.Claim:
        with self._lock:
            return self.claims.pop(future)

    def __len__(self) -> int:
        with self._lock:
            return len(self.claims)

    def _beat(self) -> None:
        interval = max(self.lease / 3, 0.05)  # the thread worker's rhythm: three beats a lease
        while not self._stop.wait(interval):
            with self._lock:
                held = list(self.claims.values())
            for claim in held:
                try:
                    if not q.heartbeat(self.engine, claim, lease=self.lease):
                        log.warning("submission %s: lease lost to another worker", claim.submission_id)
                except Exception:  # a missed beat only shortens the lease; never stop the batch
                    log.debug("heartbeat failed", exc_info=True)


def _as_completed() -> Callable[..., _Pending]:
    """Dask's ``as_completed``, imported here because Dask is an optional extra
    (``pip install 'dramalens[dask]'``): only a Dask run needs it."""
    try:
        from dask.distributed import as_completed
    except ImportError as exc:
        raise ConfigError("Dask is not installed", hint="pip install 'dramalens[dask]'") from exc
    return as_completed


class _Pending(Protocol):
    """The part of ``distributed.as_completed`` used here: futures in, finished futures out."""

    def add(self, future: DaskFuture) -> None: ...

    def __iter__(self) -> Iterator[DaskFuture]: ...


def run_dask(
    engine: Engine,
    client: DaskClient,
    *,
    db_url: str | None = None,
    pipeline: PipelineFn = analyse_submission,
    lease: float = q.DEFAULT_LEASE,
    window: int | None = None,
    name: str | None = None,
    on_progress: Callable[[q.Claim, bool], None] | None = None,
    batch_id: int | None = None,
    is_local: Callable[[object], bool] | None = None,
    weights_file: str | os.PathLike[str] | None = None,
) -> DaskStats:
    """Drain the queue on the Dask ``client``'s cluster until no job is claimable; returns the counts.

    At most ``window`` jobs are claimed at a time (default: twice the cluster's threads, so
    every worker has the next script waiting); a finished job frees its place for the next
    claim. ``db_url`` is where the workers open the catalog (default: the engine's URL, see
    :func:`worker_db_url`); with a remote cluster it must name a database they can reach: when
    ``is_local(client)`` (default :func:`client_is_local`) is False and the URL is a SQLite
    file, the workers run without the catalog and the returned stats carry one warning saying
    so (use PostgreSQL).
    ``on_progress(claim, ok)`` is called after each job, as by :class:`~.worker.Worker`.
    ``weights_file``: the TOML weights used when the database holds none (``Settings.triage_settings``).

    >>> # from dramalens.cluster import dask_client
    >>> # with dask_client("local") as client: run_dask(engine, client).to_dict()
    >>> # {'done': 40, 'failed': 0, 'skipped': 0}
    """
    as_completed = _as_completed()
    if lease <= 0:
        raise ConfigError(f"lease must be > 0 seconds, got {lease}")
    if window is None:
        window = max(2, 2 * sum(client.nthreads().values()))
    if not 1 <= window <= MAX_WINDOW:
        raise ConfigError(f"window must be between 1 and {MAX_WINDOW} jobs, got {window}")
    if db_url is None:
        db_url = worker_db_url(engine)
    stats = DaskStats()
    warning = sqlite_warning(db_url)
    if warning is not None and not (is_local or client_is_local)(client):
        # A remote worker opening the path would fail every job or create an empty file there.
        log.info("%s", warning)  # said once, by the caller (the CLI prints stats.warnings)
        stats.warnings.append(warning)
        db_url = None
    if db_url is not None:
        # Open (and migrate) the catalog once here, so worker processes never race to create it.
        open_catalog(db_url).get()
    owner = f"{name or socket.gethostname() + ':' + str(os.getpid())}:dask"

    def count(field: str, claim: q.Claim, ok: bool) -> None:
        setattr(stats, field, getattr(stats, field) + 1)
        if on_progress is not None:
            on_progress(claim, ok)

    # On this client's own event loop: without one, as_completed watches the futures on the
    # default client's, which is another client's when one was made since (a CLI run's own
    # cluster, closing) and then never reports them: the batch waited forever.
    pending = as_completed(loop=client.loop)
    with _Leases(engine, lease) as leases:

        def fill() -> None:
            while len(leases) < window:
                claim = q.claim(engine, owner, lease=lease, batch_id=batch_id)
                if claim is None:
                    return
                if close_if_finished(engine, claim):  # finished before a crash: just close it
                    count("skipped", claim, True)
                    continue
                try:
                    sub = load_submission(engine, claim.submission_id)
                    with engine.connect() as conn:
                        weights = load_weights(conn, path=weights_file)
                except Exception as exc:
                    status = record_failure(engine, claim, failure_detail(exc))
                    count("failed" if status == "failed" else "skipped", claim, False)
                    continue
                future = client.submit(_analyse_on_worker, pipeline, sub, weights, db_url, pure=False,
                                       key=f"triage-{claim.submission_id}-{claim.attempt}-{os.urandom(4).hex()}")
                leases.add(future, claim)
                pending.add(future)

        try:
            fill()
            for future in pending:
                claim = leases.pop(future)
                try:
                    outcome, payload = future.result()
                except Exception as exc:  # the cluster lost the task (a worker died, …)
                    outcome, payload = "error", failure_detail(exc)
                if outcome == "ok" and isinstance(payload, TriageResult):
                    q.complete(engine, claim, payload)
                    count("done", claim, True)
                else:
                    status = record_failure(engine, claim, str(payload))
                    count("failed" if status == "failed" else "skipped", claim, False)
                fill()
        finally:
            # Interrupted: drop what the cluster still holds; the leases expire and the jobs are
            # claimed again later, as for a killed thread worker.
            for future in list(leases.claims):
                future.cancel()
    return stats
