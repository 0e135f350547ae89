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

__all__ = ["FOUNTAIN_MARK", "detect_layout", "is_layout_line", "normalise_layout"]

#: A first line that says "this is Fountain, take it as it stands" (a boneyard, so invisible).
FOUNTAIN_MARK = "/* fountain */"

_SAMPLE = 40000

_HEADING = re.compile(r"^(?:int\.?\s*/\s*ext|ext\.?\s*/\s*int|int|ext|est|i/e|e/i)[.\s]", re.I)
_CUE = re.compile(r"^(?P<name>[A-Z0-9][A-Z0-9 .'’\-&]{0,30}?)\s*(?P<ext>(?:\([^()]{0,30}\)\s*)*)\^?$")
# A line that is only page furniture: page numbers, (MORE), CONTINUED markers, revision stars.
_FURNITURE = re.compile(
    r"^(?:\d{1,3}[A-Z]?\s+)?(?:\(?\s*CONTINUED\s*\)?\s*:?\s*(?:\(\d+\))?|\(?CONT(?:'|’)?D\)?:?|\*+|\d{1,3}\.?|"
    r"(?:PAGE|Page)\s+\d+(?:\s+of\s+\d+)?)(?:\s+\d{1,3}[A-Z]?)?\s*\*?$"
)
_REVISION_HEADER = re.compile(r"\b(?:REVISION|REVISED|REV|DRAFT)\b.*\d+[/.-]\d+", re.I)
_MORE = re.compile(r"^\((?:MORE|more)\)$")
_PAGE_NUMBER_TAIL = re.compile(r"\s{4,}\d{1,3}\.\s*$")
_REVISION_TAIL = re.compile(r"\s+\*+$")
_SCENE_NUMBERS = re.compile(
    r"^(?P<n>[A-Z]?\d{1,4}(?:-\d{1,4})?[A-Z]{0,2})\.?\s+(?P<rest>.*?)(?:\s+(?P<m>[A-Z]?\d{1,4}(?:-\d{1,4})?[A-Z]{0,2})\.?)?$"
)
_OMITTED = re.compile(r"^(?:SCENES?\s+)?(?:OMITTED|OMIT)\b.*$", re.I)
_TRANSITION = re.compile(
    r"^(?:(?:[A-Z]+ )*(?:CUT|DISSOLVE|FADE|WIPE|SMASH|MATCH|JUMP)(?: [A-Z]+)* TO(?: BLACK)?[:.]"
    r"|FADE (?:IN|OUT)[:.]?|FADE TO BLACK\.?|CUT TO BLACK\.?|INTERCUT WITH:?|BACK TO:|[A-Z ]+ TO:)$"
)
_NUMBER_WORDS = {
    w: k + 1
    for k, w in enumerate(
        "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split()
    )
}
_EPISODE = re.compile(
    r"^(?:EPISODE|Episode|EP|Ep|ep)\.?\s*(?P<n>\d{1,4}|(?i:" + "|".join(_NUMBER_WORDS) + r")\b)"
    r"\s*(?:[:：.\-–—]\s*(?P<t>.*?))?\s*$"
)
_CLIFFHANGER = re.compile(r"^[\[(]?\s*(?:CLIFFHANGER|CLIFF-HANGER|HOOK)\s*[\])]?\s*(?:[:：\-–—]\s*(?P<t>.*?))?\s*[\])]?$", re.I)
_SCENE = re.compile(r"^(?:SCENE|Scene)\s+(?P<n>\d{1,4}[A-Za-z]?(?:-\d{1,4})?)\s*(?:[:：.\-–—]\s*(?P<t>.*?))?\s*$")
_SUBTITLE = re.compile(
    r"^\[?\s*(?:SUPER(?:IMPOSE)?|TITLE CARD|TITLE|ON SCREEN|ON-SCREEN TEXT|TEXT ON SCREEN|CAPTION|CHYRON|SUBTITLE|TEXT)"
    r"\s*:\s*(?P<t>.+?)\s*\]?$",
    re.I,
)
_FLASH_START = re.compile(r"^\[?\s*(?:FLASHBACK|FLASH BACK|BEGIN FLASHBACK)(?:\s*[:\-–—]\s*(?P<t>.*?))?\s*\]?$", re.I)
_FLASH_END = re.compile(
    r"^\[?\s*(?:END (?:OF )?FLASHBACK|FLASHBACK ENDS|BACK TO (?:THE )?PRESENT(?: DAY)?|END FLASH ?BACK)\.?\s*\]?$", re.I
)
# Uppercase lines that are directions, never cues.
_NOT_CUES = re.compile(
    r"^(?:(?:BEGIN |END |START )?MONTAGE|SERIES OF SHOTS|END SERIES OF SHOTS|BACK TO SCENE|LATER|CONTINUOUS|"
    r"THE END|BLACK\.?|BLACKOUT\.?|TITLE|INTERCUT|SPLIT SCREEN|END OF EPISODE(?: \d+)?|TO BE CONTINUED\.*)\b.*$"
)
# NAME: line, NAME (V.O.): line. The name is all caps or up to three Capitalised words.
_COLON = re.compile(
    r"^(?P<name>[A-Z][A-Z0-9.'’\-]*(?: [A-Z][A-Z0-9.'’\-]*){0,3}|[A-Z][a-z.'’\-]+(?: [A-Z][a-z.'’\-]+){0,2})"
    r"\s*(?P<ext>\([^()]{1,24}\))?\s*[:：]\s*(?P<t>\S.*)$"
)
_COLON_LABELS = frozenset(
    "SUPER TITLE CARD NOTE NOTES SFX SOUND FX MUSIC EPISODE SCENE EP LOCATION TIME SETTING CAST CHARACTERS "
    "LOGLINE SYNOPSIS SUMMARY HOOK CLIFFHANGER AUTHOR WRITER DRAFT DATE CONTACT CREDIT SOURCE GENRE "
    "CAPTION CHYRON SUBTITLE TEXT ON SCREEN INTERCUT WITH CUT TO FADE IN OUT PS NB VO OS PAGE ACT "
    "FLASHBACK MONTAGE INSERT BACK COPYRIGHT REVISION FORMAT SERIES GENRE AUTHORS LOGLINE TAGLINE "
    "THEME EPISODES LENGTH LANGUAGE PREMISE OUTLINE NOTE TIP WARNING".split()
) | {"TITLE CARD", "ON SCREEN", "INTERCUT WITH", "CUT TO", "FADE IN", "FADE OUT", "TEXT ON SCREEN", "DRAFT DATE"}
_MARKER_LINE = re.compile(
    r"\n[ \t]*(?:(?:EPISODE|Episode|EP|Ep|ep)\.?[ \t]*(?:\d+|(?i:one|two|three|four|five|six|seven|eight|nine|ten)\b)[ \t]*(?:[:：.\-–—][^\n]*)?|(?:SCENE|Scene)[ \t]+\d{1,4}[A-Za-z]?(?:-\d{1,4})?[ \t]*(?:[:：.\-–—][^\n]*)?)$",
    re.M,
)
_EXTENSIONS = frozenset(
    "VO OS OC CONTD CONT OFF OFFSCREEN FILTERED PRELAP INTOPHONE ONPHONE SUBTITLED VOICEOVER INNERVOICE "
    "INNERMONOLOGUE".split()
)
_DRAFT = re.compile(
    r"\b(?:draft|revision|revised|rev\.|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d|\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4})",
    re.I,
)
_CREDIT = re.compile(r"^(?:written by|screenplay by|teleplay by|story by|by|an original screenplay by)$", re.I)


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
    sample = text[:_SAMPLE]
    formatted = False
    if "\n" + " " * 8 in sample or "\f" in sample or "\t" in sample:
        lines = sample.expandtabs(8).split("\n")
        cues = furniture = 0
        for i, line in enumerate(lines[:-1]):
            s = _REVISION_TAIL.sub("", line.strip())
            if not s:
                continue
            indent = len(line) - len(line.lstrip())
            nxt = lines[i + 1]
            if indent >= 12 and nxt.strip() and 4 <= len(nxt) - len(nxt.lstrip()) < indent and (
                _is_cue(s) or _dual_cues(s, indent)
            ):
                cues += 1
            elif _MORE.match(s) or s in ("(CONTINUED)", "CONTINUED:"):
                furniture += 1
            elif s[0].isdigit() and _strip_scene_numbers(s)[1] is not None:
                furniture += 1
        formatted = cues >= 2 or (cues >= 1 and (furniture >= 2 or "\f" in sample))
    markers = _MARKER_LINE.search("\n" + sample) is not None  # a literal "\n" first: sre scans fast
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
            m = _COLON.match(s)
            if m and _colon_name_ok(m.group("name")):
                n_colon += 1
            elif prev_blank and i + 1 < len(lines) and lines[i + 1].strip() and _is_cue(s):
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
    if len(line) - len(line.lstrip()) >= 8 and (_is_cue(s) or _MORE.match(s) or _FURNITURE.match(s)):
        return True
    if _EPISODE.match(s) or _SCENE.match(s) or _SUBTITLE.match(s) or _FLASH_END.match(s) or _FLASH_START.match(s) or (
        _CLIFFHANGER.match(s)
    ):
        return True
    if s.upper().startswith("INTERCUT") or _FURNITURE.match(s) or _MORE.match(s) or "\f" in s:
        return True
    if s[0].isdigit() and _strip_scene_numbers(s)[1] is not None:
        return True
    m = _COLON.match(s)
    return bool(m and _colon_name_ok(m.group("name")))


def _count_colon_lines(sample: str, enough: int) -> int:
    """How many lines read as ``NAME: speech`` (stopping at ``enough``), found colon by colon."""
    found = 0
    pos = sample.find(":")
    while pos != -1 and found < enough:
        start = sample.rfind("\n", 0, pos) + 1
        if pos - start <= 60:
            end = sample.find("\n", pos)
            m = _COLON.match(sample[start : len(sample) if end == -1 else end].strip())
            if m and _colon_name_ok(m.group("name")):
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
    if text.lstrip("\ufeff \t\r\n").startswith(FOUNTAIN_MARK):
        return None
    formatted, colon, markers = detect_layout(text)
    undoubled = None
    if not formatted and ("\n" + " " * 8 in text[:_SAMPLE] or "\t" in text[:_SAMPLE]):
        # Some converters double-space every line: cue, empty line, dialogue. Read it single-spaced.
        from .layout_export import undouble

        undoubled = undouble(text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n"))
        if undoubled is not None and detect_layout("\n".join(undoubled[0]))[0]:
            formatted = True
        else:
            undoubled = None
    if not (formatted or colon or markers):
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    w = _Writer()
    lines = text.split("\n")
    if formatted:
        from .layout_export import format_export

        format_export(lines, w, None if undoubled is None else undoubled)
    else:
        _plain(lines, w)
    return "\n".join(w.out), w.numbers


class _Writer:
    """Fountain lines being written, each with the source line it came from."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.numbers: list[int] = []

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


def _is_cue(s: str) -> bool:
    if len(s) > 40 or "   " in s or _HEADING.match(s) or _NOT_CUES.match(s) or _TRANSITION.match(s) or s.endswith(":"):
        return False
    m = _CUE.match(s)
    if not m or not any(c.isalpha() for c in m.group("name")):
        return False
    name = m.group("name").strip()
    return not name.endswith((".", "!", "?", ",")) and len(name.split()) <= 5


def _colon_name_ok(name: str) -> bool:
    return name.upper() not in _COLON_LABELS and not _HEADING.match(name) and not name.upper().startswith(("EPISODE", "SCENE"))


def _cue_text(name: str, ext: str | None) -> tuple[str, str | None]:
    """A cue line for ``NAME (ext)`` and the parenthetical when the brackets hold direction, not an extension."""
    if not ext:
        return name, None
    inner = ext.strip()[1:-1]
    if re.sub(r"[\s.'’]", "", inner).upper() in _EXTENSIONS:
        return f"{name} ({inner})", None
    return name, inner


def _cue_line(cue: str) -> str:
    """Force a cue with ``@`` when Fountain would not read it as one unforced."""
    from .fountain import read_cue

    return cue if read_cue(cue, True) is not None else "@" + cue


def _special(s: str, n: int, w: _Writer, lines: list[str], i: int) -> int:
    """Write a micro-drama marker line; the number of source lines used (0 when ``s`` is none)."""
    m = _EPISODE.match(s)
    if m:
        title = m.group("t") or ""
        raw = m.group("n")
        number = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw.lower()]
        w.paragraph([f"# Episode {number}" + (f": {title}" if title else "")], n)
        return 1
    m = _SCENE.match(s)
    if m:
        number, rest = m.group("n"), (m.group("t") or "").strip()
        used = 1
        if not rest:
            j = i + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            if j < len(lines) and _HEADING.match(lines[j].strip()):
                rest, used = _strip_scene_numbers(lines[j].strip())[0], j - i + 1
        w.paragraph([f".{rest or s} #{number}#"], n)
        return used
    m = _SUBTITLE.match(s)
    if m:
        w.paragraph([f"[[dramalens:subtitle: {m.group('t')}]]"], n)
        return 1
    if _FLASH_END.match(s):
        w.paragraph([f"[[dramalens:flashback_end: {s.strip('[] ')}]]"], n)
        return 1
    m = _FLASH_START.match(s)
    if m and (s.startswith("[") or s == s.upper()):
        w.paragraph([f"[[dramalens:flashback_start: {s.strip('[] ')}]]"], n)
        return 1
    m = _CLIFFHANGER.match(s)
    if m and (s[0] in "[(" or s.split(":")[0] == s.split(":")[0].upper()):
        w.paragraph([f"[[dramalens:cliffhanger_mark: {m.group('t') or s.strip('[]() ')}]]"], n)
        return 1
    if s.upper() in ("INTERCUT WITH:", "INTERCUT:", "INTERCUT WITH"):
        w.paragraph([f"> {s}"], n)
        return 1
    return 0


def _strip_scene_numbers(s: str) -> tuple[str, str | None]:
    """``12A  INT. HOUSE - DAY  12A`` → (``INT. HOUSE - DAY``, ``12A``)."""
    m = _SCENE_NUMBERS.match(s)
    if m and (m.group("m") in (None, m.group("n"))) and m.group("rest"):
        rest = m.group("rest").strip()
        if _HEADING.match(rest) or m.group("m") or _OMITTED.match(rest):
            return rest, m.group("n")
    if not _HEADING.match(s):
        return s, None
    m = re.match(r"^(?P<rest>.*?)\s+(?P<m>[A-Z]?\d{1,4}[A-Z]{0,2})\.?$", s)
    if m and _HEADING.match(m.group("rest")):
        return m.group("rest"), m.group("m")
    return s, None


def _heading(s: str, n: int, w: _Writer) -> bool:
    """Write ``s`` as a heading (numbered on either side) or an omitted scene; False when it is neither."""
    rest, number = _strip_scene_numbers(s)
    if number is None and not _HEADING.match(rest):
        return False
    if _OMITTED.match(rest):
        w.paragraph([f"[[Scene {number} omitted]]" if number else "[[Scene omitted]]"], n)
        return True
    mark = f" #{number}#" if number else ""
    w.paragraph([("" if _HEADING.match(rest) else ".") + rest + mark], n)
    return True


# -- micro-drama / colon text ------------------------------------------------------------------
def _plain(lines: list[str], w: _Writer) -> None:
    total = len(lines)
    i = _fountain_title_page(lines, w)
    i = _front_matter(lines, i, w)
    if w.out:
        w.line("", i)
    # Before the first episode marker or heading, ``NAME: text`` is front matter (a cast list
    # with ages, a logline), not a speech, when the script has such markers at all.
    story = not any(_EPISODE.match(x.strip()) or _SCENE.match(x.strip()) or _HEADING.match(x.strip()) for x in lines)
    # Dense text (hardly any blank lines) is a Word script: every line is a paragraph. Text
    # with blank lines between paragraphs keeps Fountain's reading of what is not rewritten.
    nonblank = sum(1 for x in lines if x.strip())
    dense = (total - nonblank) * 4 < nonblank
    in_speech = False
    verbatim = False  # inside a Fountain speech (cue at a paragraph start) in paragraphed text
    para_start = True
    while i < total:
        n = i + 1
        s = lines[i].strip()
        if not s:
            w.blank(n) if dense else w.line("", n)
            in_speech = verbatim = False
            para_start = True
            i += 1
            continue
        starts, para_start = para_start, False
        if verbatim:
            w.line(lines[i].rstrip(), n)
            i += 1
            continue
        used = _special(s, n, w, lines, i)
        if used:
            i += used
            in_speech = False
            story = True
            continue
        if _heading(s, n, w):
            i += 1
            in_speech = False
            story = True
            continue
        m = _COLON.match(s)
        if m and story and _colon_name_ok(m.group("name")):
            cue, paren = _cue_text(m.group("name"), m.group("ext"))
            speech = m.group("t").strip()
            block = [_cue_line(cue)]
            if paren:
                block.append(f"({paren})")
            pm = re.match(r"^(\([^()]{1,40}\))\s*(\S.*)$", speech)
            if pm:
                block += [pm.group(1), pm.group(2)]
            else:
                block.append(speech)
            w.paragraph(block, n)
            in_speech = False
            i += 1
            continue
        nxt = lines[i + 1].strip() if i + 1 < total else ""
        if not dense:
            verbatim = starts and bool(nxt) and _is_cue(s)
            w.line(lines[i].rstrip(), n)
            i += 1
            continue
        if _is_cue(s) and nxt and not _COLON.match(nxt) and not _HEADING.match(nxt) and len(s.split()) <= 4:
            # A stacked cue in a Word script: no blank line before it is needed.
            w.blank(n)
            w.line(s, n)
            in_speech = True
            i += 1
            continue
        if in_speech:
            # A Word script writes a speech as one paragraph: parentheticals, then one line.
            w.line(s, n)
            in_speech = s.startswith("(") and s.endswith(")")
        else:
            # Each line of a Word script is a paragraph of its own. An uppercase sentence
            # followed by text would read as a cue: force it to action.
            w.blank(n)
            upper = s == s.upper() and any(c.isalpha() for c in s) and not s.startswith("!")
            w.line(("!" + s) if upper else s, n)
            w.line("", n)
        i += 1


def _fountain_title_page(lines: list[str], w: _Writer) -> int:
    """Copy a Fountain title page (``Title: …`` keys) at the top through; the index after it."""
    from .fountain import starts_title_page

    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i == len(lines) or not starts_title_page(lines[i].strip()):
        return 0
    while i < len(lines) and lines[i].strip():
        w.line(lines[i].rstrip(), i + 1)
        i += 1
    return i


def _front_matter(lines: list[str], start: int, w: _Writer) -> int:
    """Lines before the first episode marker (a cast list, a logline) → the title page's Notes.

    Left in the story they would form an episode of their own before ``EPISODE 1``.
    """
    k = start
    while k < len(lines):
        s = lines[k].strip()
        if _HEADING.match(s) or _SCENE.match(s):
            return start
        if _EPISODE.match(s):
            break
        k += 1
    else:
        return start
    front = [(j, lines[j].strip()) for j in range(start, k) if lines[j].strip()]
    if not front:
        return start
    w.line("Notes:", front[0][0] + 1)
    for j, s in front:
        w.line("    " + s, j + 1)
    return k


def _dual_cues(s: str, ind: int) -> tuple[str, str, int] | None:
    """Two cues side by side (``MARY            JOHN``): the names and the column of the second."""
    parts = re.split(r"\s{3,}", s)
    if len(parts) != 2 or ind < 8 or not all(_is_cue(p) for p in parts):
        return None
    return parts[0], parts[1], ind + s.rfind(parts[1])
