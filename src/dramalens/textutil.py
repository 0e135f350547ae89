"""Counting text the way screen time is measured: Han characters for Chinese, words for English."""

from __future__ import annotations

import re

__all__ = ["count_han", "count_words", "speech_units", "strip_emphasis"]

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[A-Za-z0-9\u00c0-\u024f\u0400-\u04ff]+(?:['’][A-Za-z]+)*")
_EMPHASIS = re.compile(r"(?<!\\)(\*{1,3}|_)(?=\S)(.+?)(?<=\S)(?<!\\)\1")


def count_han(text: str) -> int:
    """Han characters in ``text`` (punctuation and Latin not counted).

    >>> count_han("你好，Bob！")
    2
    """
    return len(_HAN.findall(text))


def count_words(text: str) -> int:
    """Latin/Cyrillic words in ``text``.

    >>> count_words("Don't go, Bob.")
    3
    """
    return len(_WORD.findall(text))


def speech_units(text: str, language: str) -> int:
    """Han characters plus Latin words: one count serves both languages, since Chinese lines
    carry English words and English lines Chinese names. ``language`` is kept so callers state
    which speaking rate the units will meet.

    >>> speech_units("你好 OK", "zh"), speech_units("Hi there", "en")
    (3, 2)
    """
    return count_han(text) + count_words(text)


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
