"""Sentences of Chinese and English text.

A sentence ends after a full stop, question or exclamation mark or semicolon, full-width or
ASCII (``。！？；!?;``), at a line break, and after an ASCII period followed by whitespace
(``Mr. Smith`` is cut too: a rule without an abbreviation list, which is what the analyses
have always counted as units). Chinese needs no space after its marks.
"""

from __future__ import annotations

import re

__all__ = ["CLAUSE_MARKS", "SENTENCE_BREAK", "SENTENCE_END_MARKS", "sentence_breaks", "split_sentences"]

#: Marks that end a sentence (with the line break) in either language.
SENTENCE_END_MARKS = "。！？!?；;"
#: Marks inside a sentence that end a clause (commas, the enumeration comma, semicolons).
CLAUSE_MARKS = "，,；;、"
#: Where one sentence ends and the next begins: the empty point after an end mark, a run of
#: line breaks, or the whitespace after a period. ``SENTENCE_BREAK.split(text)`` gives the
#: sentences with their own marks (and blank pieces to skip).
SENTENCE_BREAK = re.compile(r"(?<=[。！？!?；;])|\n+|(?<=\.)\s+")
# sentence_breaks finds the rule's breaks from its characters: the lookbehinds make the engine
# stop at every position of a text (~5 ms a 190 KB script), a class of the marks lets it skip.
_BREAK_CHARS = re.compile(r"[。！？!?；;.\n]")
_NEWLINES = re.compile(r"\n+")
_SPACES = re.compile(r"\s+")


def sentence_breaks(text: str) -> list[tuple[int, int]]:
    """The spans of ``SENTENCE_BREAK.finditer(text)``: an empty one after each end mark, a run
    of newlines, and the whitespace after a period (newlines included) unless a newline follows it.

    >>> sentence_breaks("她来了。\\n\\nHe waits.  Go")
    [(4, 4), (4, 6), (15, 17)]
    """
    out: list[tuple[int, int]] = []
    pos = 0  # where the rule's scan stands: characters before it are inside a break already
    n = len(text)
    for m in _BREAK_CHARS.finditer(text):
        i = m.start()
        if i < pos:
            continue
        c = text[i]
        if c == "\n":
            pos = _NEWLINES.match(text, i).end()  # type: ignore[union-attr]  # text[i] is a newline
            out.append((i, pos))
        elif c == ".":
            if i + 1 < n and text[i + 1] != "\n":  # a newline after it is a break of its own
                spaces = _SPACES.match(text, i + 1)
                if spaces:
                    pos = spaces.end()
                    out.append((i + 1, pos))
        else:
            pos = i + 1
            out.append((pos, pos))
    return out


def split_sentences(text: str) -> list[str]:
    """The non-blank sentences of ``text``, each with its end mark, surrounding space removed.

    >>> split_sentences("她推门而入。你来了？\\nHe waits. She runs!")
    ['她推门而入。', '你来了？', 'He waits.', 'She runs!']
    """
    return [s.strip() for s in SENTENCE_BREAK.split(text) if s and not s.isspace()]
