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
from functools import lru_cache

import numpy as np
import numpy.typing as npt

__all__ = ["CLAUSE_MARKS", "SENTENCE_BREAK", "SENTENCE_END_MARKS", "sentence_breaks", "sentence_unit_ends", "split_sentences"]

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


def sentence_unit_ends(text: str) -> npt.NDArray[np.int64]:
    """Where each non-blank piece of ``SENTENCE_BREAK.split(text)`` ends in ``text`` (ascending):
    the sentence units the plot skeleton counts, found with array operations over the text's
    code points (a whole script has tens of thousands of breaks; a loop over them cost ~5 ms).

    The breaks are :func:`sentence_breaks`': an empty one after each end mark, each run of
    newlines, and after a period the whitespace run that follows it unless that run starts
    with a newline; newline runs inside that whitespace are part of it.

    >>> sentence_unit_ends("她来了。\\n\\nHe waits.  Go").tolist()
    [4, 15, 19]
    """
    codes = np.frombuffer(text.encode("utf-32-le"), dtype="<u4")
    n = codes.size
    if not n:
        return np.zeros(0, dtype=np.int64)
    kind = _kind_table()[codes]
    space = (kind & _SPACE).view(bool)
    newline = codes == 10
    run_start, run_end = _runs(space)
    # a whitespace run after a period, unless it starts with a newline, is one break
    period = np.zeros(run_start.size, dtype=bool)
    inner = run_start > 0
    period[inner] = (kind[run_start[inner] - 1] & _PERIOD) > 0
    period &= ~newline[run_start]
    nl_start, nl_end = _runs(newline)
    keep = ~period[np.searchsorted(run_start, nl_start, side="right") - 1]  # not inside one
    # Breaks by where they start; the only two that start at one place are the empty one after
    # an end mark and a newline run right after it, and the empty piece between them is blank.
    stop_at = np.full(n + 1, -1, dtype=np.int64)
    marks = np.flatnonzero(kind & _END) + 1
    stop_at[marks] = marks
    stop_at[nl_start[keep]] = nl_end[keep]
    stop_at[run_start[period]] = run_end[period]
    starts = np.flatnonzero(stop_at >= 0)
    piece_start = np.concatenate(([0], stop_at[starts]))
    piece_end = np.concatenate((starts, [n]))
    # A piece is blank when empty or when the whitespace run at its start reaches its end.
    solid = piece_end > piece_start
    spaced = np.flatnonzero(solid & space[np.minimum(piece_start, n - 1)])
    reach = run_end[np.searchsorted(run_end, piece_start[spaced], side="right")]
    solid[spaced] = reach < piece_end[spaced]
    ends: npt.NDArray[np.int64] = piece_end[solid]
    return ends


def _runs(mask: npt.NDArray[np.bool_]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(starts, ends) of the runs of True in ``mask``."""
    begins = mask.copy()
    begins[1:] &= ~mask[:-1]
    ends = mask.copy()
    ends[:-1] &= ~mask[1:]
    return np.flatnonzero(begins), np.flatnonzero(ends) + 1


_SPACE, _END, _PERIOD = 1, 2, 4


@lru_cache(maxsize=1)
def _kind_table() -> npt.NDArray[np.uint8]:
    """By code point: whitespace (``str.isspace``, what ``\\s`` matches; all in the BMP), an end
    mark, the period."""
    table = np.zeros(0x110000, dtype=np.uint8)
    table[[c for c in range(0x10000) if chr(c).isspace()]] = _SPACE
    table[[ord(c) for c in SENTENCE_END_MARKS]] = _END
    table[ord(".")] = _PERIOD
    return table


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
