"""Rank a batch of scripts without the desk: ``dramalens triage rank PATH…``.

Each script goes through the desk's own pipeline (:func:`~.pipeline.analyse_submission`: parse,
analyse, compare with the catalog, score, gates). The order is decided here, at query time,
from the stored sub-scores and the weights given (:func:`order`): every ungated script by its
total, best first, then the gated ones (no score; their gates say why), so changing the weights
re-ranks at once and a feature film or a near-copy is never at the top.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import ConfigError, DramalensError
from ..i18n import language_or_default, translator
from .catalogs import open_catalog
from .gates import Gate
from .intake import SubmissionInput
from .pipeline import PipelineFn, analyse_submission, gate_evidence, unreadable_gate
from .result import TriageResult
from .runs import read_scripts
from .scoring import DEFAULT_WEIGHTS, Score, Weights, rescore

__all__ = ["RankedScript", "order", "parse_weights", "rank_paths", "ranked_lines"]


@dataclass(frozen=True, slots=True)
class RankedScript:
    """One script of a ranked batch: ``score`` is None when a gate stopped it."""

    file: str
    score: float | None
    gates: tuple[Gate, ...]
    result: TriageResult

    def to_dict(self) -> dict[str, object]:
        s: Score = self.result.score
        return {
            "file": self.file,
            "score": self.score,
            "gates": [str(g) for g in self.gates],
            "flags": [f"{e.text}" for e in s.evidence if e.criterion == "risk"],
            "title": self.result.script_title,
            "language": self.result.language,
            "originality": s.originality,
            "craft": s.craft,
            "risk": s.risk,
            "total_before_gates": s.total,
            "weights": s.weights.to_dict(),
            "similar": [{"work_id": m.work_id, "title": m.title, "score": m.score, "text": m.scores.text} for m in self.result.similar],
            "evidence": [e.to_dict() for e in s.evidence],
        }


def order(results: Sequence[tuple[str, TriageResult]], weights: Weights = DEFAULT_WEIGHTS) -> list[RankedScript]:
    """The batch in rank order under ``weights``: ungated by total (best first, then by file
    name), then gated by file name.

    >>> from dramalens.triage.scoring import Features, score
    >>> a = TriageResult(score(Features(episodes=2, hook_endings=2, novelty=0.2)))
    >>> b = TriageResult(score(Features(episodes=2, hook_endings=0, novelty=0.9)))
    >>> [r.file for r in order([("a", a), ("b", b)], Weights(1, 0, 0))], [r.file for r in order([("a", a), ("b", b)], Weights(0, 1, 0))]
    (['b', 'a'], ['a', 'b'])
    """
    ranked = []
    for name, result in results:
        s = rescore(result.score, weights)
        gates = result.gates
        if result.unread is not None and not any(g.code == "unreadable" for g in gates):  # never ranked; said once
            gates = (unreadable_gate(result.unread), *gates)
        ranked.append(RankedScript(name, None if gates else s.total, gates, replace(result, score=s)))
    return sorted(ranked, key=lambda r: (r.score is None, -(r.score or 0.0), r.file))


def parse_weights(text: str | None, default: Weights = DEFAULT_WEIGHTS) -> Weights:
    """Weights from ``originality=0.5,craft=0.4,risk=0.1`` (missing ones keep ``default``'s).

    >>> parse_weights("craft=1,risk=0").to_dict()
    {'originality': 0.45, 'craft': 1.0, 'risk': 0.0}
    """
    if not text:
        return default
    values: dict[str, object] = dict(default.to_dict())
    for part in text.split(","):
        key, sep, value = part.partition("=")
        if not sep:
            raise ConfigError(f"weights are NAME=NUMBER pairs separated by commas, got {part!r}")
        values[key.strip()] = value.strip()
    return Weights.from_mapping(values)


def rank_paths(paths: Sequence[Path], *, db_url: str | None = None, weights: Weights = DEFAULT_WEIGHTS,
               pipeline: PipelineFn = analyse_submission, on_progress: Callable[[int, int], None] | None = None) -> list[RankedScript]:
    """Analyse every script in ``paths`` (files, folders, .zip batches) against the catalog of
    ``db_url`` (none: originality unscored) and rank them (:func:`order`).

    >>> rank_paths([])
    []
    """
    files: list[tuple[str, bytes]] = []
    results: list[tuple[str, TriageResult]] = []
    for path in paths:
        got, skipped = read_scripts(Path(path))
        prefix = f"{Path(path).name}/" if Path(path).is_dir() or Path(path).suffix.lower() == ".zip" else ""
        files += [(prefix + name, data) for name, data in got]
        # A member the intake skipped (not a script file) stays in the ranking, gated with why.
        # The whole entry ("NAME (reason)", in English) stays in the gate's text.
        results += [(prefix + entry.name, _refused(str(entry), weights)) for entry in skipped]
    catalog = open_catalog(db_url) if db_url else None
    for done, (name, data) in enumerate(files, 1):
        try:
            result = pipeline(SubmissionInput(done, Path(name).name, data), weights=weights, catalog=catalog)
        except DramalensError as exc:  # one unreadable file must not sink the batch: it is listed, gated
            result = _refused(exc.message, weights)
        results.append((name, result))
        if on_progress is not None:
            on_progress(done, len(files))
    return order(results, weights)


def _refused(reason: str, weights: Weights) -> TriageResult:
    """The result of a file that could not be read at all: no marks, the ``unreadable`` gate."""
    gate = Gate("unreadable", f"{reason}: route to a human")
    return TriageResult(Score(0.0, None, 0.0, 0.0, weights, (gate_evidence(gate),)), gates=(gate,))


def ranked_lines(ranked: Sequence[RankedScript], lang: str | None = None) -> list[str]:
    """What ``triage rank`` prints: a line per script (place, score or "gated", file), then each
    gate and, for a script that could not be read, its read-quality reasons; said in ``lang``
    ('zh' or 'en'; by default each script's own language).

    >>> from dramalens.triage.scoring import Features, score
    >>> from dramalens.triage.gates import gate
    >>> g = gate("too_short", "gate.why.too_short", ("units", 40), ("unit_key", "unit.characters"), ("min", 300))
    >>> r = RankedScript("a.txt", None, (g,), TriageResult(score(Features()), language="zh"))
    >>> ranked_lines([r])
    ['  1    不排名  a.txt', '       ⚑ 篇幅过短：正文只有 40 字，不足 300，无从判断']
    >>> ranked_lines([r], "en")[1]
    '       ⚑ too short: 40 characters of text, fewer than 300: too short to judge'
    """
    out = []
    for i, r in enumerate(ranked, 1):
        t = translator(lang or language_or_default(r.result.language))
        out.append(f"{i:>3}  {t('rank.gated') if r.score is None else f'{r.score:5.1f}':>5}  {r.file}")
        for g in r.gates:
            e = gate_evidence(g)
            out.append(f"       ⚑ {t.say(e.key, e.params, e.text)}")
        if r.result.unread is not None:  # why a person must read it, each reason in the reader's language
            out.extend(f"         - {t.say(e.key, e.params, e.text)}" for e in r.result.score.evidence if e.criterion == "read_quality")
    return out
