"""How the two topical signals (lexical TF-IDF cosine, embedding cosine) become one score.

Raw cosines of the two signals live on different scales, and the scale moves from query to
query: a long synopsis full of common words has a high lexical background against every work,
and the embedding's cosines spread three to five times wider than the lexical ones on some sets
and as wide on others (docs/catalog.md). A fixed weighted sum of raw cosines therefore let the
lexical signal decide alone on one set and the embedding on another, and the sum was below the
better single signal on two of the four real sets.

So each signal is standardised against the query's own background first: z = (s − μ) / σ, with μ
and σ its mean and standard deviation over the catalog rows (z-score fusion, as in metasearch).
The fused value is the weighted mean of the z values present (:data:`TOPIC_WEIGHTS`), and the
score a user sees is that value mapped monotonically into 0..1 (``z / (z + Z_HALF)``), so the
order is the fused order. A small catalog gives unstable statistics, so μ and σ² are shrunk
towards a prior (:data:`PRIOR`, measured on the real sets) with the weight of
:data:`PRIOR_ROWS` rows; with no catalog at all (two scripts compared alone) the prior is the
background.

The shares are then calibrated per query (:func:`query_weights`): each signal's share is scaled by
its *standout* for this query, how far its best work stands apart from its runner-up relative to
its top ten ((z1 − z2) / (z1 − z10), :func:`standout`). A signal that singles out one work is
trusted on that query; one whose top ten are bunched is guessing among them. Without it, a signal
with nothing to say still contributes its own noise maximum (about 3 standard deviations in a
catalog of 100 works, 4 in one of 10,000) at 0.7 of the weight, and can push a work the other
signal found decisively below a distractor: the combination was then below its best single signal
(ReelShort hit@1 0.417 vs the embedding's 0.438). The standout is a ratio of differences, so it
needs no background and no parameter of its own beyond :data:`STANDOUT_POWER`.

Last, the strongest single piece of evidence is never averaged out of sight (:func:`guarded`): the
work with the highest z on either signal, the one observation of the query that stands furthest
above its background, is kept within the first :data:`GUARD_RANK` places of the fused order. A
weighted mean can bury it when the other signal has nothing to say but is trusted anyway: on the
classical ↔ modern Chinese tales the embedding's top ten were at the level pure noise reaches in
700 works (z ≈ 3), their runner-up gaps still gave it most of the weight, and two tales the lexical
signal had ranked first (z 3.5 and 4.2) fell to 15th and 9th. The fused order's own first choice
is never moved (the guard acts from the second place down), so hit@1 cannot change. It is the same
rule as "the combined score is never below the text score" in :mod:`.ranking`, for the topical
signals: verbatim reuse is not diluted by topical difference, and decisive wording is not diluted
by an undecided embedding.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["GUARD_RANK", "PRIOR", "PRIOR_ROWS", "STANDOUT_DEPTH", "STANDOUT_POWER", "STATS_ROWS", "TOPIC_WEIGHTS", "Z_HALF",
           "Background", "background", "fused_z", "guarded", "query_weights", "standout", "strongest", "topic_score"]

#: Shares of the topical fusion, before the per-query standout scaling. The lexical share and
#: :data:`STANDOUT_POWER` are the pair benchmarks/eval_catalog.py picks on the real sets (StoryEmb,
#: ROCStories' two configurations, ReelShort) for the smallest shortfall of the combination below
#: its best single signal, then the mean of hit@1, hit@5 and MRR; chosen leave-one-source-out too,
#: with the held-out figures in docs/catalog.md.
TOPIC_WEIGHTS: dict[str, float] = {"lexical": 0.3, "embedding": 0.7}
#: How strongly a signal's share follows its standout (0: fixed shares, the fusion before; 1:
#: proportionally).
STANDOUT_POWER = 1.0
#: The standout compares a signal's best work with its runner-up and with its work at this rank.
STANDOUT_DEPTH = 10
#: The least standout, so that a signal with its top ten tied keeps a sliver of its share (and two
#: such signals keep their fixed shares between them).
STANDOUT_FLOOR = 1e-3
#: The work of the query's strongest single observation (the highest z on either signal) is kept
#: within this many first places of the fused order (:func:`guarded`; 0: no guard). Two: the fused
#: order keeps its own first choice, and the strongest evidence is at worst next to it. Not tuned:
#: benchmarks/eval_catalog.py shows 1, 2, 3 and 5 and the leave-one-source-out choice beside it.
GUARD_RANK = 2
#: Rows of prior evidence the background is shrunk towards (a catalog of 20 works gets half).
PRIOR_ROWS = 20
#: At most this many rows (evenly spaced) estimate the background of a large catalog.
STATS_ROWS = 20_000
#: The fused z that maps to a score of 0.5: a median true retelling on StoryEmb and ReelShort
#: stands about 3 standard deviations above its catalog, a story's own summary on ROCStories 11.
Z_HALF = 4.0


@dataclass(frozen=True, slots=True)
class Background:
    """A query's background per signal: (mean, standard deviation) of its cosines with
    unrelated works."""

    lexical: tuple[float, float]
    embedding: tuple[float, float]


#: Medians over the queries of the real sets (hashed TF-IDF embedder, synopses of 30-300 words):
#: lexical μ 0.007-0.055, σ 0.014-0.016; embedding μ 0.03-0.065, σ 0.025-0.068.
PRIOR = Background(lexical=(0.02, 0.015), embedding=(0.05, 0.05))


def _shrunk(values: npt.NDArray[np.float32] | None, prior: tuple[float, float]) -> tuple[float, float]:
    if values is None or values.size == 0:
        return prior
    n = int(values.size)
    mu = (float(values.mean()) * n + prior[0] * PRIOR_ROWS) / (n + PRIOR_ROWS)
    var = (float(values.var()) * n + prior[1] ** 2 * PRIOR_ROWS) / (n + PRIOR_ROWS)
    return mu, max(float(np.sqrt(var)), 1e-6)


def background(lexical: npt.NDArray[np.float32] | None, embedding: npt.NDArray[np.float32] | None) -> Background:
    """The background from a query's cosines with a sample of catalog works (the query itself
    and empty works left out by the caller), shrunk towards :data:`PRIOR`.

    >>> background(None, None) == PRIOR
    True
    >>> b = background(np.full(20, 0.1, np.float32), None); round(b.lexical[0], 3), b.embedding == PRIOR.embedding
    (0.06, True)
    """
    return Background(_shrunk(lexical, PRIOR.lexical), _shrunk(embedding, PRIOR.embedding))


def standout(values: npt.ArrayLike) -> float:
    """How far the best of one signal's values (one query against every catalog work; NaN: a
    work without the signal) stands apart: (v1 − v2) / (v1 − v10), the gap to the runner-up over
    the spread of the top :data:`STANDOUT_DEPTH`; in :data:`STANDOUT_FLOOR`..1, and 1 with fewer
    than two values (nothing to compare). The same for cosines and their z values (affine
    invariant), so it needs no background.

    >>> round(standout([0.9, 0.3, 0.29, 0.28, 0.27, 0.26, 0.25, 0.24, 0.23, 0.2, 0.1]), 4)  # one work singled out
    0.8571
    >>> round(standout([0.31, 0.3, 0.29, 0.28, 0.27, 0.26, 0.25, 0.24, 0.23, 0.22]), 4)  # a bunched top ten
    0.1111
    """
    v = np.asarray(values, np.float64).ravel()
    v = v[~np.isnan(v)]
    if v.size < 2:
        return 1.0
    depth = min(STANDOUT_DEPTH, int(v.size))
    top = -np.partition(-v, depth - 1)[:depth]
    top.sort()
    spread = float(top[-1] - top[0])
    if spread <= 0.0:
        return STANDOUT_FLOOR
    return max(float(top[-1] - top[-2]) / spread, STANDOUT_FLOOR)


def query_weights(lexical: npt.ArrayLike | None, embedding: npt.ArrayLike | None,
                  weights: Mapping[str, float] = TOPIC_WEIGHTS, power: float = STANDOUT_POWER) -> dict[str, float]:
    """The fusion's shares for one query: each signal's share times its :func:`standout` over
    the query's values against the catalog (the query itself and empty works left out by the
    caller) to the power ``power``; a signal not given keeps its share. ``weights`` and ``power``
    other than the defaults are for the cross-validation in benchmarks/.

    >>> w = query_weights([0.9, 0.3, 0.29, 0.28, 0.27, 0.26, 0.25, 0.24, 0.23, 0.2], [0.31, 0.3, 0.29, 0.28, 0.27, 0.26, 0.25, 0.24, 0.23, 0.22])
    >>> w["lexical"] > w["embedding"]  # the lexical signal singled a work out, the embedding did not
    True
    """
    out = dict(weights)
    for name, values in (("lexical", lexical), ("embedding", embedding)):
        if values is not None and power:
            out[name] = weights[name] * standout(values) ** power
    return out


def fused_z(lexical: npt.ArrayLike | None, embedding: npt.ArrayLike | None, bg: Background,
            weights: Mapping[str, float] = TOPIC_WEIGHTS) -> npt.NDArray[np.float64]:
    """The weighted mean of the signals' z values (elementwise); a NaN entry of one signal (a
    work without that fingerprint) leaves it out of that work's mean. NaN where neither is present.
    ``weights``: the query's shares (:func:`query_weights`); the fixed :data:`TOPIC_WEIGHTS` when
    there is no catalog to calibrate against (two works compared alone).

    >>> round(float(fused_z(0.05, 0.15, PRIOR)[()]), 6)
    2.0
    >>> round(float(fused_z(0.05, np.nan, PRIOR)[()]), 6)  # the lexical signal alone
    2.0
    """
    num: npt.NDArray[np.float64] | float = 0.0
    den: npt.NDArray[np.float64] | float = 0.0
    for values, (mu, sd), w in ((lexical, bg.lexical, weights["lexical"]), (embedding, bg.embedding, weights["embedding"])):
        if values is None:
            continue
        v = np.asarray(values, np.float64)
        present = ~np.isnan(v)
        num = num + np.where(present, w * (np.nan_to_num(v) - mu) / sd, 0.0)
        den = den + np.where(present, w, 0.0)
    num_a, den_a = np.asarray(num, np.float64), np.asarray(den, np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den_a > 0, num_a / np.where(den_a > 0, den_a, 1.0), np.nan)


def topic_score(z: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """A fused z mapped into 0..1, monotonically: 0 at or below the background, 0.5 at
    :data:`Z_HALF` standard deviations above it; NaN (no topical signal) stays NaN.

    >>> topic_score([-1.0, 0.0, 4.0, 36.0]).tolist()
    [0.0, 0.0, 0.5, 0.9]
    """
    zz = np.maximum(np.asarray(z, np.float64), 0.0)
    return zz / (zz + Z_HALF)


def _z(values: npt.ArrayLike | None, stats: tuple[float, float]) -> npt.NDArray[np.float64] | None:
    if values is None:
        return None
    return (np.asarray(values, np.float64) - stats[0]) / stats[1]


def strongest(lexical: npt.ArrayLike | None, embedding: npt.ArrayLike | None, bg: Background,
              valid: npt.NDArray[np.bool_] | None = None) -> int | None:
    """The index of the work with the highest z on either signal against the query's background
    (NaN: a work without that signal), among ``valid`` (default: all); None when no work has a
    signal. The z values are the fusion's own common currency: it averages them.

    >>> strongest([0.02, 0.11, 0.03], [0.30, 0.06, 0.05], PRIOR)  # lexical z 6 beats embedding z 5
    1
    """
    best, where = -np.inf, None
    for z in (_z(lexical, bg.lexical), _z(embedding, bg.embedding)):
        if z is None:
            continue
        z = np.where(np.isnan(z), -np.inf, np.atleast_1d(z))
        if valid is not None:
            z = np.where(valid, z, -np.inf)
        i = int(np.argmax(z))
        if z[i] > best:
            best, where = float(z[i]), i
    return where


def guarded(fused: npt.ArrayLike, lexical: npt.ArrayLike | None, embedding: npt.ArrayLike | None, bg: Background,
            valid: npt.NDArray[np.bool_] | None = None, depth: int | None = None) -> npt.NDArray[np.float64]:
    """The fused z values (:func:`fused_z`) with the :func:`strongest` work among ``valid``
    (default: all; the query's own row and empty works are the caller's to leave out) lifted into
    the first ``depth`` places (default :data:`GUARD_RANK`; 0: unchanged) when the fusion ranked
    it lower: its value becomes the midpoint between the values now at places ``depth − 1`` and
    ``depth``, so it takes place ``depth`` and every other work keeps its order. Place 1 is never
    taken from the fusion's own first choice unless ``depth`` is 1.

    >>> guarded([3.0, 2.0, 1.0, 0.5], [0.02, 0.02, 0.02, 0.2], None, PRIOR).tolist()  # work 3 (lexical z 12) takes place 2
    [3.0, 2.0, 1.0, 2.5]
    """
    out = np.array(fused, np.float64, ndmin=1)
    depth = GUARD_RANK if depth is None else depth
    target = strongest(lexical, embedding, bg, valid)
    if depth <= 0 or target is None or np.isnan(out[target]):
        return out
    competing = np.ones(out.size, bool) if valid is None else valid.copy()
    competing[target] = False
    others = out[competing & ~np.isnan(out)]
    if others.size < depth or int(np.count_nonzero(others > out[target])) < depth:
        return out  # already within the first ``depth`` places
    top = -np.partition(-others, depth - 1)[:depth]
    top.sort()  # ascending: top[0] is the value at place ``depth``, top[1] the one above it
    above = float(top[1]) if depth >= 2 else float(top[0]) + 1.0
    out[target] = (above + float(top[0])) / 2.0
    return out
