"""Plain-text screenplays that are not hand-written Fountain, rewritten into Fountain first.

Two layouts are common in the wild and read badly under fountain.io's rules:

* **formatted text**: a screenplay exported from a PDF or a word processor to .txt. Cues and
  dialogue are placed by indentation, pages leave furniture behind (page numbers,
  ``(MORE)``/``(CONTINUED)``/``CONTINUED:``, a repeated ``NAME (CONT'D)`` at the page top),
  scene numbers stand on both sides of headings, revision marks (``*``) end lines, form
  feeds split pages and blank lines between a cue and its dialogue are missing;
* **micro-drama text** written in Word: ``EPISODE 1`` / ``Scene 3 - INT. …`` lines,
  ``NAME: line`` dialogue, ``[FLASHBACK]`` … ``[END FLASHBACK]``, ``SUPER: …`` captions.

:func:`normalise_layout` looks at the file as a whole, and only when one of those layouts is
clearly there rewrites the text into Fountain (with a map back to the source lines), so real
Fountain files pass through untouched. See docs/fountain.md, "Plain-text screenplays".
"""

from __future__ import annotations

import re

from ..fountain import starts_title_page
from .colon import write_colon_script
from .export import format_export, undouble
from .lines import (
    CLIFFHANGER,
    COLON,
    EPISODE,
    FLASH_END,
    FLASH_START,
    FURNITURE,
    FURNITURE_STARTS,
    HEADING,
    MARKER_LINE,
    MORE,
    REVISION_TAIL,
    SCENE,
    SUBTITLE,
    colon_name_ok,
    dual_cues,
    is_cue,
    is_heading,
    strip_scene_numbers,
)
from .writer import FountainLines, write_heading

__all__ = ["FOUNTAIN_MARK", "detect_layout", "fountain_syntax", "is_layout_line", "normalise_layout", "rewrite_layout"]

#: A first line that says "this is Fountain, take it as it stands" (a boneyard, so invisible).
FOUNTAIN_MARK = "/* fountain */"

#: Characters looked at to decide on a layout.
SAMPLE = 40000


def detect_layout(text: str) -> tuple[bool, bool, bool]:
    """``(formatted, colon, markers)``: which plain-text layouts ``text`` shows.

    ``formatted``: at least three indented cues over less indented speech (or one plus page
    furniture); ``colon``: at least three ``NAME: line`` speeches outnumbering Fountain cue
    blocks; ``markers``: ``EPISODE 1``/``Scene 2 - …`` lines outside Fountain sections.

    >>> detect_layout("LILY: Hi.\\nMARK: Hello.\\nLILY: Bye.")
    (False, True, False)
    >>> detect_layout("INT. HOUSE - DAY\\n\\nBOB\\nHi.")
    (False, False, False)
    """
    sample = text[:SAMPLE]
    formatted = False
    if ("\n" + " " * 8 in sample or "\f" in sample or "\t" in sample) and not fountain_syntax(sample):
        formatted = _export_evidence(sample.expandtabs(8).split("\n"))
    markers = MARKER_LINE.search("\n" + sample) is not None  # a literal "\n" first: sre scans fast
    colon = False
    # The quick test runs over the whole sample in C; the line-by-line count only when it hits.
    if _count_colon_lines(sample, 3) >= 3:
        n_colon = n_cue = 0
        prev_blank = True
        lines = sample.split("\n")
        for i, line in enumerate(lines):
            s = line.strip()
            if not s:
                prev_blank = True
                continue
            m = COLON.match(s)
            if m and colon_name_ok(m.group("name")):
                n_colon += 1
            elif prev_blank and i + 1 < len(lines) and lines[i + 1].strip() and is_cue(s):
                n_cue += 1
            prev_blank = False
        colon = n_colon >= 3 and n_colon > n_cue
    return formatted, colon, markers


def is_layout_line(line: str) -> bool:
    """Whether :func:`normalise_layout` could rewrite ``line`` (the writer forces such action with ``!``).

    >>> is_layout_line("EPISODE 2"), is_layout_line("SUPER: Ten years later"), is_layout_line("He waits.")
    (True, True, False)
    """
    s = line.strip()
    if not s or s[0] == "!":
        return False
    if len(line) - len(line.lstrip()) >= 8 and (is_cue(s) or MORE.match(s) or FURNITURE.match(s)):
        return True
    if EPISODE.match(s) or SCENE.match(s) or SUBTITLE.match(s) or FLASH_END.match(s) or FLASH_START.match(s) or (
        CLIFFHANGER.match(s)
    ):
        return True
    if s.upper().startswith("INTERCUT") or FURNITURE.match(s) or MORE.match(s) or "\f" in s:
        return True
    if s[0].isdigit() and strip_scene_numbers(s)[1] is not None:
        return True
    m = COLON.match(s)
    return bool(m and colon_name_ok(m.group("name")))


# Lines only hand-written Fountain has, flush left: forced headings, cues, transitions and
# action, notes, boneyards, centred text, lyrics, synopses, page breaks, dual-dialogue cues.
_FOUNTAIN_LINE = re.compile(
    r"^(?:\.[A-Za-z0-9][^.]|@[^\s@]|>[^<\n]*<\s*$|> ?[A-Z]|~\S|= \S|={3,}\s*$|![^!\s]|\[\[|/\*|[A-Z][A-Z0-9 .'’]*\s*\^\s*$)",
    re.M,
)


def fountain_syntax(sample: str) -> bool:
    """Whether ``sample`` is written in Fountain's own syntax: a title page (``Title:``…) at the top,
    or forcing marks (``.`` ``!`` ``@`` ``>`` ``~`` ``=``), notes, boneyards, ``^`` or ``><`` lines
    of at least two kinds (or three of one). Such a file is never read as an export.

    >>> fountain_syntax("Title: Dusk\\n\\nINT. A - DAY"), fountain_syntax("                BOB\\n        Hi.")
    (True, False)
    """
    head = sample.lstrip("\ufeff \t\r\n")
    if starts_title_page(head.split("\n", 1)[0].strip()):
        return True
    kinds: dict[str, int] = {}
    for m in _FOUNTAIN_LINE.finditer(sample):
        key = m.group(0)[:1]
        if key.isalpha():
            key = "^"
        kinds[key] = kinds.get(key, 0) + 1
    return len(kinds) >= 2 or any(k >= 3 for k in kinds.values())


def _export_evidence(lines: list[str]) -> bool:
    """Whether the lines (tabs expanded) read as a formatted export, weighing the evidence:
    cues indented over less indented speech against flush-left Fountain cue blocks, page
    furniture ((MORE), (CONTINUED), CONTINUED:, page numbers, numbered headings), and the share
    of lines standing at the columns exports use."""
    indented = flush = furniture = deep = nonblank = 0
    prev_blank = True
    last = len(lines) - 1
    core = [x.strip() for x in lines]  # each line is also looked at as the next line
    for i, line in enumerate(lines):
        s = core[i]
        if not s:
            prev_blank = True
            continue
        if s[-1] == "*":  # REVISION_TAIL needs a star at the end (and leaves the line non-empty)
            s = REVISION_TAIL.sub("", s)
        nonblank += 1
        indent = len(line) - len(line.lstrip())
        if indent >= 8:
            deep += 1
        was_blank, prev_blank = prev_blank, False
        if i == last:
            break
        k = i + 1
        if not core[k] and i + 2 <= last and indent >= 12:
            k = i + 2  # a cue, an empty line, then the speech
        nxt = lines[k]
        nxt_s = core[k]
        nxt_indent = len(nxt) - len(nxt.lstrip()) if nxt_s else 0
        c = s[0]
        if indent >= 12 and nxt_s and nxt_indent < indent and (is_cue(s) or dual_cues(s, indent)):
            indented += 1
        elif indent == 0 and was_blank and nxt_s and nxt_indent == 0 and is_cue(s):
            flush += 1
        elif (
            (c == "(" and MORE.match(s))
            or (len(s) <= 11 and s.upper() in ("(CONTINUED)", "CONTINUED:", "CONTINUED"))  # upper() never shortens
            or ((c in FURNITURE_STARTS or c.isdecimal()) and FURNITURE.match(s))
        ):
            furniture += 1
        elif c.isdigit() and strip_scene_numbers(s)[1] is not None:
            furniture += 1
    if indented <= flush * 2:
        return False
    share = deep / nonblank if nonblank else 0.0
    return (indented >= 3 and share >= 0.15) or (indented >= 1 and furniture >= 2) or (indented >= 2 and share >= 0.3)



def _count_colon_lines(sample: str, enough: int) -> int:
    """How many lines read as ``NAME: speech`` (stopping at ``enough``), found colon by colon."""
    found = 0
    pos = sample.find(":")
    while pos != -1 and found < enough:
        start = sample.rfind("\n", 0, pos) + 1
        if pos - start <= 60:
            end = sample.find("\n", pos)
            m = COLON.match(sample[start : len(sample) if end == -1 else end].strip())
            if m and colon_name_ok(m.group("name")):
                found += 1
        pos = sample.find(":", pos + 1)
    return found


def normalise_layout(text: str) -> tuple[str, list[int]] | None:
    """Fountain text for a plain-text screenplay and, for each of its lines, the source line.

    None when the text shows none of the layouts :func:`detect_layout` looks for, so a real
    Fountain file is never rewritten.

    >>> out, lines = normalise_layout("EPISODE 1\\nLILY: You fired me?\\nMARK (O.S.): Security!")
    >>> out.split("\\n")[:4], lines[:4]
    (['# Episode 1', '', 'LILY', 'You fired me?'], [1, 1, 2, 2])
    """
    w = rewrite_layout(text)
    return None if w is None else ("\n".join(w.out), w.numbers)


def rewrite_layout(text: str) -> FountainLines | None:
    """The Fountain lines written for a plain-text screenplay (with their source lines, the
    page furniture held back and the lines placed by fallback), or None as in :func:`normalise_layout`.

    >>> rewrite_layout("INT. A - DAY\\n\\nBOB\\nHi.") is None
    True
    """
    if text.lstrip("\ufeff \t\r\n").startswith(FOUNTAIN_MARK):
        return None
    formatted, colon, markers = detect_layout(text)
    undoubled = None
    if not formatted and ("\n" + " " * 8 in text[:SAMPLE] or "\t" in text[:SAMPLE]):
        # Some converters double-space every line: cue, empty line, dialogue. Read it single-spaced.
        undoubled = undouble(text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n"))
        if undoubled is not None and detect_layout("\n".join(undoubled[0]))[0]:
            formatted = True
        else:
            undoubled = None
    if not (formatted or colon or markers):
        return _numbered_headings(text)
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    w = FountainLines()
    lines = text.split("\n")
    if formatted:
        format_export(lines, w, None if undoubled is None else undoubled)
    else:
        write_colon_script(lines, w)
    return w



_HEADING_CANDIDATE = re.compile(r"^(?:\d{1,4}[A-Z]?\.?\s*(?:INT|EXT|I/E|EST)|INTERIOR|EXTERIOR)", re.M)


def _numbered_headings(text: str) -> FountainLines | None:
    """Flush-left text whose sluglines Fountain would not take (``2 INT. HALLWAY``,
    ``INTERIOR - KITCHEN``, ``4EXT. FIELD``): those lines rewritten as headings, the rest as it
    stands. None when there are fewer than three such lines or the text is written in Fountain."""
    # One C-level scan decides for the common case (Fountain, or text with no such lines).
    if len(_HEADING_CANDIDATE.findall(text[:SAMPLE], 0)) < 3:
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.lstrip("\ufeff")
    lines = text.split("\n")
    found = [k for k, line in enumerate(lines) if line[:1].isalnum() and _export_only_heading(line.strip())]
    if len(found) < 3 or fountain_syntax(text[:SAMPLE]):
        return None
    w = FountainLines()
    todo = set(found)
    for k, line in enumerate(lines):
        if k in todo:
            write_heading(line.strip(), k + 1, w)
        else:
            w.line(line, k + 1)
    return w


def _export_only_heading(s: str) -> bool:
    """A heading line as exports write it that Fountain would read as action."""
    if HEADING.match(s) and not s[-1:].isdigit():
        return False
    rest, number = strip_scene_numbers(s)
    return (number is not None and is_heading(rest)) or (not HEADING.match(rest) and is_heading(rest))
