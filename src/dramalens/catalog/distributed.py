"""Dask scale-out: the same fingerprint and dedupe functions, mapped over partitions.

``--dask local`` starts a ``LocalCluster(n_workers=2, threads_per_worker=1)``; ``--dask
tcp://host:8786`` connects to a running scheduler (:func:`dramalens.cluster.dask_client`).
Nothing is computed differently: the workers run :func:`~.fingerprint.fingerprint_batch` and
the dedupe helpers exactly as the single-machine path does (hashes are seeded, never Python's
per-process ``hash``), so signatures and clusters are identical. Dask is the optional ``dask``
extra: it is imported only by the functions that use it.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol, TypeVar

from ..cluster import dask_client
from ..errors import ConfigError
from .fingerprint import fingerprint_batch
from .records import Document, WorkRecord

if TYPE_CHECKING:  # the dask extra may be absent; only the type is needed here
    from distributed import Client

__all__ = ["DaskMapper", "LocalMapper", "Mapper", "fingerprint_many", "mapper_for"]

A = TypeVar("A")
B = TypeVar("B")
R = TypeVar("R")


class Mapper(Protocol):
    """Where partitions of work run: in this process (:class:`LocalMapper`) or on a cluster
    (:class:`DaskMapper`). The import maps :meth:`fingerprint`, dedupe maps :meth:`map`."""

    def fingerprint(self, parts: list[list[Document]]) -> list[list[WorkRecord]]: ...

    def map(self, fn: Callable[[A, B], R], first: Sequence[A], second: Sequence[B]) -> list[R]: ...


#: Documents (or characters of script text) a call must bring before LocalMapper starts worker
#: processes: below both, starting them (each imports dramalens, ~1 s) costs more than it saves.
POOL_MIN_DOCS = 2_000
POOL_MIN_CHARS = 50_000_000


class LocalMapper:
    """Runs every partition on this machine: in worker processes, one per core (``processes``,
    default ``os.cpu_count()``) when a call brings at least :data:`POOL_MIN_DOCS` documents,
    otherwise here, one after the other. Same functions, same seeds: the same fingerprints.

    >>> LocalMapper().map(pow, [2, 3], [3, 2])
    [8, 9]
    """

    def __init__(self, processes: int | None = None):
        self.processes = processes if processes is not None else (os.cpu_count() or 1)
        if self.processes < 1:
            raise ConfigError(f"processes must be ≥ 1, got {processes!r}")
        self._pool: ProcessPoolExecutor | None = None

    def fingerprint(self, parts: list[list[Document]]) -> list[list[WorkRecord]]:
        flat = [d for p in parts for d in p]
        if self.processes > 1 and len(flat) > 1 and _worth_a_pool(parts):
            if self._pool is None:  # started once, kept for every batch of the import
                # spawn, not fork: the importer's process may hold threads (a web worker, jieba's lock)
                self._pool = ProcessPoolExecutor(max_workers=self.processes, mp_context=multiprocessing.get_context("spawn"))
            # Re-cut into a few chunks per process (a partition of 64 full scripts is one task
            # otherwise), then put the records back into the caller's partitions.
            size = max(1, -(-len(flat) // (self.processes * 4)))
            done = [r for chunk in self._pool.map(fingerprint_batch, [flat[i : i + size] for i in range(0, len(flat), size)]) for r in chunk]
            out, start = [], 0
            for p in parts:
                out.append(done[start : start + len(p)])
                start += len(p)
            return out
        return [fingerprint_batch(p) for p in parts]

    def close(self) -> None:
        """Stop the worker processes, if any were started."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def map(self, fn: Callable[[A, B], R], first: Sequence[A], second: Sequence[B]) -> list[R]:
        return [fn(a, b) for a, b in zip(first, second)]


def _worth_a_pool(parts: list[list[Document]]) -> bool:
    if sum(len(p) for p in parts) >= POOL_MIN_DOCS:
        return True
    return sum(len(line) for p in parts for d in p for line in (d.lines or ())) >= POOL_MIN_CHARS


class DaskMapper:
    """Runs every partition as a task on a Dask ``client`` and gathers the results in order."""

    def __init__(self, client: Client):
        self.client = client

    def fingerprint(self, parts: list[list[Document]]) -> list[list[WorkRecord]]:
        return self.map(_fingerprint_part, parts, [1] * len(parts))

    def map(self, fn: Callable[[A, B], R], first: Sequence[A], second: Sequence[B]) -> list[R]:
        futures = self.client.map(fn, list(first), list(second), pure=False)
        return list(self.client.gather(futures))  # type: ignore[no-untyped-call]  # dask's gather is unannotated


def _fingerprint_part(part: list[Document], seed: int) -> list[WorkRecord]:
    return fingerprint_batch(part, seed)


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
