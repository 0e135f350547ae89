"""Reading a file safely: size limit before reading, binary refusal, encoding detection.

Everything a parser sees goes through here, so the checks that protect against hostile or
broken input live in one place.
"""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Source",
    "decode_bytes",
    "read_bytes",
    "read_source",
]

#: 50 MB: the longest real series script is a few MB; a larger file is almost surely not a script.
DEFAULT_MAX_BYTES = int(os.environ.get("DRAMALENS_MAX_BYTES", 50 * 1024 * 1024))

# Encodings tried when the bytes are not UTF-8, most likely first for this industry's files.
_CANDIDATES = ("gb18030", "big5", "utf_16")


@dataclass(frozen=True, slots=True)
class Source:
    """Decoded text of one input, with where it came from and how it was decoded."""

    name: str
    text: str
    encoding: str
    raw: bytes
    extension: str
    warnings: tuple[str, ...] = ()


def read_bytes(path: str | os.PathLike, *, max_bytes: int | None = None) -> bytes:
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


def _looks_utf16(data: bytes) -> str | None:
    """Guess UTF-16 without a BOM from where the NUL bytes sit."""
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) / 2
    # ASCII-heavy UTF-16 has a NUL in every other byte; CJK-heavy UTF-16 has few NULs, so
    # we only guess on the clear ASCII-heavy pattern and leave the rest to the candidates.
    if odd_nuls > 0.3 * half and even_nuls < 0.05 * half:
        return "utf-16-le"
    if even_nuls > 0.3 * half and odd_nuls < 0.05 * half:
        return "utf-16-be"
    return None


def _is_binary(text: str) -> bool:
    sample = text[:20000]
    if not sample:
        return False
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f\v\x1b") or ch == "\ufffd")
    return bad / len(sample) > 0.05


# The most frequent Chinese characters, simplified and traditional. A wrong CJK decoding
# (Big5 bytes read as GBK, or the reverse) still yields valid CJK, but rare characters: the
# share of these common ones tells the right decoding apart.
_COMMON_HAN = frozenset(
    "的一是不了人我在有他这這为為之大来來以个個中上们們到说說国國和地也子时時道出而要于於就下得可你"
    "年生自会會那后後能对對着著事其里裡所去行过過家十用发發天如然作方成者多日都三小军軍二无無同么麼经經"
    "法当當起与與好看学學进進种種将將还還分此心前面又定见見只主没沒公从從想开開手知让讓给給她吗嗎呢吧"
    "啊哥姐妈媽爸门門回头頭走问問听聽话話眼声聲笑死别別快再真点點样樣怎最把被今少爷爺总總裁夜内內外客厅廳"
)


def _plausible(text: str) -> float:
    """Share of characters that are letters, CJK, punctuation or whitespace (higher = more text)."""
    sample = text[:20000]
    if not sample:
        return 1.0
    han = [ch for ch in sample if 0x4E00 <= ord(ch) <= 0x9FFF]
    common = sum(1 for ch in han if ch in _COMMON_HAN) / len(han) if len(han) >= 8 else 0.5
    good = 0.0
    for ch in sample:
        o = ord(ch)
        if ch.isspace() or 0x20 <= o < 0x7F or 0x3000 <= o <= 0x303F or 0x4E00 <= o <= 0x9FFF or 0xFF00 <= o <= 0xFFEF:
            good += 1
        elif ch.isalpha() or ch.isdigit():
            good += 0.6  # other scripts: fine, but a wrong decoding also produces these
    return good / len(sample) * 0.7 + common * 0.3


def decode_bytes(data: bytes, *, encoding: str | None = None, name: str = "<input>") -> tuple[str, str, list[str]]:
    """Decode ``data`` to text: returns (text, encoding used, warnings).

    With ``encoding`` given, decoding is strict and a failure names the byte offset. Without,
    a BOM decides, then strict UTF-8, then the CJK encodings, the most plausible winning.

    >>> decode_bytes("第1集".encode("gb18030"))[1]
    'gb18030'
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

    if data.startswith(codecs.BOM_UTF8):
        return _finish(data[3:].decode("utf-8", errors="replace"), "utf-8-sig", warnings, name)
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return _finish(data.decode("utf-16", errors="replace"), "utf-16", warnings, name)
    guess16 = _looks_utf16(data)
    if guess16:
        return _finish(data.decode(guess16, errors="replace"), guess16, warnings, name)
    try:
        return _finish(data.decode("utf-8"), "utf-8", warnings, name)
    except UnicodeDecodeError as exc:
        # A file cut off mid-character is still UTF-8: keep everything but the broken tail.
        if exc.start >= len(data) - 3 and exc.reason in ("unexpected end of data", "invalid continuation byte"):
            tail_ok = data[: exc.start].decode("utf-8", errors="strict")
            warnings.append(f"the file ends in the middle of a UTF-8 character at byte {exc.start}; the last bytes were dropped")
            return _finish(tail_ok, "utf-8", warnings, name)
        utf8_error = exc
    best: tuple[float, str, str] | None = None
    for candidate in _CANDIDATES:
        try:
            text = data.decode(candidate)
        except UnicodeDecodeError:
            continue
        score = _plausible(text)
        if best is None or score > best[0]:
            best = (score, candidate, text)
    if best is None or best[0] < 0.6:
        from charset_normalizer import from_bytes

        match = from_bytes(data).best()
        if match is not None and match.encoding:
            text = str(match)
            if _plausible(text) >= 0.6:
                warnings.append(f"encoding guessed as {match.encoding}")
                return _finish(text, match.encoding, warnings, name)
        raise InputError(
            f"cannot decode the text: not UTF-8 (byte {utf8_error.start}) nor GB18030, Big5 or UTF-16",
            source=name,
            hint="is it a binary file? If it is text, name its encoding with --encoding",
        )
    return _finish(best[2], best[1], warnings, name)


def _finish(text: str, encoding: str, warnings: list[str], name: str) -> tuple[str, str, list[str]]:
    if _is_binary(text):
        raise InputError(
            "looks like a binary file, not a script",
            source=name,
            hint="give a .fountain, .fdx, .docx, .txt or .epub file",
        )
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding, warnings


def read_source(path: str | os.PathLike, *, encoding: str | None = None, max_bytes: int | None = None) -> Source:
    """Read and decode a text file (a script or novel).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"; _ = p.write_bytes("第1集".encode("big5", "replace"))
    >>> read_source(p).extension
    '.txt'
    """
    data = read_bytes(path, max_bytes=max_bytes)
    name = str(path)
    if not data.strip():
        raise InputError("the file is empty", source=name, hint="give a file with a script in it")
    text, used, warnings = decode_bytes(data, encoding=encoding, name=name)
    return Source(name=name, text=text, encoding=used, raw=data, extension=Path(path).suffix.lower(), warnings=tuple(warnings))
