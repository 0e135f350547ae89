"""What the lines of a plain-text screenplay look like: the patterns and tests shared by the
export reader (:mod:`.export`), the colon-script reader (:mod:`.colon`) and layout detection."""

from __future__ import annotations

import re
from functools import lru_cache

from ..fountain.syntax import HEADING, HEADING_FIRST, HEADING_SECOND
from ..headings import is_time_of_day

__all__ = [
    "CLIFFHANGER", "COLON", "COLON_CUE", "COLON_LABELS", "CREDIT", "CUE", "DRAFT", "EPISODE", "EXTENSIONS", "FLASH_END",
    "FLASH_START", "FURNITURE", "FURNITURE_STARTS", "HEADING", "HEADING_FIRST", "HEADING_SECOND", "MARKER_LINE", "MORE",
    "NOT_CUES", "NUMBER_WORDS", "OMITTED", "PAGE_NUMBER_TAIL", "REVISION_HEADER", "REVISION_TAIL", "SCENE", "SCENE_NUMBERS",
    "SHOT", "SUBTITLE", "TRANSITION", "TRANSITION_ENDS", "EXPORT_HEADING", "GLUED_NUMBER", "colon_name_ok", "cue_rule",
    "cue_text", "dual_cues", "is_cue", "is_heading", "numbered_shot", "strip_scene_numbers",
]

# Names may carry digits, ``/`` and ``#`` (``GUARD #2``, ``ANCHOR/CHANNEL 9``); extensions are in
# any case and with either apostrophe (``(cont'd)``, ``(CONT’D)``, ``(o.s.)``).
CUE = re.compile(r"^(?P<name>[A-Z0-9][A-Z0-9 .'’\-&/#]{0,34}?)\s*(?P<ext>(?:\([^()]{0,30}\)\s*)*)\^?$")
#: Headings as exports spell them: ``INTERIOR - KITCHEN``, ``EXTERIOR.``, ``EXT     JUNGLE``, ``INT.-SPACE``.
EXPORT_HEADING = re.compile(
    r"^(?:INT\.?\s*/\s*EXT|EXT\.?\s*/\s*INT|INTERIOR\s*/\s*EXTERIOR|INTERIOR|EXTERIOR|INT|EXT|EST|I/E)(?:[.:]|\s*[-–—]|\s+\S)"
)
# A scene number glued to the heading: ``4EXT. FIELD``.
GLUED_NUMBER = re.compile(r"^(?P<n>\d{1,4}[A-Z]?)(?P<rest>(?:INT|EXT|INTERIOR|EXTERIOR|I/E)[.\s/].*)$")
# Camera directions that number like scenes in shooting and post-production scripts but are shots.
SHOT = re.compile(
    r"^(?:ANGLE|ANOTHER ANGLE|NEW ANGLE|REVERSE|CLOSE|CLOSER|CLOSEUP|CLOSE-UP|EXTREME|ECU|XCU|CU|MCU|MS|MED|MEDIUM|"
    r"WIDE|WS|LS|LONG SHOT|FULL SHOT|TWO SHOT|2-SHOT|OTS|OVER|POV|P\.O\.V\.|INSERT|ON|BACK ON|BACK TO|HIGH ANGLE|"
    r"LOW ANGLE|AERIAL|TRACKING|DOLLY|CRANE|PAN|TILT|ZOOM|MOVING|STOCK SHOT|SHOT|SERIES OF SHOTS|MONTAGE|INTERCUT|"
    r"ESTABLISHING|THE\b.*\bPOV)\b"
)
# A line that is only page furniture: page numbers, (MORE), CONTINUED markers, revision stars.
FURNITURE = re.compile(
    r"^(?:\d{1,3}[A-Z]?\s+)?(?:\(?\s*CONTINUED\s*\)?\s*:?\s*(?:\(\d+\))?|\(?CONT(?:'|’)?D\)?:?|\*+|\d{1,3}\.?|"
    r"(?:PAGE|Page)\s+\d+(?:\s+of\s+\d+)?)(?:\s+\d{1,3}[A-Z]?)?\s*\*?$"
)
#: What a stripped line that :data:`FURNITURE` matches can start with, besides a decimal digit
#: (``str.isdecimal``, the ``\d`` of a str pattern): one test that spares most lines the regex.
FURNITURE_STARTS = frozenset("(C*P")
REVISION_HEADER = re.compile(r"\b(?:REVISION|REVISED|REV|DRAFT)\b.*\d+[/.-]\d+", re.I)
MORE = re.compile(r"^\((?:MORE|more)\)$")
PAGE_NUMBER_TAIL = re.compile(r"\s{4,}\d{1,3}\.\s*$")
REVISION_TAIL = re.compile(r"\s+\*+$")
SCENE_NUMBERS = re.compile(
    r"^(?P<n>[A-Z]?\d{1,4}(?:-\d{1,4})?[A-Z]{0,2})\.?\s+(?P<rest>.*?)(?:\s+(?P<m>[A-Z]?\d{1,4}(?:-\d{1,4})?[A-Z]{0,2})\.?)?$"
)
OMITTED = re.compile(r"^(?:SCENES?\s+)?(?:OMITTED|OMIT)\b.*$", re.I)
TRANSITION = re.compile(
    r"^(?:(?:[A-Z]+ )*(?:CUT|DISSOLVE|FADE|WIPE|SMASH|MATCH|JUMP)(?: [A-Z]+)* TO(?: BLACK)?[:.]"
    r"|FADE (?:IN|OUT)[:.]?|FADE TO BLACK\.?|CUT TO BLACK\.?|INTERCUT WITH:?|BACK TO:|[A-Z ]+ TO:)$"
)
#: The last character of any line :data:`TRANSITION` matches (``TO:``, ``TO BLACK.``, ``FADE IN``,
#: ``FADE OUT``, ``INTERCUT WITH``); its first is a capital A-Z.
TRANSITION_ENDS = frozenset(":.NTKH")
NUMBER_WORDS = {
    w: k + 1
    for k, w in enumerate(
        "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split()
    )
}
EPISODE = re.compile(
    r"^(?:EPISODE|Episode|EP|Ep|ep)\.?\s*(?P<n>\d{1,4}|(?i:" + "|".join(NUMBER_WORDS) + r")\b)"
    r"\s*(?:[:：.\-–—]\s*(?P<t>.*?))?\s*$"
)
CLIFFHANGER = re.compile(r"^[\[(]?\s*(?:CLIFFHANGER|CLIFF-HANGER|HOOK)\s*[\])]?\s*(?:[:：\-–—]\s*(?P<t>.*?))?\s*[\])]?$", re.I)
SCENE = re.compile(r"^(?:SCENE|Scene)\s+(?P<n>\d{1,4}[A-Za-z]?(?:-\d{1,4})?)\s*(?:[:：.\-–—]\s*(?P<t>.*?))?\s*$")
SUBTITLE = re.compile(
    r"^\[?\s*(?:SUPER(?:IMPOSE)?|TITLE CARD|TITLE|ON SCREEN|ON-SCREEN TEXT|TEXT ON SCREEN|CAPTION|CHYRON|SUBTITLE|TEXT)"
    r"\s*:\s*(?P<t>.+?)\s*\]?$",
    re.I,
)
FLASH_START = re.compile(r"^\[?\s*(?:FLASHBACK|FLASH BACK|BEGIN FLASHBACK)(?:\s*[:\-–—]\s*(?P<t>.*?))?\s*\]?$", re.I)
FLASH_END = re.compile(
    r"^\[?\s*(?:END (?:OF )?FLASHBACK|FLASHBACK ENDS|BACK TO (?:THE )?PRESENT(?: DAY)?|END FLASH ?BACK)\.?\s*\]?$", re.I
)
# Uppercase lines that are directions, never cues.
NOT_CUES = re.compile(
    r"^(?:(?:BEGIN |END |START )?MONTAGE|SERIES OF SHOTS|END SERIES OF SHOTS|BACK TO SCENE|LATER|CONTINUOUS|"
    r"THE END|BLACK\.?|BLACKOUT\.?|TITLE|INTERCUT|SPLIT SCREEN|END OF EPISODE(?: \d+)?|TO BE CONTINUED\.*)\b.*$"
)
# NAME: line, NAME (V.O.): line. The name is all caps or up to three Capitalised words.
COLON = re.compile(
    r"^(?P<name>[A-Z][A-Z0-9.'’\-]*(?: [A-Z][A-Z0-9.'’\-]*){0,3}|[A-Z][a-z.'’\-]+(?: [A-Z][a-z.'’\-]+){0,2})"
    r"\s*(?P<ext>\([^()]{1,24}\))?\s*[:：]\s*(?P<t>\S.*)$"
)
#: ``NICK:`` alone on its line, the speech on the lines below (post-production scripts).
COLON_CUE = re.compile(r"^(?P<name>[A-Z][A-Z0-9.'’\-#]*(?: [A-Z][A-Z0-9.'’\-#]*){0,3})\s*(?P<ext>\([^()]{1,24}\))?\s*:$")
COLON_LABELS = frozenset(
    "SUPER TITLE CARD NOTE NOTES SFX SOUND FX MUSIC EPISODE SCENE EP LOCATION TIME SETTING CAST CHARACTERS "
    "LOGLINE SYNOPSIS SUMMARY HOOK CLIFFHANGER AUTHOR WRITER DRAFT DATE CONTACT CREDIT SOURCE GENRE "
    "CAPTION CHYRON SUBTITLE TEXT ON SCREEN INTERCUT WITH CUT TO FADE IN OUT PS NB VO OS PAGE ACT "
    "FLASHBACK MONTAGE INSERT BACK COPYRIGHT REVISION FORMAT SERIES GENRE AUTHORS LOGLINE TAGLINE "
    "THEME EPISODES LENGTH LANGUAGE PREMISE OUTLINE NOTE TIP WARNING CONTINUED CONT'D CONT’D MORE REVISED".split()
) | {"TITLE CARD", "ON SCREEN", "INTERCUT WITH", "CUT TO", "FADE IN", "FADE OUT", "TEXT ON SCREEN", "DRAFT DATE"}
MARKER_LINE = re.compile(
    r"\n[ \t]*(?:(?:EPISODE|Episode|EP|Ep|ep)\.?[ \t]*(?:\d+|(?i:one|two|three|four|five|six|seven|eight|nine|ten)\b)[ \t]*(?:[:：.\-–—][^\n]*)?|(?:SCENE|Scene)[ \t]+\d{1,4}[A-Za-z]?(?:-\d{1,4})?[ \t]*(?:[:：.\-–—][^\n]*)?)$",
    re.M,
)
EXTENSIONS = frozenset(
    "VO OS OC CONTD CONT OFF OFFSCREEN FILTERED PRELAP INTOPHONE ONPHONE SUBTITLED VOICEOVER INNERVOICE "
    "INNERMONOLOGUE".split()
)
DRAFT = re.compile(
    r"\b(?:draft|revision|revised|rev\.|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d|\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4})",
    re.I,
)
CREDIT = re.compile(r"^(?:written by|screenplay by|teleplay by|story by|by|an original screenplay by)$", re.I)


_MC = re.compile(r"\bMc(?=[A-Z])")
_WIDE_GAP = re.compile(r"\s{3,}")
_NUMBER_NAME = re.compile(r"[\d\s.#/-]+[A-Z]?")


# An ASCII lower-case letter before the first bracket: upper() would change the name part.
_LOWER_HEAD = re.compile(r"[^(a-z]*[a-z]")


def is_cue(s: str) -> bool:
    """Whether the stripped line ``s`` reads as a character cue (caps name, optional extensions).

    The same answer as :func:`cue_rule`, with the tests that turn most lines away first
    (asked of nearly every line of an export, often more than once).

    >>> is_cue("MARY (V.O.)"), is_cue("He waits."), is_cue("CUT TO:"), is_cue("McGINTY (cont'd)")
    (True, False, False, True)
    """
    # The rule's own reasons, cheaply: over 48 characters; a first character CUE cannot start
    # with (the McGINTY fix keeps the first one); a lower-case letter in the name part and no "Mc".
    if not s or len(s) > 48:
        return False
    c = s[0]
    if not ("A" <= c <= "Z" or "0" <= c <= "9"):
        return False
    if "Mc" not in s and ("a" <= s[1:2] <= "z" or _LOWER_HEAD.match(s)):  # "He …", "You …" at once
        return False
    return cue_rule(s)


@lru_cache(maxsize=8192)
def cue_rule(s: str) -> bool:
    """The cue rule in full (:func:`is_cue` asks it once its quick tests have not decided); cached
    per line text, as scripts repeat their cues.

    >>> cue_rule("MARY (V.O.)"), cue_rule("He waits.")
    (True, False)
    """
    head = s.split("(", 1)[0]
    if not s or head != head.upper() or len(s) > 48:  # most lines leave here, at a lower-case letter
        if "Mc" not in head:
            return False
        s = _MC.sub("MC", s)  # McGINTY is written with a lower-case c
        head = s.split("(", 1)[0]
        if head != head.upper() or len(s) > 48:
            return False
    if "   " in s or is_heading(s) or NOT_CUES.match(s) or TRANSITION.match(s) or s.endswith(":"):
        return False
    if SHOT.match(s) or FURNITURE.match(s):
        return False
    m = CUE.match(s)
    if not m or not any(c.isalpha() for c in m.group("name")):
        return False
    name = m.group("name").strip()
    if _NUMBER_NAME.fullmatch(name):  # a scene or page number
        return False
    return not name.endswith((".", "!", "?", ",", "-")) and len(name.split()) <= 5


def colon_name_ok(name: str) -> bool:
    """Whether ``name`` before a colon can be a speaker (not a label such as ``NOTE`` or ``SUPER``).

    >>> colon_name_ok("LILY"), colon_name_ok("NOTE")
    (True, False)
    """
    return name.upper() not in COLON_LABELS and not HEADING.match(name) and not name.upper().startswith(("EPISODE", "SCENE"))


def cue_text(name: str, ext: str | None) -> tuple[str, str | None]:
    """A cue line for ``NAME (ext)`` and the parenthetical when the brackets hold direction, not an extension.

    >>> cue_text("MARK", "(O.S.)"), cue_text("MARK", "(quietly)")
    (('MARK (O.S.)', None), ('MARK', 'quietly'))
    """
    if not ext:
        return name, None
    inner = ext.strip()[1:-1]
    if re.sub(r"[\s.'’]", "", inner).upper() in EXTENSIONS:
        return f"{name} ({inner})", None
    return name, inner



def is_heading(s: str) -> bool:
    """Whether the stripped line ``s`` (scene numbers removed) is a scene heading as exports write them.

    >>> is_heading("INTERIOR - KITCHEN"), is_heading("EXT     JUNGLE"), is_heading("INTERCUT WITH:")
    (True, True, False)
    """
    # Both patterns start with I or E and then N, X, S or / (HEADING in any case, and re folds
    # i into İ and ı, s into ſ): the many lines that start otherwise skip both.
    return s[:1] in HEADING_FIRST and s[1:2] in HEADING_SECOND and bool(HEADING.match(s) or EXPORT_HEADING.match(s))


def strip_scene_numbers(s: str) -> tuple[str, str | None]:
    """A heading without the scene numbers on either side (they may differ), and the number.

    A line numbered on both sides is a heading even without ``INT.``/``EXT.``, unless it is a
    camera direction (a numbered shot) or page furniture (``12  CONTINUED:  1``, a truncated number).

    >>> strip_scene_numbers("12A  INT. HOUSE - DAY  12A"), strip_scene_numbers("He waits.")
    (('INT. HOUSE - DAY', '12A'), ('He waits.', None))
    >>> strip_scene_numbers("4EXT. FIELD - DAY"), strip_scene_numbers("12  ANGLE ON NICK  12")
    (('EXT. FIELD - DAY', '4'), ('12  ANGLE ON NICK  12', None))
    """
    c = s[:1]
    # A number starts with a digit (``\d``: str.isdecimal), or a capital and a digit (``A12``).
    if c.isdecimal() or ("A" <= c <= "Z" and s[1:2].isdecimal()):
        m = SCENE_NUMBERS.match(s)
        if m and m.group("rest"):
            rest = m.group("rest").strip()
            if is_heading(rest) or OMITTED.match(rest):
                return rest, m.group("n")
            if m.group("m") and _numbered_scene(rest):
                return rest, m.group("n")
        g = GLUED_NUMBER.match(s) if c.isdecimal() else None
        if g:
            rest = g.group("rest")
            tail = re.match(r"^(?P<rest>.*?)\s+(?P<m>[A-Z]?\d{1,4}[A-Z]{0,2})\.?$", rest)
            return (tail.group("rest") if tail else rest), g.group("n")
    if not is_heading(s):
        return s, None
    m2 = re.match(r"^(?P<rest>.*?)\s+(?P<m>[A-Z]?\d{1,4}[A-Z]{0,2})\.?$", s)
    if m2 and is_heading(m2.group("rest")):
        return m2.group("rest"), m2.group("m")
    return s, None


def _numbered_scene(rest: str) -> bool:
    """A line numbered on both sides without INT./EXT.: a scene unless it is a shot or furniture."""
    if SHOT.match(rest) or FURNITURE.match(rest) or rest.upper().startswith("CONTINUED") or rest.endswith(":"):
        return False
    letters = [c for c in rest if c.isalpha()]
    if not letters or rest != rest.upper():
        return False
    # A place and a time (``FARM SUPPLY STORE - DAY``) is a scene; a name or a place alone
    # (``HOME PLATE``) is a numbered shot.
    parts = re.split(r"\s+[-–—]+\s*|\s*[-–—]+\s+", rest)
    return len(parts) > 1 and is_time_of_day(parts[-1])


def numbered_shot(s: str) -> bool:
    """A line numbered on both sides that is no scene: a shot (``45  CLOSE ON RICKEY  45``).

    >>> numbered_shot("45  CLOSE ON RICKEY  45"), numbered_shot("12  INT. HALL - DAY  12")
    (True, False)
    """
    m = SCENE_NUMBERS.match(s)
    if not m or not m.group("m") or not m.group("rest"):
        return False
    rest = m.group("rest").strip()
    return not (is_heading(rest) or OMITTED.match(rest) or _numbered_scene(rest)) and any(c.isalpha() for c in rest) and (
        rest == rest.upper()
    ) and not FURNITURE.match(s)



def dual_cues(s: str, ind: int) -> tuple[str, str, int] | None:
    """Two cues side by side (flattened dual dialogue): the names and the column of the second.

    >>> dual_cues("MARY            JOHN", 20)
    ('MARY', 'JOHN', 36)
    """
    if "   " not in s:
        return None
    parts = _WIDE_GAP.split(s)
    if len(parts) != 2 or ind < 8 or not all(is_cue(p) for p in parts):
        return None
    return parts[0], parts[1], ind + s.rfind(parts[1])
