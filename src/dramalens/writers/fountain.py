"""Script → Fountain text that reads back to the same element stream.

Every element is written so that :func:`~dramalens.parsing.fountain.parse_fountain` gives it
back with the same type, text and speaker: the writer forces a type with ``@``, ``!``, ``.``
or ``>`` whenever the plain form would be read as something else. What Fountain cannot say
(the model's subtitle, voice-over, inner-voice, flashback and cliffhanger elements) is written
as a ``[[dramalens:TYPE @NAME: text]]`` note, which the parser reads back as that type.

Scripts from the Chinese parser carry the speaker on dialogue elements without a cue element
before them; the writer then emits a cue (``@林晚``), so the read-back gains a character
element: for those scripts the round trip keeps (type, text, character) of every
non-character element (see docs/fountain.md).
"""

from __future__ import annotations

import re

from ..model import Element, ElementType, Script
from ..parsing.fountain import read_cue, starts_title_page
from ..parsing.screenplay_text import FOUNTAIN_MARK, is_layout_line, normalise_layout

__all__ = ["write_fountain"]

_T = ElementType
_HEADING = re.compile(r"^(?:int\.?\s*/\s*ext|ext\.?\s*/\s*int|int|ext|est|i/e|e/i)[.\s]", re.I)
_SCENE_NUMBER_OK = re.compile(r"^[\w.\-]+$")
_EXTRA = {_T.SUBTITLE, _T.VOICE_OVER, _T.INNER_VOICE, _T.FLASHBACK_START, _T.FLASHBACK_END, _T.CLIFFHANGER_MARK}
_GROUP = {_T.CHARACTER, _T.PARENTHETICAL, _T.DIALOGUE, _T.LYRICS}


def write_fountain(script: Script) -> str:
    """The script as Fountain text.

    >>> from dramalens.parsing.fountain import parse_fountain
    >>> s = parse_fountain("EXT. PIER - NIGHT\\n\\nMIA\\n(quietly)\\nGo.\\n\\nCUT TO:")
    >>> print(write_fountain(s))
    EXT. PIER - NIGHT
    <BLANKLINE>
    MIA
    (quietly)
    Go.
    <BLANKLINE>
    CUT TO:
    <BLANKLINE>
    """
    blocks: list[str] = []
    if script.title_page:
        lines = []
        pairs = list(script.title_page)
        if not starts_title_page(f"{_key(pairs[0][0])}:", [f"{_key(k)}:" for k, _ in pairs]):
            pairs.insert(0, ("Title", script.title))  # so the page is read as one
        for key, value in pairs:
            key = _key(key)
            parts = [p.strip() for p in value.split("\n") if p.strip()]
            if len(parts) <= 1:
                lines.append(f"{key}: {parts[0] if parts else ''}".rstrip())
            else:
                lines.append(f"{key}:")
                lines.extend(f"    {p}" for p in parts)
        blocks.append("\n".join(lines))
    marked = len(script.episodes) > 1 or any(ep.line or ep.number != 1 or ep.title for ep in script.episodes)
    for episode in script.episodes:
        if marked:
            blocks.append(_episode_marker(script, episode.number, episode.title))
        writer = _EpisodeWriter(blocks)
        for scene in episode.scenes:
            for element in scene.elements:
                writer.element(element, scene.number)
        writer.close()
    if not script.title_page and blocks and starts_title_page(blocks[0].split("\n", 1)[0], blocks[0].split("\n")):
        blocks[0] = "!" + blocks[0]  # would be read as a title page
    out = "\n\n".join(blocks) + "\n"
    if normalise_layout(out) is not None:
        # Text that reads like a plain-text export (EPISODE 2 or NAME: lines in a speech) is
        # marked as Fountain, so the parser takes it as it stands.
        return FOUNTAIN_MARK + "\n" + out
    return "\n" + out if out.startswith("\ufeff") else out  # a leading BOM would be dropped on reading


def _episode_marker(script: Script, number: int, title: str) -> str:
    title = " ".join(title.split())
    if script.language == "zh":
        return f"# 第{number}集 {title}".rstrip()
    return f"# Episode {number}: {title}" if title else f"# Episode {number}"


class _EpisodeWriter:
    """Writes one episode's elements, keeping dialogue groups (cue + speech) together."""

    def __init__(self, blocks: list[str]):
        self.blocks = blocks
        self.group: list[str] | None = None
        self.group_name: str | None = None
        self.group_dual = False
        self.prev_dual = False
        self.last_in_group: ElementType | None = None

    def close(self) -> None:
        if self.group is not None:
            if len(self.group) == 1 and not self.group[0].startswith("@"):
                self.group[0] = "@" + self.group[0]  # a cue alone is a cue only when forced
            self.blocks.append("\n".join(self.group))
        self.group = None
        self.group_name = None
        self.last_in_group = None

    def _open_group(self, cue_text: str, name: str | None, dual: bool) -> None:
        self.close()
        cue = cue_text.replace("\n", " ").strip()
        parsed = read_cue(cue, True)  # the parser's own rule decides whether @ is needed
        if parsed is None or parsed[1] != name or parsed[0] != cue or parsed[3] or _HEADING.match(cue):
            cue = "@" + cue
        if (dual and self.prev_dual) or cue.endswith("^"):
            cue += " ^"  # a caret the cue text ends with needs the dual marker after it
        self.group = [cue]
        self.group_name = name
        self.group_dual = dual
        self.prev_dual = dual
        self.last_in_group = _T.CHARACTER

    def element(self, e: Element, scene_number: str | None) -> None:
        t = e.type
        if t in _GROUP and (t is not _T.LYRICS or e.character is not None):
            self._spoken(e)
            return
        self.close()
        self.prev_dual = False
        text = e.text
        if t is _T.HEADING:
            line = _one_line(text)
            if not _HEADING.match(line):
                line = "." + line
            if scene_number and _SCENE_NUMBER_OK.match(scene_number):
                # ". #1#" would be action: a forced heading needs a character right after the dot.
                line += f"#{scene_number}#" if line == "." else f" #{scene_number}#"
            self.blocks.append(line)
        elif t is _T.ACTION:
            self.blocks.append(_action(text))
        elif t is _T.TRANSITION:
            line = _one_line(text)
            plain = line.endswith("TO:") and line == line.upper() and not line.startswith(("!", "@", ".", ">", "~", "=", "#"))
            self.blocks.append(line if plain else "> " + line)
        elif t is _T.CENTERED:
            self.blocks.append("> " + _one_line(text) + " <")
        elif t is _T.LYRICS:
            self.blocks.append("\n".join("~" + part for part in text.split("\n")))
        elif t is _T.SECTION:
            self.blocks.append("#" * max(1, e.level) + " " + _one_line(text))
        elif t is _T.SYNOPSIS:
            self.blocks.append("= " + _one_line(text))
        elif t is _T.NOTE:
            self.blocks.append("[[" + _note_text(text) + "]]")
        elif t is _T.PAGE_BREAK:
            self.blocks.append("===")
        elif t in _EXTRA:
            who = f" @{e.character}" if e.character else ""
            self.blocks.append(f"[[dramalens:{t.value}{who}: {_note_text(text)}]]")
        else:  # pragma: no cover - every type is handled above
            self.blocks.append(_action(text))

    def _spoken(self, e: Element) -> None:
        t = e.type
        if t is _T.CHARACTER:
            self._open_group(e.text, e.character or _name_of(e.text), e.dual)
            return
        name = e.character
        # A new cue when there is no open group for this speaker, or when two dialogue
        # elements follow each other (Fountain would merge them into one).
        if self.group is None or self.group_name != name or (t is _T.DIALOGUE and self.last_in_group is _T.DIALOGUE):
            self._open_group(name or "", name, e.dual)
        assert self.group is not None
        if t is _T.PARENTHETICAL:
            if self.last_in_group is _T.PARENTHETICAL:
                # Right after a parenthetical, "(…)" opens the dialogue (fountain.io); a
                # two-space line in between keeps it a parenthetical.
                self.group.append("  ")
            self.group.append("(" + _one_line(e.text) + ")")
        elif t is _T.LYRICS:
            self.group.extend("~" + part for part in e.text.split("\n"))
        else:
            for part in e.text.split("\n"):
                stripped = part.strip()
                # An empty line inside a speech is written as two spaces (fountain.io).
                self.group.append(stripped if stripped else "  ")
        self.last_in_group = t


def _key(key: str) -> str:
    # Only what the parser accepts as a title-page key: word characters, spaces, . ' -
    return re.sub(r"[^\w .'\-]", " ", key).strip()[:40].strip() or "Note"


def _one_line(text: str) -> str:
    return text.replace("\n", " ").strip()


def _name_of(cue: str) -> str:
    return " ".join(cue.split("(")[0].replace("^", " ").replace("@", " ").split())


def _note_text(text: str) -> str:
    # A note cannot hold an empty line or its own closing brackets.
    lines = [line if line else "  " for line in text.replace("]]", "] ]").split("\n")]
    out = "\n".join(lines)
    return out + " " if out.endswith("]") else out  # "[[x]]]" would close early


def _action(text: str) -> str:
    lines = text.split("\n")
    out = []
    for k, line in enumerate(lines):
        line = line.rstrip()
        if _needs_bang(line, first=(k == 0), multi=len(lines) > 1):
            line = "!" + line
        out.append(line)
    return "\n".join(out)


def _needs_bang(line: str, *, first: bool, multi: bool) -> bool:
    s = line.strip()
    if not s or line.startswith("!"):
        return True
    if s[0] in "=#~>":
        return True
    if is_layout_line(line):
        return True  # plain-text layout (EPISODE 2, NAME: line, an indented cue) would rewrite it
    if not first:
        return False
    if s[0] in ".@" or _HEADING.match(s):
        return True
    if not multi and s.endswith("TO:") and s == s.upper():
        return True
    if multi:
        if read_cue(line, True) is not None:
            return True
    return False
