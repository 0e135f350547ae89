"""Nearest-neighbour search (catalog/vectors.py)."""

from __future__ import annotations

import numpy as np
import pytest

from dramalens.catalog.vectors import VectorIndex
from dramalens.errors import ConfigError


def _unit(n, d, seed=0):
    v = np.random.default_rng(seed).standard_normal((n, d)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_exact_search_matches_brute_force():
    v = _unit(500, 32)
    q = _unit(1, 32, seed=9)[0]
    found = VectorIndex(v, method="exact").search(q, k=10)
    expected = np.argsort(-(v @ q))[:10]
    assert found.rows.tolist() == expected.tolist()
    assert np.all(np.diff(found.scores) <= 1e-6)


def test_exclude_leaves_out_the_query_row():
    v = _unit(50, 8)
    found = VectorIndex(v).search(v[7], k=5, exclude=7)
    assert 7 not in found.rows.tolist() and len(found.rows) == 5


def test_hnsw_recall_against_exact():
    v = _unit(3000, 32, seed=1)
    queries = _unit(50, 32, seed=2)
    exact = VectorIndex(v, method="exact")
    ann = VectorIndex(v, method="hnsw")
    recall = np.mean([len(set(exact.search(q, 10).rows.tolist()) & set(ann.search(q, 10).rows.tolist())) / 10 for q in queries])
    assert recall >= 0.9
    top = ann.search(v[3], 1)
    assert top.rows[0] == 3 and abs(top.scores[0] - 1.0) < 1e-4


def test_auto_picks_exact_for_small_indexes_and_k_larger_than_n():
    idx = VectorIndex(_unit(5, 4))
    assert idx.method == "exact"
    assert len(idx.search(_unit(1, 4)[0], k=50).rows) == 5


def test_empty_index_and_bad_parameters():
    assert len(VectorIndex(np.zeros((0, 4), np.float32)).search(np.ones(4), 3).rows) == 0
    with pytest.raises(ConfigError, match="method"):
        VectorIndex(_unit(3, 4), method="faiss")
    with pytest.raises(ConfigError, match="k must"):
        VectorIndex(_unit(3, 4)).search(np.ones(4), 0)
    with pytest.raises(ConfigError, match="dimensions"):
        VectorIndex(_unit(3, 4)).search(np.ones(5), 1)
