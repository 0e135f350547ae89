"""The topic fusion (catalog/fusion.py): invariants of the z-score fusion of the lexical and
embedding cosines, and its background estimate."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dramalens.catalog.fusion import PRIOR, PRIOR_ROWS, TOPIC_WEIGHTS, Background, background, fused_z, topic_score
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
