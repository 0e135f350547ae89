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
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["PRIOR", "PRIOR_ROWS", "STATS_ROWS", "TOPIC_WEIGHTS", "Z_HALF", "Background", "background", "fused_z", "topic_score"]

#: Shares of the topical fusion. The lexical share is the one benchmarks/eval_catalog.py picks
#: on all the real sets (the mean of hit@1, hit@5 and MRR over StoryEmb, ROCStories' two
#: configurations and ReelShort); chosen leave-one-source-out, every held-out source got the
#: same 0.30, and the held-out figures are in docs/catalog.md.
TOPIC_WEIGHTS: dict[str, float] = {"lexical": 0.3, "embedding": 0.7}
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


def fused_z(lexical: npt.ArrayLike | None, embedding: npt.ArrayLike | None, bg: Background,
            weights: Mapping[str, float] = TOPIC_WEIGHTS) -> npt.NDArray[np.float64]:
    """The weighted mean of the signals' z values (elementwise); a NaN entry of one signal (a
    work without that fingerprint) leaves it out of that work's mean. NaN where neither is present.
    ``weights`` other than :data:`TOPIC_WEIGHTS` are for the cross-validation in benchmarks/.

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
