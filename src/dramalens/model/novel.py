"""Novels, the raw material of IP adaptation: a Novel holds Chapters in reading order.

Both are frozen records: a novel is read once (:func:`dramalens.parsing.novel.read_novel`) and
then only measured and planned from.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..serial import JSON
from ..text import speech_units
from .elements import ParseWarning

__all__ = ["CHAPTER_KINDS", "Chapter", "Novel", "Removed"]

#: What a chapter is: a numbered chapter, a prologue (序章/楔子/Prologue), an epilogue
#: (尾声/Epilogue) or an extra (番外/后记/Afterword).
CHAPTER_KINDS = ("chapter", "prologue", "epilogue", "extra")


@dataclass(frozen=True, slots=True)
class Chapter:
    """One chapter of a novel.

    ``number`` is the chapter's position in the novel (1, 2, 3… over every kind, so it never
    repeats); ``source_number`` is the number its heading wrote (``第十二章`` → 12, ``Chapter
    XII`` → 12), None when it has none. ``heading`` is the heading as written (stripped; two
    lines joined by ``\\n`` when an English title sat on the line after ``CHAPTER I.``), ""
    when the chapter had no heading. ``title`` is the heading without its number (``风起``),
    the marker itself for an untitled prologue/epilogue/extra (``楔子``). ``line`` is the
    1-based line of the heading in the decoded text (for .epub: in the book's text, documents
    joined in spine order). ``volume`` is the heading of the volume/part the chapter belongs
    to (``第一卷 潜龙``) and ``volume_line`` its line (0 when none). ``text`` is the body:
    lines stripped of indentation, runs of blank lines collapsed to one. ``notes`` holds the
    author's notes split off the end of the chapter (``作者有话说``), kept apart so analyses of
    the story do not read them.

    >>> Chapter(1, "风起", "夜深了。", line=3).length("zh")
    3
    """

    number: int
    title: str
    text: str
    line: int = 0
    volume: str | None = None
    kind: str = "chapter"
    source_number: int | None = None
    heading: str = ""
    volume_line: int = 0
    notes: str = ""

    def __post_init__(self) -> None:
        if self.kind not in CHAPTER_KINDS:
            raise ValueError(f"Chapter.kind must be one of {', '.join(CHAPTER_KINDS)}, got {self.kind!r}")

    def length(self, language: str) -> int:
        """Han characters plus Latin words (``zh``) or words (``en``) of the text, notes excluded."""
        return speech_units(self.text, language)

    @property
    def first_line(self) -> str:
        """The first non-blank line of the text ("" for an empty chapter)."""
        for line in self.text.split("\n"):
            if line:
                return line
        return ""

    def to_dict(self, language: str = "zh") -> dict[str, JSON]:
        return {
            "number": self.number,
            "source_number": self.source_number,
            "kind": self.kind,
            "title": self.title,
            "heading": self.heading,
            "line": self.line,
            "volume": self.volume,
            "volume_line": self.volume_line,
            "length": self.length(language),
            "text": self.text,
            "notes": self.notes,
        }


@dataclass(frozen=True, slots=True)
class Removed:
    """Lines of one kind taken out of the chapters' text because they are not the story:
    ``kind`` is ``separator``, ``chapter_end``, ``plea``, ``page_marker``, ``credit``,
    ``copyright``, ``site``, ``url`` or ``repeated`` (one line in many chapters: a site's
    footer); ``count`` lines in all, the first few ``examples`` and their ``lines`` (1-based).

    >>> Removed("page_marker", 2, ("---- Page 1 ----",), (3, 9)).count
    2
    """

    kind: str
    count: int
    examples: tuple[str, ...] = ()
    lines: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, JSON]:
        return {"kind": self.kind, "count": self.count, "examples": list(self.examples), "lines": list(self.lines)}


@dataclass(frozen=True, slots=True)
class Novel:
    """A novel read from a .txt or .epub file.

    ``front_matter`` is what came before the first chapter (title lines, blurb, a table of
    contents), kept so no text is lost; ``language`` is ``zh`` or ``en``; ``source_format``
    is ``txt`` or ``epub``; ``warnings`` say what was guessed or skipped; ``removed`` reports
    the site boilerplate, page markers, credits and repeated lines taken out of the chapters.

    >>> Novel("西游记", "吴承恩", "zh", "x.txt", "utf-8", (Chapter(1, "", "话说。"),)).length
    2
    """

    title: str
    author: str
    language: str
    source: str
    encoding: str
    chapters: tuple[Chapter, ...]
    warnings: tuple[ParseWarning, ...] = ()
    front_matter: str = ""
    source_format: str = "txt"
    removed: tuple[Removed, ...] = ()

    @property
    def length(self) -> int:
        """Han characters plus words (zh) or words (en) of every chapter's text."""
        return sum(c.length(self.language) for c in self.chapters)

    @property
    def volumes(self) -> tuple[str, ...]:
        """The volume headings in order, each once."""
        seen: dict[tuple[int, str], None] = {}
        for c in self.chapters:
            if c.volume is not None:
                seen.setdefault((c.volume_line, c.volume), None)
        return tuple(v for _, v in seen)

    def to_dict(self) -> dict[str, JSON]:
        return {
            "title": self.title,
            "author": self.author,
            "language": self.language,
            "source": self.source,
            "source_format": self.source_format,
            "encoding": self.encoding,
            "length": self.length,
            "front_matter": self.front_matter,
            "chapters": [c.to_dict(self.language) for c in self.chapters],
            "warnings": [{"line": w.line, "message": w.message} for w in self.warnings],
            "removed": [r.to_dict() for r in self.removed],
        }
