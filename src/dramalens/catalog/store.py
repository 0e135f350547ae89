"""The catalog store: works, their fingerprints and play counts, in SQLite or PostgreSQL.

Fingerprints are computed once at import and stored as bytes (MinHash signature, passage keys,
embedding) or JSON (tropes, skeleton); queries load them into one in-memory
:class:`CatalogIndex` of NumPy arrays, rebuilt only when the catalog changes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TypeVar

import numpy as np
import numpy.typing as npt
from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine, RowMapping
from sqlalchemy.pool import StaticPool

from ..db import make_engine, upgrade
from ..analysis.skeleton import RoleShare, Skeleton
from ..analysis.tropes import TropeHit
from ..errors import ConfigError, NotFoundError
from .boilerplate import boilerplate_prints
from .minhash import MAX_DF
from .records import Work, WorkRecord
from .vectors import VectorIndex

__all__ = ["BATCH", "EMBED_CHARS", "WORK_BLOBS", "Catalog", "CatalogIndex", "ImportRun", "embedding_text", "metadata", "work_text"]

#: Rows per executemany batch and per import transaction.
BATCH = 500
MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version_catalog"
#: Characters of a work's text that go into its embedding (after the title and synopsis).
EMBED_CHARS = 4000

metadata = MetaData()

works = Table(
    "catalog_works",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("title", String(500), nullable=False, default=""),
    Column("language", String(8), nullable=False, default="zh"),
    Column("synopsis", Text, nullable=False, default=""),
    Column("tags", Text, nullable=False, default="[]"),
    Column("episodes", Integer),
    Column("format", String(32)),
    Column("track", String(100), index=True),
    Column("release_date", Date),
    Column("source", String(1000)),
    Column("text", Text),
    Column("names", Text, nullable=False, default="[]"),
    Column("content_hash", String(64), nullable=False, index=True),
    Column("shingles", Integer, nullable=False, default=0),
    Column("minhash", LargeBinary, nullable=False),
    Column("passages", LargeBinary, nullable=False),
    Column("passage_lines", LargeBinary, nullable=False),
    Column("embedding", LargeBinary),
    Column("tropes", Text, nullable=False, default="[]"),
    Column("skeleton", Text),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("lexical", LargeBinary),
    Column("features", LargeBinary),
)
#: Per-work blobs the import's workers compute beside the fingerprints and refreshes fill in for
#: works stored before: lexical term counts (:mod:`.lexical`) and the default embedder's hashed
#: features (:mod:`.embed`).
WORK_BLOBS = ("lexical", "features")


def _blob_field(field: str) -> str:
    if field not in WORK_BLOBS:
        raise ConfigError(f"unknown per-work field {field!r}; allowed: {', '.join(WORK_BLOBS)}")
    return field

plays = Table(
    "catalog_plays",
    metadata,
    Column("work_id", String(200), ForeignKey("catalog_works.id", ondelete="CASCADE"), primary_key=True),
    Column("period", Date, primary_key=True),
    Column("plays", BigInteger, nullable=False),
)

import_runs = Table(
    "catalog_import_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(64), nullable=False, index=True),
    Column("sources", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("processed", Integer, nullable=False, default=0),
    Column("imported", Integer, nullable=False, default=0),
    Column("unchanged", Integer, nullable=False, default=0),
    Column("errors", Text, nullable=False, default="[]"),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
)

import_done = Table(
    "catalog_import_done",
    metadata,
    Column("run_id", Integer, ForeignKey("catalog_import_runs.id", ondelete="CASCADE"), primary_key=True),
    Column("item", String(1200), primary_key=True),
)

models = Table(
    "catalog_models",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("data", LargeBinary),
    Column("meta", Text, nullable=False, default="{}"),
    Column("updated_at", DateTime, nullable=False),
)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


@dataclass(slots=True)
class CatalogIndex:
    """Every work's fingerprints as arrays, row ``i`` = ``ids[i]``: what queries scan."""

    ids: list[str]
    titles: list[str]
    languages: list[str]
    tracks: list[str | None]
    release_dates: list[date | None]
    signatures: npt.NDArray[np.uint32]  # (n, perms)
    passage_keys: list[npt.NDArray[np.uint32]]  # per work: sorted unique passage prints
    embeddings: npt.NDArray[np.float32]  # (n, dim), zeros where missing
    tropes: list[tuple[TropeHit, ...]]
    functions: list[tuple[str, ...]]  # each work's plot skeleton (story functions in order)
    key_sorted: npt.NDArray[np.uint32]  # all passage keys, sorted
    key_owner: npt.NDArray[np.int64]  # the row owning each sorted key
    common_prints: npt.NDArray[np.uint32]  # prints in more than MAX_DF works: stock phrases
    shared_prints: npt.NDArray[np.uint32]  # shared boilerplate (boilerplate.boilerplate_prints), sorted
    trope_names: list[str]  # the columns of trope_matrix
    trope_matrix: npt.NDArray[np.float32]  # (n, tropes) confidences
    trope_totals: npt.NDArray[np.float32]  # (n,) row sums of trope_matrix
    has_embedding: npt.NDArray[np.bool_]  # (n,)
    has_text: npt.NDArray[np.bool_]  # (n,): the script's text is stored
    shingles: npt.NDArray[np.int64]  # (n,): shingles behind each MinHash signature (0: an empty fingerprint)
    position: dict[str, int]
    ann: VectorIndex | None = None  # an HNSW index over embeddings, built on first use

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True, slots=True)
class ImportRun:
    """An import run in the store: its id, whether it resumes an unfinished run over the same
    sources, and the items that run already committed."""

    id: int
    resumed: bool
    done: frozenset[str]


T = TypeVar("T")


class Catalog:
    """A catalog of works in a database (``dramalens.db.DEFAULT_URL`` unless ``url`` is given).

    The schema is created or upgraded on open (Alembic, version table ``alembic_version_catalog``).

    >>> with Catalog("sqlite://") as cat:
    ...     cat.count()
    0
    """

    def __init__(self, url: str | None = None, *, engine: Engine | None = None):
        self.engine = engine if engine is not None else make_engine(url)
        if self.engine.dialect.name == "sqlite" and str(self.engine.url) in ("sqlite://", "sqlite:///:memory:"):
            # An in-memory SQLite database lives per connection: keep one for the catalog's life.
            self.engine = make_engine("sqlite://", poolclass=StaticPool)
        upgrade(self.engine, MIGRATIONS, VERSION_TABLE)
        self._index: CatalogIndex | None = None
        self._cache: dict[str, object] = {}

    # -- lifecycle ------------------------------------------------------------------------
    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def invalidate(self) -> None:
        """Forget cached arrays and query caches (after any write)."""
        self._index = None
        self._cache.clear()

    def cached(self, name: str, kind: type[T], make: Callable[[], T]) -> T:
        """``make()``, kept until the next write (a loaded embedder, say).

        >>> Catalog("sqlite://").cached("answer", int, lambda: 42)
        42
        """
        value = self._cache.get(name)
        if not isinstance(value, kind):
            value = self._cache[name] = make()
        return value

    # -- reading --------------------------------------------------------------------------
    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(works)).scalar_one())

    def ids(self) -> list[str]:
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(select(works.c.id).order_by(works.c.id))]

    def hashes(self, ids: list[str]) -> dict[str, str]:
        """Stored content hash per id, for the ids that exist."""
        out: dict[str, str] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(ids), BATCH):
                chunk = ids[start : start + BATCH]
                out.update((r[0], r[1]) for r in conn.execute(select(works.c.id, works.c.content_hash).where(works.c.id.in_(chunk))))
        return out

    def get(self, work_id: str) -> WorkRecord:
        """One stored work.

        >>> Catalog("sqlite://").get("nope")
        Traceback (most recent call last):
        ...
        dramalens.errors.NotFoundError: no work 'nope' in the catalog — see `dramalens catalog list`
        """
        with self.engine.connect() as conn:
            row = conn.execute(select(works).where(works.c.id == work_id)).mappings().first()
            if row is None:
                raise NotFoundError(f"no work {work_id!r} in the catalog", hint="see `dramalens catalog list`")
            play_rows = conn.execute(select(plays.c.period, plays.c.plays).where(plays.c.work_id == work_id).order_by(plays.c.period)).all()
        return _record(row, tuple((p, int(n)) for p, n in play_rows))

    def list_works(self, *, limit: int = 100, offset: int = 0) -> list[dict[str, object]]:
        """Summaries (id, title, language, track, episodes, release date, has text), by id:
        rows for a listing page or ``--json``."""
        if limit < 1:
            raise ConfigError(f"limit must be ≥ 1, got {limit}")
        cols = (works.c.id, works.c.title, works.c.language, works.c.track, works.c.episodes, works.c.release_date, works.c.text.is_not(None))
        with self.engine.connect() as conn:
            rows = conn.execute(select(*cols).order_by(works.c.id).limit(limit).offset(offset)).all()
        return [
            {"id": r[0], "title": r[1], "language": r[2], "track": r[3], "episodes": r[4], "release_date": r[5].isoformat() if r[5] else None, "has_text": bool(r[6])}
            for r in rows
        ]

    def plays(self) -> list[tuple[str, date, int]]:
        """Every (work id, period, plays) row."""
        with self.engine.connect() as conn:
            return [(r[0], r[1], int(r[2])) for r in conn.execute(select(plays.c.work_id, plays.c.period, plays.c.plays))]

    # -- writing --------------------------------------------------------------------------
    def upsert(self, records: list[WorkRecord], *, connection: Connection | None = None) -> tuple[int, int]:
        """Insert new works and update changed ones, in batches of :data:`BATCH` (executemany).
        Returns (inserted, updated). With ``connection``, runs inside the caller's transaction."""
        if connection is None:
            with self.engine.begin() as conn:
                return self.upsert(records, connection=conn)
        conn = connection
        now = _now()
        inserted = updated = 0
        for start in range(0, len(records), BATCH):
            chunk = records[start : start + BATCH]
            ids = [r.work.id for r in chunk]
            existing = {r[0] for r in conn.execute(select(works.c.id).where(works.c.id.in_(ids)))}
            new_rows = [dict(_row(r, now), created_at=now) for r in chunk if r.work.id not in existing]
            old_rows = [dict(_row(r, now), b_id=r.work.id) for r in chunk if r.work.id in existing]
            if new_rows:
                conn.execute(insert(works), new_rows)
            if old_rows:
                values: dict[str, object] = {k: bindparam(k) for k in old_rows[0] if k not in ("id", "b_id")}
                values["embedding"] = None  # the text changed: the embedding is recomputed
                for row in old_rows:
                    row.pop("id")
                conn.execute(update(works).where(works.c.id == bindparam("b_id")).values(**values), old_rows)
            with_plays = [r.work for r in chunk if r.work.plays]
            if with_plays:
                conn.execute(delete(plays).where(plays.c.work_id.in_([w.id for w in with_plays])))
                conn.execute(insert(plays), [{"work_id": w.id, "period": p, "plays": n} for w in with_plays for p, n in w.plays])
            inserted += len(new_rows)
            updated += len(old_rows)
        self.invalidate()
        return inserted, updated

    def delete(self, ids: list[str]) -> int:
        with self.engine.begin() as conn:
            conn.execute(delete(plays).where(plays.c.work_id.in_(ids)))
            n = conn.execute(delete(works).where(works.c.id.in_(ids))).rowcount
        self.invalidate()
        return int(n or 0)

    def set_embeddings(self, pairs: list[tuple[str, npt.NDArray[np.float32]]]) -> None:
        with self.engine.begin() as conn:
            for start in range(0, len(pairs), BATCH):
                rows = [{"b_id": i, "embedding": np.asarray(v, np.float32).tobytes()} for i, v in pairs[start : start + BATCH]]
                conn.execute(update(works).where(works.c.id == bindparam("b_id")).values(embedding=bindparam("embedding")), rows)
        self.invalidate()

    def set_model(self, name: str, data: bytes | None, meta: dict[str, object]) -> None:
        """Keep a fitted model (or any blob) under ``name``, with JSON ``meta``."""
        with self.engine.begin() as conn:
            conn.execute(delete(models).where(models.c.name == name))
            conn.execute(insert(models), [{"name": name, "data": data, "meta": json.dumps(meta), "updated_at": _now()}])
        self._cache.clear()

    def get_model(self, name: str) -> tuple[bytes | None, dict[str, object]] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(models.c.data, models.c.meta).where(models.c.name == name)).first()
        return None if row is None else (row[0], json.loads(row[1]))

    # -- import runs ------------------------------------------------------------------------
    def start_import(self, key: str, sources: list[str]) -> ImportRun:
        """Resume the last unfinished import run over the same sources (``key``), or start one."""
        with self.engine.begin() as conn:
            q = select(import_runs.c.id).where(import_runs.c.key == key, import_runs.c.status == "running").order_by(import_runs.c.id.desc())
            row = conn.execute(q).first()
            if row is not None:
                done = frozenset(r[0] for r in conn.execute(select(import_done.c.item).where(import_done.c.run_id == row[0])))
                return ImportRun(int(row[0]), True, done)
            result = conn.execute(insert(import_runs).values(key=key, sources=json.dumps(sources), status="running", started_at=_now()))
            (run_id,) = result.inserted_primary_key or (0,)
            return ImportRun(int(run_id), False, frozenset())

    def commit_batch(self, run: ImportRun, records: list[WorkRecord], items: list[str], *, processed: int, unchanged: int) -> tuple[int, int]:
        """Upsert one batch of an import run and record its ``items`` as done, in one
        transaction: an interrupted import loses nothing it reported as committed.
        Returns (inserted, updated)."""
        with self.engine.begin() as conn:
            ins, upd = self.upsert(records, connection=conn)
            conn.execute(insert(import_done), [{"run_id": run.id, "item": item} for item in items])
            conn.execute(update(import_runs).where(import_runs.c.id == run.id).values(
                processed=processed, imported=import_runs.c.imported + ins + upd, unchanged=import_runs.c.unchanged + unchanged))
        self.invalidate()
        return ins, upd

    def finish_import(self, run: ImportRun, errors: list[dict[str, object]]) -> None:
        """Mark an import run done, with the rows and files it left out."""
        with self.engine.begin() as conn:
            conn.execute(update(import_runs).where(import_runs.c.id == run.id).values(
                status="done", finished_at=_now(), errors=json.dumps(errors, ensure_ascii=False)))
        if self.engine.dialect.name == "sqlite":
            # Fold the write-ahead log back into the file, so readers do not wade through it.
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    # -- the in-memory index -------------------------------------------------------------
    def index(self) -> CatalogIndex:
        """All fingerprints as arrays (cached until the next write)."""
        if self._index is None:
            self._index = self._load_index()
        return self._index

    def _load_index(self) -> CatalogIndex:
        cols = (
            works.c.id, works.c.title, works.c.language, works.c.track, works.c.release_date,
            works.c.minhash, works.c.passages, works.c.embedding, works.c.tropes, works.c.skeleton, works.c.text.is_not(None), works.c.shingles,
        )
        ids: list[str] = []
        titles: list[str] = []
        langs: list[str] = []
        tracks: list[str | None] = []
        dates: list[date | None] = []
        sigs: list[npt.NDArray[np.uint32]] = []
        keys: list[npt.NDArray[np.uint32]] = []
        embs: list[npt.NDArray[np.float32] | None] = []
        tropes: list[tuple[TropeHit, ...]] = []
        functions: list[tuple[str, ...]] = []
        texts: list[bool] = []
        shingles: list[int] = []
        with self.engine.connect() as conn:
            for r in conn.execute(select(*cols).order_by(works.c.id)):
                ids.append(r[0]); titles.append(r[1]); langs.append(r[2]); tracks.append(r[3]); dates.append(r[4])  # noqa: E702
                sigs.append(np.frombuffer(r[5], np.uint32))
                keys.append(np.frombuffer(r[6], np.uint32))
                embs.append(None if r[7] is None else np.frombuffer(r[7], np.float32))
                tropes.append(_tropes(r[8]))
                skeleton = _skeleton(r[9])
                functions.append(skeleton.functions if skeleton is not None else ())
                texts.append(bool(r[10]))
                shingles.append(int(r[11] or 0))
        dim = next((len(e) for e in embs if e is not None), 0)
        emb = np.zeros((len(ids), dim), np.float32)
        for i, e in enumerate(embs):
            if e is not None and len(e) == dim:
                emb[i] = e
        signatures = np.stack(sigs) if sigs else np.zeros((0, 128), np.uint32)
        owners = np.repeat(np.arange(len(ids), dtype=np.int64), [k.size for k in keys]) if keys else np.zeros(0, np.int64)
        flat = np.concatenate(keys) if keys else np.zeros(0, np.uint32)
        order = np.argsort(flat, kind="stable")
        values, counts = np.unique(flat, return_counts=True)
        trope_names = sorted({t.trope for ts in tropes for t in ts})
        column = {t: j for j, t in enumerate(trope_names)}
        trope_matrix = np.zeros((len(ids), len(trope_names)), np.float32)
        for i, ts in enumerate(tropes):
            for t in ts:
                trope_matrix[i, column[t.trope]] = max(trope_matrix[i, column[t.trope]], t.confidence)
        return CatalogIndex(
            ids=ids, titles=titles, languages=langs, tracks=tracks, release_dates=dates,
            signatures=signatures, passage_keys=keys, embeddings=emb, tropes=tropes, functions=functions,
            key_sorted=flat[order], key_owner=owners[order], common_prints=values[counts > MAX_DF],
            shared_prints=boilerplate_prints(flat[order], owners[order], ~np.asarray(texts, bool)),
            trope_names=trope_names, trope_matrix=trope_matrix, trope_totals=trope_matrix.sum(axis=1),
            has_embedding=np.any(emb != 0, axis=1) if emb.size else np.zeros(len(ids), bool),
            has_text=np.asarray(texts, bool), shingles=np.asarray(shingles, np.int64),
            position={w: i for i, w in enumerate(ids)},
        )

    def work_blobs(self, field: str) -> Iterator[tuple[str, bytes | None]]:
        """(id, the work's ``field`` of :data:`WORK_BLOBS` or None) of every work, by id, read
        as they are used (not all held at once)."""
        column = works.c[_blob_field(field)]
        with self.engine.connect() as conn:
            yield from ((r[0], r[1]) for r in conn.execute(select(works.c.id, column).order_by(works.c.id)))

    def texts_missing(self, field: str, chars: int, limit: int = BATCH) -> tuple[list[str], list[str], list[str]]:
        """(ids, texts, languages) of up to ``limit`` works without their ``field`` of
        :data:`WORK_BLOBS` (stored before it was kept), by id: the text is :func:`work_text` with
        the first ``chars`` characters of the script, as the import's workers made it."""
        ids: list[str] = []
        texts: list[str] = []
        langs: list[str] = []
        with self.engine.connect() as conn:
            q = (select(works.c.id, works.c.title, works.c.synopsis, func.substr(works.c.text, 1, chars), works.c.language)
                 .where(works.c[_blob_field(field)].is_(None)).order_by(works.c.id).limit(limit))
            for r in conn.execute(q):
                ids.append(r[0])
                texts.append(work_text(r[1], r[2], r[3], chars))
                langs.append(r[4])
        return ids, texts, langs

    def fill_work_blobs(self, field: str, chars: int, compute: Callable[[str, str], bytes]) -> int:
        """Give every work stored without its ``field`` of :data:`WORK_BLOBS` one, ``compute(text,
        language)`` over :meth:`texts_missing`'s text, a batch at a time; returns how many."""
        filled = 0
        while True:
            ids, texts, langs = self.texts_missing(field, chars)
            if not ids:
                return filled
            self.set_work_blobs(field, [(w, compute(t, lang)) for w, t, lang in zip(ids, texts, langs)])
            filled += len(ids)

    def set_work_blobs(self, field: str, pairs: list[tuple[str, bytes | None]]) -> None:
        """Store the ``field`` of :data:`WORK_BLOBS` of the given works (None: compute it again
        at the next refresh); the content and its hash stay."""
        column = _blob_field(field)
        with self.engine.begin() as conn:
            for start in range(0, len(pairs), BATCH):
                rows = [{"b_id": i, "blob": data} for i, data in pairs[start : start + BATCH]]
                conn.execute(update(works).where(works.c.id == bindparam("b_id")).values({column: bindparam("blob")}), rows)
        self.invalidate()

    def texts_for_tagger(self, chars: int) -> list[tuple[str, str, str, tuple[str, ...], tuple[TropeHit, ...]]]:
        """(id, title + synopsis + the first ``chars`` characters of the script, language, tags,
        stored tropes) of every work, by id: what the trope tagger learns from and retags."""
        with self.engine.connect() as conn:
            q = select(works.c.id, works.c.title, works.c.synopsis, func.substr(works.c.text, 1, chars), works.c.language, works.c.tags, works.c.tropes).order_by(works.c.id)
            return [(r[0], "\n".join(x for x in (r[1], r[2], r[3] or "") if x), r[4], tuple(json.loads(r[5] or "[]")), _tropes(r[6]))
                    for r in conn.execute(q)]

    def set_tropes(self, pairs: list[tuple[str, tuple[TropeHit, ...]]]) -> None:
        """Replace the stored tropes of the given works (the content and its hash stay)."""
        with self.engine.begin() as conn:
            for start in range(0, len(pairs), BATCH):
                rows = [{"b_id": i, "tropes": json.dumps([_trope_json(t) for t in ts], ensure_ascii=False)} for i, ts in pairs[start : start + BATCH]]
                conn.execute(update(works).where(works.c.id == bindparam("b_id")).values(tropes=bindparam("tropes")), rows)
        self.invalidate()

    def texts_for_embedding(self) -> tuple[list[str], list[str], list[str], list[bool]]:
        """(ids, texts, languages, has_embedding) of every work: title + synopsis + the first 4,000 characters of the script."""
        ids: list[str] = []
        texts: list[str] = []
        langs: list[str] = []
        has: list[bool] = []
        with self.engine.connect() as conn:
            q = select(works.c.id, works.c.title, works.c.synopsis, func.substr(works.c.text, 1, EMBED_CHARS), works.c.language, works.c.embedding.is_not(None)).order_by(works.c.id)
            for r in conn.execute(q):
                ids.append(r[0])
                texts.append(embedding_text(r[1], r[2], r[3]))
                langs.append(r[4])
                has.append(bool(r[5]))
        return ids, texts, langs, has


def work_text(title: str, synopsis: str, text: str | None, chars: int) -> str:
    """A work's title, synopsis and the first ``chars`` characters of its script, the empty ones
    left out: what its lexical counts and its embedding are made from (with their own lengths).

    >>> work_text("Rain", "", "INT. HOUSE", 3)
    'Rain\\nINT'
    """
    return "\n".join(x for x in (title, synopsis, (text or "")[:chars]) if x)


def embedding_text(title: str, synopsis: str, text: str | None) -> str:
    """What a work is embedded from: its title, synopsis and the first 4,000 characters of its
    text (the same for a catalog work and for a query).

    >>> embedding_text("Rain", "", "INT. HOUSE")
    'Rain\\nINT. HOUSE'
    """
    return work_text(title, synopsis, text, EMBED_CHARS)


# -- rows ↔ records --------------------------------------------------------------------------
def _trope_json(t: TropeHit) -> dict[str, object]:
    return {"trope": t.trope, "label_zh": t.label_zh, "label_en": t.label_en, "confidence": t.confidence}


def _tropes(text: str | None) -> tuple[TropeHit, ...]:
    return tuple(
        TropeHit(t["trope"], t.get("label_zh", ""), t.get("label_en", ""), float(t.get("confidence", 1.0)))
        for t in json.loads(text or "[]")
    )


def _skeleton_json(s: Skeleton) -> dict[str, object]:
    roles = [{"role": r.role, "share": r.share, "scenes": r.scenes} for r in s.roles]
    return {"functions": list(s.functions), "roles": roles, "language": s.language}


def _skeleton(text: str | None) -> Skeleton | None:
    if not text:
        return None
    data = json.loads(text)
    roles = tuple(RoleShare(r["role"], float(r["share"]), int(r["scenes"])) for r in data.get("roles", ()))
    return Skeleton(tuple(data.get("functions", ())), (), roles, data.get("language", "zh"))


def _row(rec: WorkRecord, now: datetime) -> dict[str, object]:
    w = rec.work
    return {
        "id": w.id,
        "title": w.title,
        "language": w.language,
        "synopsis": w.synopsis,
        "tags": json.dumps(list(w.tags), ensure_ascii=False),
        "episodes": w.episodes,
        "format": w.format,
        "track": w.track,
        "release_date": w.release_date,
        "source": w.source,
        "text": rec.text,
        "names": json.dumps(list(w.names), ensure_ascii=False),
        "content_hash": rec.content_hash,
        "shingles": rec.shingles,
        "minhash": rec.minhash,
        "passages": rec.passages,
        "passage_lines": rec.passage_lines,
        "tropes": json.dumps([_trope_json(t) for t in rec.tropes], ensure_ascii=False),
        "skeleton": json.dumps(_skeleton_json(rec.skeleton), ensure_ascii=False) if rec.skeleton is not None else None,
        "lexical": rec.lexical,
        "features": rec.features,
        "updated_at": now,
    }


def _record(row: RowMapping, play_rows: tuple[tuple[date, int], ...]) -> WorkRecord:
    work = Work(
        id=row["id"], title=row["title"], language=row["language"], synopsis=row["synopsis"],
        tags=tuple(json.loads(row["tags"] or "[]")), episodes=row["episodes"], format=row["format"], track=row["track"],
        release_date=row["release_date"], source=row["source"], names=tuple(json.loads(row["names"] or "[]")), plays=play_rows,
    )
    return WorkRecord(
        work=work, content_hash=row["content_hash"], minhash=row["minhash"], passages=row["passages"],
        passage_lines=row["passage_lines"], shingles=row["shingles"], text=row["text"],
        tropes=_tropes(row["tropes"]), skeleton=_skeleton(row["skeleton"]), lexical=row["lexical"],
        features=row["features"],
    )
