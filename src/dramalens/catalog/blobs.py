"""Which version of the code counted the per-work blobs a catalog keeps (lexical counts,
embedding features), so that a change in how they are counted never mixes old and new rows.

The import's workers count each work's blobs as they fingerprint it (:mod:`.prepare`) and the
refreshes read them back instead of the texts. Were the counting rules changed with nothing
recorded, works imported before and after the change would sit in one index counted two ways,
and nothing would say so. So the catalog records, per field, the version its blobs were counted
with; a refresh that finds another one clears the field on every work and counts them all again.
"""

from __future__ import annotations

from collections.abc import Callable

from .store import Catalog

__all__ = ["VERSIONS_MODEL", "refill_work_blobs"]

#: The catalog model that holds ``{field: version}`` (no data).
VERSIONS_MODEL = "work_blob_versions"


def refill_work_blobs(catalog: Catalog, field: str, version: int, chars: int, compute: Callable[[str, str], bytes], *, fitted: str) -> int:
    """:meth:`Catalog.fill_work_blobs`, after clearing ``field`` on every work if the catalog's
    were counted by another ``version`` of the code; returns how many works were counted.

    A catalog that records no version was counted by version 1 (the first that kept the blobs)
    once it has been refreshed (its ``fitted`` model exists); before its first refresh, its
    blobs are the ones this code's import just counted.

    >>> refill_work_blobs(Catalog("sqlite://"), "lexical", 1, 100, lambda t, lang: b"", fitted="lexical")
    0
    """
    stored = catalog.get_model(VERSIONS_MODEL)
    versions = dict(stored[1]) if stored is not None else {}
    found = versions.get(field, 1 if catalog.get_model(fitted) is not None else version)
    if found != version:
        catalog.set_work_blobs(field, [(work_id, None) for work_id in catalog.ids()])
    counted = catalog.fill_work_blobs(field, chars, compute)
    if versions.get(field) != version:
        catalog.set_model(VERSIONS_MODEL, None, {**versions, field: version})
    return counted
