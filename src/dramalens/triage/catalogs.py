"""The desk's handles on the catalog: a long-lived one for workers, short-lived ones for pages.

The catalog lives in the same database as the desk (or in none: an in-memory desk has no
catalog worth comparing against). A database that cannot be opened as a catalog is "no
catalog": the desk still scores (originality unknown) and the pages say the catalog is missing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

from sqlalchemy import func, or_, select

from ..catalog import Catalog, SaturationRow, saturation
from ..catalog.store import works
from ..errors import ConfigError, DramalensError

__all__ = ["CatalogListing", "CatalogRef", "catalog_listing", "open_catalog", "opened_catalog", "saturation_rows"]


class CatalogRef:
    """The catalog of a database, opened lazily and looked at again every ``refresh`` seconds,
    so works imported while a long-running worker is up are compared against too.

    >>> CatalogRef("sqlite://").get() is None  # an empty catalog compares with nothing
    True
    """

    def __init__(self, db_url: str | None, refresh: float = 60.0):
        self.db_url = db_url
        self.refresh = refresh
        self._catalog: Catalog | None = None
        self._count = -1
        self._checked = float("-inf")
        self._lock = threading.Lock()

    def get(self) -> Catalog | None:
        """The catalog, or None while it is absent or empty."""
        with self._lock:
            # An empty or missing catalog is looked at again every time (a count is cheap): caching
            # "empty" for a minute scored the first scripts of a fresh import without originality.
            if self._count > 0 and time.monotonic() - self._checked < self.refresh:
                return self._catalog
            self._checked = time.monotonic()
            if self._catalog is None:
                try:
                    self._catalog = Catalog(self.db_url)
                except DramalensError:  # not a database the catalog can live in: run without one
                    return None
            count = self._catalog.count()
            if count != self._count:  # works were added or removed: rebuild the cached index
                self._catalog.invalidate()
                self._count = count
            return self._catalog if count else None


def open_catalog(db_url: str | None = None) -> CatalogRef:
    """A handle on the catalog of ``db_url`` for the workers (None-safe when there is none).

    >>> open_catalog("sqlite://").get() is None
    True
    """
    return CatalogRef(db_url)


@contextmanager
def opened_catalog(db_url: str | None) -> Iterator[Catalog | None]:
    """The catalog of ``db_url``, closed on leaving; None when the database cannot hold one.

    >>> with opened_catalog("sqlite://") as catalog:
    ...     catalog.count()
    0
    """
    try:
        catalog = Catalog(db_url)
    except DramalensError:
        yield None
        return
    try:
        yield catalog
    finally:
        catalog.close()


class CatalogListing(NamedTuple):
    """One page of the catalog browser: the works' summaries and how many works there are."""

    works: list[dict[str, object]]
    total: int


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def catalog_listing(db_url: str | None, *, limit: int = 50, offset: int = 0, q: str = "") -> CatalogListing | None:
    """(works, total) from the catalog for the catalog browser; None when there is no catalog.
    ``q`` keeps the works whose title, synopsis or track holds it (any case, as typed).

    >>> catalog_listing("sqlite://")
    CatalogListing(works=[], total=0)
    """
    q = q.strip()
    if len(q) > 100:
        raise ConfigError("a catalog search is at most 100 characters", key="err.search_too_long")
    with opened_catalog(db_url) as catalog:
        if catalog is None:
            return None
        if not q:
            return CatalogListing(catalog.list_works(limit=limit, offset=offset), catalog.count())
        pattern = _like(q)
        cond = or_(works.c.title.ilike(pattern, escape="\\"), works.c.synopsis.ilike(pattern, escape="\\"),
                   works.c.track.ilike(pattern, escape="\\"))
        cols = (works.c.id, works.c.title, works.c.language, works.c.track, works.c.episodes, works.c.synopsis)
        with catalog.engine.connect() as conn:
            rows = conn.execute(select(*cols).where(cond).order_by(works.c.id).limit(limit).offset(offset)).all()
            total = int(conn.execute(select(func.count()).select_from(works).where(cond)).scalar_one())
        found: list[dict[str, object]] = [dict(r._mapping) for r in rows]
        return CatalogListing(found, total)


def saturation_rows(db_url: str | None) -> tuple[SaturationRow, ...] | None:
    """Saturation by trope and track from the catalog (supply against plays); None without one.

    >>> saturation_rows("sqlite://")
    ()
    """
    with opened_catalog(db_url) as catalog:
        if catalog is None:
            return None
        return tuple(saturation(catalog).rows)
