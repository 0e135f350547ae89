"""Counting text the way screen time is measured: Han characters for Chinese, words for English."""

from __future__ import annotations

import re

from .han import count_han

__all__ = ["WORD", "count_han", "count_words", "speech_units"]

#: A Latin or Cyrillic word, with its apostrophe suffixes (``don't``, ``Bob’s``).
WORD = re.compile(r"[A-Za-z0-9\u00c0-\u024f\u0400-\u04ff]+(?:['’][A-Za-z]+)*")


def count_words(text: str) -> int:
    """Latin/Cyrillic words in ``text``.

    >>> count_words("Don't go, Bob.")
    3
    """
    return len(WORD.findall(text))


def speech_units(text: str, language: str) -> int:
    """Han characters plus Latin words: one count serves both languages, since Chinese lines
    carry English words and English lines Chinese names. ``language`` is kept so callers state
    which speaking rate the units will meet.

    >>> speech_units("你好 OK", "zh"), speech_units("Hi there", "en")
    (3, 2)
    """
    return count_han(text) + count_words(text)
