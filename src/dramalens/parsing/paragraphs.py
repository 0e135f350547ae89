"""Typed script paragraphs → Script: the screenplay logic shared by Final Draft, Fade In and
styled Word documents (a paragraph type per paragraph, the text plain).

Scenes start at headings, episodes at ``New Act`` or an ``EPISODE 3`` / ``第3集`` line,
speakers carry from each cue to its dialogue block. ``Element.line`` is the paragraph's index.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ..model import ElementType, Evidence, Script
from .builder import ScriptBuilder, join_paragraphs
from .headings import parse_episode_marker, parse_heading

__all__ = [
    "RawParagraph",
    "build_from_paragraphs",
    "paragraph_kind",
    "split_cue",
    "strip_parens",
    "title_page_pairs",
]

#: FDX paragraph types (lower case) → element type; None = structure, not an element.
_KINDS: dict[str, ElementType | None] = {
    "scene heading": ElementType.HEADING,
    "action": ElementType.ACTION,
    "general": ElementType.ACTION,
    "shot": ElementType.ACTION,  # a camera direction inside a scene, not a new scene
    "cast list": ElementType.ACTION,
    "end of act": ElementType.ACTION,
    "character": ElementType.CHARACTER,
    "parenthetical": ElementType.PARENTHETICAL,
    "dialogue": ElementType.DIALOGUE,
    "transition": ElementType.TRANSITION,
    "lyrics": ElementType.LYRICS,
    "new act": None,
    # Final Draft 12's outline elements: planning structure, read as Fountain's sections and
    # synopses (level from the type's number), never as action in a scene.
    "outline": ElementType.SECTION,
    "outline 1": ElementType.SECTION,
    "outline 2": ElementType.SECTION,
    "outline 3": ElementType.SECTION,
    "outline 4": ElementType.SECTION,
    "outline body": ElementType.SYNOPSIS,
}
# Kinds an "EPISODE 3" / "第3集" line may be typed as and still count as an episode marker.
_MARKER_KINDS = {"action", "general", "scene heading", "new act", "outline", "outline 1"}
# Types that continue a speaker's block; anything else ends it.
_BLOCK_TYPES = frozenset(
    {ElementType.PARENTHETICAL, ElementType.DIALOGUE, ElementType.VOICE_OVER, ElementType.INNER_VOICE, ElementType.LYRICS}
)
_CUE = re.compile(r"^(?P<name>.*?)\s*(?P<ext>(?:[(（][^()（）]*[)）]\s*)+)$")
_EXT_PART = re.compile(r"[(（]([^()（）]*)[)）]")


@dataclass(frozen=True, slots=True)
class RawParagraph:
    """One script paragraph as a container format gives it: its type name, plain text and
    1-based index, before the screenplay logic turns it into elements.

    ``attrs`` holds the ``Dramalens*`` attributes our own writer adds (see docs/fdx-docx.md).

    >>> RawParagraph("Action", "He waits.", 3).kind
    'Action'
    """

    kind: str
    text: str
    index: int
    number: str | None = None
    dual: bool = False
    attrs: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


def split_cue(text: str) -> tuple[str, str | None]:
    """A character cue's canonical name and its extension(s).

    >>> split_cue("JIM (O.S.)"), split_cue("DAVE (V.O.) (CONT'D)"), split_cue("林晚（OS）")
    (('JIM', 'O.S.'), ('DAVE', "V.O. CONT'D"), ('林晚', 'OS'))
    """
    text = text.strip().rstrip("^").strip()
    m = _CUE.match(text)
    if not m or not m.group("name").strip():
        return text, None
    parts = [p.strip() for p in _EXT_PART.findall(m.group("ext")) if p.strip()]
    return m.group("name").strip(), (" ".join(parts) or None)


def strip_parens(text: str) -> str:
    """A parenthetical's text without its one pair of outer brackets (the model keeps it bare,
    as the Fountain and Chinese parsers do; writers add the brackets back).

    >>> strip_parens("(beat)"), strip_parens("（冷笑）"), strip_parens("beat")
    ('beat', '冷笑', 'beat')
    """
    text = text.strip()
    if len(text) >= 2 and text[0] in "(（" and text[-1] in ")）":
        return text[1:-1].strip()
    return text


def paragraph_kind(kind: str) -> ElementType | None:
    """The element type an FDX paragraph type maps to (``None`` for ``New Act``, which starts
    an episode); raises KeyError for types FDX does not define.

    >>> paragraph_kind("Scene Heading").value
    'heading'
    """
    return _KINDS[" ".join(kind.lower().split())]


_CREDIT = re.compile(r"^(?:written\s+by|screenplay\s+by|story\s+by|teleplay\s+by|by|编剧|作者)\s*[:：]?$", re.IGNORECASE)
_DATE = re.compile(r"\b(?:19|20)\d\d\b|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|draft", re.IGNORECASE)


def title_page_pairs(items: Iterable[tuple[str | None, str]]) -> list[tuple[str, str]]:
    """Title-page (key, value) pairs from paragraphs that may carry their key (our writer's
    ``DramalensKey``, Fade In's bookmarks) or not (Final Draft): unkeyed ones are guessed —
    first line Title, a ``Written by`` line Credit and the next Author, a © line Copyright,
    a dated line Draft date, the rest Contact.

    >>> title_page_pairs([(None, "DUSK"), (None, "Written by"), (None, "Ann Lee"), (None, "(c) 2026 Ann")])
    [('Title', 'DUSK'), ('Credit', 'Written by'), ('Author', 'Ann Lee'), ('Copyright', '(c) 2026 Ann')]
    """
    pairs: list[tuple[str, str]] = []
    guessed_contact = False  # the previous pair is a guessed Contact line
    expect_author = False
    for key, text in items:
        if key:
            pairs.append((key, text))
            expect_author, guessed_contact = key == "Credit", False
            continue
        guess = "Contact"
        if not pairs:
            guess = "Title"
        elif _CREDIT.match(text):
            guess = "Credit"
        elif expect_author:
            guess = "Author"
        elif re.search(r"©|\(c\)|copyright|版权", text, re.IGNORECASE):
            guess = "Copyright"
        elif _DATE.search(text):
            guess = "Draft date"
        if guess == "Contact" and guessed_contact:
            # consecutive unkeyed lines of an address become one multi-line value
            pairs[-1] = ("Contact", pairs[-1][1] + "\n" + text)
        else:
            pairs.append((guess, text))
        expect_author, guessed_contact = guess == "Credit", guess == "Contact"
    return pairs



def build_from_paragraphs(
    paragraphs: Iterable[RawParagraph],
    *,
    source_format: str,
    source: str | None,
    title_page: list[tuple[str, str]] | None = None,
    trailing_notes: list[str] | None = None,
    text: str | None = None,
) -> Script:
    """Turn typed paragraphs into a Script: scenes at headings, episodes at ``New Act`` or an
    ``EPISODE 3`` / ``第3集`` line, speakers carried from each cue to its dialogue block.

    >>> s = build_from_paragraphs([RawParagraph("Scene Heading", "INT. HALL - DAY", 1)], source_format="fdx", source=None)
    >>> next(s.scenes).time, s.text
    ('DAY', 'INT. HALL - DAY')

    ``text`` is the document's body, one paragraph a line (:func:`~.builder.join_paragraphs`);
    by default the paragraphs given, which must then be numbered 1, 2, 3… in order.
    """
    paragraphs = list(paragraphs)
    source_text = join_paragraphs(p.text for p in paragraphs) if text is None else text
    b = ScriptBuilder(source_format=source_format, source=source)
    b.script.title_page = list(title_page or [])
    speaker: str | None = None
    for p in paragraphs:
        attrs = p.attrs
        text = p.text.strip()
        kind = " ".join(p.kind.lower().split())
        dtype = attrs.get("DramalensType")
        etype: ElementType | None
        evidence: Evidence = "strong"  # the document's own paragraph style names the type
        if dtype is not None:
            try:
                etype = ElementType(dtype)
            except ValueError:
                b.warn(p.index, f"unknown DramalensType {dtype!r}, taken as action")
                etype, evidence = ElementType.ACTION, "fallback"
        elif kind in _KINDS:
            etype = _KINDS[kind]
        else:
            b.warn(p.index, f"unknown paragraph type {p.kind!r}, taken as action")
            etype, evidence = ElementType.ACTION, "fallback"

        marker = parse_episode_marker(text) if dtype is None and kind in _MARKER_KINDS and text else None
        if etype is None or marker is not None:
            number, title = _episode_fields(attrs, marker, text)
            b.start_episode(number, title, line=p.index)
            speaker = None
            _add_notes(b, p)
            continue
        if not text and not attrs:
            _add_notes(b, p)
            continue
        if etype is ElementType.PAGE_BREAK:
            text = p.text
        elif etype is ElementType.ACTION:  # indentation is meaningful in action (as in Fountain)
            text = p.text.rstrip().lstrip("\r\n")
        if "DramalensCharacter" in attrs:
            explicit: str | None = attrs["DramalensCharacter"] or None
            has_explicit = True
        else:
            explicit, has_explicit = None, False

        if etype is ElementType.HEADING:
            int_ext, time, location, scene_no = parse_heading(text)
            cast = tuple(c for c in attrs.get("DramalensCast", "").split("\u3001") if c)
            b.start_scene(
                heading=text, line=p.index, number=p.number or scene_no, int_ext=int_ext, time=time, location=location, cast=cast
            )
            if attrs.get("DramalensImplied") != "Yes":
                b.add_new(ElementType.HEADING, text, p.index, character=explicit)
            speaker = None
        elif etype is ElementType.CHARACTER:
            name, extension = split_cue(text)
            speaker = explicit if has_explicit else name
            if speaker is not None:
                b.note_character(speaker, alias=text if text != speaker and not extension else None)
            if attrs.get("DramalensImplied") != "Yes":
                b.add_new(ElementType.CHARACTER, text, p.index, character=speaker, extension=extension, dual=p.dual)
        elif etype in _BLOCK_TYPES:
            character = explicit if has_explicit else speaker
            if etype is ElementType.PARENTHETICAL:
                text = strip_parens(text)
            b.add_new(etype, text, p.index, character=character, dual=p.dual, evidence=evidence, why="unknown paragraph style taken as action")
        else:
            default = (_small_int(kind[-1:], 1) or 1) if etype is ElementType.SECTION else 0
            level = _small_int(attrs.get("DramalensLevel", ""), default) or 0
            b.add_new(etype, text, p.index, character=explicit, level=level, evidence=evidence, why="unknown paragraph style taken as action")
            speaker = None
        _add_notes(b, p)
    for note in trailing_notes or ():
        b.add_new(ElementType.NOTE, note, 0)
    if trailing_notes:
        b.warn(0, f"{len(trailing_notes)} script note(s) kept at the end: their place in the script is not recorded simply")
    return b.build(text=source_text)


def _episode_fields(attrs: Mapping[str, str], marker: tuple[int, str] | None, text: str) -> tuple[int | None, str]:
    number = _small_int(attrs.get("DramalensEpisode", ""), None)
    if number is not None:
        return number, attrs.get("DramalensTitle", "")
    if marker is not None:
        return marker
    return None, text


def _small_int(raw: str, default: int | None) -> int | None:
    # ASCII digits only: str.isdigit() accepts "²", which int() refuses.
    return int(raw) if re.fullmatch(r"[0-9]{1,9}", raw) else default


def _add_notes(b: ScriptBuilder, p: RawParagraph) -> None:
    for note in p.notes:
        b.add_new(ElementType.NOTE, note, p.index)
