"""Fountain (fountain.io) → :class:`~dramalens.model.Script`, in a single pass over the lines.

Fountain is also the fallback for plain text nothing else recognises, so this parser accepts
any ``str``: what it cannot place becomes action. The choices where the syntax is silent or
peers disagree are listed in docs/fountain.md; the main ones:

* a level-1 section that names an episode (``# Episode 3``, ``# EP 3``, ``# 第3集 重逢``)
  starts a new :class:`~dramalens.model.Episode` instead of becoming a section element;
* an uppercase line (Latin, Cyrillic, Greek…) before a non-blank line is a character cue; a
  CJK line has no case, so it is a cue only when forced with ``@`` or when it is a bare short
  name: at most 8 Han/Kana/Hangul characters, no punctuation, optionally an extension;
* a boneyard ``/* … */`` is removed but its line breaks stay, so it separates paragraphs;
* notes ``[[ … ]]`` become note elements after the element they sat in; a line holding only
  notes is skipped, so it neither ends a paragraph nor leaves an empty one;
* ``[[dramalens:TYPE @NAME: text]]`` carries the model's non-Fountain types (subtitle,
  voice_over, inner_voice, flashback markers, cliffhanger marks) so the writer round-trips.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import fields
from functools import lru_cache
from typing import Protocol

from ...model import Element, ElementType, Script
from ...text import strip_emphasis
from ...text.normalise import unify_newlines
from ..builder import ScriptBuilder
from ..headings import parse_episode_marker, parse_heading
from .syntax import HEADING, HEADING_FIRST, HEADING_SECOND, TITLE_KEY, read_cue, starts_title_page

__all__ = ["parse_fountain"]

# The element types the loops below use, looked up once: ElementType.X goes through the enum's
# metaclass, several times slower than a module global, and the loops ask per line.
_EL_ACTION = ElementType.ACTION
_EL_CENTERED = ElementType.CENTERED
_EL_CHARACTER = ElementType.CHARACTER
_EL_DIALOGUE = ElementType.DIALOGUE
_EL_HEADING = ElementType.HEADING
_EL_LYRICS = ElementType.LYRICS
_EL_NOTE = ElementType.NOTE
_EL_PAGE_BREAK = ElementType.PAGE_BREAK
_EL_PARENTHETICAL = ElementType.PARENTHETICAL
_EL_SECTION = ElementType.SECTION
_EL_SYNOPSIS = ElementType.SYNOPSIS
_EL_TRANSITION = ElementType.TRANSITION

_FORCED_HEADING = re.compile(r"^\.(?=[^.\s])")
# fountain.io: scene numbers are alphanumerics, dashes and periods between two #.
_SCENE_NUMBER = re.compile(r"\s*#([\w.\-]+)#\s*$")
_PAGE_BREAK = re.compile(r"^={3,}$")
_EXTRA_TYPE = re.compile(
    r"^dramalens:(subtitle|voice_over|inner_voice|flashback_start|flashback_end|cliffhanger_mark)"
    r"(?: @([^:\n]*))?:(?: |$)(.*)$",
    re.S,
)


def _cuts(text: str) -> Iterator[tuple[int, int, bool]]:
    """``(start, end, is_note)`` of every boneyard and note, left to right, in linear time.

    A note ``[[…]]`` may not hold an empty line; a boneyard ``/*…*/`` may hold anything. An
    unclosed ``/*`` is reported once as ``(-1, position, False)`` and stays text. Plain
    ``str.find`` scans, each bounded so that hostile input (thousands of ``[[`` or ``/*``
    without a close) costs linear time, which a backtracking regex would not.
    """
    n = len(text)
    pos = 0
    nb = text.find("/*")
    nt = text.find("[[")
    while nb != -1 or nt != -1:
        if nb != -1 and nb < pos:
            nb = text.find("/*", pos)
        if nt != -1 and nt < pos:
            nt = text.find("[[", pos)
        if nb == -1 and nt == -1:
            return
        if nb != -1 and (nt == -1 or nb < nt):
            close = text.find("*/", nb + 2)
            if close == -1:
                yield -1, nb, False
                nb = -1  # no "*/" after this one, so none after any later "/*" either
                continue
            yield nb, close + 2, False
            pos = close + 2
        else:
            blank = text.find("\n\n", nt + 2)
            limit = n if blank == -1 else blank
            close = text.find("]]", nt + 2, limit)
            if close == -1:
                # No "[[" before the empty line can close either: go on after it.
                nt = -1 if blank == -1 else text.find("[[", blank)
                continue
            yield nt, close + 2, True
            pos = close + 2


class _MakeElement(Protocol):
    def __call__(
        self,
        type: ElementType,
        text: str,
        line: int = 0,
        character: str | None = None,
        extension: str | None = None,
        dual: bool = False,
        level: int = 0,
    ) -> Element: ...


def _fast_element_constructor() -> _MakeElement:
    """A constructor for Element that skips the frozen dataclass __init__ (about a third faster).

    A frozen dataclass sets each field through object.__setattr__; the slot descriptors do
    the same work directly. Used only while Element has exactly the fields below (else the
    plain constructor), so a change to the model cannot leave a field unset.
    """
    names = tuple(f.name for f in fields(Element))
    if names != ("type", "text", "line", "character", "extension", "dual", "level"):
        return Element
    new = object.__new__
    s_type, s_text, s_line, s_char, s_ext, s_dual, s_level = (getattr(Element, n).__set__ for n in names)

    def make(
        type: ElementType,
        text: str,
        line: int = 0,
        character: str | None = None,
        extension: str | None = None,
        dual: bool = False,
        level: int = 0,
    ) -> Element:
        e = new(Element)
        s_type(e, type)
        s_text(e, text)
        s_line(e, line)
        s_char(e, character)
        s_ext(e, extension)
        s_dual(e, dual)
        s_level(e, level)
        return e

    return make


_element = _fast_element_constructor()


def parse_fountain(
    text: str,
    *,
    source: str | None = None,
    encoding: str | None = None,
    source_lines: Sequence[int] | None = None,
    source_text: str | None = None,
    held: Mapping[int, str] | None = None,
    fallback: Mapping[int, str] | None = None,
) -> Script:
    """Parse Fountain text into a Script (``source_format`` ``"fountain"``); never raises on a str.

    ``text`` is read as Fountain as it stands; plain text that may be a PDF or Word export goes
    through :func:`dramalens.parsing.screenplay_text.parse_screenplay_text`, which rewrites it
    into Fountain and passes ``source_lines`` (the source line of each line of ``text``) and
    ``source_text`` (the file's text), so line numbers and ``Script.text`` refer to the source;
    ``held`` and ``fallback`` map source lines to why they were kept out of the body or placed
    by fallback (they feed :attr:`Script.quality`).

    >>> s = parse_fountain("INT. HOUSE - DAY #1A#\\n\\nBOB (V.O.)\\nHi.")
    >>> [(e.type.value, e.text, e.character) for e in s.episodes[0].scenes[0].elements]
    [('heading', 'INT. HOUSE - DAY', None), ('character', 'BOB (V.O.)', 'BOB'), ('dialogue', 'Hi.', 'BOB')]
    >>> s.episodes[0].scenes[0].number, s.episodes[0].scenes[0].location
    ('1A', 'HOUSE')
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_fountain needs a str, got {type(text).__name__}")
    parser = _Parser(source=source, encoding=encoding)
    # ``held`` (source lines kept out, such as page furniture) and ``fallback`` (source lines
    # placed by fallback) come from a rewritten layout and go to the read quality, with why.
    for line, why in (held or {}).items():
        parser.b.hold(line, why)
    for line, why in (fallback or {}).items():
        parser.b.mark_fallback(line, why)
    return parser.run(text, source_lines, text if source_text is None else source_text)


class _Parser:
    """One parse: splits the text into paragraphs (blocks) and emits each as it closes."""

    def __init__(self, *, source: str | None, encoding: str | None):
        self.b = ScriptBuilder(source_format="fountain", source=source, encoding=encoding)
        self.pending_notes: list[tuple[str, int]] = []
        self.first_block = True
        self.last_dialogue_group: range | None = None  # indexes in the scene of the last cue group
        self._elements: list[Element] | None = None  # the current scene's elements
        self.structured = False  # a heading or a cue was read

    # -- text preparation ------------------------------------------------------------------
    def _prepare(self, text: str) -> tuple[list[str], list[int], dict[int, list[tuple[str, int]]]]:
        """Lines with boneyards and notes taken out, each line's source number, notes by line."""
        if text.startswith("\ufeff"):
            text = text[1:]
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if "[[" not in text and "/*" not in text:
            lines = text.split("\n")
            return lines, list(range(1, len(lines) + 1)), {}
        out: list[str] = []
        notes: dict[int, list[tuple[str, int]]] = {}
        swallowed: dict[int, int] = {}  # clean line index -> source lines a note swallowed there
        pos = 0
        clean_line = 0
        source_line = 1
        unclosed = -1
        for start, end, is_note in _cuts(text):
            if start == -1:
                unclosed = end
                continue
            before = text[pos:start]
            out.append(before)
            nl = before.count("\n")
            clean_line += nl
            source_line += nl
            inner_nl = text.count("\n", start, end)
            if is_note:
                notes.setdefault(clean_line, []).append((text[start + 2 : end - 2], source_line))
                if inner_nl:
                    swallowed[clean_line] = swallowed.get(clean_line, 0) + inner_nl
            else:
                # Keep the boneyard's line breaks: it separates what is around it, and the
                # line numbers after it stay true.
                out.append("\n" * inner_nl)
                clean_line += inner_nl
            source_line += inner_nl
            pos = end
        out.append(text[pos:])
        if unclosed != -1:
            self.b.warn(text.count("\n", 0, unclosed) + 1, "boneyard '/*' is never closed with '*/': kept as text")
        lines = "".join(out).split("\n")
        numbers = list(range(1, len(lines) + 1))
        if swallowed:
            shift = 0
            for i in range(len(lines)):
                numbers[i] = i + 1 + shift
                shift += swallowed.get(i, 0)
        return lines, numbers, notes

    # -- main loop -------------------------------------------------------------------------
    def run(self, text: str, back: Sequence[int] | None, source_text: str) -> Script:
        lines, numbers, notes = self._prepare(text)
        if back is not None:
            # Map the rewritten text's line numbers back onto the source file's.
            last = len(back)
            n = len(numbers)
            if n and numbers[-1] == n:
                # No note swallowed a line break (numbers is 1..n): the map is back itself.
                numbers = list(back[:n]) + list(range(last + 1, n + 1))
            else:
                numbers = [back[k - 1] if 0 < k <= last else k for k in numbers]
            if notes:
                notes = {i: [(t, back[k - 1] if 0 < k <= last else k) for t, k in v] for i, v in notes.items()}
        if notes:
            self._blocks_with_notes(lines, numbers, notes)
        else:
            self._blocks(lines, numbers)
        self._flush_notes()
        if not self.structured:
            # Plain text with no heading and no cue comes here as the fallback format: its
            # action was placed because nothing else matched, and read quality should say so.
            for _, _, e in self.b.script.iter_elements():
                if e.type is _EL_ACTION:
                    self.b.mark_fallback(e.line, "no scene heading or cue anywhere: taken as action")
        title = None
        for key, value in self.b.script.title_page:
            if key.lower() == "title":
                title = " ".join(strip_emphasis(v).strip() for v in value.split("\n") if v.strip())
                break
        return self.b.build(text=unify_newlines(source_text), title=title)

    def _blocks(self, lines: list[str], numbers: list[int]) -> None:
        """Emit the paragraphs of text with no notes: each a slice of the lines (what
        :meth:`_blocks_with_notes` gives, without building it line by line)."""
        n = len(lines)
        start = -1  # the open paragraph's first line, -1 when none is open
        spaced = False  # the open paragraph holds a two-space line
        for i, line in enumerate(lines):
            if line and not line.isspace():
                if start < 0:
                    start = i
                continue
            if start < 0:
                continue
            # Two or more spaces inside dialogue keep it going (fountain.io's way of writing an
            # empty line into a speech).
            if len(line) >= 2 and i + 1 < n and lines[i + 1].strip() and _dialogue_cue(lines[start], True) is not None:
                spaced = True
                continue
            self._emit_slice(lines, numbers, start, i, spaced)
            start = -1
            spaced = False
        if start >= 0:
            self._emit_slice(lines, numbers, start, n, spaced)

    def _emit_slice(self, lines: list[str], numbers: list[int], start: int, end: int, spaced: bool) -> None:
        block = lines[start:end]
        if spaced:  # the two-space lines kept inside a speech are its empty lines
            block = [x if not x.isspace() else "" for x in block]
        self._emit_block(block, numbers[start:end])

    def _blocks_with_notes(self, lines: list[str], numbers: list[int], notes: dict[int, list[tuple[str, int]]]) -> None:
        block: list[str] = []
        block_lines: list[int] = []
        n = len(lines)
        for i, line in enumerate(lines):
            if line and not line.isspace():  # most lines: straight into the paragraph
                if notes and i in notes:
                    self.pending_notes.extend(notes[i])
                block.append(line)
                block_lines.append(numbers[i])
                continue
            if notes and i in notes:
                # A line that held only notes: the notes stay, the line does not.
                self.pending_notes.extend(notes[i])
                if not block:
                    self._flush_notes()
                continue
            # Blank or whitespace-only. Two or more spaces inside dialogue keep it going
            # (fountain.io's way of writing an empty line into a speech).
            if (
                len(line) >= 2
                and block
                and i + 1 < n
                and lines[i + 1].strip()
                and _dialogue_cue(block[0], True) is not None
            ):
                block.append("")
                block_lines.append(numbers[i])
                continue
            if block:
                self._emit_block(block, block_lines)
                block = []
                block_lines = []
        if block:
            self._emit_block(block, block_lines)

    def _flush_notes(self) -> None:
        if not self.pending_notes:
            return
        for note, line in self.pending_notes:
            element = _note_element(note.strip(), line)
            if element.character:
                self.b.note_character(element.character)
            self._add(element)
        self.pending_notes = []

    def _add(self, element: Element) -> None:
        # Straight onto the scene's list: the builder's add() would look the scene up and
        # note the speaker per element, which _dialogue and _flush_notes already do.
        elements = self._elements
        if elements is None:
            elements = self._elements = self.b.scene.elements
        elements.append(element)

    # -- blocks ----------------------------------------------------------------------------
    def _emit_block(self, block: list[str], numbers: list[int]) -> None:
        if self.first_block:
            self.first_block = False
            if self._title_page(block, numbers):
                self._flush_notes()
                return
        first = block[0]
        start = 0
        if first[0] != "!":  # a block's first line is never empty
            s = first.strip()
            c = s[0]
            # What _dialogue_cue decides, with the heading test made once for both questions.
            heading = c in HEADING_FIRST and s[1:2] in HEADING_SECOND and HEADING.match(s) is not None
            has_next = len(block) > 1
            if c == "@" or (has_next and not heading):
                cue = read_cue(first, has_next)
                if cue is not None:
                    self._dialogue(cue, block, numbers)
                    if self.pending_notes:
                        self._flush_notes()
                    return
            if heading or (c == "." and _FORCED_HEADING.match(s)):
                self._heading(s, numbers[0])
                start = 1
            elif not has_next and s.endswith("TO:") and s == s.upper() and first == first.rstrip() and c not in "=#~>":
                self._add(_element(_EL_TRANSITION, s, numbers[0]))
                start = 1
        self._lines(block, numbers, start)
        self.last_dialogue_group = None
        if self.pending_notes:
            self._flush_notes()

    def _title_page(self, block: list[str], numbers: list[int]) -> bool:
        if not starts_title_page(block[0], block):
            return False
        pairs: list[tuple[str, list[str]]] = []
        rest_at = len(block)
        for k, line in enumerate(block):
            if line[:1] in (" ", "\t") and pairs:
                pairs[-1][1].append(line.strip())
                continue
            m = TITLE_KEY.match(line)
            if m is None:
                rest_at = k
                break
            value = m.group(2).strip()
            pairs.append((m.group(1).strip(), [value] if value else []))
        self.b.script.title_page.extend((k, "\n".join(v)) for k, v in pairs)
        if rest_at < len(block):
            # fountain.io keys end at the first line that is neither a key nor indented.
            self._lines(block, numbers, rest_at)
        return True

    def _heading(self, s: str, line: int) -> None:
        text = s[1:].lstrip() if s.startswith(".") and not HEADING.match(s) else s
        number = None
        m = _SCENE_NUMBER.search(text)
        if m:
            number = m.group(1)
            text = text[: m.start()].rstrip()
        self.structured = True
        int_ext, time, location, _ = _heading_fields(text)
        self._elements = self.b.start_scene(
            heading=text, line=line, number=number, int_ext=int_ext, time=time, location=location
        ).elements
        self._add(_element(_EL_HEADING, text, line))
        self.last_dialogue_group = None

    def _lines(self, block: list[str], numbers: list[int], start: int) -> None:
        """Action lines, with the one-line elements that may sit among them."""
        action: list[str] = []
        action_line = 0
        for k in range(start, len(block)):
            line = block[k]
            at = numbers[k]
            if line.startswith("!"):
                if not action:
                    action_line = at
                action.append(line[1:].rstrip())
                continue
            s = line.strip()
            element = _one_line_element(s, at) if s and s[0] in "=#~>" else None
            if element is None:
                if not action:
                    action_line = at
                action.append(line.rstrip())
                continue
            if action:
                self._add(_element(_EL_ACTION, "\n".join(action), action_line))
                action = []
            if element.type is _EL_SECTION and element.level == 1:
                marker = parse_episode_marker(strip_emphasis(element.text))
                if marker is not None:
                    self._flush_notes()
                    self.b.start_episode(marker[0], marker[1], line=at)
                    self._elements = None
                    continue
            self._add(element)
        if action:
            self._add(_element(_EL_ACTION, "\n".join(action), action_line))

    # -- dialogue --------------------------------------------------------------------------
    def _dialogue(self, cue: tuple[str, str, str | None, bool], block: list[str], numbers: list[int]) -> None:
        text, name, extension, dual = cue
        self.structured = True
        self.b.note_character(name, text if text != name else None)
        elements = self._elements
        if elements is None:
            elements = self._elements = self.b.scene.elements
        if dual and self.last_dialogue_group is not None:
            # fountain.io marks only the second speaker; both sides are dual.
            for idx in self.last_dialogue_group:
                e = elements[idx]
                elements[idx] = _element(e.type, e.text, e.line, e.character, e.extension, True, e.level)
        group_start = len(elements)
        append = elements.append
        append(_element(_EL_CHARACTER, text, numbers[0], name, extension, dual))
        if len(block) == 2:
            # The common speech: one line of dialogue under the cue (a second line of a block
            # is never empty: a two-space line needs text after it).
            s = block[1].strip()
            c = s[:1]
            if c and c != "~" and not ((c == "(" or c == "（") and len(s) >= 2 and s[-1] in ")）"):
                append(_element(_EL_DIALOGUE, s, numbers[1], name, None, dual))
                self.last_dialogue_group = range(group_start, group_start + 2)
                return
        speech: list[str] = []
        speech_line = 0
        after_paren = False  # the previous line was a parenthetical
        for k in range(1, len(block)):
            s = block[k].strip()
            kind = None
            if not s and after_paren and k + 1 < len(block) and block[k + 1].strip()[:1] in ("(", "（"):
                # A two-space line between two parentheticals keeps the second one a
                # parenthetical (how the writer writes two in a row).
                after_paren = False
                continue
            if s:
                c = s[0]
                # fountain.io: a parenthetical follows a cue or dialogue, so a second one in a
                # row opens the dialogue, brackets and all (fountain-tools reads it so too).
                if (c == "(" or c == "（") and len(s) >= 2 and s[-1] in ")）" and not after_paren:
                    kind = _EL_PARENTHETICAL
                    s = s[1:-1].strip()
                elif c == "~":
                    kind = _EL_LYRICS
                    s = s[1:].strip()
            after_paren = kind is _EL_PARENTHETICAL
            if kind is None:
                if not speech:
                    speech_line = numbers[k]
                speech.append(s)
                continue
            if speech:
                append(_element(_EL_DIALOGUE, "\n".join(speech), speech_line, name, None, dual))
                speech = []
            append(_element(kind, s, numbers[k], name, None, dual))
        if speech:
            append(_element(_EL_DIALOGUE, "\n".join(speech), speech_line, name, None, dual))
        self.last_dialogue_group = range(group_start, len(elements))



@lru_cache(maxsize=4096)
def _heading_fields(text: str) -> tuple[str | None, str | None, str | None, str | None]:
    # Scripts come back to the same places again and again: parse each heading text once.
    return parse_heading(text)


def _dialogue_cue(first: str, has_next: bool) -> tuple[str, str, str | None, bool] | None:
    """The cue when a paragraph starting with ``first`` is dialogue (a heading wins over a cue)."""
    if first.startswith("!"):
        return None
    s = first.strip()
    if not s.startswith("@") and (not has_next or HEADING.match(s)):
        return None
    return read_cue(first, has_next)


def _one_line_element(s: str, line: int) -> Element | None:
    """A section, synopsis, page break, lyric, centered text or forced transition, else None."""
    c = s[0]
    if c == "=":
        if _PAGE_BREAK.match(s):
            return _element(_EL_PAGE_BREAK, "", line)
        return _element(_EL_SYNOPSIS, s[1:].strip(), line)
    if c == "#":
        level = len(s) - len(s.lstrip("#"))
        return _element(_EL_SECTION, s[level:].strip(), line, level=level)
    if c == "~":
        return _element(_EL_LYRICS, s[1:].strip(), line)
    if s.endswith("<") and len(s) >= 2:
        return _element(_EL_CENTERED, s[1:-1].strip(), line)
    return _element(_EL_TRANSITION, s[1:].strip(), line)


def _note_element(note: str, line: int) -> Element:
    m = _EXTRA_TYPE.match(note)
    if m is None:
        return _element(_EL_NOTE, note, line)
    character = (m.group(2) or "").strip() or None
    return _element(ElementType(m.group(1)), m.group(3), line, character)
