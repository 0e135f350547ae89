"""Scoring a probe against every catalog work: one score per fingerprint and their weighted
combination, computed cheaply for every row and in full for the best candidates.

Every score is in 0..1: MinHash Jaccard, passage containment, ``text`` (the larger of
Jaccard and √containment), lexical TF-IDF cosine, embedding cosine, trope overlap
(confidence-weighted Jaccard), skeleton alignment, and ``topic``: the lexical and embedding
cosines standardised against the query's own background and fused with shares calibrated per query, the
strongest single observation kept in the first places (:mod:`.fusion`). A
fingerprint one side lacks is None and drops out of the combination, whose remaining weights
are renormalised.

The weights depend on what the two works have (:data:`WEIGHTS`). Between synopses the topic
score is the score: on real retelling sets the topical signals were the only ones with
information, while skeletons of one paragraph align trivially and trope sets tie for most
pairs. Skeletons count only when both sides are scripts with scenes to align. Tropes are
evidence (shown, shared tropes listed) and never part of the score. Verbatim reuse is never
diluted: the combined score is at least the text score. A work whose text gave fewer than
:data:`MIN_SHINGLES` shingles has no MinHash/text evidence, and one of fewer than
:data:`MIN_TOPIC_SHINGLES` (empty or near-empty: a heading, a title) matches nothing on any
signal: two copies of "# Act I" are not the same story.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..analysis.skeleton import SkeletonMatch, skeleton_similarity
from ..analysis.tropes import TropeHit
from .fusion import PRIOR, STATS_ROWS, Background, background, fused_z, guarded, query_weights, topic_score
from .boilerplate import Overlap, discounted
from .minhash import MAX_DF, MIN_SHARED
from .lexical import LexicalIndex
from .probe import Probe
from .store import CatalogIndex
from .vectors import EXACT_LIMIT, VectorIndex

__all__ = ["MIN_SHINGLES", "MIN_TOPIC_SHINGLES", "WEIGHTS", "Ranked", "Scores", "rank", "skeleton_match", "text_score", "trope_overlap"]

#: How the per-fingerprint scores combine: between a synopsis and anything (``synopsis``: the
#: topic score, validated on the real sets in docs/catalog.md), and between two full scripts
#: (``script``: the topical share as before, 0.2 lexical + 0.15 embedding; not validated on real
#: scripts, held by the synthetic retelling test).
WEIGHTS: dict[str, dict[str, float]] = {
    "synopsis": {"topic": 1.0},
    "script": {"text": 0.3, "topic": 0.35, "skeleton": 0.35},
}
#: A MinHash signature of fewer shingles than this is no evidence of copying (Jaccard of two
#: 1-3-shingle sets is 0 or near 1 by chance).
MIN_SHINGLES = 4
#: A text of fewer shingles than this (a heading, a bare title) matches on no signal at all.
MIN_TOPIC_SHINGLES = 2
#: Rows that get the full comparison, at least (3 × k when more are asked for).
CANDIDATES = 200


@dataclass(frozen=True, slots=True)
class Scores:
    """One comparison, fingerprint by fingerprint (None where a side lacks the fingerprint)."""

    minhash: float
    passages: float
    text: float
    embedding: float | None
    tropes: float | None
    skeleton: float | None
    lexical: float | None = None
    script: bool = False  # both sides are full scripts: the ``script`` weights apply
    topic: float | None = None  # the fused topical score; None: computed against the prior background

    def topic_value(self) -> float | None:
        """The topic score: as ranked against the catalog, or (two works compared alone) from
        the two cosines against the prior background (:data:`.fusion.PRIOR`)."""
        if self.topic is not None or (self.lexical is None and self.embedding is None):
            return self.topic
        z = fused_z(self.lexical, self.embedding, PRIOR)
        return round(float(topic_score(z)[()]), 4)

    def combined(self) -> float:
        """The weighted combination (:data:`WEIGHTS` for what the works have), never below
        the text score; 0 when nothing is measured.

        >>> Scores(0.5, 0.0, 0.5, None, None, 1.0, script=True).combined()
        0.7692
        >>> Scores(0.0, 0.0, 0.0, 0.5, 1.0, None, lexical=0.8, topic=0.6).combined()  # tropes are evidence only
        0.6
        """
        weights = WEIGHTS["script" if self.script else "synopsis"]
        values = {"text": self.text, "topic": self.topic_value(), "skeleton": self.skeleton}
        parts = [(w, values[k]) for k, w in weights.items() if values[k] is not None]
        total = sum(w for w, _ in parts)
        blend = sum(w * float(v or 0.0) for w, v in parts) / total if total else 0.0
        return round(max(blend, self.text), 4)

    def to_dict(self) -> dict[str, float | None]:
        return {"minhash": self.minhash, "passages": self.passages, "text": self.text, "lexical": self.lexical,
                "embedding": self.embedding, "topic": self.topic, "tropes": self.tropes, "skeleton": self.skeleton}


@dataclass(frozen=True, slots=True)
class Ranked:
    """A catalog row as ranked against a probe: the combined score and its parts."""

    score: float
    row: int
    scores: Scores


def text_score(jaccard: float, passages: float) -> float:
    """The text part of the combined score. Verbatim reuse weighs more than its share: a work
    that lifts 10% of another's passages (containment 0.1) scores 0.32, 30% scores 0.55.

    >>> round(text_score(0.05, 0.1), 2)
    0.32
    """
    return max(jaccard, float(np.sqrt(max(passages, 0.0))))


def trope_overlap(a: Sequence[TropeHit], b: Sequence[TropeHit]) -> float | None:
    """Weighted Jaccard of two trope sets (weights = confidences); None if both are empty.

    >>> trope_overlap([TropeHit("ceo", "", "", 1.0)], [TropeHit("ceo", "", "", 0.5)])
    0.5
    """
    wa = {t.trope: t.confidence for t in a}
    wb = {t.trope: t.confidence for t in b}
    if not wa and not wb:
        return None
    keys = wa.keys() | wb.keys()
    top = sum(min(wa.get(k, 0.0), wb.get(k, 0.0)) for k in keys)
    bottom = sum(max(wa.get(k, 0.0), wb.get(k, 0.0)) for k in keys)
    return round(top / bottom, 4) if bottom else 0.0


def skeleton_match(fa: Sequence[str], fb: Sequence[str], alignment: bool = False) -> SkeletonMatch | None:
    """How two plot skeletons align; None when either is empty."""
    if not fa or not fb:
        return None
    return skeleton_similarity(fa, fb, alignment=alignment)


def _passage_hits(index: CatalogIndex, prints: np.ndarray) -> dict[int, tuple[int, int]]:
    """Rows sharing passage prints with ``prints``: row → (distinctive prints shared, shared
    boilerplate prints: ``index.shared_prints``), for rows sharing MIN_SHARED prints or more."""
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
    boiler = np.repeat(np.isin(prints[found], index.shared_prints), counts)
    n = len(index)
    distinct = np.bincount(owners[~boiler], minlength=n)
    shared = np.bincount(owners[boiler], minlength=n)
    rows = np.flatnonzero(distinct + shared >= MIN_SHARED)
    return {r: (int(distinct[r]), int(shared[r])) for r in rows.tolist()}


def _trope_scores(index: CatalogIndex, tropes: Sequence[TropeHit]) -> np.ndarray:
    """Weighted Jaccard of ``tropes`` with every row's tropes; NaN where both sides have none."""
    n = len(index)
    qv = np.zeros(len(index.trope_names), np.float32)
    extra = 0.0
    column = {t: j for j, t in enumerate(index.trope_names)}
    for t in tropes:
        if t.trope in column:
            qv[column[t.trope]] = max(qv[column[t.trope]], t.confidence)
        else:
            extra += t.confidence
    if index.trope_matrix.size == 0:
        return np.full(n, np.nan if not tropes else 0.0)
    # Σmax(M, q) = ΣM + Σq − Σmin(M, q), and min(M, q) is non-zero only in q's few columns.
    cols = np.flatnonzero(qv)
    top = np.minimum(index.trope_matrix[:, cols], qv[cols]).sum(axis=1) if cols.size else np.zeros(n, np.float32)
    bottom = index.trope_totals + (qv.sum() + extra) - top
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1), np.nan)


def _score_rows(index: CatalogIndex, q: Probe, rows: np.ndarray, jacc: np.ndarray, cos: np.ndarray | None,
                evidence: dict[int, tuple[float, float]], tropes: np.ndarray, lex: np.ndarray | None, topic: np.ndarray) -> list[Ranked]:
    out = []
    for r in rows.tolist():
        j, passages = evidence.get(r, (float(jacc[r]), 0.0))
        text = text_score(j, passages)
        script = q.script and bool(index.has_text[r])
        skel = skeleton_match(q.functions, index.functions[r]) if script else None
        scores = Scores(
            minhash=round(float(jacc[r]), 4),
            passages=round(min(passages, 1.0), 4),
            text=round(min(text, 1.0), 4),
            embedding=None if cos is None or not index.has_embedding[r] else round(min(max(float(cos[r]), 0.0), 1.0), 4),
            tropes=None if np.isnan(tropes[r]) else round(float(tropes[r]), 4),
            skeleton=None if skel is None else round(float(skel.score), 4),
            lexical=None if lex is None else round(min(max(float(lex[r]), 0.0), 1.0), 4),
            script=script,
            topic=None if np.isnan(topic[r]) else round(float(topic[r]), 4),
        )
        out.append(Ranked(scores.combined(), r, scores))
    out.sort(key=lambda t: (-t.score, index.ids[t.row]))
    return out


def _jaccards(index: CatalogIndex, q: Probe) -> np.ndarray:
    """MinHash Jaccard with every row; 0 where either side is empty or near-empty."""
    if q.shingles < MIN_SHINGLES:
        return np.zeros(len(index), np.float64)
    jacc: np.ndarray = np.count_nonzero(index.signatures == q.signature, axis=1) / max(q.signature.size, 1)
    jacc[index.shingles < MIN_SHINGLES] = 0.0
    return jacc


def _lexical(index: CatalogIndex, q: Probe, lexical: LexicalIndex | None) -> np.ndarray | None:
    """Lexical cosine with every row (in the index's row order), or None without a lexical index."""
    if lexical is None or q.lexical is None:
        return None
    vec = lexical.row_vector(q.lexical_row) if q.lexical_row is not None else lexical.vector(q.lexical)
    cos = lexical.cosines(vec)
    if lexical.ids == tuple(index.ids):
        return cos
    out = np.zeros(len(index), np.float32)  # a write between the two loads: align by id
    for i, wid in enumerate(lexical.ids):
        r = index.position.get(wid)
        if r is not None:
            out[r] = cos[i]
    return out


def rank(index: CatalogIndex, q: Probe, k: int, ann: bool | None = None, lexical: LexicalIndex | None = None) -> list[Ranked]:
    """Every candidate row scored against ``q``, best first (``q``'s own row left out).

    A cheap pre-score over every row (all fingerprints but the skeleton, whose alignment is
    the costly one) picks the candidates that get the full comparison: the best
    ``max(CANDIDATES, 3k)``, every row sharing passages, and the embedding neighbours. ``ann``
    finds those neighbours with the HNSW index (default: above ``EXACT_LIMIT`` works).
    """
    n = len(index)
    if n == 0:
        return []
    jacc = _jaccards(index, q)
    lex = _lexical(index, q, lexical)
    want = min(n, max(CANDIDATES, 3 * k))
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
    # A text shorter than two shingles (a heading, one or two words) matches on no signal; a
    # short real sentence ("I love my succulent collection.") still matches by its words.
    empty = index.shingles < MIN_TOPIC_SHINGLES if q.shingles >= MIN_TOPIC_SHINGLES else np.ones(n, bool)
    for signal in (lex, cos):
        if signal is not None:
            signal[empty] = 0.0
    hits = _passage_hits(index, q.keys)
    tropes = _trope_scores(index, q.tropes)
    evidence = {r: discounted(float(jacc[r]), Overlap(d, b, min(q.keys.size, index.passage_keys[r].size))) for r, (d, b) in hits.items()}
    text = jacc.copy()
    for r, (j, c) in evidence.items():
        text[r] = text_score(j, c)
    bg = _background(index, q, lex, cos, empty, bool(ann_rows))
    topic = _topic(index, lex, cos, bg, _weights(index, q, lex, cos, empty), _guarded_rows(index, q, empty))
    # The pre-score: the synopsis score (no skeleton), never below the text score.
    pre = np.maximum(np.nan_to_num(topic), text)
    if q.script:  # candidates only: a retelling in new words shares tropes, and its skeleton is scored below
        pre = pre + 0.5 * np.nan_to_num(tropes) * index.has_text
    if q.row is not None:
        pre[q.row] = -1.0
    cands = set(np.argpartition(-pre, want - 1)[:want].tolist())
    cands.update(hits)
    cands.update(ann_rows)
    cands.discard(q.row)
    if ann_rows and cos is not None and q.embedding is not None:  # exact cosines for every candidate, not only those the index returned
        rows = np.fromiter(cands, dtype=np.int64)
        cos[rows] = index.embeddings[rows] @ q.embedding
        cos[empty] = 0.0
        topic = _topic(index, lex, cos, bg, _weights(index, q, lex, cos, empty), _guarded_rows(index, q, empty))
    return _score_rows(index, q, np.array(sorted(cands), dtype=np.int64), jacc, cos, evidence, tropes, lex, topic)


def _others(q: Probe, empty: np.ndarray) -> np.ndarray:
    """The rows the query is compared against: every non-empty work but the query's own."""
    valid = ~empty
    if q.row is not None:
        valid[q.row] = False
    return valid


def _guarded_rows(index: CatalogIndex, q: Probe, empty: np.ndarray) -> np.ndarray:
    """The rows among which the strongest topical observation is kept in the first places
    (:func:`.fusion.guarded`): those whose score is the topic score (the synopsis weights). Between
    two full scripts the topic is one part of three, and lifting it there is validated on no real
    scripts and cost one of 82 synthetic retellings its top-5 place (tests/test_catalog_quality.py)."""
    rows = _others(q, empty)
    return rows & ~index.has_text if q.script else rows


def _weights(index: CatalogIndex, q: Probe, lex: np.ndarray | None, cos: np.ndarray | None, empty: np.ndarray) -> dict[str, float]:
    """The query's fusion shares (:func:`.fusion.query_weights`), from its cosines with every
    other non-empty work (all of them, not a sample: the standout is about the very top). With an
    approximate embedding search the rows it did not return hold 0, below any top ten that matters."""
    valid = _others(q, empty)
    return query_weights(None if lex is None else lex[valid],
                         None if cos is None else cos[valid & index.has_embedding])


def _background(index: CatalogIndex, q: Probe, lex: np.ndarray | None, cos: np.ndarray | None, empty: np.ndarray,
                approximate: bool) -> Background:
    """The query's background on each topical signal, from every other non-empty work (an
    evenly spaced sample of :data:`.fusion.STATS_ROWS` in a larger catalog). When the embedding
    search was approximate, the sample's cosines are computed exactly here."""
    rows = np.flatnonzero(_others(q, empty))
    if rows.size > STATS_ROWS:
        rows = rows[np.linspace(0, rows.size - 1, STATS_ROWS).astype(np.int64)]
    emb = None
    if cos is not None and q.embedding is not None:
        rows_e = rows[index.has_embedding[rows]]
        emb = (index.embeddings[rows_e] @ q.embedding) if approximate else cos[rows_e]
    return background(None if lex is None else lex[rows], emb)


def _topic(index: CatalogIndex, lex: np.ndarray | None, cos: np.ndarray | None, bg: Background,
           weights: dict[str, float], valid: np.ndarray) -> np.ndarray:
    """Every row's topic score (:mod:`.fusion`) with the query's shares, the strongest single
    observation among the ``valid`` rows kept in the first places among them
    (:func:`.fusion.guarded`, :func:`_guarded_rows`); NaN where neither topical signal exists."""
    if lex is None and cos is None:
        return np.full(len(index), np.nan)
    emb = None if cos is None else np.where(index.has_embedding, cos, np.nan)
    return topic_score(guarded(fused_z(lex, emb, bg, weights), lex, emb, bg, valid))
