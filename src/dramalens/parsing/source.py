"""Reading a file safely: size limit before reading, binary refusal, encoding detection.

Everything a parser sees goes through here, so the checks that protect against hostile or
broken input live in one place.
"""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import CharsetMatch, from_bytes

from ..errors import InputError
from ..settings import DEFAULT_MAX_BYTES
from ..text.han import CJK

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Source",
    "decode_bytes",
    "read_bytes",
    "read_source",
]

# charset-normalizer detects every encoding; the rules below are where measurement
# (benchmarks/bench_encoding.py: the golden inputs and 96 generated samples of 5-5000
# characters per group: Chinese in UTF-8 ± BOM, UTF-8 cut mid-character, GB18030, GBK, Big5,
# UTF-16 LE/BE ± BOM; English in UTF-8, cp1252 and UTF-16 LE/BE) showed it wrong for this
# industry's files, and what dramalens does instead.

#: charset-normalizer's limit on "chaos" (its mess score). Its default, 0.2, refuses real
#: scripts in GB18030, GBK and Big5 outright, because script markup (△, 【】, full-width colons,
#: many short lines) reads as mess to it: with 0.2 it gets 67/96 GB18030, 67/96 GBK, 69/96 Big5
#: and 80/96 UTF-16 (no BOM) samples right; with 0.5, 77, 77, 82 and 95, every miss left below
#: 40 characters (the next rule).
_CHAOS_LIMIT = 0.5

#: Below this many bytes, an input mostly of non-ASCII bytes is not left to charset-normalizer:
#: on a few dozen characters of Chinese it picks Korean, Japanese, Thai or Latin code pages, or
#: GB18030 for Big5 and the reverse (measured: 19/96 GB18030 and 14/96 Big5 samples wrong, all
#: of 40 characters or fewer; with this rule 0/96 and 0/96).
#: Of the decodings below that succeed, the one whose characters are most often ordinary text
#: wins, counting only the commonest Han characters as ordinary: a Big5 file read as GB18030
#: (or the reverse) is valid CJK too, but of rare characters. Ties go to the earlier codec.
#: Mostly-ASCII short inputs (English in cp1252, say) still go to charset-normalizer.
_SHORT_BYTES = 256
_SHORT_HIGH_SHARE = 0.25
_SHORT_CANDIDATES = ("utf-8", "gb18030", "big5", "utf-16-le", "utf-16-be")

# The most frequent Chinese characters, simplified and traditional, with the words of script
# markup (客厅, 内, 外, 夜 …).
_COMMON_HAN = frozenset(
    "的一是不了人我在有他这這为為之大来來以个個中上们們到说說国國和地也子时時道出而要于於就下得可你"
    "年生自会會那后後能对對着著事其里裡所去行过過家十用发發天如然作方成者多日都三小军軍二无無同么麼经經"
    "法当當起与與好看学學进進种種将將还還分此心前面又定见見只主没沒公从從想开開手知让讓给給她吗嗎呢吧"
    "啊哥姐妈媽爸门門回头頭走问問听聽话話眼声聲笑死别別快再真点點样樣怎最把被今少爷爺总總裁夜内內外客厅廳"
    "第集场場"
)

#: When charset-normalizer picks a single-byte code page, Windows-1252 is used instead if it
#: decodes the bytes: English scripts with curly quotes, dashes or accents come from Windows
#: in cp1252, and charset-normalizer reads them as Baltic or DOS code pages (cp1257, cp775,
#: cp852: 7/96 wrong, "Arthur’s" becoming "Arthurĺs"; with this rule 1/96).
_WESTERN = "cp1252"


@dataclass(frozen=True, slots=True)
class Source:
    """Decoded text of one input, with where it came from and how it was decoded."""

    name: str
    text: str
    encoding: str
    raw: bytes
    extension: str
    warnings: tuple[str, ...] = ()


def read_bytes(path: str | os.PathLike[str], *, max_bytes: int | None = None) -> bytes:
    """Read a file's bytes after checking that it exists, is a file and is not too large.

    The size is checked with ``stat`` first, and the read is capped, so a huge file is refused
    without being loaded into memory.
    """
    limit = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    p = Path(path)
    name = str(p)
    if not p.exists():
        raise InputError("file not found", source=name, hint="check the path")
    if p.is_dir():
        raise InputError("is a directory, not a file", source=name, hint="give one script file")
    try:
        size = p.stat().st_size
    except OSError as exc:  # pragma: no cover - permissions, races
        raise InputError(f"cannot read file: {exc.strerror}", source=name) from exc
    if size > limit:
        raise InputError(
            f"file is {size:,} bytes, over the limit of {limit:,}",
            source=name,
            hint="split it, or raise the limit with --max-bytes / DRAMALENS_MAX_BYTES",
        )
    try:
        with p.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", source=name) from exc
    if len(data) > limit:  # grew while we read it (a pipe, a growing log)
        raise InputError(f"file is over the limit of {limit:,} bytes", source=name)
    return data


# Control characters other than \t \n \v \f \r and ESC, and the replacement character.
_BINARY_CHARS = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\ufffd]")


def _is_binary(text: str) -> bool:
    sample = text[:20000]
    if not sample:
        return False
    bad = len(_BINARY_CHARS.findall(sample))  # a regex: a character loop in Python cost ~3 ms a script
    return bad / len(sample) > 0.05


def decode_bytes(data: bytes, *, encoding: str | None = None, name: str = "<input>") -> tuple[str, str, list[str]]:
    """Decode ``data`` to text: returns (text, encoding used, warnings).

    With ``encoding`` given, decoding is strict and a failure names the byte offset. Without,
    charset-normalizer detects it (BOMs included), with the project's rules only where it was
    measured wrong: UTF-8 cut mid-character, and short mostly non-ASCII inputs (see above).

    >>> decode_bytes("第1集".encode("gb18030"))[1]
    'gb18030'
    >>> decode_bytes("第1集 重逢".encode("big5"))[:2]
    ('第1集 重逢', 'big5')
    """
    warnings: list[str] = []
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError as exc:
            raise InputError(f"unknown encoding {encoding!r}", source=name, hint="use e.g. utf-8, gb18030, big5, utf-16") from exc
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise InputError(
                f"not valid {encoding}: byte {exc.start} (0x{data[exc.start]:02x}) cannot be decoded",
                source=name,
                hint="leave out --encoding to detect it, or try --encoding gb18030 / big5 / utf-16",
            ) from exc
        return _finish(text, encoding, warnings, name)

    marked = _by_bom(data)
    if marked is not None:
        return _finish(marked[0], marked[1], warnings, name)
    wide = _utf16_by_zeros(data)
    if wide is not None:
        return _finish(wide[0], wide[1], warnings, name)
    cut = _cut_utf8(data)
    if cut is not None and not _is_binary(cut):
        warnings.append(f"the file ends in the middle of a UTF-8 character at byte {len(cut.encode('utf-8'))}; the last bytes were dropped")
        return _finish(cut, "utf-8", warnings, name)
    short = _short_decoding(data)
    if short is not None and not _is_binary(short[0]):
        return _finish(short[0], short[1], warnings, name)
    match = _detect(data)
    if match is None or _is_binary(str(match)):
        # charset-normalizer gives up on some real texts (GB18030 with tab-laid-out lines):
        # a strict decode that reads as ordinary text is taken before calling the file unreadable.
        plain = _plain_decoding(data)
        if plain is not None:
            return _finish(plain[0], plain[1], warnings, name)
        raise InputError(
            "cannot decode the text: it fits no known encoding",
            source=name,
            key="err.undecodable",
            hint="is it a binary file? If it is text, name its encoding with --encoding (e.g. gb18030, big5, utf-16)",
        )
    text, codec = str(match), _codec_name(match)
    # One character a byte is a single-byte code page; CJK glued into English words is cp1252 misread.
    if codec not in ("utf-8", _WESTERN) and (len(text) == len(data) or (not codec.startswith("utf") and _latin_glued(text))):
        try:
            text, codec = data.decode(_WESTERN), _WESTERN
        except UnicodeDecodeError:  # bytes cp1252 leaves undefined: keep charset-normalizer's page
            pass
    return _finish(text, codec, warnings, name)


def _by_bom(data: bytes) -> tuple[str, str] | None:
    """(text, codec) of ``data`` when it opens with a UTF-8 or UTF-16 BOM and decodes strictly
    after it; None otherwise (then it is detected). A BOM is taken at its word: charset-normalizer
    read one of 96 UTF-8 samples behind one (5 characters of Chinese) as cp1251, and refused 5
    characters of a real script behind a UTF-16 one (△“抖音短: "fits no known encoding"). A UTF-32
    LE BOM starts with UTF-16 LE's and is left to detection."""
    if data.startswith(codecs.BOM_UTF8):
        codec = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not data.startswith(codecs.BOM_UTF32_LE):
        codec = "utf-16"
    else:
        return None
    try:
        return data.decode(codec), codec
    except UnicodeDecodeError:  # not that encoding after all
        return None


def _latin_glued(text: str) -> bool:
    """Whether a multi-byte decoding of mostly-English bytes glued its few CJK characters into
    Latin words: cp1252's curly apostrophe (0x92) and the letter after it are one Big5, GBK or
    Shift-JIS character, so "he’s" reads "he抯" and "I’ll" "I𠑥l". Real Chinese or Japanese keeps
    its characters in runs, next to letters only at a run's edge. Measured on windows of real
    English screenplays in cp1252 (benchmarks/bench_encoding.py --en): 17/480 read as Big5-HKSCS,
    GB18030 or cp932 before this rule."""
    wide = [m.start() for m in CJK.finditer(text)]
    letters = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    if not wide or letters < 4 * len(wide):
        return False
    glued = sum(1 for i in wide if any(0 <= j < len(text) and text[j].isascii() and text[j].isalpha() for j in (i - 1, i + 1)))
    return glued >= 0.8 * len(wide)


def _cut_utf8(data: bytes) -> str | None:
    """The text of UTF-8 ``data`` cut off inside its last character, without that character.

    charset-normalizer rejects such a file as UTF-8 and picks another code page (measured: 0/96
    cut samples right), so the text is kept here; a warning says so. Only when the part before
    the cut holds non-ASCII UTF-8 (proof of UTF-8): an ASCII text ending in one high byte is as
    likely cp1252 and is left to the detector.
    """
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError as exc:
        if exc.start < len(data) - 3 or exc.reason not in ("unexpected end of data", "invalid continuation byte"):
            return None
        try:
            head = data[: exc.start].decode("utf-8")
        except UnicodeDecodeError:  # pragma: no cover - the first error is at exc.start
            return None
    return head if not head.isascii() else None


def _detect(data: bytes) -> CharsetMatch | None:
    """charset-normalizer's best match for ``data``, with the limit above."""
    return from_bytes(data, threshold=_CHAOS_LIMIT).best()


def _utf16_by_zeros(data: bytes) -> tuple[str, str] | None:
    """(text, codec) of BOM-less UTF-16 Latin text: text has no NUL bytes, so NULs on every odd
    byte (``I\\x00N\\x00``) are UTF-16 LE and on every even byte UTF-16 BE. charset-normalizer
    read short such samples (``INT.``) as the other byte order. Chinese mixed with digits and
    Latin letters (``第1集``) has NULs on a share of those bytes, none on the others."""
    if len(data) < 4 or len(data) % 2 or data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    odd, even = data[1::2], data[0::2]
    for zeros, other, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) >= 0.3 * len(zeros) and other.count(0) == 0:
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError:
                return None
    return None


def _plain_decoding(data: bytes) -> tuple[str, str] | None:
    """(text, codec) of the strict decoding that reads most like ordinary text (ASCII, common
    Han, CJK punctuation), when at least half its characters are such (a script's names and rarer
    words are not in the common set: measured 0.66 on a real 500-character passage, under 0.3
    for the wrong decodings of it)."""
    best = _best_ordinary(data)
    return (best[1], best[2]) if best is not None and best[0] >= 0.5 else None


def _short_decoding(data: bytes) -> tuple[str, str] | None:
    """(text, codec) of a short, mostly non-ASCII input by the rule above; None for other inputs."""
    if len(data) >= _SHORT_BYTES or sum(b >= 0x80 for b in data) < _SHORT_HIGH_SHARE * len(data):
        return None
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None  # a BOM names the encoding (UTF-16's: charset-normalizer reads 96/96 of each)
    best = _best_ordinary(data)
    return None if best is None else (best[1], best[2])


def _cjk_mark(ch: str) -> bool:
    """CJK punctuation or a full-width form (。，「」、ＡＢ)."""
    return "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"


def _best_ordinary(data: bytes) -> tuple[float, str, str] | None:
    """(share of ordinary characters, text, codec) of the candidate decoding that scores best."""
    decoded = []
    for codec in _SHORT_CANDIDATES:
        try:
            decoded.append((codec, data.decode(codec)))
        except UnicodeDecodeError:
            continue
    utf8 = any(codec == "utf-8" for codec, _ in decoded)  # valid UTF-8 with high bytes is UTF-8, whatever UTF-16 makes of it
    best: tuple[float, str, str] | None = None
    for codec, text in decoded:
        # A control character is no ordinary text: a wrong decoding of UTF-16 is full of them.
        ordinary = sum(1 for ch in text if (ch.isascii() and (ch.isprintable() or ch in "\n\r\t")) or ch in _COMMON_HAN or _cjk_mark(ch))
        score = ordinary / max(1, len(text))
        if (not utf8 and codec.startswith("utf-16") and len(text) >= 4
                and all("\u4e00" <= ch <= "\u9fff" or _cjk_mark(ch) or ch in "△▲" for ch in text)):
            # Every code unit a Han character or CJK punctuation: 1 chance in ~300 for 5 random
            # units, while a GB18030 or Big5 decoding of these bytes has stray ASCII and controls.
            score += 1.0
        if best is None or score > best[0]:
            best = (score, text, codec)
    return best


def _codec_name(match: CharsetMatch) -> str:
    """The codec's standard name (``utf-8``, ``gb18030``, ``big5``, ``utf-16-le`` …); ``utf-8-sig``
    for UTF-8 with a BOM, and ``utf-8`` for plain ASCII (it is UTF-8, and read as such before)."""
    codec = codecs.lookup(match.encoding).name
    if codec == "ascii":
        return "utf-8"
    if codec == "utf-8" and match.bom:
        return "utf-8-sig"
    return codec


def _finish(text: str, encoding: str, warnings: list[str], name: str) -> tuple[str, str, list[str]]:
    if _is_binary(text):
        raise InputError(
            "looks like a binary file, not a script",
            source=name,
            key="err.binary",
            hint="give a .fountain, .fdx, .docx, .txt or .epub file",
        )
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding, warnings


def read_source(path: str | os.PathLike[str], *, encoding: str | None = None, max_bytes: int | None = None) -> Source:
    """Read and decode a text file (a script or novel).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"; _ = p.write_bytes("第1集".encode("big5", "replace"))
    >>> read_source(p).extension
    '.txt'
    """
    data = read_bytes(path, max_bytes=max_bytes)
    name = str(path)
    if not data.strip():
        raise InputError("the file is empty", source=name, hint="give a file with a script in it", key="err.empty_script")
    text, used, warnings = decode_bytes(data, encoding=encoding, name=name)
    return Source(name=name, text=text, encoding=used, raw=data, extension=Path(path).suffix.lower(), warnings=tuple(warnings))
