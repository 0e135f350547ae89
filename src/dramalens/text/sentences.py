"""Sentences of Chinese and English text.

A sentence ends after a full stop, question or exclamation mark or semicolon, full-width or
ASCII (``。！？；!?;``), at a line break, and after an ASCII period followed by whitespace.
Chinese needs no space after its marks.

``SENTENCE_BREAK`` is the raw rule (``Mr. Smith`` is cut after ``Mr.``: the units the plot
skeleton has always counted). ``split_sentences``, whose sentences users read (an adaptation's
hooks, cliffhangers and beats), does not end a sentence after an English title or initial:
the real *Pride and Prejudice* opened its first episode on the hook "My dear Mr." before it.
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


#: Words that end in a period without ending the sentence (titles before a name, "St.", "vs."),
#: compared lower-case; a single capital letter other than "I" (an initial, "J. Smith") counts
#: too. Words that also end sentences ("no.", "etc.") are left out: a missed join is a long
#: sentence cut in two, a wrong one two sentences shown as one hook.
_ABBREVIATIONS = frozenset("mr mrs ms messrs dr st mt sr jr capt col lt sgt rev prof hon vs esq".split())
_LAST_WORD = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]+)\.$")


def split_sentences(text: str) -> list[str]:
    """The non-blank sentences of ``text``, each with its end mark, surrounding space removed.

    >>> split_sentences("她推门而入。你来了？\\nHe waits. She runs!")
    ['她推门而入。', '你来了？', 'He waits.', 'She runs!']
    >>> split_sentences('"My dear Mr. Bennet," said his lady. J. R. Smith came.')
    ['"My dear Mr. Bennet," said his lady.', 'J. R. Smith came.']
    """
    out: list[str] = []
    for line in text.split("\n"):  # a line break ends a sentence whatever precedes it
        glue = False  # the last piece ended in an abbreviation: the next one continues it
        for raw in SENTENCE_BREAK.split(line):
            piece = raw.strip()
            if not piece:
                continue
            if glue:
                out[-1] = f"{out[-1]} {piece}"
            else:
                out.append(piece)
            glue = _continues(piece)
    return out


def _continues(piece: str) -> bool:
    """Whether ``piece`` ends in a title or an initial, so the sentence goes on after it."""
    word = _LAST_WORD.search(piece)
    if word is None:
        return False
    w = word.group(1)
    return w.lower() in _ABBREVIATIONS or (len(w) == 1 and w.isupper() and w != "I")
