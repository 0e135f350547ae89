"""The catalog's first question: which works are similar to this one, and why.

Ask about a catalog work (:func:`similar_to_work`), a parsed script (:func:`similar_to_script`)
or a plain text (:func:`similar_to_text`). Every answer is explained: a score per fingerprint
(:class:`~.ranking.Scores`), their weighted combination, and the evidence: shared passages
with line numbers in both texts, shared tropes, the aligned plot skeleton. Novelty is in
:mod:`.novelty`, saturation in :mod:`.saturation`, near-duplicate clusters in
:mod:`.near_duplicates`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import ConfigError
from ..model import Script
from .boilerplate import discounted, overlap
from .lexical import catalog_lexical
from .probe import Probe, probe_script, probe_text, probe_work
from .ranking import MIN_SHINGLES, Scores, rank, skeleton_match, text_score, trope_overlap
from .shingles import shingle_lines
from .store import Catalog, CatalogIndex

__all__ = ["Match", "SharedPassage", "compare", "similar_to_script", "similar_to_text", "similar_to_work"]


@dataclass(frozen=True, slots=True)
class SharedPassage:
    """A passage both works contain: line spans (first, last) in each work's text (the query's
    content lines, the catalog work's stored text), and the text of each."""

    lines_a: tuple[int, int]
    lines_b: tuple[int, int]
    shingles: int
    text_a: str
    text_b: str

    def to_dict(self) -> dict[str, object]:
        return {"lines_a": list(self.lines_a), "lines_b": list(self.lines_b), "shingles": self.shingles, "text_a": self.text_a, "text_b": self.text_b}


@dataclass(frozen=True, slots=True)
class Match:
    """One similar work: per-fingerprint ``scores``, ``score`` (their weighted combination) and
    the evidence."""

    work_id: str
    title: str
    score: float
    scores: Scores
    shared_passages: tuple[SharedPassage, ...] = ()
    shared_tropes: tuple[str, ...] = ()
    skeleton_alignment: tuple[tuple[int, int, str], ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "work_id": self.work_id,
            "title": self.title,
            "score": self.score,
            "scores": self.scores.to_dict(),
            "shared_passages": [p.to_dict() for p in self.shared_passages],
            "shared_tropes": list(self.shared_tropes),
            "skeleton_alignment": [list(a) for a in self.skeleton_alignment],
        }


def similar_to_work(catalog: Catalog, work_id: str, k: int = 10, *, evidence: bool = True, ann: bool | None = None) -> list[Match]:
    """The ``k`` works most similar to the catalog work ``work_id`` (itself left out).

    ``ann``: find embedding neighbours with the HNSW index (default: only above
    :data:`~.vectors.EXACT_LIMIT` works); ``evidence=False`` skips shared passages and alignments.

    >>> from dramalens.catalog.importer import import_paths
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "m.jsonl").write_text('{"id": "a", "synopsis": "a maid marries the heir"}\\n{"id": "b", "synopsis": "a maid marries the heir again"}\\n')
    >>> cat = Catalog("sqlite://"); _ = import_paths(cat, [d])
    >>> similar_to_work(cat, "a", k=1)[0].work_id
    'b'
    """
    _check_k(k)
    return _similar(catalog, probe_work(catalog, work_id), k, evidence, ann)


def similar_to_script(catalog: Catalog, script: Script, k: int = 10, *, evidence: bool = True, ann: bool | None = None) -> list[Match]:
    """The ``k`` catalog works most similar to a parsed script (``dramalens.parse(path)``),
    fingerprinted as the importer would: a script already in the catalog finds itself at 1.0.

    >>> from dramalens.parsing import parse_text
    >>> similar_to_script(Catalog("sqlite://"), parse_text("INT. HOUSE - DAY\\n\\nBOB\\nHi."))
    []
    """
    _check_k(k)
    return _similar(catalog, probe_script(catalog, script), k, evidence, ann)


def similar_to_text(catalog: Catalog, text: str, language: str | None = None, k: int = 10, *, evidence: bool = True,
                    ann: bool | None = None) -> list[Match]:
    """The ``k`` catalog works most similar to a plain text (a synopsis, an outline, prose);
    ``language`` (``zh``/``en``) is identified from the text unless given.

    >>> similar_to_text(Catalog("sqlite://"), "A ghost opens a noodle shop on the moon.")
    []
    """
    _check_k(k)
    return _similar(catalog, probe_text(catalog, text, language), k, evidence, ann)


def _check_k(k: int) -> None:
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        raise ConfigError(f"k must be a whole number ≥ 1, got {k!r}")


def _similar(catalog: Catalog, q: Probe, k: int, evidence: bool, ann: bool | None) -> list[Match]:
    index = catalog.index()
    matches = []
    for ranked in rank(index, q, k, ann, catalog_lexical(catalog))[:k]:
        r, scores = ranked.row, ranked.scores
        passages: tuple[SharedPassage, ...] = ()
        alignment: tuple[tuple[int, int, str], ...] = ()
        if evidence:
            if index.has_text[r] and (scores.passages > 0 or scores.minhash > 0.05):
                q.load_text(catalog)
                if q.lines is not None:
                    passages = _shared_passages(catalog, q, index.ids[r])
            skel = skeleton_match(q.functions, index.functions[r], alignment=True)
            alignment = skel.alignment if skel is not None else ()
        matches.append(Match(index.ids[r], index.titles[r], ranked.score, scores, passages, _shared_tropes(q, index, r), alignment))
    return matches


def _shared_tropes(q: Probe, index: CatalogIndex, row: int) -> tuple[str, ...]:
    return tuple(sorted({t.trope for t in q.tropes} & {t.trope for t in index.tropes[row]}))


def compare(catalog: Catalog, a: Script, b: Script) -> Match:
    """Score two parsed scripts against each other with every fingerprint (the embedding is
    the catalog's; passage prints common in the catalog are not counted, and those shared by
    several of its works are discounted as boilerplate: :mod:`.boilerplate`).

    Symmetric, and 1.0 for a script compared with itself.

    >>> from dramalens.parsing import parse_text
    >>> s = parse_text("INT. HOUSE - DAY\\n\\nAnna finds the letter her mother hid in the piano.")
    >>> compare(Catalog("sqlite://"), s, s).score
    1.0
    """
    qa, qb = probe_script(catalog, a), probe_script(catalog, b)
    index = catalog.index()
    measured = float(np.mean(qa.signature == qb.signature))
    jacc, passages = discounted(measured, overlap(qa.keys, qb.keys, common=index.common_prints, shared=index.shared_prints))
    cos = None
    if qa.embedding is not None and qb.embedding is not None:
        cos = round(float(np.clip(qa.embedding @ qb.embedding, 0.0, 1.0)), 4)
    skel = skeleton_match(qa.functions, qb.functions, alignment=True)
    lexical = catalog_lexical(catalog)
    lex = None
    if lexical is not None and qa.lexical is not None and qb.lexical is not None:
        lex = round(float(np.clip(lexical.vector(qa.lexical) @ lexical.vector(qb.lexical), 0.0, 1.0)), 4)
    if min(qa.shingles, qb.shingles) < MIN_SHINGLES:  # an empty text is no evidence of anything
        measured = jacc = passages = 0.0
    scores = Scores(
        minhash=round(measured, 4),
        passages=round(passages, 4),
        text=round(text_score(jacc, passages), 4),
        embedding=cos,
        tropes=trope_overlap(qa.tropes, qb.tropes),
        skeleton=None if skel is None else round(float(skel.score), 4),
        lexical=lex,
        script=True,
    )
    shared = tuple(sorted({t.trope for t in qa.tropes} & {t.trope for t in qb.tropes}))
    alignment = skel.alignment if skel is not None else ()
    return Match(b.source or "<b>", b.title, scores.combined(), scores, (), shared, alignment)


def _shared_passages(catalog: Catalog, q: Probe, other_id: str, limit: int = 5) -> tuple[SharedPassage, ...]:
    """Align shingles both texts contain back to their lines, as runs of consecutive hits."""
    if q.lines is None:
        return ()
    other = catalog.get(other_id)
    if other.text is None or other.work.language != q.language:
        return ()
    lines_b = other.text.split("\n")
    a = shingle_lines(list(q.lines), q.language, names=q.names)
    b = shingle_lines(lines_b, other.work.language, names=other.work.names)
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


def _snippet(lines: Sequence[str], span: tuple[int, int], limit: int = 240) -> str:
    text = "\n".join(lines[span[0] - 1 : span[1]])
    return text if len(text) <= limit else text[: limit - 1] + "…"
