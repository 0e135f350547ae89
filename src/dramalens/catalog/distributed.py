"""Scale-out: the same import and dedupe functions, on all local cores or on Dask.

``--dask local`` starts a ``LocalCluster(n_workers=2, threads_per_worker=1)``; ``--dask
tcp://host:8786`` connects to a running scheduler (:func:`dramalens.cluster.dask_client`).
Nothing is computed differently: the workers run :func:`~.prepare.prepare_batch` (parse and
fingerprint a chunk of works) and the dedupe helpers exactly as the single-machine path does
(hashes are seeded, never Python's per-process ``hash``), so signatures and clusters are
identical. Dask is the optional ``dask``
extra: it is imported only by the functions that use it.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol, TypeVar

from ..cluster import dask_client
from ..errors import ConfigError
from .fingerprint import fingerprint_batch
from .prepare import ImportTask, Prepared, prepare_batch
from .records import Document, WorkRecord

if TYPE_CHECKING:  # the dask extra may be absent; only the type is needed here
    from distributed import Client

__all__ = ["DaskMapper", "LocalMapper", "Mapper", "fingerprint_many", "mapper_for", "usable_cores"]

A = TypeVar("A")
B = TypeVar("B")
R = TypeVar("R")


class Mapper(Protocol):
    """Where work runs: on this machine (:class:`LocalMapper`) or on a cluster
    (:class:`DaskMapper`). The import streams chunks of works through :meth:`prepare`,
    dedupe maps :meth:`map`."""

    def prepare(self, chunks: Iterable[list[ImportTask]], *, expected_bytes: int = 0) -> Iterator[list[Prepared]]: ...

    def map(self, fn: Callable[[A, B], R], first: Sequence[A], second: Sequence[B]) -> list[R]: ...


#: Bytes of scripts (or works) an import must bring before LocalMapper starts worker
#: processes: each imports dramalens and jieba (~2 s of one core), which a handful of scripts
#: does not repay.
POOL_MIN_BYTES = 4_000_000
#: Chunks in flight per worker: one running, one queued, so no worker waits on the importer.
IN_FLIGHT = 2


class _Pending(Protocol):
    """A submitted chunk: a ``concurrent.futures`` or a Dask future."""

    def result(self) -> list[Prepared]: ...


def _windowed(chunks: Iterable[list[ImportTask]], submit: Callable[[list[ImportTask]], _Pending], window: int) -> Iterator[list[Prepared]]:
    """Results of ``submit(chunk)`` in chunk order, with at most ``window`` chunks submitted and
    not yet handed back: the importer never holds more than a window of script bytes."""
    pending: deque[_Pending] = deque()
    for chunk in chunks:
        pending.append(submit(chunk))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity where the OS has one, as in a container
    limited to 2 of a host's cores), else the machine's count.

    >>> usable_cores() >= 1
    True
    """
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


class LocalMapper:
    """Runs every chunk on this machine: in worker processes, one per core (``processes``,
    default :func:`usable_cores`), when an import brings at least :data:`POOL_MIN_BYTES`,
    otherwise here, one chunk after the other. Same function, same seeds: the same fingerprints.

    >>> LocalMapper().map(pow, [2, 3], [3, 2])
    [8, 9]
    """

    def __init__(self, processes: int | None = None):
        self.processes = processes if processes is not None else usable_cores()
        if self.processes < 1:
            raise ConfigError(f"processes must be ≥ 1, got {processes!r}")
        self._pool: ProcessPoolExecutor | None = None

    def prepare(self, chunks: Iterable[list[ImportTask]], *, expected_bytes: int = 0) -> Iterator[list[Prepared]]:
        if self.processes > 1 and expected_bytes >= POOL_MIN_BYTES:
            if self._pool is None:  # started once, kept for every chunk of the import
                # spawn, not fork: the importer's process may hold threads (a web worker, jieba's lock)
                self._pool = ProcessPoolExecutor(max_workers=self.processes, mp_context=multiprocessing.get_context("spawn"))
            pool = self._pool
            return _windowed(chunks, lambda chunk: pool.submit(prepare_batch, chunk), self.processes * IN_FLIGHT)
        # prepare_batch is looked up here, at call time, so tests can interrupt an import.
        return (prepare_batch(chunk) for chunk in chunks)

    def close(self) -> None:
        """Stop the worker processes, if any were started."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def map(self, fn: Callable[[A, B], R], first: Sequence[A], second: Sequence[B]) -> list[R]:
        return [fn(a, b) for a, b in zip(first, second)]


class DaskMapper:
    """Runs every chunk as a task on a Dask ``client`` and hands the results back in order."""

    def __init__(self, client: Client):
        self.client = client

    def prepare(self, chunks: Iterable[list[ImportTask]], *, expected_bytes: int = 0) -> Iterator[list[Prepared]]:
        threads = sum(self.client.nthreads().values()) or 1  # type: ignore[no-untyped-call]  # dask is unannotated
        submit = self.client.submit

        return _windowed(chunks, lambda chunk: submit(prepare_batch, chunk, pure=False), threads * IN_FLIGHT)

    def map(self, fn: Callable[[A, B], R], first: Sequence[A], second: Sequence[B]) -> list[R]:
        futures = self.client.map(fn, list(first), list(second), pure=False)
        return list(self.client.gather(futures))  # type: ignore[no-untyped-call]  # dask's gather is unannotated


def fingerprint_many(docs: Sequence[Document], client: Client | None = None, *, partition: int = 64, seed: int = 1) -> list[WorkRecord]:
    """Fingerprint documents, on ``client`` if given (dask.bag partitions), else locally.

    >>> from dramalens.catalog.records import Work
    >>> len(fingerprint_many([Document(Work("a", "T", "en", synopsis="x y z"))]))
    1
    """
    docs = list(docs)
    parts = [docs[i : i + partition] for i in range(0, len(docs), partition)]
    if client is None:
        return [r for p in parts for r in fingerprint_batch(p, seed)]
    try:  # the optional dask extra, imported only for a cluster run
        import dask.bag as db
    except ImportError as exc:
        raise ConfigError("Dask is not installed", hint="pip install 'dramalens[dask]'") from exc
    bag = db.from_sequence(docs, npartitions=max(1, len(parts)))  # type: ignore[no-untyped-call]  # unannotated in dask
    records: list[WorkRecord] = bag.map_partitions(lambda part: fingerprint_batch(list(part), seed)).compute(scheduler=client.get)
    return records


@contextmanager
def mapper_for(dask: str | None) -> Iterator[Mapper]:
    """Where to run partitions: here (``dask`` None) or on the Dask cluster at ``dask``
    (``"local"`` or ``tcp://host:8786``), connected for the ``with`` block.

    >>> with mapper_for(None) as mapper:
    ...     type(mapper).__name__
    'LocalMapper'
    """
    if not dask:
        local = LocalMapper()
        try:
            yield local
        finally:
            local.close()
        return
    with dask_client(dask) as client:
        yield DaskMapper(client)
