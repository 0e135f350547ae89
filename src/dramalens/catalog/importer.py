"""Importing works: a folder of scripts and/or CSV/JSONL metadata into the catalog.

Idempotent: a work is keyed on its id and a content hash of what was read (file bytes plus its
metadata row); re-importing unchanged works does nothing. Resumable: every batch of
:data:`~.store.BATCH` works is one transaction that also records which items are done, so an
interrupted import run again with the same sources skips what was committed and loses nothing.

Bad metadata never stops an import: each broken row becomes a :class:`RowError` and good rows
are kept (reading and validating metadata files lives in :mod:`.metadata`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from sqlalchemy import insert, select, update

from ..errors import ConfigError, DramalensError, InputError
from ..analysis.skeleton import skeleton_from_text
from ..analysis.tropes import infer_track, tag_tropes
from .metadata import (  # the public names stay importable from here
    MAX_LINE_BYTES,
    METADATA_EXTENSIONS,
    RowError,
    _metadata_rows,
    _validate,
    canonical_columns,
    parse_count,
    read_metadata,
)
from .minhash import MinHasher, passage_prints
from .shingles import shingle_lines_multi
from .store import BATCH, Catalog, WorkRecord, _now, import_done, import_runs

__all__ = [
    "MAX_LINE_BYTES",
    "SCRIPT_EXTENSIONS",
    "Document",
    "ImportReport",
    "RowError",
    "canonical_columns",
    "fingerprint",
    "fingerprint_batch",
    "import_paths",
    "parse_count",
    "read_metadata",
    "refresh_embeddings",
]

#: Script files the importer picks up from a folder.
SCRIPT_EXTENSIONS = (".txt", ".fountain", ".spmd", ".fdx", ".docx")
#: (MinHash shingle size, passage shingle size) per language, and the passage sampling rate.
PASSAGE_SHINGLES = {"zh": (5, 12), "en": (3, 8)}
PASSAGE_RATE = {"zh": 8, "en": 4}


@dataclass(frozen=True, slots=True)
class Document:
    """What the fingerprinter needs about one work (plain data, so Dask can ship it)."""

    id: str
    title: str = ""
    language: str = "zh"
    lines: tuple[str, ...] | None = None
    synopsis: str = ""
    names: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    episodes: int | None = None
    format: str | None = None
    track: str | None = None
    release_date: date | None = None
    source: str | None = None
    content_hash: str = ""
    plays: tuple[tuple[date, int], ...] = ()


@dataclass(slots=True)
class ImportReport:
    """What an import did; ``errors`` lists every row or file left out and why."""

    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    run_id: int | None = None
    resumed: bool = False

    def to_dict(self) -> dict:
        return {
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [e.to_dict() for e in self.errors],
            "run_id": self.run_id,
            "resumed": self.resumed,
        }


# ---------------------------------------------------------------------------- fingerprints
def _language_of(text: str) -> str:
    sample = text[:5000]
    han = sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff")
    return "zh" if han >= max(5, 0.1 * len(sample.strip() or "x")) else "en"


def fingerprint(doc: Document, hasher: MinHasher | None = None, *, semantic: bool = True) -> WorkRecord:
    """Compute a document's fingerprints (MinHash, passage keys, tropes, skeleton).

    >>> r = fingerprint(Document("w1", "T", "en", synopsis="A maid marries the heir."))
    >>> len(r.minhash)  # 128 uint32 values
    512
    """
    hasher = hasher or MinHasher()
    return _fingerprints([doc], hasher, semantic)[0]


def _fingerprints(docs: list[Document], hasher: MinHasher, semantic: bool) -> list[WorkRecord]:
    """:func:`fingerprint` of many documents, with one MinHash kernel call for all of them."""
    shingled = []
    for doc in docs:
        lines = list(doc.lines) if doc.lines is not None else [doc.title, *doc.synopsis.split("\n")]
        shingled.append(shingle_lines_multi(lines, doc.language, ks=PASSAGE_SHINGLES[doc.language], names=doc.names))
    signatures = hasher.signatures([short.ids for short, _long in shingled])
    return [_record(doc, short, long, signature, semantic) for doc, (short, long), signature in zip(docs, shingled, signatures)]


def _record(doc: Document, shingled, long, signature, semantic: bool) -> WorkRecord:
    prints = passage_prints(long, PASSAGE_RATE[doc.language])
    text = "\n".join(doc.lines) if doc.lines is not None else None
    tropes, skeleton, track = _semantic(doc, text) if semantic else ((), None, doc.track)
    return WorkRecord(
        id=doc.id, title=doc.title, language=doc.language, content_hash=doc.content_hash or _hash_doc(doc),
        minhash=signature.tobytes(), passages=prints.ids.tobytes(),
        passage_lines=prints.lines.tobytes(), shingles=len(shingled), synopsis=doc.synopsis, tags=doc.tags,
        episodes=doc.episodes, format=doc.format, track=track, release_date=doc.release_date, source=doc.source,
        text=text, names=doc.names, tropes=tropes, skeleton=skeleton, plays=doc.plays,
    )


def fingerprint_batch(docs: list[Document], seed: int = 1, semantic: bool = True) -> list[WorkRecord]:
    """Fingerprints of many documents: the one function both the local and Dask paths map."""
    return _fingerprints(list(docs), MinHasher(128, seed=seed), semantic)


def _semantic(doc: Document, text: str | None) -> tuple[tuple[dict, ...], dict | None, str | None]:
    """Tropes, plot skeleton and track from the sibling modules; absent modules give nothing."""
    body = "\n".join(x for x in (doc.title, doc.synopsis, text or "") if x)
    tropes: tuple[dict, ...] = ()
    skeleton = None
    track = doc.track
    hits = tag_tropes(body, language=doc.language, tags=doc.tags)
    tropes = tuple({"trope": h.trope, "label_zh": h.label_zh, "label_en": h.label_en, "confidence": round(float(h.confidence), 4)} for h in hits)
    if not track:
        track = infer_track(hits, body, doc.language) or None
    sk = skeleton_from_text(body, doc.language)
    # Skeleton.to_dict() without "steps" (where each function happens: large, and not
    # compared), built directly: converting thousands of steps only to drop them was slow.
    skeleton = {"functions": list(sk.functions), "roles": [r.to_dict() for r in sk.roles], "language": sk.language}
    return tropes, skeleton, track


def _hash_doc(doc: Document) -> str:
    h = hashlib.sha256()
    meta = [doc.id, doc.title, doc.language, doc.synopsis, list(doc.tags), doc.episodes, doc.format, doc.track,
            doc.release_date.isoformat() if doc.release_date else None, [[p.isoformat(), n] for p, n in doc.plays]]
    h.update(json.dumps(meta, ensure_ascii=False).encode("utf-8"))
    h.update(b"\x00")
    h.update("\n".join(doc.lines or ()).encode("utf-8"))
    return h.hexdigest()


# ---------------------------------------------------------------------------------- files
def _read_script(path: Path) -> tuple[tuple[str, ...], str, tuple[str, ...], str, bytes]:
    """(lines, language, character names, title, file bytes) of a script file.

    The file is read and decoded once: the parser gets the decoded text (``parse_text`` with
    the format ``parse_bytes`` would detect), and the bytes come back for the content hash.
    """
    from ..parsing.source import read_source

    if path.suffix.lower() in (".fdx", ".docx"):
        from ..parsing import parse

        raw = path.read_bytes()
        script = parse(path)
        lines = tuple(e.text for _, _, e in script.iter_elements())
        names = tuple(n for c in script.characters.values() for n in c.names)
        return lines, script.language, names, script.title, raw
    src = read_source(path)
    lines = tuple(src.text.split("\n"))
    try:
        from ..parsing import parse_bytes, parse_text
        from ..parsing.detect import detect_format

        fmt = None if src.raw[:4] == b"PK\x03\x04" else detect_format(path.suffix, src.text)
        if fmt in ("chinese", "fountain"):  # what parse_bytes does after decoding, minus decoding again
            script = parse_text(src.text, format=fmt, source=str(path), encoding=src.encoding)
        else:  # a zip or XML under a text extension: let parse_bytes sort it out
            script = parse_bytes(src.raw, source=str(path), extension=path.suffix)
        names = tuple(n for c in script.characters.values() for n in c.names)
        return lines, script.language, names, script.title, src.raw
    except DramalensError:
        raise
    except Exception:  # a parser still being written must not stop an import: no names then
        return lines, _language_of(src.text), (), "", src.raw


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


def _plan(scripts: list[Path], metas: list[Path], report: ImportReport, max_line_bytes: int) -> list[tuple[str, dict, Path | None]]:
    """(item key, cleaned metadata, script file) per work; bad rows go to ``report.errors``."""
    by_file: dict[Path, dict] = {}
    by_id: dict[str, dict] = {}
    seen: dict[str, str] = {}
    for meta in metas:
        read_errors: list[RowError] = []
        try:
            rows = _metadata_rows(Path(meta), max_line_bytes, read_errors)
        except InputError as exc:
            report.errors.append(RowError(str(meta), 0, exc.message + (f" — {exc.hint}" if exc.hint else "")))
            continue
        # Rows are validated as they are read (raw rows are dropped at once); the file's read
        # errors still come before its row errors, as when the whole file was read first.
        row_errors: list[RowError] = []
        for line, raw in rows:
            clean, err = _validate(raw, str(meta), line)
            if err:
                row_errors.append(err)
                continue
            if clean["id"] in seen:
                row_errors.append(RowError(str(meta), line, f"duplicate id (first seen at {seen[clean['id']]}); row skipped", clean["id"]))
                continue
            seen[clean["id"]] = f"{meta.name}:{line}"
            if clean["file"]:
                by_file[(meta.parent / clean["file"]).resolve()] = clean
            by_id[clean["id"]] = clean
        report.errors.extend(read_errors)
        report.errors.extend(row_errors)
    plan: list[tuple[str, dict, Path | None]] = []
    used: set[str] = set()
    for script in scripts:
        meta = by_file.get(script.resolve()) or by_id.get(script.stem)
        if meta is None:
            meta = {"id": script.stem, "title": None, "synopsis": None, "tags": (), "plays": (), "language": None, "release_date": None}
            if script.stem in used:
                report.errors.append(RowError(str(script), 0, "another file already gave this id; rename it or list it in the metadata", script.stem))
                continue
        if meta["id"] in used:
            continue
        used.add(meta["id"])
        plan.append((meta["id"], meta, script))
    for work_id, meta in by_id.items():
        if work_id in used:
            continue
        if meta.get("file"):
            report.errors.append(RowError("metadata", 0, f"script file {meta['file']!r} not found", work_id))
            continue
        plan.append((work_id, meta, None))
    return plan


def _document(meta: dict, script: Path | None) -> Document:
    lines = None
    names: tuple[str, ...] = ()
    title = meta.get("title") or ""
    language = meta.get("language")
    h = hashlib.sha256()
    if script is not None:
        lines, lang, names, script_title, raw = _read_script(script)
        language = language or lang
        title = title or script_title or script.stem
        h.update(raw)
    synopsis = meta.get("synopsis") or ""
    language = language or _language_of(f"{title}\n{synopsis}")
    doc = Document(
        id=meta["id"], title=title, language=language, lines=lines, synopsis=synopsis, names=names,
        tags=tuple(meta.get("tags") or ()), episodes=meta.get("episodes"), format=meta.get("format"),
        track=meta.get("track"), release_date=meta.get("release_date"), source=str(script) if script else None,
        plays=tuple(meta.get("plays") or ()),
    )
    h.update(_hash_doc(doc).encode())
    return replace(doc, content_hash=h.hexdigest())


# --------------------------------------------------------------------------------- import
def import_paths(
    catalog: Catalog,
    paths: Iterable[str | Path] = (),
    *,
    metadata: Iterable[str | Path] = (),
    mapper: Callable[[list[list[Document]]], list[list[WorkRecord]]] | None = None,
    progress: Callable[[int, int], None] | None = None,
    max_line_bytes: int = MAX_LINE_BYTES,
    embed: bool = True,
) -> ImportReport:
    """Import scripts (files or folders) and metadata files into ``catalog``.

    ``mapper`` maps the fingerprint function over partitions (the Dask path passes one);
    ``progress(done, total)`` is called after each batch.

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
    run_key = hashlib.sha256(json.dumps(sorted(str(p.resolve()) for p in scripts + metas)).encode()).hexdigest()
    run_id, done = _start_run(catalog, run_key, scripts + metas, report)
    todo = [item for item in plan if item[0] not in done]
    total = len(plan)
    finished = total - len(todo)
    for start in range(0, len(todo), BATCH):
        batch = todo[start : start + BATCH]
        docs: list[Document] = []
        for key, meta, script in batch:
            try:
                docs.append(_document(meta, script))
            except DramalensError as exc:
                report.errors.append(RowError(str(script or "metadata"), 0, exc.message, key))
        stored = catalog.hashes([d.id for d in docs])
        changed = [d for d in docs if stored.get(d.id) != d.content_hash]
        report.unchanged += len(docs) - len(changed)
        parts = [changed[i : i + 64] for i in range(0, len(changed), 64)]
        records = [r for part in (mapper(parts) if mapper else [fingerprint_batch(p) for p in parts]) for r in part]
        with catalog.engine.begin() as conn:  # the batch and its progress commit together
            ins, upd = catalog.upsert(records, connection=conn)
            conn.execute(insert(import_done), [{"run_id": run_id, "item": key} for key, _m, _s in batch])
            conn.execute(update(import_runs).where(import_runs.c.id == run_id).values(processed=finished + len(batch), imported=import_runs.c.imported + ins + upd, unchanged=import_runs.c.unchanged + len(docs) - len(changed)))
        catalog.invalidate()
        report.imported += ins
        report.updated += upd
        finished += len(batch)
        if progress:
            progress(finished, total)
    with catalog.engine.begin() as conn:
        conn.execute(update(import_runs).where(import_runs.c.id == run_id).values(status="done", finished_at=_now(), errors=json.dumps([e.to_dict() for e in report.errors], ensure_ascii=False)))
    if embed and (report.imported or report.updated or catalog.get_model("embedder") is None):
        refresh_embeddings(catalog)
    if catalog.engine.dialect.name == "sqlite":
        # Fold the write-ahead log back into the file, so readers do not wade through it.
        with catalog.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return report


def _start_run(catalog: Catalog, key: str, sources: list[Path], report: ImportReport) -> tuple[int, set[str]]:
    """Resume the last unfinished run over the same sources, or start a new one."""
    with catalog.engine.begin() as conn:
        row = conn.execute(select(import_runs.c.id).where(import_runs.c.key == key, import_runs.c.status == "running").order_by(import_runs.c.id.desc())).first()
        if row is not None:
            report.resumed = True
            report.run_id = row[0]
            done = {r[0] for r in conn.execute(select(import_done.c.item).where(import_done.c.run_id == row[0]))}
            return row[0], done
        result = conn.execute(insert(import_runs).values(key=key, sources=json.dumps([str(s) for s in sources]), status="running", started_at=_now()))
        report.run_id = int(result.inserted_primary_key[0])
        return report.run_id, set()


def refresh_embeddings(catalog: Catalog, embedder=None, *, refit: bool | None = None) -> int:
    """Fit the embedder on the catalog when it has none or the catalog grew by a quarter since,
    then embed every work without an embedding (all of them after a refit). Returns how many.

    >>> refresh_embeddings(Catalog("sqlite://"))
    0
    """
    from .embed import HashedTfidfEmbedder, load_embedder

    ids, texts, langs, has = catalog.texts_for_embedding()
    if not ids:
        return 0
    stored = catalog.get_model("embedder")
    fitted_on = stored[1].get("works", 0) if stored else 0
    if refit is None:
        refit = stored is None or embedder is not None or len(ids) > 1.25 * fitted_on or len(ids) < 0.8 * fitted_on
    if refit:
        embedder = embedder or HashedTfidfEmbedder()
        if hasattr(embedder, "fit_embed"):
            vectors = embedder.fit_embed(texts, langs)
        else:
            vectors = embedder.fit(texts, langs).embed(texts, langs)
        catalog.set_model("embedder", embedder.to_bytes(), {"name": embedder.name, "dim": embedder.dim, "works": len(ids)})
        catalog.set_embeddings(list(zip(ids, vectors)))
        return len(ids)
    else:
        embedder = load_embedder(stored[1]["name"], stored[0])
        todo = [i for i, h in enumerate(has) if not h]
    if not todo:
        return 0
    vectors = embedder.embed([texts[i] for i in todo], [langs[i] for i in todo])
    catalog.set_embeddings([(ids[i], vectors[k]) for k, i in enumerate(todo)])
    return len(todo)

