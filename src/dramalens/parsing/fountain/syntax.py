"""Fountain's line grammar (fountain.io): headings, title-page keys and character cues.

Shared by the Fountain parser, the plain-text screenplay reader (which writes Fountain) and the
Fountain writer (which must write what the parser reads back).
"""

from __future__ import annotations

import re
from functools import lru_cache

from ...text.han import CJK_CLASS

__all__ = ["HEADING", "HEADING_FIRST", "HEADING_SECOND", "TITLE_KEY", "cue_rule", "read_cue", "starts_title_page"]

#: A scene heading's opening (``INT.``, ``EXT``, ``EST``, ``INT./EXT``, ``I/E``), any case.
HEADING = re.compile(r"^(?:int\.?\s*/\s*ext|ext\.?\s*/\s*int|int|ext|est|i/e|e/i)[.\s]", re.I)
#: Every first character a :data:`HEADING` match can have (and an export heading's, which starts
#: with INT/EXT too): I or E in either case, and the İ and ı that Python's re folds into i.
HEADING_FIRST = frozenset("IEie\u0130\u0131")
#: Every second character of such a match: N, X, S or ``/`` in either case (and the ſ folded into s).
HEADING_SECOND = frozenset("nNxXsS/\u017f")
#: A title-page ``Key: value`` line.
TITLE_KEY = re.compile(r"^(\w[\w .'\-]{0,39}):(.*)$")
_KNOWN_KEYS = frozenset(
    "title credit author authors source draft date draft contact copyright notes revision format "
    "series episode written by based on".split()
) | {"draft date", "written by", "based on", "contact info"}
_CUE_EXTENSIONS = re.compile(r"^(?:\s*[(（][^()（）]*[)）])*\s*$")
_EXTENSION = re.compile(r"[(（]([^()（）]*)[)）]")
# A CJK cue: Han, kana or hangul, with the name separators · and ・.
_CJK_NAME = re.compile(f"^[{CJK_CLASS}·・ ]{{1,10}}$")
_CJK_CHAR = re.compile(f"[{CJK_CLASS}]")


def starts_title_page(line: str, block: list[str] | None = None) -> bool:
    """Whether the document's first paragraph, starting with ``line``, is a title page.

    A ``Key: value`` line with one of fountain.io's keys (Title, Credit, Author, …) starts
    one; another key only when every line of the paragraph is a key or an indented value
    (``block``), so plain text that merely opens with "He said: …" stays text.

    >>> starts_title_page("Title: Night Shift"), starts_title_page("CUT TO:")
    (True, False)
    """
    m = TITLE_KEY.match(line)
    if not m:
        return False
    first = line.strip()
    if (first.endswith("TO:") and first == first.upper()) or HEADING.match(first):
        return False
    if m.group(1).strip().lower() in _KNOWN_KEYS:
        return True
    if block is None or len(block) < 2:
        return False
    return all(TITLE_KEY.match(b) or b[:1] in (" ", "\t") for b in block)


# An ASCII lower-case letter with no @, ( or （ before it: the name part of an unforced line
# is not upper case, so the line is no cue (most paragraphs of a script start so).
_LOWER_BEFORE_NAME_END = re.compile(r"[^@(（a-z]*[a-z]")


def read_cue(line: str, has_next: bool) -> tuple[str, str, str | None, bool] | None:
    """``(cue text, name, extension, dual)`` when ``line`` is a character cue, else None.

    ``has_next`` says whether a non-blank line follows (an unforced cue needs one).
    Shared with the writer, which forces a cue with ``@`` exactly when this says no.

    >>> read_cue("STEEL (V.O.) (CONT'D)", True)
    ("STEEL (V.O.) (CONT'D)", 'STEEL', "V.O. CONT'D", False)
    >>> read_cue("林晚", True)[1], read_cue("他转身离开了房间。", True)
    ('林晚', None)
    """
    # The rule's own first refusal, without its work: a second character in a-z after anything
    # but @ or a bracket ("He …") at once, else the pattern.
    if ("a" <= line[1:2] <= "z" and line[:1] not in ("@", "(", "（")) or _LOWER_BEFORE_NAME_END.match(line):
        return None
    return cue_rule(line, has_next)


@lru_cache(maxsize=4096)
def cue_rule(line: str, has_next: bool) -> tuple[str, str, str | None, bool] | None:
    """:func:`read_cue`'s rule in full, cached: a script repeats its cues, and the plain-text
    reader asks about each cue it writes before the parser reads it back.

    >>> cue_rule("BOB", True), cue_rule("BOB", False)
    (('BOB', 'BOB', None, False), None)
    """
    s = line.strip()
    forced = s.startswith("@")
    if forced:
        s = s[1:].strip()
    elif not has_next:
        return None
    dual = False
    if s.endswith("^"):
        dual = True
        s = s[:-1].rstrip()
    if not s:
        return None
    cut = len(s)
    for paren in ("(", "（"):
        p = s.find(paren)
        if p != -1 and p < cut:
            cut = p
    head = s[:cut]
    if not forced and head != head.upper():  # the common case, action, leaves here cheaply
        return None
    name = " ".join(head.split())
    rest = s[cut:]
    if not name or (rest and not _CUE_EXTENSIONS.match(rest)):
        if not forced:
            return None
        name = " ".join(s.split())
        rest = ""
    if not forced:
        if "^" in name or ":" in name or s[0] in "!.>~=#[(":
            return None
        if not name.isascii() and _CJK_CHAR.search(name):
            if not _CJK_NAME.match(name) or len(name.replace(" ", "")) > 8:
                return None
            if any(ch.isascii() and ch.isalpha() for ch in name):
                return None
        elif not (name == name.upper() and name != name.lower()):
            return None
    if not rest:
        return s, name, None, dual
    extensions = [x.strip() for x in _EXTENSION.findall(rest) if x.strip()]
    return s, name, (" ".join(extensions) or None), dual

