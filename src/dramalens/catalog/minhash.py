"""MinHash signatures, LSH banding, and passage keys for containment.

Signatures are computed over shingle ids that are already well-mixed 32-bit hashes (see
:mod:`.shingles`) by rensa's batch kernel (see :class:`MinHasher` for why), and agree with
datasketch within MinHash error (tests); banding, candidate pairs and passage prints are NumPy.

Passage prints answer the question whole-document Jaccard cannot: a script that reuses 10% of
another has a Jaccard near 0.05, no higher than two unrelated scripts built from the same stock
phrases. Long shingles (12 characters, 8 words) almost never coincide by chance, so we keep a
consistent sample of them (those whose hash is 0 mod ``rate``: every text keeps the same ones)
and estimate containment, shared prints / prints of the smaller work
(:func:`passage_containment`); an inverted index over prints finds the candidates.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import version
from itertools import chain

import numpy as np
from rensa import RMinHash

from ..errors import ConfigError
from .shingles import Shingled, mix64

__all__ = [
    "EMPTY",
    "ENGINE",
    "MAX_DF",
    "MIN_SHARED",
    "MinHasher",
    "PassagePrints",
    "band_keys",
    "candidate_pairs",
    "jaccard",
    "passage_containment",
    "passage_prints",
    "standard_error",
]

#: The signature value of a permutation that saw no shingle.
EMPTY = np.uint32(0xFFFFFFFF)
#: Fewest shared passage prints that count as evidence of reuse.
MIN_SHARED = 3
#: A passage print found in more works than this is a stock phrase, not evidence of copying.
MAX_DF = 10


class MinHasher:
    """``num_perm`` hash functions drawn from ``seed``; the same seed gives the same signatures
    on every machine and process.

    The signatures are computed by rensa's Rust kernel over our shingle ids
    (``RMinHash.digest_matrix_from_flat_token_hashes``): on the same ids it measured about 4x
    faster than our best NumPy formulation (one ``(perms × shingles)`` block reduced with
    ``np.minimum.reduceat``, memory-bound at ~0.4 s per 10,000 documents) and 30x faster than
    datasketch, with unbiased Jaccard estimates (benchmarks/bench_minhash.py, tests). rensa is
    pinned to a minor version in pyproject.toml because a new hash algorithm would change every
    stored signature; ``ENGINE`` names the one in use.

    >>> h = MinHasher(64, seed=7)
    >>> sig = h.signature(np.arange(100, dtype=np.uint32))
    >>> sig.shape, sig.dtype.name
    ((64,), 'uint32')
    """

    def __init__(self, num_perm: int = 128, seed: int = 1):
        if not isinstance(num_perm, int) or not 1 <= num_perm <= 1024:
            raise ConfigError(f"num_perm must be an integer 1..1024, got {num_perm!r}")
        if not isinstance(seed, int) or seed < 0:
            raise ConfigError(f"seed must be a non-negative integer, got {seed!r}")
        self.num_perm = num_perm
        self.seed = seed

    def signature(self, ids: np.ndarray) -> np.ndarray:
        """The MinHash signature (uint32, ``num_perm``) of one shingle-id array."""
        sigs: np.ndarray = self.signatures([ids])
        return sigs[0]  # type: ignore[no-any-return]  # a row of a uint32 matrix

    def signatures(self, docs: list[np.ndarray]) -> np.ndarray:
        """Signatures of many documents at once: ``(len(docs), num_perm)`` uint32; a document
        without shingles gets :data:`EMPTY` everywhere.

        >>> MinHasher(16).signatures([np.array([1, 2], np.uint32), np.array([], np.uint32)]).shape
        (2, 16)
        """
        if not len(docs):
            return np.zeros((0, self.num_perm), np.uint32)
        lengths = np.fromiter((d.size for d in docs), dtype=np.uint64, count=len(docs))
        offsets = np.concatenate((np.zeros(1, np.uint64), np.cumsum(lengths, dtype=np.uint64)))
        if not offsets[-1]:
            flat = np.zeros(0, np.uint64)
        elif all(isinstance(d, np.ndarray) and d.dtype == np.uint32 for d in docs):
            flat = np.concatenate(docs).astype(np.uint64)  # one widening pass (shingle ids are uint32)
        else:
            flat = np.concatenate([np.asarray(d).astype(np.uint64, copy=False) for d in docs])
        matrix = RMinHash.digest_matrix_from_flat_token_hashes(flat, offsets, self.num_perm, self.seed)
        # rensa hands back Python lists; chaining them into fromiter is ~2x faster than np.array
        rows = matrix.to_rows()
        out = np.fromiter(chain.from_iterable(rows), dtype=np.uint32, count=len(docs) * self.num_perm)
        return out.reshape(len(docs), self.num_perm)


#: The MinHash engine and algorithm version signatures are computed with.
ENGINE = f"rensa-{version('rensa')}-algorithm-{RMinHash.ALGORITHM_VERSION}"


def jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """Estimated Jaccard similarity: the share of permutations whose minima agree.

    >>> s = MinHasher(32).signature(np.arange(50, dtype=np.uint32))
    >>> jaccard(s, s)
    1.0
    """
    if sig_a.shape != sig_b.shape:
        raise ConfigError(f"signatures differ in length: {sig_a.shape} vs {sig_b.shape}")
    if sig_a.size == 0:
        return 0.0
    return float(np.count_nonzero(sig_a == sig_b)) / sig_a.size


def standard_error(j: float, num_perm: int) -> float:
    """Standard error of a MinHash Jaccard estimate: ``sqrt(J(1-J)/num_perm)``.

    >>> round(standard_error(0.5, 100), 3)
    0.05
    """
    return float(np.sqrt(max(j * (1 - j), 0.0) / num_perm))


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """LSH band keys: ``(n, bands)`` uint64, one hash of ``rows`` signature values per band.
    The band index is mixed in, so keys of different bands never collide by construction.

    >>> band_keys(np.zeros((3, 8), np.uint32), 4, 2).shape
    (3, 4)
    """
    n, perms = signatures.shape
    if bands * rows > perms:
        raise ConfigError(f"bands × rows = {bands * rows} exceeds the {perms} permutations of the signatures")
    view = signatures[:, : bands * rows].reshape(n, bands, rows).astype(np.uint64)
    key = np.broadcast_to(np.arange(1, bands + 1, dtype=np.uint64), (n, bands)).copy()
    for r in range(rows):
        key = mix64(key ^ (view[:, :, r] + np.uint64(r << 40)))
    return key


def candidate_pairs(keys: np.ndarray, owners: np.ndarray, *, max_bucket: int = 50) -> np.ndarray:
    """Pairs of distinct owners that share at least one key: ``(m, 2)`` int64, ``i < j``, unique.

    ``keys`` is any-shaped uint64 and ``owners`` gives each key's owner (same shape or one per
    row). Buckets with more than ``max_bucket`` owners are boilerplate (a chunk every script
    has) and are skipped: they would make every pair a candidate and say nothing.

    >>> k = np.array([[1, 2], [1, 3], [4, 3]], np.uint64)
    >>> candidate_pairs(k, np.arange(3)).tolist()
    [[0, 1], [1, 2]]
    """
    keys = np.asarray(keys, dtype=np.uint64)
    owners = np.asarray(owners, dtype=np.int64)
    if owners.ndim == 1 and keys.ndim == 2:
        owners = np.repeat(owners, keys.shape[1])
    keys = keys.ravel()
    owners = owners.ravel()
    if keys.size == 0:
        return np.zeros((0, 2), np.int64)
    order = np.lexsort((owners, keys))
    keys, owners = keys[order], owners[order]
    keep = np.ones(keys.size, bool)
    keep[1:] = (keys[1:] != keys[:-1]) | (owners[1:] != owners[:-1])
    keys, owners = keys[keep], owners[keep]
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    sizes = np.diff(np.concatenate((starts, [keys.size])))
    chunks = []
    for size in np.unique(sizes):
        if size < 2 or size > max_bucket:
            continue
        group_starts = starts[sizes == size]
        members = owners[group_starts[:, None] + np.arange(size)]
        i, j = np.triu_indices(int(size), 1)
        chunks.append(np.stack((members[:, i].ravel(), members[:, j].ravel()), axis=1))
    if not chunks:
        return np.zeros((0, 2), np.int64)
    pairs = np.concatenate(chunks)
    pairs.sort(axis=1)
    return np.unique(pairs, axis=0)


@dataclass(frozen=True, slots=True)
class PassagePrints:
    """A consistent sample of a text's long shingles: ``ids`` (sorted, unique uint32) and the
    first source line each occurs on (``lines``, int32)."""

    ids: np.ndarray
    lines: np.ndarray

    def __len__(self) -> int:
        return int(self.ids.size)

    def to_dict(self) -> dict[str, int]:
        return {"prints": len(self)}


def passage_prints(shingled: Shingled, rate: int = 8) -> PassagePrints:
    """Keep the long shingles whose hash is 0 mod ``rate``: the same shingle is kept in every
    text that has it, so two texts' samples share ≈ 1/rate of the passages they share.

    >>> from .shingles import shingle_text
    >>> pp = passage_prints(shingle_text("一二三四五六七八九十" * 30, "zh", k=12), rate=1)
    >>> len(pp)
    10
    """
    if not isinstance(rate, int) or rate < 1:
        raise ConfigError(f"rate must be a whole number ≥ 1, got {rate!r}")
    ids = shingled.ids
    if rate == 1:
        keep = np.arange(ids.size)
    elif rate & (rate - 1) == 0:  # a power of two (the rates used): the low bits, no division
        keep = np.flatnonzero((mix64(ids) & np.uint64(rate - 1)) == 0)
    else:
        keep = np.flatnonzero((mix64(ids) % np.uint64(rate)) == 0)
    uniq, first = np.unique(ids[keep], return_index=True)
    return PassagePrints(uniq.astype(np.uint32), shingled.lines[keep][first].astype(np.int32))


def passage_containment(a: np.ndarray, b: np.ndarray, *, min_shared: int = MIN_SHARED, common: np.ndarray | None = None) -> tuple[int, float]:
    """(shared prints, containment of the smaller in the larger); containment is 0 below
    ``min_shared`` shared prints, since a couple of coincidences say nothing. Prints in
    ``common`` (sorted; stock phrases of the catalog) are not counted as shared.

    >>> passage_containment(np.arange(10, dtype=np.uint32), np.arange(5, 40, dtype=np.uint32))
    (5, 0.5)
    """
    if a.size == 0 or b.size == 0:
        return 0, 0.0
    both = np.intersect1d(a, b, assume_unique=True)
    if common is not None and common.size and both.size:
        both = both[~np.isin(both, common, assume_unique=True)]
    shared = int(both.size)
    if shared < min_shared:
        return shared, 0.0
    return shared, shared / min(a.size, b.size)
