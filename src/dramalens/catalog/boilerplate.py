"""Shared boilerplate is not evidence of copying.

A series intro, a podcast's credits, a platform's notice or a studio's disclaimer is pasted
verbatim into many works whose stories have nothing in common. Its long shingles are exactly
what the passage prints look for, and it lifts the whole-text MinHash Jaccard too, so without a
discount five unrelated works that end with the same credit paragraph come out as near-copies
of one another (seen on real exports: three podcast episodes sharing one paragraph).

The rule (:func:`boilerplate_prints`, computed with the catalog index): a passage print is shared
boilerplate when it is found in :data:`BOILERPLATE_WORKS` works or more; or, between synopses
(works without a full script), in :data:`FEW_WORKS` or more whose owners share nothing else
pairwise (no two of them share ``MIN_SHARED`` prints of their own): a paragraph repeated word for
word in three one-paragraph synopses that are otherwise unrelated is a series or platform
template. Between full scripts that second clause does not apply: a block of scenes found in
three scripts and nothing else shared is what a source copied by two works looks like (the
planted corpus has 11 such families, and the clause cost them 3 points of recall). Prints in
more than ``MAX_DF`` works are stock phrases and count for nothing at all. Between two works:

- passage containment counts only their *distinctive* shared prints, those found in fewer works;
- the Jaccard is discounted by what the shared boilerplate explains: if a share ``b`` of the
  smaller work's prints is shared boilerplate, two works that share nothing else have a Jaccard
  of about ``jb = b / (2 − b)``, so the evidence is ``(J − jb) / (1 − jb)``, clipped at 0;
- two works that remain whole-text duplicates after that discount (≥ :data:`DUPLICATE_JACCARD`:
  a re-upload, three copies of one script) are duplicates all the same, and their shared
  boilerplate counts with the rest.

What print counts cannot tell apart: a passage copied into five or more works reads as
boilerplate, and so does one paragraph copied into two synopses and nothing else (a whole
synopsis re-listed under another title is still a duplicate, by the Jaccard). The near-copy test
on the planted corpus (docs/catalog.md) measures the cost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .minhash import MAX_DF, MIN_SHARED

__all__ = ["BOILERPLATE_WORKS", "DUPLICATE_JACCARD", "FEW_WORKS", "Overlap", "boilerplate_prints", "discounted", "overlap"]

#: A passage print in this many works or more is shared boilerplate, not evidence of copying.
BOILERPLATE_WORKS = 5
#: ... and in this many or more, when no two of its works share prints of their own.
FEW_WORKS = 3
#: A Jaccard (after the discount) from which two works are whole-text duplicates regardless.
DUPLICATE_JACCARD = 0.5


@dataclass(frozen=True, slots=True)
class Overlap:
    """The passage prints two works share: ``distinct`` (evidence) and ``boilerplate`` (in
    :data:`BOILERPLATE_WORKS`+ works), and ``size``, the prints of the smaller work."""

    distinct: int
    boilerplate: int
    size: int


def overlap(a: npt.NDArray[np.uint32], b: npt.NDArray[np.uint32], *, common: npt.NDArray[np.uint32] | None = None,
            shared: npt.NDArray[np.uint32] | None = None) -> Overlap:
    """The prints of ``a`` and ``b`` (sorted, unique) both hold, less ``common`` stock phrases,
    split by ``shared`` (the catalog's boilerplate prints, sorted).

    >>> overlap(np.arange(10, dtype=np.uint32), np.arange(5, 40, dtype=np.uint32), shared=np.array([8, 9], np.uint32))
    Overlap(distinct=3, boilerplate=2, size=10)
    """
    size = int(min(a.size, b.size))
    if size == 0:
        return Overlap(0, 0, 0)
    both = np.intersect1d(a, b, assume_unique=True)
    if common is not None and common.size and both.size:
        both = both[~np.isin(both, common, assume_unique=True)]
    boiler = int(np.count_nonzero(np.isin(both, shared, assume_unique=True))) if shared is not None and shared.size and both.size else 0
    return Overlap(int(both.size) - boiler, boiler, size)


def discounted(jaccard: float, ov: Overlap) -> tuple[float, float]:
    """(Jaccard, containment) as evidence of copying, shared boilerplate discounted (module doc).
    Containment is 0 below ``MIN_SHARED`` shared prints.

    >>> discounted(0.33, Overlap(0, 40, 80))  # half of each text is the same credit paragraph
    (0.0, 0.0)
    >>> discounted(0.6, Overlap(30, 40, 80))  # a copy that also carries the credit paragraph
    (0.4, 0.375)
    >>> discounted(1.0, Overlap(0, 80, 80))  # a re-upload whose every print is in 3+ works
    (1.0, 1.0)
    """
    if ov.size == 0:
        return jaccard, 0.0
    b = ov.boilerplate / ov.size if ov.boilerplate >= MIN_SHARED else 0.0
    if b >= 1.0:  # nothing but shared prints: the Jaccard alone says whether they are one text
        j = jaccard
    else:
        jb = b / (2.0 - b)
        j = max(0.0, (jaccard - jb) / (1.0 - jb))
    shared = ov.distinct + (ov.boilerplate if j >= DUPLICATE_JACCARD else 0)
    containment = shared / ov.size if shared >= MIN_SHARED else 0.0
    return round(j, 4), round(min(containment, 1.0), 4)


def boilerplate_prints(key_sorted: npt.NDArray[np.uint32], key_owner: npt.NDArray[np.int64],
                       synopsis: npt.NDArray[np.bool_]) -> npt.NDArray[np.uint32]:
    """The catalog's shared-boilerplate prints (sorted), from every work's prints sorted by value
    (``key_sorted``), the row owning each (``key_owner``, rows ascending within a value) and
    which rows are synopses without a full script (``synopsis``).

    >>> keys = np.array([1, 1, 1, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5], np.uint32)  # 1, 3, 4: in works 0-2
    >>> owners = np.array([0, 1, 2, 0, 1, 0, 1, 2, 0, 1, 2, 0, 1], np.int64)
    >>> synopses = np.ones(3, bool)
    >>> boilerplate_prints(keys, owners, synopses).tolist()  # works 0 and 1 share 2 prints of their own: < MIN_SHARED
    [1, 3, 4]
    >>> boilerplate_prints(np.append(keys, [6, 6]).astype(np.uint32), np.append(owners, [0, 1]), synopses).tolist()  # now 3: a family
    []
    >>> boilerplate_prints(keys, owners, np.array([True, True, False])).tolist()  # work 2 is a script
    []
    """
    if key_sorted.size == 0:
        return np.zeros(0, np.uint32)
    values, start, counts = np.unique(key_sorted, return_index=True, return_counts=True)
    n = int(key_owner.max()) + 1
    pair_start = start[counts == 2]  # prints exactly two works hold: pairs related on their own
    codes = key_owner[pair_start] * n + key_owner[pair_start + 1]
    pair_codes, pair_counts = np.unique(codes, return_counts=True)
    related = pair_codes[pair_counts >= MIN_SHARED]
    out = [values[(counts >= BOILERPLATE_WORKS) & (counts <= MAX_DF)]]
    for df in range(FEW_WORKS, min(BOILERPLATE_WORKS, MAX_DF + 1)):
        sel = np.flatnonzero(counts == df)
        if not sel.size:
            continue
        own = key_owner[start[sel][:, None] + np.arange(df)]  # (m, df), ascending rows
        i, j = np.triu_indices(df, 1)
        family = np.isin(own[:, i] * n + own[:, j], related).any(axis=1) | ~synopsis[own].all(axis=1)
        out.append(values[sel[~family]])
    return np.sort(np.concatenate(out)).astype(np.uint32)
