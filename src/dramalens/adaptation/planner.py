"""Where to cut: dynamic programming over paragraph boundaries.

An episode is a run of consecutive paragraphs. A plan of N episodes is scored

    Σ cue_weight·(ending(last paragraph) + opening_weight·opening(first)) + chapter_bonus·[cut at a chapter end]
      + break_weight·cast_change(cut) + lexical_weight·vocabulary_change(cut)
      − length_penalty·|runtime − target| / target

under hard bounds lo ≤ runtime ≤ hi for every episode (the format's band). Exact over the
candidate cuts: every chapter end, plus inside each chapter its strongest paragraph ends (more
of them when chapters are few per episode, all of them in a chapter too long for one episode).
The candidates keep a 2,000-chapter book at a few thousand cut points, so the N × C passes of
the recurrence, each a vectorised window, stay within seconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import ConfigError
from .reading import Paragraph

__all__ = ["CutParams", "Cuts", "plan_cuts"]


@dataclass(frozen=True, slots=True)
class CutParams:
    """Weights of the cut objective (see the module docstring)."""

    chapter_bonus: float = 0.15
    opening_weight: float = 0.5
    length_penalty: float = 0.3
    # The story-break weights are those benchmarks/eval_adaptation.py chooses on all four mapped
    # TV adaptations (docs/adaptation.md) with the cue term at full weight: a strong turn still
    # wins over a change of scene (the planted-turn tests), a change of scene decides where no
    # chapter ends on a turn (a classic's chapters all end alike).
    cue_weight: float = 1.0  # 0 turns the tension off: an equal-length split (the evaluation's baseline)
    break_weight: float = 0.0  # weight of a change of cast at a cut; see tension.story_breaks
    lexical_weight: float = 2.0  # weight of a change of vocabulary at a cut; see breaks.lexical_breaks

    def __post_init__(self) -> None:
        for name in ("chapter_bonus", "opening_weight", "length_penalty", "cue_weight", "break_weight", "lexical_weight"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
                raise ConfigError(f"cut parameter {name} must be a finite number >= 0, got {value!r}")


@dataclass(frozen=True, slots=True)
class Cuts:
    """Episode starts as paragraph offsets (the first is 0), and whether the band held."""

    starts: tuple[int, ...]
    band_held: bool


def _candidates(paragraphs: list[Paragraph], seconds: np.ndarray, lo: float, per_episode_chapters: float) -> list[int]:
    """Boundary offsets (0 … P) the optimisation may cut at."""
    n = len(paragraphs)
    by_chapter: dict[int, list[int]] = {}
    for i, p in enumerate(paragraphs):
        by_chapter.setdefault(p.chapter, []).append(i)
    out = {0, n}
    for members in by_chapter.values():
        out.add(members[-1] + 1)
        inner = members[:-1]
        if not inner:
            continue
        chapter_s = float(seconds[members].sum())
        if chapter_s > lo or per_episode_chapters < 4:
            # Enough inner cuts for the chapter to be split into episodes of at least lo,
            # and at least two options (a strong turn mid-chapter) when chapters are few.
            m = max(2, math.ceil(2 * chapter_s / max(lo, 1e-9)))
            if m >= len(inner):
                out.update(i + 1 for i in inner)
            else:
                ranked = sorted(inner, key=lambda i: -paragraphs[i].ending)[:m]
                # Evenly spaced ones too, so a long chapter without cues can still be split.
                step = max(1, len(inner) // m)
                out.update(i + 1 for i in ranked)
                out.update(i + 1 for i in inner[::step])
    return sorted(out)


def plan_cuts(
    paragraphs: list[Paragraph],
    seconds: list[float],
    episodes: int,
    band: tuple[float, float],
    target: float,
    params: CutParams = CutParams(),
    breaks: list[float] | None = None,
    lexical: list[float] | None = None,
) -> Cuts:
    """The N episode starts that maximise the objective within the band; if no split fits
    the band, the band is widened until one does (``band_held`` False says so).

    >>> from dramalens.adaptation.reading import Paragraph
    >>> ps = [Paragraph(c, 1, "x", 10, 60.0, 0.8 if c == 2 else 0.0, 0.0, ()) for c in (1, 2, 3, 4)]
    >>> plan_cuts(ps, [60.0] * 4, 2, (30.0, 200.0), 120.0).starts
    (0, 2)
    """
    n = len(paragraphs)
    if episodes < 1:
        raise ConfigError(f"episodes must be >= 1, got {episodes}")
    if n < episodes:
        raise ConfigError(f"{episodes} episodes need at least {episodes} paragraphs; the span has {n}",
                          hint="choose fewer episodes or a wider span")
    secs = np.asarray(seconds, dtype=float)
    lo, hi = band
    chapters = len({p.chapter for p in paragraphs})
    cands = _candidates(paragraphs, secs, lo, chapters / episodes)
    cum_all = np.concatenate([[0.0], np.cumsum(secs)])
    cum = cum_all[cands]
    chapter_end = np.array([b == n or (b > 0 and paragraphs[b].chapter != paragraphs[b - 1].chapter) for b in cands])
    w = params.cue_weight
    ending = np.array([w * paragraphs[b - 1].ending if b > 0 else 0.0 for b in cands]) + params.chapter_bonus * chapter_end
    for strength, weight in ((breaks, params.break_weight), (lexical, params.lexical_weight)):
        if strength is not None and weight:  # a story break at an inner cut: after its last paragraph
            ending = ending + weight * np.array([strength[b - 1] if 0 < b < n else 0.0 for b in cands])
    opening = np.array([w * params.opening_weight * paragraphs[b].opening if b < n else 0.0 for b in cands])
    held = True
    for widen in (1.0, 1.5, 2.5, 5.0, math.inf):
        wlo, whi = (lo / widen, hi * widen) if math.isfinite(widen) else (0.0, math.inf)
        starts = _solve(cum, ending, opening, episodes, wlo, whi, target, params.length_penalty)
        if starts is not None:
            return Cuts(tuple(cands[i] for i in starts), held)
        held = False
    # Unreachable in practice (an unbounded band always has a split: N ≤ C − 1 paragraphs);
    # kept as a uniform fallback rather than an assertion.
    step = n / episodes
    return Cuts(tuple(int(k * step) for k in range(episodes)), False)


def _solve(cum: np.ndarray, ending: np.ndarray, opening: np.ndarray, episodes: int,
           lo: float, hi: float, target: float, penalty: float) -> list[int] | None:
    c = len(cum)
    best = np.full(c, -np.inf)
    best[0] = 0.0
    back = np.zeros((episodes + 1, c), dtype=np.int64)
    scale = max(target, 1e-9)
    for k in range(1, episodes + 1):
        cur = np.full(c, -np.inf)
        base = best + opening
        # Starts i with lo <= cum[j] - cum[i] <= hi form one contiguous window per end j.
        left = np.searchsorted(cum, cum - hi, side="left")
        right = np.searchsorted(cum, cum - lo, side="right")
        for j in range(k, c):
            a, b = int(left[j]), min(int(right[j]), j)
            if a >= b:
                continue
            window = base[a:b] - penalty * np.abs(cum[j] - cum[a:b] - target) / scale
            i = int(np.argmax(window))
            if window[i] > -np.inf:
                cur[j] = window[i] + ending[j]
                back[k, j] = a + i
        best = cur
    if not np.isfinite(best[c - 1]):
        return None
    starts = []
    j = c - 1
    for k in range(episodes, 0, -1):
        j = int(back[k, j])
        starts.append(j)
    return starts[::-1]
