"""Normalising text before matching: widths, odd spaces, zero-width marks, markup.

Parsers match on a normalised copy and keep the writer's characters in the elements:
:func:`fold_width` maps one character to at most one, so positions found in the folded line
hold in the original unless a zero-width mark was dropped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping

__all__ = [
    "WIDTH_TABLE",
    "ZERO_WIDTH",
    "clean_line",
    "fold_digits",
    "fold_width",
    "strip_emphasis",
    "strip_markup",
    "strip_zero_width",
    "translator",
    "unify_newlines",
]

#: Zero-width marks that hide in text copied from Word and the web and break matching.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_ZERO_WIDTH_TABLE: dict[int, None] = dict.fromkeys(map(ord, ZERO_WIDTH), None)

#: Full-width digits and letters → ASCII, odd spaces (ideographic, no-break, tab, the
#: typographic ones) → a space, zero-width marks dropped.
WIDTH_TABLE: dict[int, str | None] = {0x3000: " ", 0x00A0: " ", 0x09: " ", **_ZERO_WIDTH_TABLE}
WIDTH_TABLE.update({0xFF10 + i: chr(0x30 + i) for i in range(10)})
WIDTH_TABLE.update({0xFF21 + i: chr(0x41 + i) for i in range(26)})
WIDTH_TABLE.update({0xFF41 + i: chr(0x61 + i) for i in range(26)})
WIDTH_TABLE.update({c: " " for c in range(0x2002, 0x200B)})

_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_EMPHASIS = re.compile(r"(?<!\\)(\*{1,3}|_)(?=\S)(.+?)(?<=\S)(?<!\\)\1")


def unify_newlines(text: str) -> str:
    """``text`` without a leading byte-order mark and with ``\\r\\n`` and ``\\r`` made ``\\n``:
    the text whose ``split("\\n")`` the parsers number lines by.

    >>> unify_newlines("\\ufeffa\\r\\nb\\rc")
    'a\\nb\\nc'
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def translator(table: Mapping[int, str | int | None]) -> Callable[[str], str]:
    """``str.translate`` with ``table`` (one character → a string, a code point or None), as a
    function that returns the same string, faster on long non-ASCII text.

    CPython translates non-ASCII text one dictionary lookup per character (~8 ms for a
    190 KB Chinese script); here one regex finds the table's characters, usually a handful,
    and only they are looked up. ASCII text keeps ``str.translate`` (CPython's fast path).

    >>> translator({ord("１"): "1", ord("\u200b"): None, ord("Ａ"): ord("A")})("第１集Ａ\u200b")
    '第1集A'
    """
    keys = sorted(table)
    if not keys:
        return lambda text: text
    out = {chr(k): "" if v is None else chr(v) if isinstance(v, int) else v for k, v in table.items()}
    pattern = re.compile("[" + "".join(re.escape(chr(k)) for k in keys) + "]")
    replace = out.__getitem__

    def translate(text: str) -> str:
        if text.isascii():
            return text.translate(table)
        return pattern.sub(lambda m: replace(m.group()), text)

    return translate


_fold_width = translator(WIDTH_TABLE)


def fold_width(text: str) -> str:
    """``text`` through :data:`WIDTH_TABLE`.

    >>> fold_width("第１２集\\u3000ＥＰ\\u200b")
    '第12集 EP'
    """
    return text if text.isascii() and "\t" not in text else _fold_width(text)


def fold_digits(text: str) -> str:
    """Full-width digits → ASCII, nothing else changed.

    >>> fold_digits("第１２集")
    '第12集'
    """
    return text.translate(_DIGITS)


def strip_zero_width(text: str) -> str:
    """``text`` without zero-width marks.

    >>> strip_zero_width("风\\u200b起")
    '风起'
    """
    return text if text.isascii() else text.translate(_ZERO_WIDTH_TABLE)


def clean_line(line: str) -> str:
    """A line without indentation (full-width spaces included), trailing space and zero-width marks.

    >>> clean_line("\\u3000\\u3000第一章\\u200b 风起  ")
    '第一章 风起'
    """
    return strip_zero_width(line).strip()


def strip_emphasis(text: str) -> str:
    """Remove Fountain emphasis markers (``*italic*``, ``**bold**``, ``_underline_``).

    >>> strip_emphasis("**Bold** and _under_")
    'Bold and under'
    """
    previous = None
    while previous != text:
        previous = text
        text = _EMPHASIS.sub(r"\2", text)
    return text.replace("\\*", "*").replace("\\_", "_")


_HTML_BREAK = re.compile(r"(?i)<\s*(?:br|/p|/div|/li|/h[1-6])\s*/?\s*>")
_HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^<>]*>")
_MD_HEADING = re.compile(r"(?m)^[ \t]{0,3}#{1,6}[ \t]+")
_MD_RULE = re.compile(r"(?m)^[ \t]*(?:[-*_][ \t]*){3,}$")


def strip_markup(text: str) -> str:
    """``text`` without HTML tags and entities and without markdown heading marks and rules,
    the words kept: what a synopsis copied from a web page or a wiki means, not how it was
    marked up. Paragraph-ending tags become line breaks.

    >>> strip_markup("<p>She &rsquo;s back.</p><p>Again</p>")
    'She ’s back.\\nAgain'
    >>> strip_markup("# Act I\\nLear divides his kingdom.")
    'Act I\\nLear divides his kingdom.'
    """
    if "<" in text or "&" in text:
        text = _HTML_TAG.sub("", _HTML_BREAK.sub("\n", text))
        text = html.unescape(text)
    if "#" in text or "---" in text or "***" in text:
        text = _MD_RULE.sub("", _MD_HEADING.sub("", text))
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())
