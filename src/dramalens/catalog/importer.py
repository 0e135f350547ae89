"""Importing works: a folder of scripts and/or CSV/JSONL metadata into the catalog.

Idempotent: a work is keyed on its id and a hash of what goes into its fingerprints (its
metadata and the content of its script); re-importing unchanged works does nothing.
Resumable: every batch of :data:`~.store.BATCH` works is one transaction that also records
which items are done, so an interrupted import run again with the same sources skips what was
committed and loses nothing.

Scripts are read once, by the parsers, and fingerprinted from the parsed model
(:mod:`.documents`): both in the workers (:mod:`.prepare`, on all cores by default or on Dask,
:mod:`.distributed`); this process reads the files and writes the database in batches. Bad metadata never stops an import: each broken
row becomes a :class:`RowError` and good rows are kept (reading and validating metadata files
lives in :mod:`.metadata`).
"""

from __future__ import annotations

import hashlib
import json
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError, DramalensError, InputError
from ..parsing.source import read_bytes
from .distributed import LocalMapper, Mapper, mapper_for
from .embed import Embedder, MiniLMEmbedder, refresh_embeddings
from .lexical import refresh_lexical
from .metadata import (  # the public names stay importable from here
    MAX_LINE_BYTES,
    METADATA_EXTENSIONS,
    MetadataRow,
    RowError,
    canonical_columns,
    clean_row,
    iter_metadata,
    parse_count,
    read_metadata,
)
from .prepare import ImportTask
from .records import Work, WorkRecord
from .store import BATCH, Catalog

__all__ = [
    "EMBEDDERS",
    "MAX_LINE_BYTES",
    "SCRIPT_EXTENSIONS",
    "ImportReport",
    "RowError",
    "canonical_columns",
    "import_catalog",
    "import_paths",
    "parse_count",
    "read_metadata",
]

#: Script files the importer picks up from a folder.
SCRIPT_EXTENSIONS = (".txt", ".fountain", ".spmd", ".fdx", ".docx")
#: The embedders an import can fit: the built-in lexical one, or MiniLM (the ml extra).
EMBEDDERS = ("hashed-tfidf", "minilm")
#: Most works in one chunk (one worker call: one Dask task, one pool task, or one local call).
PARTITION = 64
#: Script bytes a chunk is cut at: ~2 s of a core's parsing and fingerprinting, small enough
#: that both cores stay busy to the end and the importer holds only a few chunks of text.
CHUNK_BYTES = 1_500_000

Progress = Callable[[int, int], None]


@dataclass(slots=True)
class ImportReport:
    """What an import did; ``errors`` lists every row or file left out and why."""

    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    run_id: int | None = None
    resumed: bool = False

    def to_dict(self) -> dict[str, object]:
        return {
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [e.to_dict() for e in self.errors],
            "run_id": self.run_id,
            "resumed": self.resumed,
        }


# ---------------------------------------------------------------------------------- files
def _gather(paths: Iterable[str | Path], metadata: Iterable[str | Path]) -> tuple[list[Path], list[Path]]:
    scripts: list[Path] = []
    metas: list[Path] = [Path(m) for m in metadata]
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and not f.name.startswith("."):
                    if f.suffix.lower() in METADATA_EXTENSIONS:
                        metas.append(f)
                    elif f.suffix.lower() in SCRIPT_EXTENSIONS and f.name != "truth.json":
                        scripts.append(f)
        elif p.is_file():
            (metas if p.suffix.lower() in METADATA_EXTENSIONS else scripts).append(p)
        else:
            raise InputError("no such file or folder", source=str(p), hint="give script files, folders or metadata files")
    return scripts, list(dict.fromkeys(metas))


def _read_rows(metas: list[Path], report: ImportReport, max_line_bytes: int) -> tuple[dict[Path, MetadataRow], dict[str, MetadataRow]]:
    """The clean metadata rows by script file and by id; bad rows go to ``report.errors``."""
    by_file: dict[Path, MetadataRow] = {}
    by_id: dict[str, MetadataRow] = {}
    seen: dict[str, str] = {}
    for meta in metas:
        read_errors: list[RowError] = []
        try:
            rows = iter_metadata(Path(meta), max_line_bytes, read_errors)
        except InputError as exc:
            report.errors.append(RowError(str(meta), 0, exc.message + (f" — {exc.hint}" if exc.hint else "")))
            continue
        # Rows are validated as they are read (raw rows are dropped at once); the file's read
        # errors still come before its row errors, as when the whole file was read first.
        row_errors: list[RowError] = []
        for line, raw in rows:
            clean = clean_row(raw, str(meta), line)
            if isinstance(clean, RowError):
                row_errors.append(clean)
                continue
            work_id = clean.work.id
            row_errors.extend(RowError(str(meta), line, w, work_id) for w in clean.warnings)  # kept, but said
            if work_id in seen:
                row_errors.append(RowError(str(meta), line, f"duplicate id (first seen at {seen[work_id]}); row skipped", work_id))
                continue
            seen[work_id] = f"{meta.name}:{line}"
            if clean.file:
                by_file[(meta.parent / clean.file).resolve()] = clean
            by_id[work_id] = clean
        report.errors.extend(read_errors)
        report.errors.extend(row_errors)
    return by_file, by_id


def _plan(scripts: list[Path], metas: list[Path], report: ImportReport, max_line_bytes: int) -> list[tuple[MetadataRow, Path | None]]:
    """(metadata, script file) per work, keyed on the work id; clashes go to ``report.errors``."""
    by_file, by_id = _read_rows(metas, report, max_line_bytes)
    plan: list[tuple[MetadataRow, Path | None]] = []
    used: set[str] = set()
    for script in scripts:
        row = by_file.get(script.resolve()) or by_id.get(script.stem)
        if row is None:
            row = MetadataRow(Work(script.stem, language=""))
            if script.stem in used:
                report.errors.append(RowError(str(script), 0, "another file already gave this id; rename it or list it in the metadata", script.stem))
                continue
        if row.work.id in used:
            continue
        used.add(row.work.id)
        plan.append((row, script))
    for work_id, row in by_id.items():
        if work_id in used:
            continue
        if row.file:
            report.errors.append(RowError("metadata", 0, f"script file {row.file!r} not found", work_id))
            continue
        plan.append((row, None))
    return plan


def _chunks(catalog: Catalog, todo: list[tuple[MetadataRow, Path | None]], report: ImportReport,
            closing: deque[list[str] | None]) -> Iterator[list[ImportTask]]:
    """The import's tasks in chunks of about :data:`CHUNK_BYTES` (at most :data:`PARTITION`
    works), cut at every :data:`~.store.BATCH` works so that each commit is one batch. Files are
    read here, as the workers ask for more. For each chunk handed out, ``closing`` gets the work
    ids of the batch it completes (None if it completes none). A file that cannot be read is
    reported and left out."""
    for start in range(0, len(todo), BATCH):
        batch = todo[start : start + BATCH]
        stored = catalog.hashes([row.work.id for row, _s in batch])
        chunk: list[ImportTask] = []
        size = 0
        for row, script in batch:
            try:
                data = read_bytes(script) if script is not None else None
            except DramalensError as exc:
                report.errors.append(RowError(str(script), 0, exc.message, row.work.id))
                continue
            task = ImportTask(row.work, data, str(script) if script is not None else None, stored.get(row.work.id))
            chunk.append(task)
            size += task.size
            if size >= CHUNK_BYTES or len(chunk) >= PARTITION:
                closing.append(None)
                yield chunk
                chunk, size = [], 0
        closing.append([row.work.id for row, _s in batch])
        yield chunk  # possibly empty: it closes the batch


# --------------------------------------------------------------------------------- import
def import_paths(
    catalog: Catalog,
    paths: Iterable[str | Path] = (),
    *,
    metadata: Iterable[str | Path] = (),
    mapper: Mapper | None = None,
    progress: Progress | None = None,
    max_line_bytes: int = MAX_LINE_BYTES,
    embed: bool = True,
) -> ImportReport:
    """Import scripts (files or folders) and metadata files into ``catalog``.

    ``mapper`` parses and fingerprints chunks of works elsewhere (all local cores:
    :class:`~.distributed.LocalMapper`; a cluster: :class:`~.distributed.DaskMapper`); without
    one, everything runs in this process;
    ``progress(done, total)`` is called after each batch; ``embed=False`` leaves fitting the
    embedder to the caller.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "w1.fountain").write_text("INT. HOUSE - DAY\\n\\nBOB\\nHi.\\n")
    >>> import_paths(Catalog("sqlite://"), [d]).imported
    1
    """
    if max_line_bytes < 64:
        raise ConfigError(f"max_line_bytes must be ≥ 64, got {max_line_bytes}")
    report = ImportReport()
    scripts, metas = _gather(paths, metadata)
    if not scripts and not metas:
        raise InputError("nothing to import: no script or metadata files found", hint=f"scripts: {', '.join(SCRIPT_EXTENSIONS)}; metadata: .csv, .jsonl")
    plan = _plan(scripts, metas, report, max_line_bytes)
    sources = sorted(str(p.resolve()) for p in scripts + metas)
    run = catalog.start_import(hashlib.sha256(json.dumps(sources).encode()).hexdigest(), [str(s) for s in scripts + metas])
    report.run_id, report.resumed = run.id, run.resumed
    todo = [item for item in plan if item[0].work.id not in run.done]
    total = len(plan)
    finished = total - len(todo)
    origin = {row.work.id: str(script or "metadata") for row, script in todo}
    # What the workers will read (script bytes, or a row's title and synopsis): whether a pool pays.
    expected = sum(script.stat().st_size if script is not None and script.is_file() else len(row.work.title) + len(row.work.synopsis)
                   for row, script in todo)
    closing: deque[list[str] | None] = deque()
    records: list[WorkRecord] = []
    unchanged = 0
    for prepared in (mapper or LocalMapper(processes=1)).prepare(_chunks(catalog, todo, report, closing), expected_bytes=expected):
        for p in prepared:
            if p.error is not None:
                report.errors.append(RowError(origin[p.work_id], 0, p.error, p.work_id))
            elif p.record is not None:
                records.append(p.record)
            unchanged += p.unchanged
        done = closing.popleft()
        if done is None:
            continue
        # The batch's last chunk is back: store it in one transaction with its items marked done.
        finished += len(done)
        ins, upd = catalog.commit_batch(run, records, done, processed=finished, unchanged=unchanged)
        report.imported += ins
        report.updated += upd
        report.unchanged += unchanged
        records, unchanged = [], 0
        if progress:
            progress(finished, total)
    catalog.finish_import(run, [e.to_dict() for e in report.errors])
    if embed and (report.imported or report.updated or catalog.get_model("embedder") is None):
        refresh_embeddings(catalog)
    if embed and (report.imported or report.updated or catalog.get_model("lexical") is None):
        refresh_lexical(catalog)
    return report


def import_catalog(
    catalog: Catalog,
    paths: Iterable[str | Path] = (),
    *,
    metadata: Iterable[str | Path] = (),
    dask: str | None = None,
    embedder: str = "hashed-tfidf",
    progress: Progress | None = None,
    max_line_bytes: int = MAX_LINE_BYTES,
) -> ImportReport:
    """``dramalens catalog import``: :func:`import_paths`, fingerprinting on a Dask cluster
    when ``dask`` gives one (``"local"`` or ``tcp://host:8786``), and fitting ``embedder``
    (one of :data:`EMBEDDERS`) afterwards.

    >>> import_catalog(Catalog("sqlite://"), embedder="glove")
    Traceback (most recent call last):
    ...
    dramalens.errors.ConfigError: give at least one script file, folder or --metadata file
    """
    paths, metadata = list(paths), list(metadata)
    if not paths and not metadata:
        raise ConfigError("give at least one script file, folder or --metadata file")
    if embedder not in EMBEDDERS:
        raise ConfigError(f"unknown --embedder {embedder!r}; allowed: {', '.join(EMBEDDERS)}")
    # Built before any work, so a missing ml extra fails at once rather than after the import.
    chosen: Embedder | None = MiniLMEmbedder() if embedder == "minilm" else None
    with mapper_for(dask) as mapper:
        report = import_paths(catalog, paths, metadata=metadata, mapper=mapper, progress=progress,
                              max_line_bytes=max_line_bytes, embed=chosen is None)
    if chosen is not None:
        refresh_embeddings(catalog, chosen, refit=True)
    return report
