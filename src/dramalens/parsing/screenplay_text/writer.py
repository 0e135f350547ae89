"""Writing Fountain for a plain-text screenplay: the line buffer with its map back to the
source, and the lines both readers rewrite the same way (micro-drama markers, numbered
headings, a Fountain title page, forced cues)."""

from __future__ import annotations

import re

from ..fountain.syntax import read_cue, starts_title_page
from .lines import (
    CLIFFHANGER,
    EPISODE,
    FLASH_END,
    FLASH_START,
    HEADING,
    NUMBER_WORDS,
    OMITTED,
    SCENE,
    SHOT,
    SUBTITLE,
    is_heading,
    numbered_shot,
    strip_scene_numbers,
)

__all__ = [
    "HEADING_STARTS", "MARKER_FIRST", "MARKER_SECOND", "MARKER_START", "FountainLines", "copy_title_page", "cue_line",
    "write_heading", "write_marker",
]


class FountainLines:
    """Fountain lines being written, each with the source line it came from."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.numbers: list[int] = []
        # Source lines kept out of the Fountain (page furniture) and lines placed by fallback,
        # each with why: the parser hands them to the builder's read quality.
        self.held: dict[int, str] = {}
        self.fallback: dict[int, str] = {}

    def line(self, text: str, n: int) -> None:
        self.out.append(text)
        self.numbers.append(n)

    def blank(self, n: int) -> None:
        if self.out and self.out[-1] != "":
            self.line("", n)

    def paragraph(self, texts: list[str], n: int) -> None:
        self.blank(n)
        for t in texts:
            self.line(t, n)
        self.line("", n)


def cue_line(cue: str) -> str:
    """Force a cue with ``@`` when Fountain would not read it as one unforced.

    >>> cue_line("MARK (O.S.)"), cue_line("Mark")
    ('MARK (O.S.)', '@Mark')
    """
    return cue if read_cue(cue, True) is not None else "@" + cue


#: What every marker :func:`write_marker` writes starts with (after an optional bracket), any
#: case: callers with many lines test it first and spare most of them the call.
MARKER_START = re.compile(
    r"^[\[(]?\s*(?:EP|SCENE|SUPER|TITLE|ON|TEXT|CAPTION|CHYRON|SUBTITLE|FLASH|BEGIN|END|BACK|CLIFF|HOOK|INTERCUT)",
    re.I,
)
#: Every first character a :data:`MARKER_START` match can have in a stripped line: a bracket, or
#: the first letter of a marker word in either case (with the ſ, İ and ı that re folds into s and i).
MARKER_FIRST = frozenset("[(BCEFHIOSTbcefhiost\u0130\u0131\u017f")
#: Every second character of such a match when the first is no bracket: a marker word's second letter.
MARKER_SECOND = frozenset("ACEHILNOPUacehilnopu\u0130\u0131")


def write_marker(s: str, n: int, w: FountainLines, lines: list[str], i: int) -> int:
    """Write a micro-drama marker line; the number of source lines used (0 when ``s`` is none).

    >>> w = FountainLines(); write_marker("EPISODE 2: The Deal", 5, w, [], 0), w.out, w.numbers
    (1, ['# Episode 2: The Deal', ''], [5, 5])
    """
    if not MARKER_START.match(s):  # one test for the many lines that start no marker
        return 0
    m = EPISODE.match(s)
    if m:
        title = m.group("t") or ""
        raw = m.group("n")
        number = int(raw) if raw.isdigit() else NUMBER_WORDS[raw.lower()]
        w.paragraph([f"# Episode {number}" + (f": {title}" if title else "")], n)
        return 1
    m = SCENE.match(s)
    if m:
        scene_no, rest = m.group("n"), (m.group("t") or "").strip()
        if rest and SHOT.match(rest.upper()):
            # Post-production scripts number every shot (``SCENE 12 - MCU ON NICK.``): a shot
            # label inside a scene, not a scene of its own.
            w.paragraph(["!" + s], n)
            return 1
        used = 1
        if not rest:
            j = i + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            if j < len(lines) and is_heading(strip_scene_numbers(lines[j].strip())[0]):
                rest, used = strip_scene_numbers(lines[j].strip())[0], j - i + 1
        w.paragraph([f".{rest or s} #{scene_no}#"], n)
        return used
    m = SUBTITLE.match(s)
    if m:
        w.paragraph([f"[[dramalens:subtitle: {m.group('t')}]]"], n)
        return 1
    if FLASH_END.match(s):
        w.paragraph([f"[[dramalens:flashback_end: {s.strip('[] ')}]]"], n)
        return 1
    m = FLASH_START.match(s)
    if m and (s.startswith("[") or s == s.upper()):
        w.paragraph([f"[[dramalens:flashback_start: {s.strip('[] ')}]]"], n)
        return 1
    m = CLIFFHANGER.match(s)
    if m and (s[0] in "[(" or s.split(":")[0] == s.split(":")[0].upper()):
        w.paragraph([f"[[dramalens:cliffhanger_mark: {m.group('t') or s.strip('[]() ')}]]"], n)
        return 1
    if s.upper() in ("INTERCUT WITH:", "INTERCUT:", "INTERCUT WITH"):
        w.paragraph([f"> {s}"], n)
        return 1
    return 0



#: The first characters of a line :func:`write_heading` can take (a scene number, I/E, ``.``);
#: else only a line whose second character is a digit (``A12``).
HEADING_STARTS = frozenset("0123456789IEie.")


def write_heading(s: str, n: int, w: FountainLines) -> bool:
    """Write ``s`` as a heading (numbered on either side) or an omitted scene; False when it is neither.

    >>> w = FountainLines(); write_heading("12  INT. HOUSE - DAY  12", 3, w), w.out
    (True, ['INT. HOUSE - DAY #12#', ''])
    """
    if s[:1] not in HEADING_STARTS and not s[1:2].isdigit():  # a scene number (A12), I/E, or "."
        return False
    if s.startswith(".") and len(s) > 1 and s[1] not in ". " and s == s.upper() and any(c.isalpha() for c in s):
        # Fountain's forced heading (``.SNIPER SCOPE POV``) means a heading in every layout;
        # exports leave ``.he will come.`` (an ellipsis cut short) too, so only in capitals.
        w.paragraph([s], n)
        return True
    c = s[0]
    if not (c.isdecimal() or ("A" <= c <= "Z" and s[1:2].isdecimal())) and not is_heading(s):
        # No scene number can lead (strip_scene_numbers and numbered_shot both need one) and
        # no heading follows: what the three calls below would say, for most lines at once.
        return False
    rest, number = strip_scene_numbers(s)
    if number is None and not is_heading(rest):
        if numbered_shot(s):
            w.paragraph(["!" + s], n)  # a numbered shot inside the scene, kept as written
            return True
        return False
    if OMITTED.match(rest):
        w.paragraph([f"[[Scene {number} omitted]]" if number else "[[Scene omitted]]"], n)
        return True
    mark = f" #{number}#" if number else ""
    w.paragraph([("" if HEADING.match(rest) else ".") + rest + mark], n)
    return True



def copy_title_page(lines: list[str], w: FountainLines) -> int:
    """Copy a Fountain title page (``Title: …`` keys) at the top through; the index after it.

    >>> w = FountainLines(); copy_title_page(["Title: Dusk", "Author: Ann", "", "INT. A - DAY"], w), w.out
    (2, ['Title: Dusk', 'Author: Ann'])
    """
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i == len(lines) or not starts_title_page(lines[i].strip()):
        return 0
    while i < len(lines) and lines[i].strip():
        w.line(lines[i].rstrip(), i + 1)
        i += 1
    return i

