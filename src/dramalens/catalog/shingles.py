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
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..errors import ConfigError

__all__ = ["MASK", "Shingled", "mix64", "normalize_line", "shingle_lines", "shingle_lines_multi", "shingle_text"]

#: What a masked name becomes: a rare Han character, so "林晚" and "苏晴" shingle the same.
MASK = "囗"

_MUL = np.uint64(0x100000001B3)  # FNV prime: the polynomial base for rolling n-gram hashes
_SPEAKER = re.compile(r"^\s*[\u4e00-\u9fffA-Za-z0-9·]{1,10}(?:[（(][^）)]{0,12}[）)])?\s*[：:]")
_KEEP_ZH = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fffa-z0-9]+")
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


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def mix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser on a uint64 array: spreads every input bit over the output.

    >>> int(mix64(np.array([1], dtype=np.uint64))[0]) != 1
    True
    """
    x = x.astype(np.uint64, copy=True)
    with np.errstate(over="ignore"):
        x ^= x >> np.uint64(30)
        x *= np.uint64(0xBF58476D1CE4E5B9)
        x ^= x >> np.uint64(27)
        x *= np.uint64(0x94D049BB133111EB)
        x ^= x >> np.uint64(31)
    return x


@dataclass(frozen=True, slots=True)
class Shingled:
    """Shingles of one text: ``ids`` (uint32, in text order, repeats kept) and ``lines``
    (int32, the 1-based source line each shingle starts on)."""

    ids: np.ndarray
    lines: np.ndarray

    def __len__(self) -> int:
        return int(self.ids.size)

    def to_dict(self) -> dict:
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


def _prepare_names(names, language: str) -> tuple[str, ...]:
    out: set[str] = set()
    for name in names or ():
        name = (name or "").strip()
        if not name:
            continue
        if language == "zh":
            if len(name) >= 2:  # one-character "names" would mask ordinary words
                out.add(_t2s().convert(name))
        else:
            out.update(w for w in _WORD.findall(name.lower()) if len(w) > 1)
    return tuple(sorted(out, key=len, reverse=True))


def shingle_lines(lines: list[str], language: str, *, k: int | None = None, names=()) -> Shingled:
    """Shingles of a text given as source lines (line numbers are 1-based positions in ``lines``).

    >>> s = shingle_lines(["第1集", "林晚：我回来了，你们等着。"], "zh", names=["林晚"])
    >>> len(s) > 0 and int(s.lines.min()) >= 1
    True
    """
    return shingle_lines_multi(lines, language, ks=(k or (5 if language == "zh" else 3),), names=names)[0]


def shingle_lines_multi(lines: list[str], language: str, *, ks: tuple[int, ...], names=()) -> list[Shingled]:
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
        joined = "\n".join(lines)
        converted = _t2s().convert(joined)
        conv_lines = converted.split("\n")
        if len(conv_lines) != len(lines):  # OpenCC never adds newlines, but stay safe
            conv_lines = [_t2s().convert(line) for line in lines]
        parts = [normalize_line(line, "zh", masked) for line in conv_lines]
        stream = "".join(parts)
        lengths = np.fromiter((len(p) for p in parts), dtype=np.int64, count=len(parts))
        unit_lines = np.repeat(np.arange(1, len(parts) + 1, dtype=np.int32), lengths)
        codes = np.frombuffer(stream.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    else:
        tokens: list[str] = []
        token_lines: list[int] = []
        for number, line in enumerate(lines, start=1):
            norm = normalize_line(line, "en", masked)
            if norm:
                words = norm.split(" ")
                tokens.extend(words)
                token_lines.extend([number] * len(words))
        cache: dict[str, int] = {}
        codes = np.fromiter(
            (cache.setdefault(w, zlib.crc32(w.encode("utf-8")) + 1) for w in tokens), dtype=np.uint64, count=len(tokens)
        )
        unit_lines = np.asarray(token_lines, dtype=np.int32)
    return [_ngrams(codes, unit_lines, k) for k in ks]


def shingle_text(text: str, language: str, *, k: int | None = None, names=()) -> Shingled:
    """Shingles of a whole text.

    >>> len(shingle_text("the cat sat on the mat", "en"))
    4
    """
    return shingle_lines(text.split("\n"), language, k=k, names=names)


def _ngrams(codes: np.ndarray, unit_lines: np.ndarray, k: int) -> Shingled:
    """Rolling polynomial hash of every ``k`` consecutive units (chars or word ids), mixed."""
    if codes.size == 0:
        return Shingled(np.zeros(0, np.uint32), np.zeros(0, np.int32))
    k = min(k, int(codes.size))  # a text shorter than one shingle is one shingle
    n = codes.size - k + 1
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            h = h * _MUL + codes[j : j + n]
    return Shingled((mix64(h) >> np.uint64(32)).astype(np.uint32), unit_lines[:n])
