"""The topic fusion (catalog/fusion.py): invariants of the z-score fusion of the lexical and
embedding cosines, and its background estimate."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dramalens.catalog.fusion import (
    PRIOR,
    PRIOR_ROWS,
    STANDOUT_FLOOR,
    TOPIC_WEIGHTS,
    Background,
    background,
    fused_z,
    query_weights,
    standout,
    topic_score,
)
from dramalens.catalog.ranking import Scores

_cos = st.floats(0.0, 1.0)
_bg = st.builds(Background, st.tuples(st.floats(0.0, 0.5), st.floats(0.001, 0.3)), st.tuples(st.floats(0.0, 0.5), st.floats(0.001, 0.3)))


@settings(max_examples=300, deadline=None)
@given(lex=_cos, emb=_cos, more=st.floats(0.0, 0.5), bg=_bg)
def test_topic_score_is_monotone_bounded_and_ordered_like_the_fused_z(lex, emb, more, bg) -> None:
    base = float(topic_score(fused_z(lex, emb, bg))[()])
    assert 0.0 <= base < 1.0
    assert float(topic_score(fused_z(min(lex + more, 1.0), emb, bg))[()]) >= base - 1e-12
    assert float(topic_score(fused_z(lex, min(emb + more, 1.0), bg))[()]) >= base - 1e-12


@settings(max_examples=100, deadline=None)
@given(lex=_cos, bg=_bg)
def test_a_missing_signal_leaves_the_other_alone(lex, bg) -> None:
    alone = float(fused_z(lex, np.nan, bg)[()])
    assert math.isclose(alone, (lex - bg.lexical[0]) / bg.lexical[1], rel_tol=1e-9, abs_tol=1e-9)
    assert math.isnan(float(fused_z(np.nan, np.nan, bg)[()]))
    assert math.isnan(float(topic_score(np.nan)[()]))


def test_background_is_shrunk_towards_the_prior_by_catalog_size() -> None:
    few = background(np.full(PRIOR_ROWS, 0.2, np.float32), None)
    many = background(np.full(100 * PRIOR_ROWS, 0.2, np.float32), None)
    assert math.isclose(few.lexical[0], (0.2 + PRIOR.lexical[0]) / 2, rel_tol=1e-6)  # half the weight each
    assert abs(many.lexical[0] - 0.2) < abs(few.lexical[0] - 0.2)
    assert few.embedding == PRIOR.embedding and background(None, None) == PRIOR


def test_same_cosines_score_higher_against_a_quieter_background() -> None:
    # the point of the fusion: 0.3 lexical cosine means more where unrelated works score 0.01
    quiet = Background((0.01, 0.01), PRIOR.embedding)
    noisy = Background((0.10, 0.05), PRIOR.embedding)
    assert topic_score(fused_z(0.3, 0.2, quiet)) > topic_score(fused_z(0.3, 0.2, noisy))


def test_weights_sum_to_one_and_a_pair_scored_alone_uses_the_prior() -> None:
    assert math.isclose(sum(TOPIC_WEIGHTS.values()), 1.0)
    s = Scores(0.0, 0.0, 0.0, 0.4, None, None, lexical=0.2)
    assert s.topic is None and s.combined() == round(float(topic_score(fused_z(0.2, 0.4, PRIOR))[()]), 4) > 0
    assert Scores(1.0, 1.0, 1.0, 1.0, None, None, lexical=1.0).combined() == 1.0  # identical: the text score


# --------------------------------------------------------------- never below its best part
def _planted(n: int = 200, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """One query's cosines with a catalog of ``n`` works, planted: work 0 is the query's true
    partner, which the lexical signal singles out (0.11 against a background of 0.02 ± 0.015,
    its runner-up near 0.06) and the embedding barely sees (0.06 against 0.05 ± 0.02, like any
    distractor); the embedding's own top ten are bunched (0.15-0.17) around a distractor, work 1,
    which the lexical signal finds unremarkable (0.05). The shape of ReelShort queries the
    second pass's fixed shares got wrong (docs/catalog.md)."""
    rng = np.random.default_rng(seed)
    lex = np.clip(rng.normal(0.02, 0.015, n), 0.0, 1.0)
    emb = np.clip(rng.normal(0.05, 0.02, n), 0.0, 1.0)
    lex[0], emb[0] = 0.11, 0.06
    emb[1:11] = np.linspace(0.17, 0.15, 10)  # a bunched top ten, work 1 first
    lex[1] = 0.05
    return lex.astype(np.float32), emb.astype(np.float32)


def _fused(lex: np.ndarray, emb: np.ndarray, power: float | None = None) -> np.ndarray:
    bg = background(lex, emb)
    w = query_weights(lex, emb) if power is None else query_weights(lex, emb, power=power)
    return fused_z(lex, emb, bg, w)


def test_a_signal_that_singles_out_the_partner_is_not_outvoted() -> None:
    lex, emb = _planted()
    assert int(np.argmax(lex)) == 0 and int(np.argmax(emb)) == 1  # the lexical signal alone is right
    assert int(np.argmax(_fused(lex, emb))) == 0  # and so is the combination
    # the fusion with fixed shares (power 0, the second pass) ranked the partner below the
    # embedding's bunched top: the failure this guards against
    assert int(np.argmax(_fused(lex, emb, power=0.0))) != 0


def test_standout_is_bounded_and_scale_free() -> None:
    lex, emb = _planted()
    for v in (lex, emb):
        s = standout(v)
        assert STANDOUT_FLOOR <= s <= 1.0
        assert math.isclose(standout(3.0 * v + 0.2), s, rel_tol=1e-5)
    assert standout(lex) > 0.8 > 0.2 > standout(emb)
    assert standout([0.4]) == 1.0 and standout(np.full(20, 0.1)) == STANDOUT_FLOOR
    assert standout([np.nan, 0.3, 0.1]) == 1.0  # NaN (a work without the signal) is left out


@settings(max_examples=200, deadline=None)
@given(n=st.integers(2, 60), seed=st.integers(0, 10_000), power=st.sampled_from([0.0, 0.5, 1.0, 2.0]))
def test_a_work_first_on_both_signals_is_first_in_the_combination(n: int, seed: int, power: float) -> None:
    rng = np.random.default_rng(seed)
    lex = rng.random(n).astype(np.float32) * 0.5
    emb = rng.random(n).astype(np.float32) * 0.5
    lex[0], emb[0] = 0.9, 0.9  # first on both
    fused = _fused(lex, emb, power)
    assert int(np.argmax(fused)) == 0
    assert float(fused[0]) > float(np.max(fused[1:]))
