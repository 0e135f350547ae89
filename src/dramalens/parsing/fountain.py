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

from ..model import Element, ElementType, Script
from ..textutil import strip_emphasis
from .builder import ScriptBuilder
from .headings import parse_episode_marker, parse_heading

__all__ = ["parse_fountain"]

_T = ElementType

# Notes may span lines but not a truly empty line (fountain.io: put two spaces there).
_NOTE_OR_BONEYARD = re.compile(r"/\*.*?\*/|\[\[((?:[^\]\n]|\](?!\])|\n(?!\n))*)\]\]", re.S)
_HEADING = re.compile(r"^(?:int\.?\s*/\s*ext|ext\.?\s*/\s*int|int|ext|est|i/e|e/i)[.\s]", re.I)
_FORCED_HEADING = re.compile(r"^\.(?=[^.\s])")
# fountain.io: scene numbers are alphanumerics, dashes and periods between two #.
_SCENE_NUMBER = re.compile(r"\s*#([\w.\-]+)#\s*$")
_PAGE_BREAK = re.compile(r"^={3,}$")
_TITLE_KEY = re.compile(r"^(\w[\w .'\-]{0,39}):(.*)$")
_KNOWN_KEYS = frozenset(
    "title credit author authors source draft date draft contact copyright notes revision format "
    "series episode written by based on".split()
) | {"draft date", "written by", "based on", "contact info"}
_CUE_EXTENSIONS = re.compile(r"^(?:\s*[(（][^()（）]*[)）])*\s*$")
_EXTENSION = re.compile(r"[(（]([^()（）]*)[)）]")
_CJK_NAME = re.compile(r"^[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af·・ ]{1,10}$")
_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_EXTRA_TYPE = re.compile(
    r"^dramalens:(subtitle|voice_over|inner_voice|flashback_start|flashback_end|cliffhanger_mark)"
    r"(?: @([^:\n]*))?:(?: |$)(.*)$",
    re.S,
)


def parse_fountain(text: str, *, source: str | None = None, encoding: str | None = None) -> Script:
    """Parse Fountain text into a Script (``source_format`` ``"fountain"``); never raises on a str.

    >>> s = parse_fountain("INT. HOUSE - DAY #1A#\\n\\nBOB (V.O.)\\nHi.")
    >>> [(e.type.value, e.text, e.character) for e in s.episodes[0].scenes[0].elements]
    [('heading', 'INT. HOUSE - DAY', None), ('character', 'BOB (V.O.)', 'BOB'), ('dialogue', 'Hi.', 'BOB')]
    >>> s.episodes[0].scenes[0].number, s.episodes[0].scenes[0].location
    ('1A', 'HOUSE')
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_fountain needs a str, got {type(text).__name__}")
    parser = _Parser(source=source, encoding=encoding)
    return parser.run(text)


class _Parser:
    """One parse: splits the text into paragraphs (blocks) and emits each as it closes."""

    def __init__(self, *, source: str | None, encoding: str | None):
        self.b = ScriptBuilder(source_format="fountain", source=source, encoding=encoding)
        self.pending_notes: list[tuple[str, int]] = []
        self.first_block = True
        self.last_dialogue_group: list[int] | None = None  # indexes in the scene of the last cue group

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
        skipped_at: list[tuple[int, int]] = []  # (clean line index, source lines swallowed)
        pos = 0
        clean_line = 0
        source_line = 1
        for m in _NOTE_OR_BONEYARD.finditer(text):
            before = text[pos : m.start()]
            out.append(before)
            nl = before.count("\n")
            clean_line += nl
            source_line += nl
            body = m.group(0)
            inner_nl = body.count("\n")
            if body.startswith("/*"):
                # Keep the boneyard's line breaks: it separates what is around it, and the
                # line numbers after it stay true.
                out.append("\n" * inner_nl)
                clean_line += inner_nl
            else:
                notes.setdefault(clean_line, []).append((m.group(1), source_line))
                if inner_nl:
                    skipped_at.append((clean_line, inner_nl))
            source_line += inner_nl
            pos = m.end()
        rest = text[pos:]
        out.append(rest)
        if "/*" in rest and "*/" not in rest:
            at = source_line + rest[: rest.index("/*")].count("\n")
            self.b.warn(at, "boneyard '/*' is never closed with '*/': kept as text")
        lines = "".join(out).split("\n")
        numbers = list(range(1, len(lines) + 1))
        if skipped_at:
            shift = 0
            marks = dict(skipped_at) if len(skipped_at) == len({k for k, _ in skipped_at}) else None
            if marks is None:
                marks = {}
                for k, v in skipped_at:
                    marks[k] = marks.get(k, 0) + v
            for i in range(len(lines)):
                numbers[i] = i + 1 + shift
                shift += marks.get(i, 0)
        return lines, numbers, notes

    # -- main loop -------------------------------------------------------------------------
    def run(self, text: str) -> Script:
        lines, numbers, notes = self._prepare(text)
        block: list[str] = []
        block_lines: list[int] = []
        n = len(lines)
        for i in range(n):
            line = lines[i]
            if notes and i in notes and not line.strip():
                # A line that held only notes: the notes stay, the line does not.
                self.pending_notes.extend(notes[i])
                if not block:
                    self._flush_notes()
                continue
            if notes and i in notes:
                self.pending_notes.extend(notes[i])
            if line and not line.isspace():
                block.append(line)
                block_lines.append(numbers[i])
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
        self._flush_notes()
        title = None
        for key, value in self.b.script.title_page:
            if key.lower() == "title":
                title = " ".join(strip_emphasis(v).strip() for v in value.split("\n") if v.strip())
                break
        return self.b.build(title=title, text_for_language=text[:50000])

    def _flush_notes(self) -> None:
        for note, line in self.pending_notes:
            self._add(_note_element(note.strip(), line))
        self.pending_notes = []

    def _add(self, element: Element) -> None:
        self.b.add(element)

    # -- blocks ----------------------------------------------------------------------------
    def _emit_block(self, block: list[str], numbers: list[int]) -> None:
        if self.first_block:
            self.first_block = False
            if self._title_page(block, numbers):
                self._flush_notes()
                return
        first = block[0]
        s = first.strip()
        start = 0
        cue = _dialogue_cue(first, len(block) > 1)
        if cue is not None:
            self._dialogue(cue, block, numbers)
            self._flush_notes()
            return
        if not first.startswith("!"):
            if _FORCED_HEADING.match(s) or _HEADING.match(s):
                self._heading(s, numbers[0])
                start = 1
            elif (
                len(block) == 1 and s.endswith("TO:") and s == s.upper() and first == first.rstrip() and s[0] not in "=#~>"
            ):
                self._add(Element(_T.TRANSITION, s, numbers[0]))
                start = 1
        self._lines(block, numbers, start)
        self.last_dialogue_group = None
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
            m = _TITLE_KEY.match(line)
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
        text = s[1:].lstrip() if s.startswith(".") and not _HEADING.match(s) else s
        number = None
        m = _SCENE_NUMBER.search(text)
        if m:
            number = m.group(1)
            text = text[: m.start()].rstrip()
        int_ext, time, location, _ = parse_heading(text)
        self.b.start_scene(heading=text, line=line, number=number, int_ext=int_ext, time=time, location=location)
        self._add(Element(_T.HEADING, text, line))
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
                self._add(Element(_T.ACTION, "\n".join(action), action_line))
                action = []
            if element.type is _T.SECTION and element.level == 1:
                marker = parse_episode_marker(strip_emphasis(element.text))
                if marker is not None:
                    self._flush_notes()
                    self.b.start_episode(marker[0], marker[1], line=at)
                    continue
            self._add(element)
        if action:
            self._add(Element(_T.ACTION, "\n".join(action), action_line))

    # -- dialogue --------------------------------------------------------------------------
    def _dialogue(self, cue: tuple[str, str, str | None, bool], block: list[str], numbers: list[int]) -> None:
        text, name, extension, dual = cue
        alias = text if text != name else None
        self.b.note_character(name, alias)
        scene = self.b.scene
        group_start = len(scene.elements)
        if dual and self.last_dialogue_group is not None:
            # fountain.io marks only the second speaker; both sides are dual.
            for idx in self.last_dialogue_group:
                e = scene.elements[idx]
                scene.elements[idx] = Element(e.type, e.text, e.line, e.character, e.extension, True, e.level)
        self._add(Element(_T.CHARACTER, text, numbers[0], name, extension, dual))
        speech: list[str] = []
        speech_line = 0
        for k in range(1, len(block)):
            s = block[k].strip()
            at = numbers[k]
            kind = None
            if len(s) >= 2 and s[0] in "(（" and s[-1] in ")）":
                kind = _T.PARENTHETICAL
                s = s[1:-1].strip()
            elif s.startswith("~"):
                kind = _T.LYRICS
                s = s[1:].strip()
            if kind is None:
                if not speech:
                    speech_line = at
                speech.append(s)
                continue
            if speech:
                self._add(Element(_T.DIALOGUE, "\n".join(speech), speech_line, name, dual=dual))
                speech = []
            self._add(Element(kind, s, at, name, dual=dual))
        if speech:
            self._add(Element(_T.DIALOGUE, "\n".join(speech), speech_line, name, dual=dual))
        self.last_dialogue_group = list(range(group_start, len(scene.elements)))


def starts_title_page(line: str, block: list[str] | None = None) -> bool:
    """Whether the document's first paragraph, starting with ``line``, is a title page.

    A ``Key: value`` line with one of fountain.io's keys (Title, Credit, Author, …) starts
    one; another key only when every line of the paragraph is a key or an indented value
    (``block``), so plain text that merely opens with "He said: …" stays text.

    >>> starts_title_page("Title: Night Shift"), starts_title_page("CUT TO:")
    (True, False)
    """
    m = _TITLE_KEY.match(line)
    if not m:
        return False
    first = line.strip()
    if (first.endswith("TO:") and first == first.upper()) or _HEADING.match(first):
        return False
    if m.group(1).strip().lower() in _KNOWN_KEYS:
        return True
    if block is None or len(block) < 2:
        return False
    return all(_TITLE_KEY.match(b) or b[:1] in (" ", "\t") for b in block)


def read_cue(line: str, has_next: bool) -> tuple[str, str, str | None, bool] | None:
    """``(cue text, name, extension, dual)`` when ``line`` is a character cue, else None.

    ``has_next`` says whether a non-blank line follows (an unforced cue needs one).
    Shared with the writer, which forces a cue with ``@`` exactly when this says no.

    >>> read_cue("STEEL (V.O.) (CONT'D)", True)
    ("STEEL (V.O.) (CONT'D)", 'STEEL', "V.O. CONT'D", False)
    >>> read_cue("林晚", True)[1], read_cue("他转身离开了房间。", True)
    ('林晚', None)
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
    name = " ".join(s[:cut].split())
    rest = s[cut:]
    if not name or (rest and not _CUE_EXTENSIONS.match(rest)):
        if not forced:
            return None
        name = " ".join(s.split())
        rest = ""
    if not forced:
        if "^" in name or ":" in name or s[0] in "!.>~=#[(":
            return None
        if _CJK_CHAR.search(name):
            if not _CJK_NAME.match(name) or len(name.replace(" ", "")) > 8:
                return None
            if any(ch.isascii() and ch.isalpha() for ch in name):
                return None
        elif not (name == name.upper() and name != name.lower()):
            return None
    extensions = [x.strip() for x in _EXTENSION.findall(rest) if x.strip()]
    return s, name, (" ".join(extensions) or None), dual


def _dialogue_cue(first: str, has_next: bool) -> tuple[str, str, str | None, bool] | None:
    """The cue when a paragraph starting with ``first`` is dialogue (a heading wins over a cue)."""
    if first.startswith("!"):
        return None
    s = first.strip()
    if not s.startswith("@") and (not has_next or _HEADING.match(s)):
        return None
    return read_cue(first, has_next)


def _one_line_element(s: str, line: int) -> Element | None:
    """A section, synopsis, page break, lyric, centered text or forced transition, else None."""
    c = s[0]
    if c == "=":
        if _PAGE_BREAK.match(s):
            return Element(_T.PAGE_BREAK, "", line)
        return Element(_T.SYNOPSIS, s[1:].strip(), line)
    if c == "#":
        level = len(s) - len(s.lstrip("#"))
        return Element(_T.SECTION, s[level:].strip(), line, level=level)
    if c == "~":
        return Element(_T.LYRICS, s[1:].strip(), line)
    if s.endswith("<") and len(s) >= 2:
        return Element(_T.CENTERED, s[1:-1].strip(), line)
    return Element(_T.TRANSITION, s[1:].strip(), line)


def _note_element(note: str, line: int) -> Element:
    m = _EXTRA_TYPE.match(note)
    if m is None:
        return Element(_T.NOTE, note, line)
    character = (m.group(2) or "").strip() or None
    return Element(ElementType(m.group(1)), m.group(3), line, character)
