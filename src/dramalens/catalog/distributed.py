"""Dask scale-out: the same fingerprint and dedupe functions, mapped over partitions.

``--dask local`` starts a ``LocalCluster(n_workers=2, threads_per_worker=1)``; ``--dask
tcp://host:8786`` connects to a running scheduler. Nothing is computed differently: the workers
run :func:`~.importer.fingerprint_batch` and the dedupe helpers exactly as the single-machine
path does (hashes are seeded, never Python's per-process ``hash``), so signatures and clusters
are identical.
"""

from __future__ import annotations



__all__ = ["DaskMapper", "fingerprint_many"]


class DaskMapper:
    """Maps a function over partitions on a Dask client; callable the way the importer and
    :func:`~.near_duplicates.dedupe` expect (``mapper(parts)`` for fingerprints, ``mapper(fn, *iterables)``
    for anything else)."""

    def __init__(self, client):
        self.client = client

    def __call__(self, fn_or_parts, *iterables):
        if callable(fn_or_parts):
            futures = self.client.map(fn_or_parts, *iterables, pure=False)
            return self.client.gather(futures)
        from .importer import fingerprint_batch

        futures = self.client.map(fingerprint_batch, fn_or_parts, pure=False)
        return self.client.gather(futures)


def fingerprint_many(docs, client=None, *, partition: int = 64, seed: int = 1):
    """Fingerprint documents, on ``client`` if given (dask.bag partitions), else locally.

    >>> from dramalens.catalog.importer import Document
    >>> len(fingerprint_many([Document("a", "T", "en", synopsis="x y z")]))
    1
    """
    from .importer import fingerprint_batch

    docs = list(docs)
    parts = [docs[i : i + partition] for i in range(0, len(docs), partition)]
    if client is None:
        return [r for p in parts for r in fingerprint_batch(p, seed)]
    import dask.bag as db

    bag = db.from_sequence(docs, npartitions=max(1, len(parts)))
    return bag.map_partitions(lambda part: fingerprint_batch(list(part), seed)).compute(scheduler=client.get)
