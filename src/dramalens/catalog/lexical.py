"""The lexical retrieval signal: sparse TF-IDF cosine over words and character n-grams.

On real retelling and synopsis sets (docs/catalog.md) a plain TF-IDF cosine beat every
fingerprint the catalog had: the embedding squeezes the same features into 128 dimensions and
loses the rare words (names of places, professions, objects) that tell two stories apart.
So the catalog keeps the unreduced vectors too.

Features (hashed into 2**20 buckets, so no vocabulary has to be stored):

- English: lower-cased words and word bigrams (as scikit-learn's ``ngram_range=(1, 2)``);
- Chinese: after OpenCC t2s, character unigrams and bigrams over Han characters, plus the
  Latin words among them. No word segmentation: over whole scripts jieba costs ~1 s a MB,
  character n-grams a few ms, and they are what the baseline uses (measured in docs).

Weights: sublinear tf (1 + ln tf) × smoothed idf (ln((n+1)/(df+1)) + 1) fitted on the catalog,
rows L2-normalised, so a dot product is a cosine. The raw counts are stored in each work's row
(counted by the import's workers, :mod:`.prepare`) and the idf is recomputed from them when the
index loads, so adding works never needs the old texts again and nothing is counted after the
import in the importing process. Catalogs stored before kept every work's counts in one blob
(the ``lexical`` model); they are read as they are until the next refresh moves the counts.
"""

from __future__ import annotations

import io
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

import numpy as np
import numpy.typing as npt

from ..text.convert import to_simplified
from ..text.han import HAN_CLASS, han_table
from .blobs import refill_work_blobs
from .store import Catalog, work_text

__all__ = ["BUCKETS", "LEXICAL_VERSION", "LexicalIndex", "LexicalRow", "catalog_lexical", "lexical_row", "lexical_text", "pack_row", "refresh_lexical", "unpack_row"]

#: Hash buckets: 2**20 keeps collisions rare for a catalog's vocabulary of words and bigrams.
BUCKETS = 1 << 20
#: Characters of each text the lexical vector is made from (title, synopsis, script start).
LEXICAL_CHARS = 20_000
#: Version of :func:`lexical_row`'s counting, recorded with the catalog's counts
#: (:mod:`.blobs`): raise it whenever a change counts a text differently.
LEXICAL_VERSION = 1

# Words of two characters or more ("a", "i" carry nothing), as scikit-learn's default tokens.
_EN_WORD = re.compile(r"\b\w\w+\b")
_ZH_RUN = re.compile(rf"[{HAN_CLASS}]+")
_LATIN = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class LexicalRow:
    """One text's hashed features: bucket numbers (sorted, int32) and their raw counts."""

    cols: npt.NDArray[np.int32]
    counts: npt.NDArray[np.float32]


# A token's bucket is the crc32 of its UTF-8 masked to BUCKETS; the counters below compute it
# for many tokens at once.


@lru_cache(maxsize=1)
def _crc_table() -> npt.NDArray[np.int64]:
    """zlib's CRC-32 byte table (the reflected polynomial 0xEDB88320)."""
    table = np.arange(256, dtype=np.int64)
    for _ in range(8):
        table = np.where(table & 1, (table >> 1) ^ 0xEDB88320, table >> 1)
    return table


def _utf8_crc32(chars: tuple[npt.NDArray[np.int64], ...]) -> npt.NDArray[np.int64]:
    """``zlib.crc32`` of the UTF-8 of each string ``chr(chars[0][i]) + chr(chars[1][i]) + …``,
    for code points of three or four UTF-8 bytes (U+0800 and above), computed for all strings at
    once: the table-driven CRC a byte at a time, each byte an array operation."""
    table = _crc_table()
    reg = np.full(chars[0].size, 0xFFFFFFFF, dtype=np.int64)
    for c in chars:
        four = c >= 0x10000
        if four.any():
            reg = np.where(four, table[(reg ^ (0xF0 | (c >> 18))) & 0xFF] ^ (reg >> 8), reg)
        for byte in (np.where(four, 0x80 | ((c >> 12) & 0x3F), 0xE0 | (c >> 12)), 0x80 | ((c >> 6) & 0x3F), 0x80 | (c & 0x3F)):
            reg = table[(reg ^ byte) & 0xFF] ^ (reg >> 8)
    return reg ^ 0xFFFFFFFF


def _han_buckets(text: str) -> npt.NDArray[np.int64]:
    """The bucket of every Han character of ``text`` and of each pair of adjacent ones (the
    unigrams and bigrams of every run of :data:`_ZH_RUN`), in no particular order: the crc32 of
    its UTF-8 as for any token, computed with NumPy for all of them at once."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype="<u4").astype(np.int64)
    han = han_table()[codes]
    pairs = np.flatnonzero(han[:-1] & han[1:])
    crcs = np.concatenate((_utf8_crc32((codes[han],)), _utf8_crc32((codes[pairs], codes[pairs + 1]))))
    return crcs & (BUCKETS - 1)


def lexical_row(text: str, language: str) -> LexicalRow:
    """The hashed term counts of ``text`` (``language`` ``zh`` or anything else for words).

    >>> r = lexical_row("The heir, the maid.", "en"); int(r.counts.sum())  # 4 words + 3 bigrams
    7
    >>> int(lexical_row("I am a heir", "en").counts.sum())  # am, heir + "am heir"
    3
    >>> int(lexical_row("重生复仇", "zh").counts.sum())  # 4 characters + 3 bigrams
    7
    """
    text = text[:LEXICAL_CHARS].lower()
    if language == "zh":
        text = to_simplified(text)
        buckets = _han_buckets(text)
        latin = _LATIN.findall(text)
        if latin:
            table, ids = _word_table(latin)
            buckets = np.concatenate((buckets, table[ids, 0] & (BUCKETS - 1)))
    else:
        buckets = _word_buckets(_EN_WORD.findall(text))
    cols, counts = np.unique(buckets, return_counts=True)  # each bucket once, sorted, its count
    return LexicalRow(cols.astype(np.int32), counts.astype(np.float32))


# Per word (memoised across texts, which share most of their words): the crc32 of the word,
# the CRC register after the word and a space, the register the word alone leaves from zero,
# and the word's length in UTF-8 bytes.
_WORD_CRCS: dict[str, tuple[int, int, int, int]] = {}
_WORD_CRCS_MAX = 500_000


def _memo_word(word: str) -> tuple[int, int, int, int]:
    data = word.encode("utf-8")
    crc = zlib.crc32(data)
    ones = _ones_pushed(len(data))
    row = _WORD_CRCS[word] = (crc, zlib.crc32(data + b" ") ^ 0xFFFFFFFF, crc ^ 0xFFFFFFFF ^ ones, len(data))
    return row


def _word_buckets(words: list[str]) -> npt.NDArray[np.int64]:
    """The bucket of every word and of each pair of adjacent words ``f"{a} {b}"``, with one crc32
    per distinct word and array operations for the pairs.

    A CRC register is linear over XOR: feeding bytes from register ``r`` leaves what feeding them
    from zero leaves, XOR what feeding as many zero bytes from ``r`` leaves. So the register after
    "a b" is b's register from zero XOR the register after "a " pushed through len(b) zero bytes.
    """
    if not words:
        return np.zeros(0, dtype=np.int64)
    table, ids = _word_table(words)
    words_crc: npt.NDArray[np.int64] = table[ids, 0]
    if ids.size < 2:
        return words_crc & (BUCKETS - 1)
    first, second = ids[:-1], ids[1:]
    reg = table[first, 1]
    sizes, which = np.unique(table[second, 3], return_inverse=True)
    lanes = np.stack([_zero_lanes(n) for n in sizes.tolist()])  # the zero-byte map of each length
    which = which.ravel()
    pushed = lanes[which, 0, reg & 0xFF] ^ lanes[which, 1, (reg >> 8) & 0xFF] ^ lanes[which, 2, (reg >> 16) & 0xFF] ^ lanes[which, 3, (reg >> 24) & 0xFF]
    pairs = table[second, 2] ^ pushed ^ 0xFFFFFFFF
    return np.concatenate((words_crc, pairs)) & (BUCKETS - 1)


def _word_table(words: list[str]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The :data:`_WORD_CRCS` rows of the distinct ``words`` (one a row) and each word's row."""
    memo = _WORD_CRCS
    if len(memo) >= _WORD_CRCS_MAX:
        memo.clear()
    distinct = list(dict.fromkeys(words))
    index = {word: i for i, word in enumerate(distinct)}
    rows = [memo.get(word) or _memo_word(word) for word in distinct]
    ids = np.fromiter(map(index.__getitem__, words), dtype=np.int64, count=len(words))
    return np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=4 * len(rows)).reshape(-1, 4), ids


@lru_cache(maxsize=512)
def _ones_pushed(n: int) -> int:
    """The register 0xFFFFFFFF (the CRC's start) after ``n`` zero bytes."""
    return int(_apply(_zero_lanes(n), np.array([0xFFFFFFFF], dtype=np.int64))[0])


def _apply(lanes: npt.NDArray[np.int64], reg: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The linear map of ``lanes`` (four 256-entry tables, one a register byte) on registers."""
    out: npt.NDArray[np.int64] = lanes[0][reg & 0xFF] ^ lanes[1][(reg >> 8) & 0xFF] ^ lanes[2][(reg >> 16) & 0xFF] ^ lanes[3][(reg >> 24) & 0xFF]
    return out


@lru_cache(maxsize=512)
def _zero_lanes(n: int) -> npt.NDArray[np.int64]:
    """The CRC register map of feeding ``n`` zero bytes, as tables for :func:`_apply` (the map
    is linear over XOR); n zero bytes are n // 2 twice, and one more when n is odd."""
    if n == 0:
        return np.arange(256, dtype=np.int64)[None, :] << np.array([[0], [8], [16], [24]], dtype=np.int64)
    lanes = _zero_lanes(n // 2)
    lanes = _apply(lanes, lanes)
    if n % 2:
        lanes = _crc_table()[lanes & 0xFF] ^ (lanes >> 8)
    return lanes


def lexical_text(title: str, synopsis: str, text: str | None) -> str:
    """What a catalog work's counts are made from: its title, synopsis and the start of its
    script (the same characters as :meth:`~.store.Catalog.texts_missing` reads back).

    >>> lexical_text("Rain", "", "INT. HOUSE")
    'Rain\\nINT. HOUSE'
    """
    return work_text(title, synopsis, text, LEXICAL_CHARS)


def pack_row(row: LexicalRow) -> bytes:
    """A row as stored with its work: the int32 buckets, then the float32 counts.

    >>> r = lexical_row("The heir, the maid.", "en"); unpack_row(pack_row(r)).counts.tolist() == r.counts.tolist()
    True
    """
    return row.cols.astype("<i4").tobytes() + row.counts.astype("<f4").tobytes()


def unpack_row(data: bytes) -> LexicalRow:
    """The row :func:`pack_row` stored."""
    n = len(data) // 8
    return LexicalRow(np.frombuffer(data, "<i4", n).astype(np.int32), np.frombuffer(data, "<f4", n, 4 * n).astype(np.float32))


@dataclass(frozen=True, slots=True)
class LexicalIndex:
    """Every work's TF-IDF vector as one CSR matrix (rows in ``ids`` order) and the idf."""

    ids: tuple[str, ...]
    indptr: npt.NDArray[np.int64]
    indices: npt.NDArray[np.int32]
    data: npt.NDArray[np.float32]
    owner: npt.NDArray[np.int64]  # the row of each stored value
    idf: npt.NDArray[np.float32]

    def vector(self, row: LexicalRow) -> npt.NDArray[np.float32]:
        """A text's weighted, L2-normalised vector as a dense array over the buckets."""
        q = np.zeros(BUCKETS, np.float32)
        if row.cols.size:
            w = (1.0 + np.log(row.counts)) * self.idf[row.cols]
            norm = float(np.linalg.norm(w))
            if norm > 0:
                q[row.cols] = w / norm
        return q

    def row_vector(self, i: int) -> npt.NDArray[np.float32]:
        """The stored work ``i``'s vector, dense."""
        q = np.zeros(BUCKETS, np.float32)
        s, e = int(self.indptr[i]), int(self.indptr[i + 1])
        q[self.indices[s:e]] = self.data[s:e]
        return q

    def cosines(self, q: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """The cosine of ``q`` (from :meth:`vector`) with every stored work."""
        n = len(self.ids)
        if not self.data.size:
            return np.zeros(n, np.float32)
        return np.bincount(self.owner, weights=self.data * q[self.indices], minlength=n).astype(np.float32)


def _build(ids: list[str], rows: list[LexicalRow]) -> LexicalIndex:
    n = len(rows)
    df = np.zeros(BUCKETS, np.float32)
    for r in rows:
        df[r.cols] += 1
    idf = (np.log((n + 1) / (df + 1)) + 1).astype(np.float32)
    sizes = np.fromiter((r.cols.size for r in rows), dtype=np.int64, count=n)
    indptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    indices = np.concatenate([r.cols for r in rows]) if n else np.zeros(0, np.int32)
    counts = np.concatenate([r.counts for r in rows]) if n else np.zeros(0, np.float32)
    data = ((1.0 + np.log(np.maximum(counts, 1.0))) * idf[indices]).astype(np.float32)
    owner = np.repeat(np.arange(n, dtype=np.int64), sizes)
    norms = np.sqrt(np.bincount(owner, weights=data.astype(np.float64) ** 2, minlength=n))
    if data.size:
        data /= np.where(norms > 0, norms, 1.0)[owner].astype(np.float32)
    return LexicalIndex(tuple(ids), indptr, indices.astype(np.int32), data, owner, idf)


def _unpack(data: bytes) -> dict[str, tuple[int, LexicalRow]]:
    with np.load(io.BytesIO(data)) as z:
        ids = [str(i) for i in z["ids"]]
        keys, sizes, cols, counts = z["keys"], z["sizes"], z["cols"], z["counts"]
    ends = np.cumsum(sizes)
    out = {}
    for i, wid in enumerate(ids):
        s, e = int(ends[i] - sizes[i]), int(ends[i])
        out[wid] = (int(keys[i]), LexicalRow(cols[s:e], counts[s:e]))
    return out


def refresh_lexical(catalog: Catalog) -> int:
    """Count the terms of every work stored without counts (works stored before the counts
    were kept per work, or fingerprinted outside an import), a batch at a time, and mark the
    catalog's lexical index as read from the works' rows. Returns how many works were counted.

    >>> refresh_lexical(Catalog("sqlite://"))
    0
    """
    counted = refill_work_blobs(catalog, "lexical", LEXICAL_VERSION, LEXICAL_CHARS, lambda text, language: pack_row(lexical_row(text, language)),
                                fitted="lexical")
    works = catalog.count()
    stored = catalog.get_model("lexical")
    if counted or stored is None or stored[0] is not None or stored[1].get("works") != works:
        catalog.set_model("lexical", None, {"works": works, "buckets": BUCKETS, "per_work": True})
    return counted


def catalog_lexical(catalog: Catalog) -> LexicalIndex | None:
    """The catalog's lexical index (built once until the next write), or None before one is stored.

    >>> catalog_lexical(Catalog("sqlite://")) is None
    True
    """
    stored = catalog.get_model("lexical")
    if stored is None:
        return None
    data, meta = stored
    if not data and not meta.get("per_work"):
        return None

    def make() -> LexicalIndex:
        if data:  # a catalog refreshed before the counts were kept per work: its one blob
            old = _unpack(data)
            return _build(list(old), [row for _key, row in old.values()])
        ids: list[str] = []
        rows: list[LexicalRow] = []
        for work_id, packed in catalog.work_blobs("lexical"):
            if packed is not None:  # not counted yet: not in the index, as before a refresh
                ids.append(work_id)
                rows.append(unpack_row(packed))
        return _build(ids, rows)

    return catalog.cached("lexical", LexicalIndex, make)
