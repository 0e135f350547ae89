"""MinHash signatures in NumPy, LSH banding, and passage keys for containment.

Hash family: ``h_i(x) = (a_i·x + b_i) mod 2^32`` with odd random ``a_i`` over shingle ids that
are already well-mixed 32-bit hashes (see :mod:`.shingles`). Each ``h_i`` is a permutation of
the 32-bit space; computed as one ``(perms × shingles)`` uint32 block per batch of documents
and reduced with ``np.minimum.reduceat``, it runs 10-20x faster than per-document hashing
(benchmarks/bench_minhash.py) and agrees with datasketch within MinHash error (tests).

Passage keys answer the question whole-document Jaccard cannot: a script that reuses 10% of
another has a Jaccard near 0.05, indistinguishable from chance. We cut each text into
content-defined chunks (a boundary wherever a shingle's hash has its low bits zero), so a copied
passage is cut at the same places in both works, give each chunk a small MinHash and LSH band
keys, and count the chunks two works share (see :func:`passage_overlap`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ConfigError
from .shingles import Shingled, mix64

__all__ = [
    "EMPTY",
    "MinHasher",
    "PassageKeys",
    "band_keys",
    "candidate_pairs",
    "jaccard",
    "passage_keys",
    "passage_overlap",
    "standard_error",
]

#: The signature value of a permutation that saw no shingle.
EMPTY = np.uint32(0xFFFFFFFF)
_BATCH_SHINGLES = 1 << 16  # one (perms × batch) block stays in L2 cache


class MinHasher:
    """``num_perm`` hash functions drawn from ``seed``; the same seed gives the same signatures
    on every machine and process.

    >>> h = MinHasher(64, seed=7)
    >>> sig = h.signature(np.arange(100, dtype=np.uint32))
    >>> sig.shape, sig.dtype.name
    ((64,), 'uint32')
    """

    def __init__(self, num_perm: int = 128, seed: int = 1):
        if not isinstance(num_perm, int) or not 1 <= num_perm <= 1024:
            raise ConfigError(f"num_perm must be an integer 1..1024, got {num_perm!r}")
        self.num_perm = num_perm
        self.seed = seed
        rng = np.random.default_rng(seed)
        self.a = (rng.integers(1, 2**32, num_perm, dtype=np.uint64) | 1).astype(np.uint32)
        self.b = rng.integers(0, 2**32, num_perm, dtype=np.uint64).astype(np.uint32)

    def signature(self, ids: np.ndarray) -> np.ndarray:
        """The MinHash signature (uint32, ``num_perm``) of one shingle-id array."""
        return self.signatures([ids])[0]

    def signatures(self, docs: list[np.ndarray]) -> np.ndarray:
        """Signatures of many documents at once: ``(len(docs), num_perm)`` uint32.

        >>> MinHasher(16).signatures([np.array([1, 2], np.uint32), np.array([], np.uint32)]).shape
        (2, 16)
        """
        lengths = np.fromiter((d.size for d in docs), dtype=np.int64, count=len(docs))
        if not len(docs):
            return np.zeros((0, self.num_perm), np.uint32)
        flat = np.concatenate([d.astype(np.uint32, copy=False) for d in docs]) if lengths.sum() else np.zeros(0, np.uint32)
        return self._segments(flat, lengths)

    def _segments(self, flat: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Signatures of consecutive segments of ``flat`` with the given ``lengths``."""
        out = np.full((lengths.size, self.num_perm), EMPTY, dtype=np.uint32)
        starts = np.concatenate(([0], np.cumsum(lengths)))
        nonempty = np.flatnonzero(lengths > 0)
        a = self.a[:, None]
        b = self.b[:, None]
        i = 0
        # Group documents so each block has about _BATCH_SHINGLES columns; a document larger
        # than that is cut into column blocks whose minima are combined.
        while i < nonempty.size:
            first = nonempty[i]
            j = i
            total = 0
            while j < nonempty.size and (j == i or total + lengths[nonempty[j]] <= _BATCH_SHINGLES):
                total += lengths[nonempty[j]]
                j += 1
            group = nonempty[i:j]
            if group.size == 1 and lengths[first] > _BATCH_SHINGLES:
                lo, hi = starts[first], starts[first + 1]
                acc = out[first]
                for s in range(lo, hi, _BATCH_SHINGLES):
                    block = np.multiply.outer(self.a, flat[s : min(hi, s + _BATCH_SHINGLES)])
                    block += b
                    np.minimum(acc, block.min(axis=1), out=acc)
            else:
                lo, hi = starts[group[0]], starts[group[-1] + 1]
                block = np.multiply.outer(self.a, flat[lo:hi])
                block += b
                offsets = starts[group] - lo
                out[group] = np.minimum.reduceat(block, offsets, axis=1).T
            i = j
        del a
        return out


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
class PassageKeys:
    """Content-defined chunks of one text: ``keys`` ``(chunks, bands)`` uint64 and each chunk's
    first and last source line (``lines`` ``(chunks, 2)`` int32)."""

    keys: np.ndarray
    lines: np.ndarray

    def __len__(self) -> int:
        return int(self.keys.shape[0])

    def to_dict(self) -> dict:
        return {"chunks": len(self), "bands": int(self.keys.shape[1]) if self.keys.ndim == 2 else 0}


def _chunk_bounds(ids: np.ndarray, avg: int, min_len: int, max_len: int) -> np.ndarray:
    """Chunk start offsets chosen by content: after a shingle whose hash is 0 mod ``avg``."""
    n = ids.size
    if n == 0:
        return np.zeros(0, np.int64)
    marks = np.flatnonzero(ids % np.uint32(avg) == 0) + 1
    starts = [0]
    last = 0
    for m in marks.tolist():
        while m - last > max_len:  # no mark for too long: cut so chunks stay comparable
            last += max_len
            starts.append(last)
        if m - last >= min_len and m < n:
            starts.append(m)
            last = m
    while n - last > max_len:
        last += max_len
        starts.append(last)
    return np.asarray(starts, dtype=np.int64)


def passage_keys(
    shingled: Shingled,
    hasher: MinHasher,
    *,
    bands: int = 8,
    rows: int = 4,
    avg: int = 32,
    min_len: int = 12,
    max_len: int = 160,
) -> PassageKeys:
    """Cut ``shingled`` into content-defined chunks and give each LSH band keys.

    >>> from .shingles import shingle_text
    >>> pk = passage_keys(shingle_text("一二三四五六七八九十" * 30, "zh"), MinHasher())
    >>> pk.keys.shape[1]
    8
    """
    if bands * rows > hasher.num_perm:
        raise ConfigError(f"bands × rows = {bands * rows} exceeds num_perm {hasher.num_perm}")
    starts = _chunk_bounds(shingled.ids, avg, min_len, max_len)
    if starts.size == 0:
        return PassageKeys(np.zeros((0, bands), np.uint64), np.zeros((0, 2), np.int32))
    lengths = np.diff(np.concatenate((starts, [shingled.ids.size])))
    sub = _SubHasher(hasher, bands * rows)
    sigs = sub._segments(shingled.ids, lengths)
    ends = np.concatenate((starts[1:], [shingled.ids.size])) - 1
    lines = np.stack((shingled.lines[starts], shingled.lines[ends]), axis=1).astype(np.int32)
    return PassageKeys(band_keys(sigs, bands, rows), lines)


class _SubHasher(MinHasher):
    """The first ``n`` permutations of ``hasher`` (chunks need fewer than whole documents)."""

    def __init__(self, hasher: MinHasher, n: int):  # noqa: D107 - private
        self.num_perm = n
        self.seed = hasher.seed
        self.a = hasher.a[:n]
        self.b = hasher.b[:n]


def passage_overlap(keys_a: np.ndarray, keys_b: np.ndarray) -> tuple[int, int]:
    """How many chunks of A share a band key with some chunk of B, and the reverse.

    >>> passage_overlap(np.array([[1, 2], [3, 4]], np.uint64), np.array([[9, 2]], np.uint64))
    (1, 1)
    """
    if keys_a.size == 0 or keys_b.size == 0:
        return 0, 0
    in_b = np.isin(keys_a, keys_b).any(axis=1)
    in_a = np.isin(keys_b, keys_a).any(axis=1)
    return int(in_b.sum()), int(in_a.sum())
