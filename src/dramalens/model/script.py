"""Containers of the document model: Script → Episode → Scene → Element, plus Characters."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from .elements import Element, ElementType, ParseWarning
from .quality import HeldLine, ReadQuality

__all__ = ["Character", "Episode", "Scene", "Script"]


@dataclass(frozen=True, slots=True)
class Character:
    """A character with the other names it goes by in the source.

    >>> Character("孙悟空", ("行者", "大圣")).names
    ('孙悟空', '行者', '大圣')
    """

    name: str
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


class Scene:
    """A scene: its heading parsed into fields, its cast line (``人物：``) and its elements.

    ``number`` is the source's own numbering (``"1-3"``, ``"12A"``) or None.
    ``int_ext`` is ``"INT"``, ``"EXT"``, ``"INT/EXT"`` or None (内 → INT, 外 → EXT).
    ``time`` is normalised: ``"DAY"``, ``"NIGHT"``, ``"DAWN"``, ``"DUSK"``, ``"MORNING"``,
    ``"EVENING"``, ``"CONTINUOUS"``, ``"LATER"`` or the raw text when none of those fit.
    A scene with ``heading`` None holds what comes before the first heading of an episode.
    """

    __slots__ = ("number", "heading", "int_ext", "time", "location", "cast", "elements", "line")

    def __init__(
        self,
        *,
        number: str | None = None,
        heading: str | None = None,
        int_ext: str | None = None,
        time: str | None = None,
        location: str | None = None,
        cast: tuple[str, ...] = (),
        elements: list[Element] | None = None,
        line: int = 0,
    ):
        self.number = number
        self.heading = heading
        self.int_ext = int_ext
        self.time = time
        self.location = location
        self.cast = cast
        self.elements: list[Element] = elements if elements is not None else []
        self.line = line

    def __repr__(self) -> str:
        return f"Scene(number={self.number!r}, heading={self.heading!r}, elements={len(self.elements)})"

    def of_type(self, *types: ElementType) -> Iterator[Element]:
        return (e for e in self.elements if e.type in types)


class Episode:
    """One episode (``第1集``). A script without episode markers has one episode, number 1."""

    __slots__ = ("number", "title", "scenes", "line")

    def __init__(self, number: int, title: str = "", scenes: list[Scene] | None = None, line: int = 0):
        self.number = number
        self.title = title
        self.scenes: list[Scene] = scenes if scenes is not None else []
        self.line = line

    def __repr__(self) -> str:
        return f"Episode(number={self.number}, title={self.title!r}, scenes={len(self.scenes)})"

    @property
    def elements(self) -> Iterator[Element]:
        for scene in self.scenes:
            yield from scene.elements


@dataclass
class Script:
    """A parsed script or series.

    ``title_page`` keeps the title-page fields in source order as (key, value) pairs.
    ``characters`` maps each canonical name to its :class:`Character`.
    ``text`` is the decoded source that every ``line`` number points into, so a script is read
    from its file once: ``text.split("\\n")[line - 1]`` (:meth:`line_text`) is the line an
    element came from. Plain text is kept as decoded, less a leading byte-order mark and with
    line ends made ``\\n``; for .fdx and .docx it is the body paragraphs, one a line (a line
    break inside a paragraph is kept as U+2028, so paragraph numbers stay line numbers).
    ``held`` lists the source lines kept out of the body (title page, cast list, page
    furniture), so nothing is dropped silently; ``quality`` says how well the file was read (a
    script assembled in code has ``quality.measured`` False).

    >>> s = Script(title="T", language="en", source_format="fountain")
    >>> len(s.episodes), s.title
    (0, 'T')
    """

    title: str = ""
    language: str = "en"
    source_format: str = "text"
    title_page: list[tuple[str, str]] = field(default_factory=list)
    episodes: list[Episode] = field(default_factory=list)
    characters: dict[str, Character] = field(default_factory=dict)
    warnings: list[ParseWarning] = field(default_factory=list)
    source: str | None = None
    encoding: str | None = None
    text: str = field(default="", repr=False)
    #: How the parse measures itself (the builder sets it): called once, on the first use of
    #: :attr:`quality` or :attr:`held`, so a parse that nobody asks about costs nothing more.
    reading: Callable[[], tuple[ReadQuality, tuple[HeldLine, ...]]] | None = field(default=None, repr=False, compare=False)
    _measured: tuple[ReadQuality, tuple[HeldLine, ...]] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def quality(self) -> ReadQuality:
        """How well the file was read (``measured`` False for a script assembled in code)."""
        return self._measure()[0]

    @property
    def held(self) -> tuple[HeldLine, ...]:
        """The source lines kept out of the body, in line order."""
        return self._measure()[1]

    def _measure(self) -> tuple[ReadQuality, tuple[HeldLine, ...]]:
        if self._measured is None:
            self._measured = self.reading() if self.reading is not None else (ReadQuality(measured=False), ())
        return self._measured

    def line_text(self, line: int) -> str:
        """The source line ``line`` (1-based) of :attr:`text`; "" outside it.

        >>> Script(text="第1集\\n△林晚推门。").line_text(2)
        '△林晚推门。'
        """
        if line < 1:
            return ""
        lines = self.text.split("\n", line)
        return lines[line - 1] if line <= len(lines) else ""

    def iter_elements(self) -> Iterator[tuple[Episode, Scene, Element]]:
        """Every element with the episode and scene it belongs to, in reading order."""
        for episode in self.episodes:
            for scene in episode.scenes:
                for element in scene.elements:
                    yield episode, scene, element

    @property
    def scenes(self) -> Iterator[Scene]:
        for episode in self.episodes:
            yield from episode.scenes

    def element_stream(self) -> list[tuple[str, str, str | None]]:
        """(type, text, character) for every element: what round trips must preserve."""
        return [(e.type.value, e.text, e.character) for _, _, e in self.iter_elements()]

    def canonical(self, name: str) -> str:
        """The canonical name for ``name`` or one of its aliases (``name`` itself if unknown)."""
        if name in self.characters:
            return name
        for character in self.characters.values():
            if name in character.aliases:
                return character.name
        return name
