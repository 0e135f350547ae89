"""Text → shingles: the units MinHash and passage matching work on.

Chinese: OpenCC traditional→simplified, speaker prefixes (``林晚：``) and punctuation removed,
known character names masked, then character n-grams (n=5) over the normalised stream.
English: lower-cased words, names masked, word 3-shingles.

Every shingle keeps the source line it starts on, so a shared shingle points back into both
files (the evidence of :func:`dramalens.catalog.similar`). Shingle ids are stable 32-bit
hashes (no Python ``hash``: it differs between processes, and Dask workers must agree).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..errors import ConfigError
from ..text.convert import needs_conversion, to_simplified
from ..text.han import HAN_CLASS
from ..text.normalise import fold_width

__all__ = ["MASK", "Shingled", "keep_table", "mask_names", "mix64", "normalize_line", "shingle_lines", "shingle_lines_multi", "shingle_text"]

#: What a masked name becomes: a rare Han character, so "林晚" and "苏晴" shingle the same.
MASK = "囗"

_MUL = np.uint64(0x100000001B3)  # FNV prime: the polynomial base for rolling n-gram hashes
_SPEAKER = re.compile(rf"^\s*[{HAN_CLASS}A-Za-z0-9·]{{1,10}}(?:[（(][^）)]{{0,12}}[）)])?\s*[：:]")
_KEEP_ZH = re.compile(rf"[^{HAN_CLASS}a-z0-9]+")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# Structure every script has (episode and scene heads, cast lines, markers, title-page keys,
# transitions): shared by all works, so it is left out of the text that is compared.
_STRUCTURE_ZH = re.compile(
    r"^\s*(?:第\s*[0-9一二三四五六七八九十百零〇两]+\s*[集回章]|\d+\s*[-－—.]\s*\d+\s|场景[：:]|(?:出场)?人物[：:]|剧名[：:]|【[^】]{0,12}】\s*$|(?:[Ee][Pp]\.?\s*\d+))"
)
_STRUCTURE_EN = re.compile(
    r"^\s*(?:(?:INT|EXT|EST|INT\.?/EXT|I/E)[\s.]|#|={3,}|\[\[|(?:title|credit|author|authors|source|draft date|contact|notes?)\s*:|[A-Z][A-Z\s]+TO:\s*$|FADE (?:IN|OUT))",
    re.I,
)
_MASK_RUN = re.compile(MASK + "{2,}")


def mix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser on a uint64 array: spreads every input bit over the output.

    >>> int(mix64(np.array([1], dtype=np.uint64))[0]) != 1
    True
    """
    with np.errstate(over="ignore"):
        return _mix64_inplace(x.astype(np.uint64, copy=True))


@dataclass(frozen=True, slots=True)
class Shingled:
    """Shingles of one text: ``ids`` (uint32, in text order, repeats kept) and ``lines``
    (int32, the 1-based source line each shingle starts on)."""

    ids: np.ndarray
    lines: np.ndarray

    def __len__(self) -> int:
        return int(self.ids.size)

    def to_dict(self) -> dict[str, int]:
        return {"shingles": len(self), "distinct": int(np.unique(self.ids).size)}


def normalize_line(line: str, language: str, names: tuple[str, ...] = ()) -> str:
    """One source line as the shingler sees it (names already sorted longest first).

    >>> normalize_line("林晚（冷笑）：你敢！", "zh", ("林晚",))
    '你敢'
    >>> normalize_line("Anna looks at Bob.", "en", ("anna", "bob"))
    '囗 looks at 囗'
    >>> normalize_line("1-1 日 内 客厅", "zh")
    ''
    """
    line = fold_width(line)  # full-width letters and digits are the ASCII ones
    if language == "zh":
        if _STRUCTURE_ZH.match(line):
            return ""
        line = _SPEAKER.sub("", line, count=1)
        for name in names:
            if name in line:
                line = line.replace(name, MASK)
        return _MASK_RUN.sub(MASK, _KEEP_ZH.sub("", line.lower()))
    if _STRUCTURE_EN.match(line):
        return ""
    words = _WORD.findall(line.lower())
    if names:
        masked = set(names)
        words = [MASK if w in masked else w for w in words]
    return " ".join(words)


def _prepare_names(names: Iterable[str], language: str) -> tuple[str, ...]:
    out: set[str] = set()
    stripped = [name for name in ((name or "").strip() for name in names or ()) if name]
    if language == "zh":
        kept = [name for name in stripped if len(name) >= 2]  # one-character "names" would mask ordinary words
        joined = "\n".join(kept)
        if kept and "\n" not in "".join(kept) and not needs_conversion(joined):
            # OpenCC would change none of them, and width folding maps each character alone
            # (never to a newline): one call for all the names instead of two a name.
            out.update(fold_width(joined).split("\n"))
        else:
            out.update(fold_width(to_simplified(name)) for name in kept)
    else:
        for name in stripped:
            out.update(w for w in _WORD.findall(fold_width(name).lower()) if len(w) > 1)
    # Longest first (a name inside a longer one is masked after it), then by the name itself:
    # set order follows the per-process string hash, and two names of one length that overlap
    # would otherwise be masked in a different order in each worker.
    return tuple(sorted(out, key=lambda name: (-len(name), name)))


def shingle_lines(lines: list[str], language: str, *, k: int | None = None, names: Iterable[str] = ()) -> Shingled:
    """Shingles of a text given as source lines (line numbers are 1-based positions in ``lines``).

    >>> s = shingle_lines(["第1集", "林晚：我回来了，你们等着。"], "zh", names=["林晚"])
    >>> len(s) > 0 and int(s.lines.min()) >= 1
    True
    """
    return shingle_lines_multi(lines, language, ks=(k or (5 if language == "zh" else 3),), names=names)[0]


def shingle_lines_multi(lines: list[str], language: str, *, ks: tuple[int, ...], names: Iterable[str] = ()) -> list[Shingled]:
    """Shingles of several sizes from one normalisation pass (the fingerprinter wants short
    shingles for MinHash and long ones for passage prints).

    >>> [len(s) for s in shingle_lines_multi(["a b c d e"], "en", ks=(3, 4))]
    [3, 2]
    """
    if language not in ("zh", "en"):
        raise ConfigError(f"language must be 'zh' or 'en', got {language!r}")
    for k in ks:
        if not isinstance(k, int) or k < 1 or k > 32:
            raise ConfigError(f"shingle size k must be 1..32, got {k!r}")
    masked = _prepare_names(names, language)
    if language == "zh":
        codes, unit_lines = _zh_units(lines, masked)
    else:
        codes, unit_lines = _en_units(lines, masked)
    return _ngrams_multi(codes, unit_lines, ks)


# Word ids (crc32 + 1) are memoised across documents: scripts share most of their vocabulary.
_WORD_IDS: dict[str, int] = {}
_WORD_IDS_MAX = 500_000


def _en_units(lines: list[str], masked: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Word ids (uint64) of the normalised English text and the 1-based line of each word: the
    words :func:`normalize_line` keeps, without joining and splitting them again."""
    tokens: list[str] = []
    per_line: list[int] = []
    structure = _STRUCTURE_EN.match
    findall = _WORD.findall
    masked_set = set(masked)
    for line in map(fold_width, lines):
        if structure(line):
            per_line.append(0)
            continue
        words = findall(line.lower())
        if masked_set:
            words = [MASK if w in masked_set else w for w in words]
        tokens.extend(words)
        per_line.append(len(words))
    ids = _WORD_IDS
    if len(ids) >= _WORD_IDS_MAX:
        ids.clear()
    for w in tokens:
        if w not in ids:
            ids[w] = zlib.crc32(w.encode("utf-8")) + 1
    codes = np.fromiter(map(ids.__getitem__, tokens), dtype=np.uint64, count=len(tokens))
    counts = np.fromiter(per_line, dtype=np.int64, count=len(per_line))
    return codes, np.repeat(np.arange(1, len(per_line) + 1, dtype=np.int32), counts)


def shingle_text(text: str, language: str, *, k: int | None = None, names: Iterable[str] = ()) -> Shingled:
    """Shingles of a whole text.

    >>> len(shingle_text("the cat sat on the mat", "en"))
    4
    """
    return shingle_lines(text.split("\n"), language, k=k, names=names)


def _zh_units(lines: list[str], masked: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Code points (uint64) of the normalised Chinese stream and the 1-based line of each.

    The same result as :func:`normalize_line` on every line, computed per document: OpenCC runs
    once (and not at all on text it would not change), structure lines and speaker prefixes are
    the only per-line regex work, names are masked in one pass over the joined text, and
    lower-casing, the character filter and the collapse of mask runs are NumPy over code points.
    """
    joined = "\n".join(lines)
    converted = fold_width(to_simplified(joined))  # maps a character to at most one, never to a newline
    conv_lines = converted.split("\n") if converted is not joined else lines
    if len(conv_lines) != len(lines) or converted.count("\n") != len(lines) - 1:
        # a line held a newline, or OpenCC changed their number: the per-line path is exact
        return _zh_units_per_line([to_simplified(line) for line in lines], masked)
    parts: list[str] = []
    append = parts.append
    structure = _STRUCTURE_ZH.match
    speaker = _SPEAKER.match
    for line in conv_lines:
        if structure(line):
            append("")
            continue
        m = speaker(line)  # anchored at the start: the same as sub(..., count=1)
        append(line[m.end() :] if m else line)
    text = "\n".join(parts)
    if any("\n" in name or MASK in name for name in masked):
        return _zh_units_per_line(conv_lines, masked)
    text = mask_names(text, masked)  # a name never spans lines: once over the text = per line
    codes = np.frombuffer(text.lower().encode("utf-32-le"), dtype="<u4")
    keep = keep_table()[codes]
    if len(parts) > 1:
        line_of = np.cumsum(codes == 10, dtype=np.int32)[keep]
        line_of += 1
    else:
        line_of = np.ones(int(np.count_nonzero(keep)), dtype=np.int32)
    codes = codes[keep]
    if codes.size > 1 and MASK in text:
        # a run of masks within one line is one mask (the _MASK_RUN rule of normalize_line)
        is_mask = codes == _MASK_CODE
        repeat = np.zeros(codes.size, dtype=bool)
        repeat[1:] = is_mask[1:] & is_mask[:-1] & (line_of[1:] == line_of[:-1])
        if repeat.any():
            codes = codes[~repeat]
            line_of = line_of[~repeat]
    return codes.astype(np.uint64), line_of


def mask_names(text: str, names: tuple[str, ...]) -> str:
    """``text`` with each of ``names`` replaced by :data:`MASK`, as replacing them one after
    the other in the given order (``text.replace(name, MASK)``) does, where no name holds MASK.

    Two scans of the whole text a name cost ~10 ms a script with 130 names. Here a name no
    other name can overlap (none holds it, it holds none, no end of it begins another) is
    replaced with all such names by one regex substitution: at a position at most one of them
    matches, and nothing another name does touches its occurrences (no name holds MASK, so a
    replacement makes no new occurrence). The names that can overlap are replayed: one regex
    scan finds each one's occurrences in the text, and an occurrence survives the names
    replaced before it when none of their replacements touched it; ``str.replace`` takes the
    survivors leftmost first, never two overlapping.

    >>> mask_names("林晚晴和林晚", ("林晚晴", "林晚"))
    '囗和囗'
    >>> mask_names("ABCD", ("ABC", "CD")), mask_names("XABC", ("ABC", "XAB"))
    ('囗D', 'X囗')
    """
    if not names or not text:
        return text
    if MASK in "".join(names):
        raise ValueError("a name holds the mask character")
    alone, tied, pattern, prefixes = _name_groups(names)
    if alone is not None:
        text = alone.sub(MASK, text)
    if pattern is None:
        return text
    found: dict[str, list[int]] = {}
    search = pattern.search
    m = search(text)
    while m is not None:
        start = m.start()
        for name in prefixes[m.group()]:  # every name matching here is a prefix of the longest
            found.setdefault(name, []).append(start)
        m = search(text, start + 1)
    if not found:
        return text
    taken = bytearray(len(text) + 1)
    spans: list[tuple[int, int]] = []
    for name in tied:  # the order the names are replaced in
        starts = found.get(name)
        if not starts:
            continue
        size = len(name)
        free = 0  # str.replace resumes after the occurrence it replaced
        for start in starts:
            end = start + size
            if start < free or 1 in taken[start:end]:
                continue
            taken[start:end] = b"\x01" * size
            spans.append((start, end))
            free = end
    spans.sort()
    pieces: list[str] = []
    prev = 0
    for start, end in spans:
        pieces.append(text[prev:start])
        pieces.append(MASK)
        prev = end
    pieces.append(text[prev:])
    return "".join(pieces)


_NameGroups = tuple["re.Pattern[str] | None", tuple[str, ...], "re.Pattern[str] | None", dict[str, tuple[str, ...]]]


@lru_cache(maxsize=256)
def _name_groups(names: tuple[str, ...]) -> _NameGroups:
    """(a regex of the names no other name can overlap, the other names in their order, a regex
    matching the longest of those at a position, and for each of them the ones that are
    prefixes of it, itself included: they match wherever it does)."""
    distinct = sorted(set(names), key=lambda n: (-len(n), n))
    chars = set("".join(distinct))
    sep = next(c for c in map(chr, range(0x110000)) if c not in chars)
    joined = sep + sep.join(distinct) + sep  # each name once, none spanning a separator
    heads: dict[str, list[str]] = {}  # proper prefix -> the names beginning with it
    for name in distinct:
        for i in range(1, len(name)):
            heads.setdefault(name[:i], []).append(name)
    overlapping: set[str] = set()
    for name in distinct:
        others: set[str] = set()
        if joined.count(name) > 1:  # another name holds it
            others.update(n for n in distinct if len(n) > len(name) and name in n)
        for i in range(1, len(name)):  # the names an end of this one begins (itself aside)
            others.update(n for n in heads.get(name[i:], ()) if n != name)
        if others:
            overlapping |= others
            overlapping.add(name)
    alone = [n for n in distinct if n not in overlapping]
    tied = [n for n in distinct if n in overlapping]
    known = set(tied)
    prefixes = {n: tuple(n[:i] for i in range(len(n), 0, -1) if n[:i] in known) for n in tied}
    return (
        re.compile("|".join(map(re.escape, alone))) if alone else None,
        tuple(n for n in names if n in known),
        re.compile("|".join(map(re.escape, tied))) if tied else None,
        prefixes,
    )


def _zh_units_per_line(conv_lines: list[str], masked: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The reference formulation of :func:`_zh_units` (lines already converted by OpenCC)."""
    parts = [normalize_line(line, "zh", masked) for line in conv_lines]
    stream = "".join(parts)
    lengths = np.fromiter((len(p) for p in parts), dtype=np.int64, count=len(parts))
    unit_lines = np.repeat(np.arange(1, len(parts) + 1, dtype=np.int32), lengths)
    return np.frombuffer(stream.encode("utf-32-le"), dtype="<u4").astype(np.uint64), unit_lines


_MASK_CODE = ord(MASK)


@lru_cache(maxsize=1)
def keep_table() -> np.ndarray:
    """Code points the Chinese normalisation keeps (Han, a-z, 0-9), as a lookup table by code
    point (a bool per code point up to U+10FFFF).

    >>> bool(keep_table()[ord("林")]), bool(keep_table()[ord("，")])
    (True, False)
    """
    table = np.zeros(0x110000, dtype=bool)
    for lo, hi in (*_class_ranges(HAN_CLASS), (0x61, 0x7A), (0x30, 0x39)):
        table[lo : hi + 1] = True
    return table


def _class_ranges(char_class: str) -> list[tuple[int, int]]:
    """The (first, last) code points of a character class body made of ``a-b`` ranges."""
    if len(char_class) % 3 or any(char_class[i] != "-" for i in range(1, len(char_class), 3)):
        raise ValueError(f"expected a class of a-b ranges, got {char_class!r}")
    return [(ord(char_class[i]), ord(char_class[i + 2])) for i in range(0, len(char_class), 3)]
# The rolling hash of k units is sum(code[i + j] * MUL**(k - 1 - j)) mod 2**64. MUL is odd, so
# it has an inverse mod 2**64, and the hash of every window is one prefix-sum difference:
# MUL**(i + k - 1) * (P[i + k] - P[i]) with P the prefix sums of code[t] * MUL**-t. That is four
# array operations for any k (and the prefix sums are shared by all sizes) instead of 2k.
_MUL_INV = np.uint64(pow(0x100000001B3, -1, 1 << 64))
_POWERS: list[np.ndarray] = [np.ones(1, np.uint64), np.ones(1, np.uint64)]  # MUL**t, MUL**-t


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """MUL**t and MUL**-t (mod 2**64) for t < n, cached and grown by doubling."""
    pos, neg = _POWERS
    if pos.size < n:
        size = max(n, 2 * pos.size, 4096)
        pos = np.full(size, _MUL, dtype=np.uint64)
        neg = np.full(size, _MUL_INV, dtype=np.uint64)
        pos[0] = neg[0] = 1
        np.cumprod(pos, out=pos)  # wraps mod 2**64, as the hash does
        np.cumprod(neg, out=neg)
        _POWERS[:] = [pos, neg]
    return pos, neg


def _mix64_inplace(x: np.ndarray) -> np.ndarray:
    """:func:`mix64` on a uint64 array this module owns (no copy, no temporaries kept)."""
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


def _ngrams_multi(codes: np.ndarray, unit_lines: np.ndarray, ks: tuple[int, ...]) -> list[Shingled]:
    """:func:`_ngrams` for several sizes, sharing the prefix sums."""
    if codes.size == 0:
        return [Shingled(np.zeros(0, np.uint32), np.zeros(0, np.int32)) for _ in ks]
    size = int(codes.size)
    pos, neg = _powers(size + 1)
    prefix = np.zeros(size + 1, dtype=np.uint64)
    np.multiply(codes, neg[:size], out=prefix[1:])
    np.cumsum(prefix, out=prefix)
    out = []
    for k in ks:
        k = min(k, size)  # a text shorter than one shingle is one shingle
        n = size - k + 1
        h = prefix[k:] - prefix[:n]
        h *= pos[k - 1 : k - 1 + n]
        h = _mix64_inplace(h)
        h >>= np.uint64(32)
        out.append(Shingled(h.astype(np.uint32), unit_lines[:n]))
    return out


def _ngrams(codes: np.ndarray, unit_lines: np.ndarray, k: int) -> Shingled:
    """Rolling polynomial hash of every ``k`` consecutive units (chars or word ids), mixed.

    >>> s = _ngrams(np.arange(1, 8, dtype=np.uint64), np.ones(7, np.int32), 3)
    >>> len(s), s.ids.dtype.name
    (5, 'uint32')
    """
    return _ngrams_multi(codes, unit_lines, (k,))[0]
