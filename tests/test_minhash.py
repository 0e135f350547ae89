"""MinHash, LSH banding and passage prints (catalog/minhash.py, catalog/shingles.py)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dramalens.catalog.minhash import (
    MinHasher,
    band_keys,
    candidate_pairs,
    jaccard,
    passage_containment,
    passage_prints,
    standard_error,
)
from dramalens.catalog.shingles import shingle_lines, shingle_text
from dramalens.errors import ConfigError

HASHER = MinHasher(128, seed=1)


def _sets(n_a: int, n_b: int, common: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    pool = np.unique(rng.integers(0, 2**32, n_a + n_b + 64, dtype=np.uint64).astype(np.uint32))[: n_a + n_b - common]
    rng.shuffle(pool)
    a = pool[:n_a]
    b = np.concatenate([a[:common], pool[n_a : n_a + n_b - common]])
    return a, b


@settings(derandomize=True, max_examples=60, deadline=None)
@given(st.integers(20, 3000), st.integers(20, 3000), st.floats(0, 1), st.integers(0, 10**6))
def test_estimate_within_three_standard_errors(n_a, n_b, share, seed):
    common = int(min(n_a, n_b) * share)
    a, b = _sets(n_a, n_b, common, seed)
    exact = len(np.intersect1d(a, b)) / len(np.union1d(a, b))
    est = jaccard(HASHER.signature(a), HASHER.signature(b))
    # The binomial error plus half a permutation's resolution for J near 0 or 1.
    assert abs(est - exact) <= 3 * standard_error(exact, 128) + 1 / 128


def test_identical_and_disjoint_sets():
    a, b = _sets(500, 500, 0, 3)
    assert jaccard(HASHER.signature(a), HASHER.signature(a)) == 1.0
    # Each hash is a permutation of the 32-bit space: distinct ids never share a minimum.
    assert jaccard(HASHER.signature(a), HASHER.signature(b)) == 0.0


def test_batch_equals_single_for_every_size_and_order_does_not_matter():
    rng = np.random.default_rng(0)
    docs = [rng.integers(0, 2**32, n, dtype=np.uint64).astype(np.uint32) for n in (0, 1, 50, 70_000, 3)]
    batch = HASHER.signatures(docs)
    for doc, sig in zip(docs, batch):
        if doc.size == 0:
            assert np.array_equal(sig, np.full(128, 0xFFFFFFFF, np.uint32))
            continue
        assert np.array_equal(sig, HASHER.signature(doc))  # a document's neighbours in the batch change nothing
        assert np.array_equal(sig, HASHER.signature(rng.permutation(doc)))  # a set: order is irrelevant
        assert np.array_equal(sig, HASHER.signature(np.concatenate([doc, doc[:5]])))  # and so are repeats


def test_seed_makes_signatures_reproducible_and_different_seeds_differ():
    ids = np.arange(1000, dtype=np.uint32)
    assert np.array_equal(MinHasher(64, seed=5).signature(ids), MinHasher(64, seed=5).signature(ids))
    assert not np.array_equal(MinHasher(64, seed=5).signature(ids), MinHasher(64, seed=6).signature(ids))


@pytest.mark.parametrize("bad", [0, -1, 2000, 1.5])
def test_num_perm_is_validated(bad):
    with pytest.raises(ConfigError, match="num_perm"):
        MinHasher(bad)


def test_agrees_with_datasketch_within_minhash_error():
    datasketch = pytest.importorskip("datasketch")
    rng = np.random.default_rng(11)
    for share in (0.1, 0.4, 0.8):
        a, b = _sets(1500, 1500, int(1500 * share), int(rng.integers(1e6)))
        exact = len(np.intersect1d(a, b)) / len(np.union1d(a, b))
        ours = jaccard(HASHER.signature(a), HASHER.signature(b))
        ma, mb = datasketch.MinHash(num_perm=128, seed=1), datasketch.MinHash(num_perm=128, seed=1)
        ma.update_batch([int(x).to_bytes(4, "little") for x in a])
        mb.update_batch([int(x).to_bytes(4, "little") for x in b])
        theirs = ma.jaccard(mb)
        # Two independent estimates of the same J differ by at most ~3·√2 standard errors.
        assert abs(ours - theirs) <= 3 * np.sqrt(2) * standard_error(exact, 128) + 2 / 128


def test_lsh_bands_pair_near_duplicates_and_not_strangers():
    a, b = _sets(800, 800, 760, 1)  # J ≈ 0.9
    c, _ = _sets(800, 10, 0, 2)
    sigs = HASHER.signatures([a, b, c])
    pairs = candidate_pairs(band_keys(sigs, 32, 4), np.arange(3)).tolist()
    assert pairs == [[0, 1]]


def test_candidate_pairs_skip_boilerplate_buckets():
    keys = np.zeros((20, 1), np.uint64)  # everyone shares one key
    assert candidate_pairs(keys, np.arange(20), max_bucket=10).size == 0
    assert len(candidate_pairs(keys, np.arange(20), max_bucket=20)) == 190


def test_band_keys_validate_shape():
    with pytest.raises(ConfigError):
        band_keys(np.zeros((2, 16), np.uint32), 8, 4)


def test_shingles_mask_names_and_fold_traditional():
    simp = shingle_lines(["林晚：你竟然敢这样对待我们家的人。"], "zh", names=["林晚"])
    trad = shingle_lines(["蘇晴：你竟然敢這樣對待我們家的人。"], "zh", names=["蘇晴"])
    assert np.array_equal(simp.ids, trad.ids)
    en_a = shingle_text("Anna opens the old wooden door slowly", "en", names=["ANNA"])
    en_b = shingle_text("Maya opens the old wooden door slowly", "en", names=["Maya"])
    assert np.array_equal(en_a.ids, en_b.ids)
    assert not np.array_equal(en_a.ids, shingle_text("Maya opens the old wooden door slowly", "en").ids)


def test_shingle_lines_point_back_to_source_lines():
    s = shingle_lines(["", "第1集", "△他推门而入，看见满屋的人都在等他。"], "zh")
    assert set(s.lines.tolist()) == {3}


def test_shingles_reject_unknown_language():
    with pytest.raises(ConfigError, match="language"):
        shingle_text("x", "fr")


def test_passage_prints_find_a_copied_passage():
    rng = np.random.default_rng(4)
    pool = list("天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往秋收冬藏闰余成岁律吕调阳云腾致雨露结为霜金生丽水玉出昆冈")
    def para(n):
        return "".join(rng.choice(pool, n))
    passage = para(300)
    a = shingle_text(para(2000) + passage + para(500), "zh", k=12)
    b = shingle_text(para(1500) + passage, "zh", k=12)
    pa, pb = passage_prints(a), passage_prints(b)
    shared, score = passage_containment(pa.ids, pb.ids)
    assert shared >= 3 and score > 0.05
    c = passage_prints(shingle_text(para(2000), "zh", k=12))
    assert passage_containment(pa.ids, c.ids)[1] == 0.0


@settings(derandomize=True, max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 2**32 - 1), max_size=200, unique=True), st.lists(st.integers(0, 2**32 - 1), max_size=200, unique=True))
def test_passage_containment_is_symmetric_and_bounded(a, b):
    a = np.array(sorted(a), np.uint32)
    b = np.array(sorted(b), np.uint32)
    assert passage_containment(a, b) == passage_containment(b, a)
    assert 0.0 <= passage_containment(a, b)[1] <= 1.0
