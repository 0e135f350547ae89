"""The catalog store: works, their fingerprints and play counts, in SQLite or PostgreSQL.

Fingerprints are computed once at import and stored as bytes (MinHash signature, passage keys,
embedding) or JSON (tropes, skeleton); queries load them into one in-memory
:class:`CatalogIndex` of NumPy arrays, rebuilt only when the catalog changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import numpy as np
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
from sqlalchemy.engine import Engine

from ..db import make_engine, upgrade
from ..errors import ConfigError, NotFoundError

__all__ = ["BATCH", "Catalog", "CatalogIndex", "WorkRecord", "metadata"]

#: Rows per executemany batch and per import transaction.
BATCH = 500
MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version_catalog"

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
)

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


@dataclass(frozen=True, slots=True)
class WorkRecord:
    """One work as stored: metadata, optional full text and its fingerprints.

    ``minhash`` is the uint32 signature as bytes; ``passages`` the sorted uint32 passage prints
    and ``passage_lines`` the first line each print occurs on (int32).
    """

    id: str
    title: str
    language: str
    content_hash: str
    minhash: bytes
    passages: bytes
    passage_lines: bytes
    shingles: int = 0
    synopsis: str = ""
    tags: tuple[str, ...] = ()
    episodes: int | None = None
    format: str | None = None
    track: str | None = None
    release_date: date | None = None
    source: str | None = None
    text: str | None = None
    names: tuple[str, ...] = ()
    tropes: tuple[dict, ...] = ()
    skeleton: dict | None = None
    plays: tuple[tuple[date, int], ...] = field(default=())

    def to_dict(self) -> dict:
        """JSON-ready metadata and fingerprint summary (no bytes)."""
        return {
            "id": self.id,
            "title": self.title,
            "language": self.language,
            "synopsis": self.synopsis,
            "tags": list(self.tags),
            "episodes": self.episodes,
            "format": self.format,
            "track": self.track,
            "release_date": self.release_date.isoformat() if self.release_date else None,
            "source": self.source,
            "has_text": self.text is not None,
            "content_hash": self.content_hash,
            "shingles": self.shingles,
            "tropes": [t.get("trope") for t in self.tropes],
        }

    def _row(self, now: datetime) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "language": self.language,
            "synopsis": self.synopsis,
            "tags": json.dumps(list(self.tags), ensure_ascii=False),
            "episodes": self.episodes,
            "format": self.format,
            "track": self.track,
            "release_date": self.release_date,
            "source": self.source,
            "text": self.text,
            "names": json.dumps(list(self.names), ensure_ascii=False),
            "content_hash": self.content_hash,
            "shingles": self.shingles,
            "minhash": self.minhash,
            "passages": self.passages,
            "passage_lines": self.passage_lines,
            "tropes": json.dumps(list(self.tropes), ensure_ascii=False),
            "skeleton": json.dumps(self.skeleton, ensure_ascii=False) if self.skeleton is not None else None,
            "updated_at": now,
        }


@dataclass(slots=True)
class CatalogIndex:
    """Every work's fingerprints as arrays, row ``i`` = ``ids[i]``: what queries scan."""

    ids: list[str]
    titles: list[str]
    languages: list[str]
    tracks: list[str | None]
    release_dates: list[date | None]
    signatures: np.ndarray  # (n, perms) uint32
    passage_keys: list[np.ndarray]  # per work: sorted unique passage prints, uint32
    embeddings: np.ndarray  # (n, dim) float32, zeros where missing
    tropes: list[list[dict]]
    skeletons: list[dict | None]
    key_sorted: np.ndarray  # all passage keys, sorted
    key_owner: np.ndarray  # the row owning each sorted key
    common_prints: np.ndarray  # prints in more than MAX_DF works: stock phrases
    trope_names: list[str]  # the columns of trope_matrix
    trope_matrix: np.ndarray  # (n, tropes) float32 confidences
    trope_totals: np.ndarray  # (n,) row sums of trope_matrix
    has_embedding: np.ndarray  # (n,) bool
    has_text: np.ndarray  # (n,) bool: the full script text is stored
    position: dict[str, int]
    ann: object | None = None  # a VectorIndex over embeddings, built on first use

    def __len__(self) -> int:
        return len(self.ids)


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
            from sqlalchemy.pool import StaticPool

            self.engine = make_engine("sqlite://", poolclass=StaticPool)
        upgrade(self.engine, MIGRATIONS, VERSION_TABLE)
        self._index: CatalogIndex | None = None
        self._cache: dict[str, object] = {}

    # -- lifecycle ------------------------------------------------------------------------
    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Catalog":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def invalidate(self) -> None:
        """Forget cached arrays and query caches (after any write)."""
        self._index = None
        self._cache.clear()

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
                out.update(conn.execute(select(works.c.id, works.c.content_hash).where(works.c.id.in_(chunk))).all())
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

    def list_works(self, *, limit: int = 100, offset: int = 0) -> list[dict]:
        """Summaries (id, title, language, track, episodes, release date, has text), by id."""
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
    def upsert(self, records: list[WorkRecord], *, connection=None) -> tuple[int, int]:
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
            ids = [r.id for r in chunk]
            existing = {r[0] for r in conn.execute(select(works.c.id).where(works.c.id.in_(ids)))}
            new_rows = [dict(r._row(now), created_at=now) for r in chunk if r.id not in existing]
            old_rows = [dict(r._row(now), b_id=r.id) for r in chunk if r.id in existing]
            if new_rows:
                conn.execute(insert(works), new_rows)
            if old_rows:
                values = {k: bindparam(k) for k in old_rows[0] if k not in ("id", "b_id")}
                values["embedding"] = None  # the text changed: the embedding is recomputed
                for row in old_rows:
                    row.pop("id")
                conn.execute(update(works).where(works.c.id == bindparam("b_id")).values(**values), old_rows)
            with_plays = [r for r in chunk if r.plays]
            if with_plays:
                conn.execute(delete(plays).where(plays.c.work_id.in_([r.id for r in with_plays])))
                conn.execute(insert(plays), [{"work_id": r.id, "period": p, "plays": n} for r in with_plays for p, n in r.plays])
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

    def set_embeddings(self, pairs: list[tuple[str, np.ndarray]]) -> None:
        with self.engine.begin() as conn:
            for start in range(0, len(pairs), BATCH):
                rows = [{"b_id": i, "embedding": np.asarray(v, np.float32).tobytes()} for i, v in pairs[start : start + BATCH]]
                conn.execute(update(works).where(works.c.id == bindparam("b_id")).values(embedding=bindparam("embedding")), rows)
        self.invalidate()

    def set_model(self, name: str, data: bytes | None, meta: dict) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(models).where(models.c.name == name))
            conn.execute(insert(models), [{"name": name, "data": data, "meta": json.dumps(meta), "updated_at": _now()}])
        self._cache.clear()

    def get_model(self, name: str) -> tuple[bytes | None, dict] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(models.c.data, models.c.meta).where(models.c.name == name)).first()
        return None if row is None else (row[0], json.loads(row[1]))

    # -- the in-memory index -------------------------------------------------------------
    def index(self) -> CatalogIndex:
        """All fingerprints as arrays (cached until the next write)."""
        if self._index is None:
            self._index = self._load_index()
        return self._index

    def _load_index(self) -> CatalogIndex:
        cols = (
            works.c.id, works.c.title, works.c.language, works.c.track, works.c.release_date,
            works.c.minhash, works.c.passages, works.c.embedding, works.c.tropes, works.c.skeleton, works.c.text.is_not(None),
        )
        ids, titles, langs, tracks, dates, sigs, keys, embs, tropes, skels, texts = ([] for _ in range(11))
        with self.engine.connect() as conn:
            for r in conn.execute(select(*cols).order_by(works.c.id)):
                ids.append(r[0]); titles.append(r[1]); langs.append(r[2]); tracks.append(r[3]); dates.append(r[4])  # noqa: E702
                sigs.append(np.frombuffer(r[5], np.uint32))
                keys.append(np.frombuffer(r[6], np.uint32))
                embs.append(None if r[7] is None else np.frombuffer(r[7], np.float32))
                tropes.append(json.loads(r[8]) if r[8] else [])
                skels.append(json.loads(r[9]) if r[9] else None)
                texts.append(bool(r[10]))
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
        from .minhash import MAX_DF

        trope_names = sorted({t["trope"] for ts in tropes for t in ts})
        column = {t: j for j, t in enumerate(trope_names)}
        trope_matrix = np.zeros((len(ids), len(trope_names)), np.float32)
        for i, ts in enumerate(tropes):
            for t in ts:
                trope_matrix[i, column[t["trope"]]] = max(trope_matrix[i, column[t["trope"]]], float(t.get("confidence", 1.0)))
        return CatalogIndex(
            ids=ids, titles=titles, languages=langs, tracks=tracks, release_dates=dates,
            signatures=signatures, passage_keys=keys, embeddings=emb, tropes=tropes, skeletons=skels,
            key_sorted=flat[order], key_owner=owners[order], common_prints=values[counts > MAX_DF],
            trope_names=trope_names, trope_matrix=trope_matrix, trope_totals=trope_matrix.sum(axis=1),
            has_embedding=np.any(emb != 0, axis=1) if emb.size else np.zeros(len(ids), bool),
            has_text=np.asarray(texts, bool),
            position={w: i for i, w in enumerate(ids)},
        )

    def texts_for_embedding(self) -> tuple[list[str], list[str], list[str], list[bool]]:
        """(ids, texts, languages, has_embedding) of every work: title + synopsis + the first 4,000 characters of the script."""
        ids, texts, langs, has = [], [], [], []
        with self.engine.connect() as conn:
            q = select(works.c.id, works.c.title, works.c.synopsis, func.substr(works.c.text, 1, 4000), works.c.language, works.c.embedding.is_not(None)).order_by(works.c.id)
            for r in conn.execute(q):
                ids.append(r[0])
                texts.append("\n".join(x for x in (r[1], r[2], r[3]) if x))
                langs.append(r[4])
                has.append(bool(r[5]))
        return ids, texts, langs, has


def _record(row, play_rows) -> WorkRecord:
    return WorkRecord(
        id=row["id"], title=row["title"], language=row["language"], content_hash=row["content_hash"],
        minhash=row["minhash"], passages=row["passages"], passage_lines=row["passage_lines"], shingles=row["shingles"],
        synopsis=row["synopsis"], tags=tuple(json.loads(row["tags"] or "[]")), episodes=row["episodes"], format=row["format"],
        track=row["track"], release_date=row["release_date"], source=row["source"], text=row["text"],
        names=tuple(json.loads(row["names"] or "[]")), tropes=tuple(json.loads(row["tropes"] or "[]")),
        skeleton=json.loads(row["skeleton"]) if row["skeleton"] else None, plays=play_rows,
    )
