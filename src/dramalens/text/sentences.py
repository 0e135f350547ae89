"""Sentences of Chinese and English text.

A sentence ends after a full stop, question or exclamation mark or semicolon, full-width or
ASCII (``。！？；!?;``), at a line break, and after an ASCII period followed by whitespace
(``Mr. Smith`` is cut too: a rule without an abbreviation list, which is what the analyses
have always counted as units). Chinese needs no space after its marks.
"""

from __future__ import annotations

import re

__all__ = ["CLAUSE_MARKS", "SENTENCE_BREAK", "SENTENCE_END_MARKS", "split_sentences"]

#: Marks that end a sentence (with the line break) in either language.
SENTENCE_END_MARKS = "。！？!?；;"
#: Marks inside a sentence that end a clause (commas, the enumeration comma, semicolons).
CLAUSE_MARKS = "，,；;、"
#: Where one sentence ends and the next begins: the empty point after an end mark, a run of
#: line breaks, or the whitespace after a period. ``SENTENCE_BREAK.split(text)`` gives the
#: sentences with their own marks (and blank pieces to skip).
SENTENCE_BREAK = re.compile(r"(?<=[。！？!?；;])|\n+|(?<=\.)\s+")


def split_sentences(text: str) -> list[str]:
    """The non-blank sentences of ``text``, each with its end mark, surrounding space removed.

    >>> split_sentences("她推门而入。你来了？\\nHe waits. She runs!")
    ['她推门而入。', '你来了？', 'He waits.', 'She runs!']
    """
    return [s.strip() for s in SENTENCE_BREAK.split(text) if s and not s.isspace()]
