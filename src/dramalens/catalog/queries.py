"""The catalog's questions: similar, novelty (saturation is in :mod:`.saturation`, near-duplicate
clusters in :mod:`.near_duplicates`).

Every score is in 0..1 and explained: ``similar`` gives one score per fingerprint (MinHash
Jaccard, passage containment, embedding cosine, trope overlap, skeleton alignment), their
weighted combination, and the evidence: shared passages with line numbers in both works,
shared tropes, the aligned skeleton.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import ConfigError
from ..analysis.skeleton import skeleton_similarity
from .importer import Document, _language_of, _read_script, fingerprint
from .minhash import MAX_DF, MIN_SHARED, MinHasher, passage_containment
from .near_duplicates import Cluster, Dedupe, dedupe  # importable from here, as before
from .shingles import shingle_lines
from .store import Catalog, CatalogIndex
from .vectors import EXACT_LIMIT, VectorIndex

__all__ = [
    "WEIGHTS",
    "Cluster",
    "Dedupe",
    "Match",
    "Novelty",
    "SharedPassage",
    "compare",
    "dedupe",
    "novelty",
    "similar",
]

#: How the per-fingerprint scores combine; a fingerprint one side lacks drops out and the
#: remaining weights are renormalised.
WEIGHTS = {"text": 0.4, "embedding": 0.25, "tropes": 0.15, "skeleton": 0.2}
_CANDIDATES = 200


@dataclass(frozen=True, slots=True)
class SharedPassage:
    """A passage both works contain: line spans (first, last) in each, and the text of each."""

    lines_a: tuple[int, int]
    lines_b: tuple[int, int]
    shingles: int
    text_a: str
    text_b: str

    def to_dict(self) -> dict:
        return {"lines_a": list(self.lines_a), "lines_b": list(self.lines_b), "shingles": self.shingles, "text_a": self.text_a, "text_b": self.text_b}


@dataclass(frozen=True, slots=True)
class Match:
    """One similar work: per-fingerprint ``scores`` (None where a side lacks it), ``score``
    (their weighted combination) and the evidence."""

    work_id: str
    title: str
    score: float
    scores: dict
    shared_passages: tuple[SharedPassage, ...] = ()
    shared_tropes: tuple[str, ...] = ()
    skeleton_alignment: tuple[tuple[int, int, str], ...] = ()

    def to_dict(self) -> dict:
        return {
            "work_id": self.work_id,
            "title": self.title,
            "score": self.score,
            "scores": dict(self.scores),
            "shared_passages": [p.to_dict() for p in self.shared_passages],
            "shared_tropes": list(self.shared_tropes),
            "skeleton_alignment": [list(a) for a in self.skeleton_alignment],
        }


@dataclass(frozen=True, slots=True)
class Novelty:
    """How new a script is against the catalog: ``score`` 0 (a copy) .. 1 (nothing like it),
    ``parts`` per fingerprint with what explains them, ``percentile`` within the catalog's own
    novelty distribution (100 = more novel than every sampled catalog work)."""

    score: float
    parts: dict
    percentile: float | None
    nearest: tuple[Match, ...] = ()

    def to_dict(self) -> dict:
        return {"score": self.score, "parts": dict(self.parts), "percentile": self.percentile, "nearest": [m.to_dict() for m in self.nearest]}


# ------------------------------------------------------------------------------ the query
@dataclass(slots=True)
class _Query:
    signature: np.ndarray
    keys: np.ndarray
    embedding: np.ndarray | None
    tropes: list[dict]
    functions: list[str]
    row: int | None  # its row in the index when the query is a catalog work
    lines: tuple[str, ...] | None
    names: tuple[str, ...]
    language: str
    work_id: str | None = None  # a catalog work: its text is read only when evidence needs it

    def load_text(self, catalog: Catalog) -> None:
        if self.work_id is not None and self.lines is None:
            rec = catalog.get(self.work_id)
            self.lines = tuple(rec.text.split("\n")) if rec.text is not None else None
            self.names = rec.names
            self.work_id = None


def _resolve(catalog: Catalog, work_or_script) -> _Query:
    """A catalog work id, a Script, a file path or script text → its fingerprints."""
    index = catalog.index()
    if isinstance(work_or_script, str) and work_or_script in index.position:
        row = index.position[work_or_script]
        emb = index.embeddings[row] if index.has_embedding.size and index.has_embedding[row] else None
        return _Query(index.signatures[row], index.passage_keys[row], emb, index.tropes[row], _functions(index.skeletons[row]), row,
                      None, (), index.languages[row], work_or_script if index.has_text[row] else None)
    doc = _document_of(work_or_script)
    rec = fingerprint(doc, MinHasher())
    emb = _embed_query(catalog, doc)
    return _Query(np.frombuffer(rec.minhash, np.uint32), np.frombuffer(rec.passages, np.uint32), emb,
                  list(rec.tropes), _functions(rec.skeleton), None, doc.lines, doc.names, doc.language)


def _document_of(obj) -> Document:
    from ..model import Script

    if isinstance(obj, Script):
        lines = None
        if obj.source and os.path.isfile(obj.source):
            try:
                lines = _read_script(Path(obj.source))[0]
            except Exception:  # the file changed or is unreadable now: use the parsed model
                lines = None
        if lines is None:
            lines = tuple(e.text for _, _, e in obj.iter_elements())
        names = tuple(n for c in obj.characters.values() for n in c.names)
        return Document("<query>", obj.title or "", obj.language, lines=lines, names=names)
    if isinstance(obj, (str, os.PathLike)) and (isinstance(obj, os.PathLike) or ("\n" not in obj and len(obj) < 4096 and os.path.isfile(obj))):
        lines, lang, names, title, _raw = _read_script(Path(obj))
        return Document("<query>", title or Path(obj).stem, lang, lines=lines, names=names)
    if isinstance(obj, str):
        if obj.strip() and len(obj) < 200 and not any(ch.isspace() for ch in obj.strip()):
            from ..errors import NotFoundError

            raise NotFoundError(f"{obj!r} is neither a work in the catalog nor a file", hint="see `dramalens catalog list`, or give a script file")
        if not obj.strip():
            raise ConfigError("the query is empty", hint="give a work id from `dramalens catalog list`, a script file or script text")
        names: tuple[str, ...] = ()
        language = _language_of(obj)
        try:  # script text: the parser knows the cast, whose names are masked like at import
            from ..parsing import parse_text

            script = parse_text(obj)
            names = tuple(n for c in script.characters.values() for n in c.names)
            language = script.language or language
        except Exception:  # plain prose, or a parser still being written: compare it as text
            pass
        return Document("<query>", "", language, lines=tuple(obj.split("\n")), names=names)
    raise ConfigError(f"expected a work id, a Script, a file path or text; got {type(obj).__name__}")


def _embed_query(catalog: Catalog, doc: Document) -> np.ndarray | None:
    stored = catalog.get_model("embedder")
    if stored is None:
        return None
    embedder = catalog._cache.get("embedder")
    if embedder is None:
        from .embed import load_embedder

        embedder = catalog._cache["embedder"] = load_embedder(stored[1]["name"], stored[0])
    text = "\n".join(x for x in (doc.title, doc.synopsis, "\n".join(doc.lines or ())[:4000]) if x)
    return embedder.embed([text], [doc.language])[0]


def _functions(skeleton: dict | None) -> list[str]:
    return list(skeleton.get("functions", ())) if skeleton else []


def _trope_overlap(a: list[dict], b: list[dict]) -> float | None:
    """Weighted Jaccard of two trope sets (weights = confidences); None if both are empty."""
    wa = {t["trope"]: float(t.get("confidence", 1.0)) for t in a}
    wb = {t["trope"]: float(t.get("confidence", 1.0)) for t in b}
    if not wa and not wb:
        return None
    keys = wa.keys() | wb.keys()
    top = sum(min(wa.get(k, 0.0), wb.get(k, 0.0)) for k in keys)
    bottom = sum(max(wa.get(k, 0.0), wb.get(k, 0.0)) for k in keys)
    return round(top / bottom, 4) if bottom else 0.0


def _skeleton_score(fa: list[str], fb: list[str], alignment: bool = False):
    if not fa or not fb:
        return None
    return skeleton_similarity(fa, fb, alignment=alignment)


def _passage_hits(index: CatalogIndex, prints: np.ndarray) -> dict[int, int]:
    """Rows sharing passage prints with ``prints``: row → prints shared (≥ MIN_SHARED)."""
    if prints.size == 0 or index.key_sorted.size == 0:
        return {}
    lo = np.searchsorted(index.key_sorted, prints, "left")
    hi = np.searchsorted(index.key_sorted, prints, "right")
    counts = hi - lo
    found = np.flatnonzero((counts > 0) & (counts <= MAX_DF))  # larger buckets: stock phrases
    if found.size == 0:
        return {}
    counts = counts[found]
    offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    owners = index.key_owner[np.repeat(lo[found], counts) + offsets]
    rows, shared = np.unique(owners, return_counts=True)
    keep = shared >= MIN_SHARED
    return dict(zip(rows[keep].tolist(), shared[keep].tolist()))


def _text_score(jaccard: float, passages: float) -> float:
    """The text part of the combined score. Verbatim reuse weighs more than its share: a work
    that lifts 10% of another's passages (containment 0.1) scores 0.32, 30% scores 0.55."""
    return max(jaccard, float(np.sqrt(max(passages, 0.0))))


def _combine(scores: dict) -> float:
    parts = [(WEIGHTS[k], v) for k, v in scores.items() if k in WEIGHTS and v is not None]
    total = sum(w for w, _ in parts)
    return round(sum(w * v for w, v in parts) / total, 4) if total else 0.0


def _score_rows(index: CatalogIndex, q: _Query, rows: np.ndarray, jacc: np.ndarray, cos: np.ndarray | None, hits: dict[int, int], tropes: np.ndarray) -> list[tuple[float, int, dict]]:
    out = []
    for r in rows.tolist():
        size = min(q.keys.size, index.passage_keys[r].size)
        passages = hits[r] / size if r in hits and size else 0.0
        text = _text_score(float(jacc[r]), passages)
        skel = _skeleton_score(q.functions, _functions(index.skeletons[r]))
        scores = {
            "minhash": round(float(jacc[r]), 4),
            "passages": round(min(passages, 1.0), 4),
            "text": round(min(text, 1.0), 4),
            "embedding": None if cos is None or not index.has_embedding[r] else round(min(max(float(cos[r]), 0.0), 1.0), 4),
            "tropes": None if np.isnan(tropes[r]) else round(float(tropes[r]), 4),
            "skeleton": None if skel is None else round(float(skel.score), 4),
        }
        out.append((_combine(scores), r, scores))
    out.sort(key=lambda t: (-t[0], index.ids[t[1]]))
    return out


def _trope_scores(index: CatalogIndex, tropes: list[dict]) -> np.ndarray:
    """Weighted Jaccard of ``tropes`` with every row's tropes; NaN where both sides have none."""
    n = len(index)
    qv = np.zeros(len(index.trope_names), np.float32)
    extra = 0.0
    column = {t: j for j, t in enumerate(index.trope_names)}
    for t in tropes:
        conf = float(t.get("confidence", 1.0))
        if t["trope"] in column:
            qv[column[t["trope"]]] = max(qv[column[t["trope"]]], conf)
        else:
            extra += conf
    if index.trope_matrix.size == 0:
        return np.full(n, np.nan if not tropes else 0.0)
    # Σmax(M, q) = ΣM + Σq − Σmin(M, q), and min(M, q) is non-zero only in q's few columns.
    cols = np.flatnonzero(qv)
    top = np.minimum(index.trope_matrix[:, cols], qv[cols]).sum(axis=1) if cols.size else np.zeros(n, np.float32)
    bottom = index.trope_totals + (qv.sum() + extra) - top
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1), np.nan)


def _rank(index: CatalogIndex, q: _Query, k: int, ann: bool | None = None) -> list[tuple[float, int, dict]]:
    n = len(index)
    if n == 0:
        return []
    jacc = np.count_nonzero(index.signatures == q.signature, axis=1) / max(q.signature.size, 1)
    want = min(n, max(_CANDIDATES, 3 * k))
    cos = None
    ann_rows: list[int] = []
    if q.embedding is not None and index.embeddings.shape[1] == q.embedding.size:
        if ann if ann is not None else n > EXACT_LIMIT:
            if index.ann is None:
                index.ann = VectorIndex(index.embeddings, method="hnsw")
            found = index.ann.search(q.embedding, want, exclude=q.row)
            cos = np.zeros(n, np.float32)  # rows the index did not return count as unrelated here
            cos[found.rows] = found.scores
            ann_rows = found.rows.tolist()
        else:
            cos = index.embeddings @ q.embedding
    hits = _passage_hits(index, q.keys)
    tropes = _trope_scores(index, q.tropes)
    # A cheap pre-score over every row (all fingerprints but the skeleton, whose alignment is
    # the costly one) picks the candidates that get the full comparison.
    text = jacc.copy()
    for r, shared in hits.items():
        size = min(q.keys.size, index.passage_keys[r].size)
        if size:
            text[r] = _text_score(float(text[r]), shared / size)
    num = WEIGHTS["text"] * text
    den = np.full(n, WEIGHTS["text"])
    if cos is not None:
        num += WEIGHTS["embedding"] * np.clip(cos, 0, 1)
        den += WEIGHTS["embedding"]
    has_t = ~np.isnan(tropes)
    num[has_t] += WEIGHTS["tropes"] * tropes[has_t]
    den[has_t] += WEIGHTS["tropes"]
    pre = num / den
    if q.row is not None:
        pre[q.row] = -1.0
    cands = set(np.argpartition(-pre, want - 1)[:want].tolist())
    cands.update(hits)
    cands.update(ann_rows)
    cands.discard(q.row)
    if ann_rows:  # exact cosines for every candidate, not only those the index returned
        rows = np.fromiter(cands, dtype=np.int64)
        cos[rows] = index.embeddings[rows] @ q.embedding
    return _score_rows(index, q, np.array(sorted(cands), dtype=np.int64), jacc, cos, hits, tropes)


def similar(catalog: Catalog, work_or_script, k: int = 10, *, evidence: bool = True, ann: bool | None = None) -> list[Match]:
    """The ``k`` works most similar to a catalog work (by id), a Script, a script file or text.

    ``ann``: find embedding neighbours with the HNSW index (default: only above
    :data:`~.vectors.EXACT_LIMIT` works); ``evidence=False`` skips shared passages and alignments.

    >>> from dramalens.catalog.importer import import_paths
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "m.jsonl").write_text('{"id": "a", "synopsis": "a maid marries the heir"}\\n{"id": "b", "synopsis": "a maid marries the heir again"}\\n')
    >>> cat = Catalog("sqlite://"); _ = import_paths(cat, [d])
    >>> similar(cat, "a", k=1)[0].work_id
    'b'
    """
    if not isinstance(k, int) or k < 1:
        raise ConfigError(f"k must be a whole number ≥ 1, got {k!r}")
    index = catalog.index()
    q = _resolve(catalog, work_or_script)
    ranked = _rank(index, q, k, ann)[:k]
    matches = []
    for score, r, scores in ranked:
        passages: tuple[SharedPassage, ...] = ()
        alignment: tuple = ()
        if evidence:
            if index.has_text[r] and (scores["passages"] > 0 or scores["minhash"] > 0.05):
                q.load_text(catalog)
                if q.lines is not None:
                    passages = _shared_passages(catalog, q, index.ids[r])
            skel = _skeleton_score(q.functions, _functions(index.skeletons[r]), alignment=True)
            alignment = tuple(tuple(a) for a in skel.alignment) if skel is not None else ()
        shared = tuple(sorted({t["trope"] for t in q.tropes} & {t["trope"] for t in index.tropes[r]}))
        matches.append(Match(index.ids[r], index.titles[r], score, scores, passages, shared, alignment))
    return matches


def compare(catalog: Catalog, a, b) -> Match:
    """Score two works (ids, Scripts, files or texts) against each other with every fingerprint.

    Symmetric, and 1.0 for a work compared with itself.
    """
    qa, qb = _resolve(catalog, a), _resolve(catalog, b)
    jacc = float(np.mean(qa.signature == qb.signature))
    passages = passage_containment(qa.keys, qb.keys, common=catalog.index().common_prints)[1]
    cos = None
    if qa.embedding is not None and qb.embedding is not None:
        cos = round(float(np.clip(qa.embedding @ qb.embedding, 0.0, 1.0)), 4)
    skel = _skeleton_score(qa.functions, qb.functions, alignment=True)
    scores = {
        "minhash": round(jacc, 4),
        "passages": round(passages, 4),
        "text": round(_text_score(jacc, passages), 4),
        "embedding": cos,
        "tropes": _trope_overlap(qa.tropes, qb.tropes),
        "skeleton": None if skel is None else round(float(skel.score), 4),
    }
    shared = tuple(sorted({t["trope"] for t in qa.tropes} & {t["trope"] for t in qb.tropes}))
    return Match(str(b) if isinstance(b, str) and len(b) < 200 else "<b>", "", _combine(scores), scores, (), shared,
                 tuple(tuple(x) for x in skel.alignment) if skel is not None else ())


def _shared_passages(catalog: Catalog, q: _Query, other_id: str, limit: int = 5) -> tuple[SharedPassage, ...]:
    """Align shingles both texts contain back to their lines, as runs of consecutive hits."""
    if q.lines is None:
        return ()
    other = catalog.get(other_id)
    if other.text is None or other.language != q.language:
        return ()
    lines_b = other.text.split("\n")
    a = shingle_lines(list(q.lines), q.language, names=q.names)
    b = shingle_lines(lines_b, other.language, names=other.names)
    if not len(a) or not len(b):
        return ()
    order = np.argsort(b.ids, kind="stable")
    sorted_b = b.ids[order]
    pos = np.searchsorted(sorted_b, a.ids)
    pos = np.minimum(pos, sorted_b.size - 1)
    hit = sorted_b[pos] == a.ids
    a_pos = np.flatnonzero(hit)
    b_pos = order[pos[hit]]
    runs: list[list[int]] = []  # [a_start, a_end, b_start, b_end, count]
    for ap, bp in zip(a_pos.tolist(), b_pos.tolist()):
        if runs and ap - runs[-1][1] <= 8 and 0 <= bp - runs[-1][3] <= 16:
            runs[-1][1], runs[-1][3] = ap, bp
            runs[-1][4] += 1
        else:
            runs.append([ap, ap, bp, bp, 1])
    minimum = 10 if q.language == "zh" else 6
    runs = sorted((r for r in runs if r[4] >= minimum), key=lambda r: -r[4])[:limit]
    out = []
    for a0, a1, b0, b1, count in runs:
        la = (int(a.lines[a0]), int(a.lines[a1]))
        lb = (int(b.lines[b0]), int(b.lines[b1]))
        out.append(SharedPassage(la, lb, count, _snippet(q.lines, la), _snippet(lines_b, lb)))
    return tuple(sorted(out, key=lambda p: p.lines_a))


def _snippet(lines, span: tuple[int, int], limit: int = 240) -> str:
    text = "\n".join(lines[span[0] - 1 : span[1]])
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------------- novelty
_NOVELTY_WEIGHTS = {"text": 0.35, "embedding": 0.25, "tropes": 0.2, "skeleton": 0.2}


def _novelty_parts(index: CatalogIndex, q: _Query, trope_df: dict[str, float]) -> tuple[float, dict, list]:
    ranked = _rank(index, q, 10)
    parts: dict = {}
    if ranked:
        best_text = max(ranked, key=lambda t: t[2]["text"])
        parts["text"] = {"novelty": round(1 - best_text[2]["text"], 4), "closest": index.ids[best_text[1]], "overlap": best_text[2]["text"]}
        embs = [t for t in ranked if t[2]["embedding"] is not None]
        if embs:
            best = max(embs, key=lambda t: t[2]["embedding"])
            parts["embedding"] = {"novelty": round(1 - best[2]["embedding"], 4), "closest": index.ids[best[1]], "cosine": best[2]["embedding"]}
        skels = [t for t in ranked if t[2]["skeleton"] is not None]
        if skels:
            best = max(skels, key=lambda t: t[2]["skeleton"])
            parts["skeleton"] = {"novelty": round(1 - best[2]["skeleton"], 4), "closest": index.ids[best[1]], "alignment": best[2]["skeleton"]}
    if q.tropes:
        weights = [float(t.get("confidence", 1.0)) for t in q.tropes]
        common = sum(w * trope_df.get(t["trope"], 0.0) for w, t in zip(weights, q.tropes)) / max(sum(weights), 1e-9)
        parts["tropes"] = {"novelty": round(1 - common, 4), "commonness": {t["trope"]: round(trope_df.get(t["trope"], 0.0), 4) for t in q.tropes}}
    total = sum(_NOVELTY_WEIGHTS[k] for k in parts)
    score = round(sum(_NOVELTY_WEIGHTS[k] * v["novelty"] for k, v in parts.items()) / total, 4) if total else 1.0
    return score, parts, ranked


def _trope_df(index: CatalogIndex) -> dict[str, float]:
    counts: Counter[str] = Counter(t["trope"] for ts in index.tropes for t in {x["trope"]: x for x in ts}.values())
    n = max(len(index), 1)
    return {t: c / n for t, c in counts.items()}


def novelty_distribution(catalog: Catalog, *, sample: int = 300) -> np.ndarray:
    """Novelty scores of up to ``sample`` catalog works, each against the rest (cached in the
    store until the catalog changes)."""
    index = catalog.index()
    key = f"{len(index)}:{index.ids[0] if index.ids else ''}:{index.ids[-1] if index.ids else ''}:{sample}"
    stored = catalog.get_model("novelty_distribution")
    if stored is not None and stored[1].get("key") == key:
        return np.frombuffer(stored[0], np.float32)
    df = _trope_df(index)
    rows = np.unique(np.linspace(0, len(index) - 1, min(sample, len(index))).astype(int)) if len(index) else np.zeros(0, int)
    scores = []
    for r in rows.tolist():
        emb = index.embeddings[r] if index.has_embedding[r] else None
        q = _Query(index.signatures[r], index.passage_keys[r], emb, index.tropes[r], _functions(index.skeletons[r]), r, None, (), index.languages[r])
        scores.append(_novelty_parts(index, q, df)[0])
    dist = np.sort(np.asarray(scores, np.float32))
    catalog.set_model("novelty_distribution", dist.tobytes(), {"key": key})
    return dist


def novelty(catalog: Catalog, script) -> Novelty:
    """How novel ``script`` (a Script, file, text or catalog work id) is against the catalog.

    Parts: text (1 - the largest passage/Jaccard overlap), embedding (1 - the nearest cosine),
    tropes (1 - how common its tropes are in the catalog), skeleton (1 - the best plot alignment).

    >>> from dramalens.catalog.importer import import_paths
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "m.jsonl").write_text('{"id": "a", "synopsis": "a maid marries the heir"}\\n')
    >>> cat = Catalog("sqlite://"); _ = import_paths(cat, [d])
    >>> 0 <= novelty(cat, "a ghost opens a noodle shop on the moon").score <= 1
    True
    """
    index = catalog.index()
    q = _resolve(catalog, script)
    score, parts, ranked = _novelty_parts(index, q, _trope_df(index))
    dist = novelty_distribution(catalog) if len(index) > 1 else np.zeros(0, np.float32)
    percentile = round(100.0 * float(np.searchsorted(dist, score, side="right")) / dist.size, 1) if dist.size else None
    nearest = tuple(Match(index.ids[r], index.titles[r], s, sc) for s, r, sc in ranked[:5])
    return Novelty(score, parts, percentile, nearest)
