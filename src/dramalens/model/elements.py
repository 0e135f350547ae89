"""Element records: the smallest unit of a script, each pointing back at its source line."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = ["Element", "ElementType", "SPOKEN_TYPES", "ParseWarning"]


class ElementType(str, Enum):
    """What an element is. The values are the ``type`` strings of ``dramalens parse --format jsonl``."""

    HEADING = "heading"
    ACTION = "action"
    CHARACTER = "character"
    PARENTHETICAL = "parenthetical"
    DIALOGUE = "dialogue"
    TRANSITION = "transition"
    LYRICS = "lyrics"
    SECTION = "section"
    SYNOPSIS = "synopsis"
    NOTE = "note"
    CENTERED = "centered"
    PAGE_BREAK = "page_break"
    SUBTITLE = "subtitle"
    VOICE_OVER = "voice_over"
    INNER_VOICE = "inner_voice"
    FLASHBACK_START = "flashback_start"
    FLASHBACK_END = "flashback_end"
    CLIFFHANGER_MARK = "cliffhanger_mark"

    def __str__(self) -> str:  # so f-strings and json give "dialogue", not "ElementType.DIALOGUE"
        return self.value


#: Element types whose text is heard as a character's voice (runtime and speaking share count them).
SPOKEN_TYPES = frozenset(
    {ElementType.DIALOGUE, ElementType.VOICE_OVER, ElementType.INNER_VOICE, ElementType.LYRICS}
)


@dataclass(frozen=True, slots=True)
class Element:
    """One element of a script.

    ``character`` is the canonical speaker for cues, parentheticals and spoken lines (None
    elsewhere); ``extension`` holds a cue's ``V.O.``/``O.S.``/``OS``/``VO``/``CONT'D``;
    ``dual`` marks Fountain's ``^`` dual dialogue; ``level`` is a section's depth (``#`` = 1).
    ``line`` is 1-based in the decoded source text (for .fdx/.docx: the paragraph number).

    >>> Element(ElementType.DIALOGUE, "你好", line=3, character="林晚").character
    '林晚'
    """

    type: ElementType
    text: str
    line: int = 0
    character: str | None = None
    extension: str | None = None
    dual: bool = False
    level: int = 0


@dataclass(frozen=True, slots=True)
class ParseWarning:
    """Something a parser could not recognise and fell back on (usually: took as action)."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"
