"""Rendered pages that every reviewer of a desk sees alike (the queue), kept until the desk's data
changes.

Fifty reviewers on one desk ask for the same few queue pages again and again while a batch is
analysed; building one costs two queries and a 28 KB template (about 10 ms of CPU), serving a
kept one a string lookup. A page is kept under its key (template, language, desk or admin,
path and query) with the data version it was built at
(:func:`dramalens.triage.listing.queue_data_version`, bumped by database triggers) and is built
again when the version moves. The reader's own name and CSRF token are not in the kept page: it
is rendered with markers in their place, filled per request.

Why the version is read *before* the rows: the triggers bump it in the same transaction as the
change, so rows read after it are at least as new as it says. A page may hold rows newer than
its version (then it is built once more than needed), never older.

What people do (an upload, a decision, an assignment, new weights) is on the next page at once.
What the workers do moves the version many times a second during a batch (each claim and each
result), and rebuilding every page a desk reads at every step would take the core the workers
need: so a page at most ``lag`` seconds old (1 s) is served even when analysis has moved on
since; the page refreshes itself every 3 s while a batch runs, so no reader can tell. Pages are
also rebuilt after ``max_age`` seconds whatever the version: a page may show marks that change
with the clock alone (overdue).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from markupsafe import escape

from ..triage.listing import DataVersion

__all__ = ["CSRF_MARK", "NAME_MARK", "PageCache", "personalise"]

#: Stand-ins rendered into a shared page where the reader's name and CSRF token go. Random per
#: process, letters and digits only (no escaping changes them, no script text can guess them).
NAME_MARK = "dlname" + secrets.token_hex(12)
CSRF_MARK = "dlcsrf" + secrets.token_hex(12)


def personalise(page: str, name: str, csrf: str) -> str:
    """``page`` with the markers replaced by this reader's name and CSRF token (HTML-escaped).

    >>> personalise(f"<b>{NAME_MARK}</b> {CSRF_MARK}", "ann", "t0k")
    '<b>ann</b> t0k'
    """
    return page.replace(NAME_MARK, str(escape(name))).replace(CSRF_MARK, str(escape(csrf)))


class PageCache:
    """At most ``size`` pages, least recently used dropped first (see the module's note for
    ``lag`` and ``max_age``).

    Builds are serialised: when a version moves, the readers that miss together wait for one
    build instead of each building the same page (they would only contend for the same core);
    while a page is being built, readers of it get the kept one if only analysis moved since.

    >>> cache = PageCache(size=2)
    >>> cache.page("queue", DataVersion(1, 1), lambda: "v1"), cache.page("queue", DataVersion(1, 1), lambda: "no")
    ('v1', 'v1')
    >>> cache.page("queue", DataVersion(1, 2), lambda: "v2")  # analysis moved on: a second's lag is allowed
    'v1'
    >>> cache.page("queue", DataVersion(2, 2), lambda: "v3")  # a person changed something: built again
    'v3'
    >>> PageCache(lag=0).page("queue", DataVersion(2, 3), lambda: "v4")
    'v4'
    """

    def __init__(self, size: int = 256, *, lag: float = 1.0, max_age: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.size = size
        self.lag = lag
        self.max_age = max_age
        self.clock = clock
        self.hits = 0
        self.builds = 0
        self._pages: OrderedDict[Hashable, tuple[DataVersion, float, str]] = OrderedDict()
        self._lock = threading.Lock()
        self._building = threading.Lock()
        self._rebuilding: set[Hashable] = set()

    def _fresh(self, key: Hashable, version: DataVersion) -> str | None:
        with self._lock:
            kept = self._pages.get(key)
            if kept is None:
                return None
            at, age = kept[0], self.clock() - kept[1]
            current = at.progress == version.progress or age <= self.lag
            if at.people != version.people or not current or age > self.max_age:
                return None
            self._pages.move_to_end(key)
            self.hits += 1
            return kept[2]

    def kept(self, key: Hashable, version: DataVersion) -> str | None:
        """The page to serve without building or waiting, if there is one: the kept page while
        current, or while another reader is rebuilding it and only analysis moved since (the
        kept one is served rather than queueing every reader behind one build)."""
        found = self._fresh(key, version)
        if found is not None:
            return found
        with self._lock:
            kept = self._pages.get(key)
            if key in self._rebuilding and kept is not None and kept[0].people == version.people:
                self.hits += 1
                return kept[2]
        return None

    def page(self, key: Hashable, version: DataVersion, build: Callable[[], str]) -> str:
        """The page kept under ``key`` if still current at ``version``, else ``build()`` (kept)."""
        found = self.kept(key, version)
        if found is not None:
            return found
        with self._building:
            found = self._fresh(key, version)  # another reader built it while this one waited
            if found is not None:
                return found
            built_at = self.clock()
            self._rebuilding.add(key)
            try:
                page = build()
            finally:
                self._rebuilding.discard(key)
            with self._lock:
                self.builds += 1
                self._pages[key] = (version, built_at, page)
                self._pages.move_to_end(key)
                while len(self._pages) > self.size:
                    self._pages.popitem(last=False)
            return page

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
