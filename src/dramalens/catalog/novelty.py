"""How new a script is against the catalog: a score per fingerprint, their combination, and
where it falls among the catalog's own works.

Parts: text (1 − the largest passage/Jaccard overlap with any work), embedding (1 − the
nearest cosine), tropes (1 − how common its tropes are in the catalog), skeleton (1 − the best
plot alignment); weights :data:`NOVELTY_WEIGHTS`, renormalised over the parts measured.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..model import Script
from .probe import Probe, probe_script, probe_text, probe_work
from .queries import Match
from .ranking import Ranked, rank
from .store import Catalog, CatalogIndex

__all__ = ["NOVELTY_WEIGHTS", "Novelty", "NoveltyPart", "novelty_distribution", "novelty_of_script", "novelty_of_text", "novelty_of_work"]

NOVELTY_WEIGHTS = {"text": 0.35, "embedding": 0.25, "tropes": 0.2, "skeleton": 0.2}


@dataclass(frozen=True, slots=True)
class NoveltyPart:
    """One fingerprint's novelty (0 a copy .. 1 nothing like it) and what explains it: the
    closest work and how close it is (``measure`` names the value: ``overlap``, ``cosine``,
    ``alignment``), or for tropes how common each of the script's tropes is in the catalog."""

    novelty: float
    closest: str | None = None
    measure: str = ""
    value: float = 0.0
    commonness: tuple[tuple[str, float], ...] = ()

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"novelty": self.novelty}
        if self.closest is not None:
            out["closest"] = self.closest
            out[self.measure] = self.value
        if self.commonness:
            out["commonness"] = dict(self.commonness)
        return out


@dataclass(frozen=True, slots=True)
class Novelty:
    """How new a script is against the catalog: ``score`` 0 (a copy) .. 1 (nothing like it),
    ``parts`` per fingerprint, ``percentile`` within the catalog's own novelty distribution
    (100 = more novel than every sampled catalog work), the five ``nearest`` works."""

    score: float
    parts: dict[str, NoveltyPart]
    percentile: float | None
    nearest: tuple[Match, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {"score": self.score, "parts": {k: p.to_dict() for k, p in self.parts.items()}, "percentile": self.percentile,
                "nearest": [m.to_dict() for m in self.nearest]}


def _closest(index: CatalogIndex, ranked: list[Ranked], measure: str, value: Callable[[Ranked], float | None]) -> NoveltyPart | None:
    found = [(v, t) for t in ranked if (v := value(t)) is not None]
    if not found:
        return None
    best, t = max(found, key=lambda p: p[0])
    return NoveltyPart(round(1 - best, 4), index.ids[t.row], measure, best)


def _novelty_parts(index: CatalogIndex, q: Probe, trope_df: dict[str, float]) -> tuple[float, dict[str, NoveltyPart], list[Ranked]]:
    ranked = rank(index, q, 10)
    parts: dict[str, NoveltyPart] = {}
    for name, measure, value in (("text", "overlap", lambda t: t.scores.text), ("embedding", "cosine", lambda t: t.scores.embedding),
                                 ("skeleton", "alignment", lambda t: t.scores.skeleton)):
        part = _closest(index, ranked, measure, value)
        if part is not None:
            parts[name] = part
    if q.tropes:
        weights = [t.confidence for t in q.tropes]
        common = sum(w * trope_df.get(t.trope, 0.0) for w, t in zip(weights, q.tropes)) / max(sum(weights), 1e-9)
        commonness = tuple({t.trope: round(trope_df.get(t.trope, 0.0), 4) for t in q.tropes}.items())
        parts["tropes"] = NoveltyPart(round(1 - common, 4), commonness=commonness)
    total = sum(NOVELTY_WEIGHTS[k] for k in parts)
    score = round(sum(NOVELTY_WEIGHTS[k] * p.novelty for k, p in parts.items()) / total, 4) if total else 1.0
    return score, parts, ranked


def _trope_df(index: CatalogIndex) -> dict[str, float]:
    counts: Counter[str] = Counter(trope for ts in index.tropes for trope in {t.trope for t in ts})
    n = max(len(index), 1)
    return {t: c / n for t, c in counts.items()}


def novelty_distribution(catalog: Catalog, *, sample: int = 300) -> np.ndarray:
    """Novelty scores of up to ``sample`` catalog works, each against the rest, sorted (kept
    in the store until the catalog changes).

    >>> novelty_distribution(Catalog("sqlite://")).size
    0
    """
    index = catalog.index()
    key = f"{len(index)}:{index.ids[0] if index.ids else ''}:{index.ids[-1] if index.ids else ''}:{sample}"
    stored = catalog.get_model("novelty_distribution")
    if stored is not None and stored[1].get("key") == key and stored[0] is not None:
        return np.frombuffer(stored[0], np.float32)
    df = _trope_df(index)
    rows = np.unique(np.linspace(0, len(index) - 1, min(sample, len(index))).astype(int)) if len(index) else np.zeros(0, int)
    scores = [_novelty_parts(index, probe_work(catalog, index.ids[r]), df)[0] for r in rows.tolist()]
    dist = np.sort(np.asarray(scores, np.float32))
    catalog.set_model("novelty_distribution", dist.tobytes(), {"key": key})
    return dist


def novelty_of_work(catalog: Catalog, work_id: str) -> Novelty:
    """How novel the catalog work ``work_id`` is against the rest of the catalog.

    >>> from dramalens.catalog.importer import import_paths
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "m.jsonl").write_text('{"id": "a", "synopsis": "a maid marries the heir"}\\n{"id": "b", "synopsis": "a ghost opens a noodle shop"}\\n')
    >>> cat = Catalog("sqlite://"); _ = import_paths(cat, [d])
    >>> 0 <= novelty_of_work(cat, "a").score <= 1
    True
    """
    return _novelty(catalog, probe_work(catalog, work_id))


def novelty_of_script(catalog: Catalog, script: Script) -> Novelty:
    """How novel a parsed script is against the catalog.

    >>> from dramalens.parsing import parse_text
    >>> novelty_of_script(Catalog("sqlite://"), parse_text("INT. LAB - NIGHT\\n\\nA robot bakes bread.")).score
    1.0
    """
    return _novelty(catalog, probe_script(catalog, script))


def novelty_of_text(catalog: Catalog, text: str, language: str | None = None) -> Novelty:
    """How novel a plain text (a synopsis, an outline) is against the catalog.

    >>> novelty_of_text(Catalog("sqlite://"), "A ghost opens a noodle shop on the moon.").percentile is None
    True
    """
    return _novelty(catalog, probe_text(catalog, text, language))


def _novelty(catalog: Catalog, q: Probe) -> Novelty:
    index = catalog.index()
    score, parts, ranked = _novelty_parts(index, q, _trope_df(index))
    dist = novelty_distribution(catalog) if len(index) > 1 else np.zeros(0, np.float32)
    percentile = round(100.0 * float(np.searchsorted(dist, score, side="right")) / dist.size, 1) if dist.size else None
    nearest = tuple(Match(index.ids[t.row], index.titles[t.row], t.score, t.scores) for t in ranked[:5])
    return Novelty(score, parts, percentile, nearest)
