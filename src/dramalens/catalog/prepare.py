"""The import's per-work step: script bytes → parsed script → document → fingerprints and
lexical counts.

This is what runs in the workers (the local process pool or Dask, :mod:`.distributed`), one
chunk of works per call, so parsing and fingerprinting use every core and the importer's
process only reads files and writes the database. One function, :func:`prepare_batch`, serves
every path, so a work gets the same fingerprints wherever it was prepared.

A task carries the script's bytes rather than its path: a Dask worker on another machine may
not see the importer's files, and reading a file is a small share of parsing it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import DramalensError
from ..parsing import parse_bytes
from .documents import script_document, text_language
from .embed import HashedTfidfEmbedder
from .fingerprint import content_hash, fingerprint_batch
from .lexical import lexical_row, lexical_text, pack_row
from .records import Document, Work, WorkRecord
from .store import embedding_text

__all__ = ["ImportTask", "Prepared", "collector_paused", "prepare_batch", "task_document"]

#: Computes the default embedder's features (only its hashing: nothing fitted is used).
_EMBEDDER = HashedTfidfEmbedder()


@dataclass(frozen=True, slots=True)
class ImportTask:
    """One work to prepare: its metadata, its script file's bytes and name (None for a work
    known by its metadata alone) and the content hash the catalog holds for it (None if new)."""

    work: Work
    script: bytes | None = None
    source: str | None = None
    stored_hash: str | None = None

    @property
    def size(self) -> int:
        """Bytes this task brings (what chunks are cut by)."""
        return len(self.script) if self.script is not None else len(self.work.synopsis) + len(self.work.title)


@dataclass(frozen=True, slots=True)
class Prepared:
    """What a worker sends back for one task: the record to store (None when the work is
    unchanged or failed), or the reason the script could not be read."""

    work_id: str
    record: WorkRecord | None = None
    unchanged: bool = False
    error: str | None = None


def task_document(task: ImportTask) -> Document:
    """A task's document with its content hash: the script parsed (once) and read as content,
    or the metadata alone (title and synopsis).

    >>> task_document(ImportTask(Work("w1", "Rain", "", synopsis="A maid marries the heir."))).work.language
    'en'
    """
    work = task.work
    if task.script is not None:
        path = Path(task.source or work.id)
        script = parse_bytes(task.script, source=task.source, extension=path.suffix)
        doc = script_document(script, replace(work, source=task.source))
        if not doc.work.title:
            doc = replace(doc, work=replace(doc.work, title=path.stem))
    else:
        doc = Document(replace(work, language=work.language or text_language(f"{work.title}\n{work.synopsis}")))
    return replace(doc, content_hash=content_hash(doc))


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the block, back on after it if it was on.

    A chunk of works allocates millions of short-lived objects (lines, elements, tokens, match
    objects) that reference counting frees as they go; the collector's passes over them, set
    off by the allocation count alone, find next to nothing and cost about an eighth of the
    chunk's CPU (20 real-cut 190 KB works: 78.8–87.8 ms a work with it on, 68.2–76.4 off, same
    run). A chunk is bounded (about 1.5 MB of scripts), so any cyclic garbage it leaves waits one
    chunk at most. Two blocks at once in two threads leave it on when the first that found it on
    ends: never off for good.

    >>> with collector_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def prepare_batch(tasks: list[ImportTask], seed: int = 1) -> list[Prepared]:
    """Parse and fingerprint a chunk of works (one MinHash kernel call for the chunk); a work
    whose content hash equals ``stored_hash`` comes back ``unchanged`` without fingerprints.

    >>> [p.record.work.id for p in prepare_batch([ImportTask(Work("a", "A", "en", synopsis="x y z"))])]
    ['a']
    >>> prepare_batch([ImportTask(Work("b", "B", "en"), script=b"  ", source="b.txt")])[0].error
    'the input is empty'
    """
    with collector_paused():
        return _prepare(tasks, seed)


def _prepare(tasks: list[ImportTask], seed: int) -> list[Prepared]:
    out: list[Prepared | None] = []
    todo: list[tuple[int, Document]] = []
    for task in tasks:
        try:
            doc = task_document(task)
        except DramalensError as exc:  # an unreadable script is reported, the others go on
            out.append(Prepared(task.work.id, error=exc.message))
            continue
        if task.stored_hash is not None and task.stored_hash == doc.content_hash:
            out.append(Prepared(task.work.id, unchanged=True))
            continue
        todo.append((len(out), doc))
        out.append(None)
    for (i, doc), record in zip(todo, fingerprint_batch([d for _i, d in todo], seed)):
        # The lexical counts and embedding features here too: the importer's process then
        # reads neither the texts nor counts anything after the import.
        w = record.work
        counts = lexical_row(lexical_text(w.title, w.synopsis, record.text), w.language)
        features = _EMBEDDER.features(embedding_text(w.title, w.synopsis, record.text), w.language)
        out[i] = Prepared(doc.work.id, replace(record, lexical=pack_row(counts), features=features))
    return [p for p in out if p is not None]
