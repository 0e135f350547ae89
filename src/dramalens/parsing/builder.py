"""ScriptBuilder: the one way parsers assemble a Script, so every parser yields the same shape."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from ..model import Character, Element, ElementType, Episode, Evidence, ParseWarning, Scene, Script
from ..text import identify_language
from .quality import assess

__all__ = ["ScriptBuilder", "join_paragraphs"]


def join_paragraphs(texts: Iterable[str]) -> str:
    """The :attr:`Script.text <dramalens.model.Script.text>` of a paragraph-based document
    (.fdx, .docx): one paragraph a line, a break inside a paragraph kept as U+2028, so the
    paragraph numbers elements carry are line numbers of the text.

    >>> join_paragraphs(["INT. HALL - DAY", "Bob waits.\\nAnd waits."]).split("\\n")
    ['INT. HALL - DAY', 'Bob waits.\u2028And waits.']
    """
    return "\n".join(t.replace("\r\n", "\u2028").replace("\r", "\u2028").replace("\n", "\u2028") for t in texts)


class ScriptBuilder:
    """Accumulates episodes, scenes and elements in reading order.

    Elements added before any episode or scene go into an implicit episode 1 / an implicit
    scene with no heading, so nothing a parser sees is ever dropped.

    Read quality (:class:`~dramalens.model.ReadQuality`, computed by :meth:`build`) rests on
    three records the parser keeps here:

    - ``evidence="fallback"`` on :meth:`add` / :meth:`add_new` (or :meth:`mark_fallback` for a
      parser that appends to ``scene.elements`` itself): the element was classified because
      nothing else matched (a line taken as action, a speaker guessed). Default ``"strong"``.
    - :meth:`hold`: a source line kept out of the body (title page, cast list, page furniture,
      a boneyard), with why. Lines before the body that no element took are held as
      ``"front matter"`` by :meth:`build` itself; a line after the body starts that no element,
      scene, episode or hold accounts for is *unplaced* and costs quality.
    - :meth:`read_line`: a line read on strong evidence into the structure without an element
      of its own (a ``人物：`` cast line, a ``时间：``/``地点：`` field, a title line).
    """

    def __init__(self, *, source_format: str, source: str | None = None, encoding: str | None = None):
        self.script = Script(source_format=source_format, source=source, encoding=encoding)
        self._episode: Episode | None = None
        self._scene: Scene | None = None
        self._aliases: dict[str, set[str]] = {}
        self._order: list[str] = []
        self._fallback: dict[int, str] = {}  # line -> why it was classified by fallback
        self._read: set[int] = set()  # lines read into the structure with no element of their own
        self._held: dict[int, str] = {}  # line -> why it was kept out of the body

    # -- structure ---------------------------------------------------------------------------
    def start_episode(self, number: int | None = None, title: str = "", line: int = 0) -> Episode:
        if number is None:
            number = (self._episode.number + 1) if self._episode else 1
        # An implicit episode that received nothing yet is taken over rather than left empty.
        if self._episode is not None and self._episode.line == 0 and not any(s.elements for s in self._episode.scenes):
            self.script.episodes.remove(self._episode)
        self._episode = Episode(number=number, title=title, line=line)
        self.script.episodes.append(self._episode)
        self._scene = None
        return self._episode

    def start_scene(
        self,
        *,
        heading: str | None,
        line: int,
        number: str | None = None,
        int_ext: str | None = None,
        time: str | None = None,
        location: str | None = None,
        cast: tuple[str, ...] = (),
    ) -> Scene:
        episode = self._ensure_episode()
        if self._scene is not None and self._scene.heading is None and not self._scene.elements:
            episode.scenes.remove(self._scene)
        self._scene = Scene(
            number=number, heading=heading, int_ext=int_ext, time=time, location=location, cast=cast, line=line
        )
        episode.scenes.append(self._scene)
        return self._scene

    @property
    def current_episode(self) -> Episode | None:
        """The episode elements now go into; None before the first."""
        return self._episode

    @property
    def current_scene(self) -> Scene | None:
        """The scene elements now go into; None before the first (unlike :attr:`scene`, which
        opens an implicit one)."""
        return self._scene

    def discard_episodes(self) -> None:
        """Drop every episode built so far (what looked like episodes was a table of contents)."""
        self.script.episodes.clear()
        self._episode = self._scene = None

    @property
    def scene(self) -> Scene:
        if self._scene is None:
            self._scene = Scene(line=0)
            self._ensure_episode().scenes.append(self._scene)
        return self._scene

    def _ensure_episode(self) -> Episode:
        if self._episode is None:
            self._episode = Episode(number=1, line=0)
            self.script.episodes.append(self._episode)
        return self._episode

    # -- content -----------------------------------------------------------------------------
    def add(self, element: Element, *, evidence: Evidence = "strong", why: str = "") -> None:
        """Append an element to the current scene (and note its speaker).

        ``evidence="fallback"`` says the element was classified because nothing else matched
        (``why`` says what was assumed, e.g. ``"colon line taken as action"``); it lowers the
        script's read quality by the share of lines so read.
        """
        self.scene.elements.append(element)
        if element.character:
            self.note_character(element.character)
        if evidence == "fallback":
            self.mark_fallback(element.line, why)

    def add_new(
        self,
        type: ElementType,
        text: str,
        line: int,
        *,
        character: str | None = None,
        extension: str | None = None,
        dual: bool = False,
        level: int = 0,
        evidence: Evidence = "strong",
        why: str = "",
    ) -> Element:
        """Append a new element to the current scene and return it (``evidence`` as in :meth:`add`)."""
        element = Element(type, text, line, character, extension, dual, level)
        self.add(element, evidence=evidence, why=why)
        return element

    def mark_fallback(self, line: int, why: str = "") -> None:
        """Record that the element starting at source ``line`` was classified by fallback (for
        parsers that append to ``scene.elements`` directly rather than through :meth:`add`)."""
        if line > 0:
            self._fallback.setdefault(line, why or "classified by fallback")

    def hold(self, lines: int | Iterable[int], why: str = "front matter") -> None:
        """Keep source line(s) out of the body, counted and with a reason (title page, cast
        list, ``CONTINUED:`` page furniture, a boneyard): never drop a line without this."""
        for line in (lines,) if isinstance(lines, int) else lines:
            if line > 0:
                self._held.setdefault(line, why)

    def read_line(self, lines: int | Iterable[int]) -> None:
        """Record that source line(s) were read on strong evidence into the structure without
        an element of their own (a cast line, a heading field on a line of its own)."""
        for line in (lines,) if isinstance(lines, int) else lines:
            if line > 0:
                self._read.add(line)

    def note_character(self, name: str, alias: str | None = None) -> None:
        """Record that ``name`` speaks or appears; ``alias`` is another spelling of it."""
        if name not in self._aliases:
            self._aliases[name] = set()
            self._order.append(name)
        if alias and alias != name:
            self._aliases[name].add(alias)

    def warn(self, line: int, message: str) -> None:
        self.script.warnings.append(ParseWarning(line, message))

    # -- result ------------------------------------------------------------------------------
    def build(self, *, text: str | None = None, title: str | None = None, language: str | None = None) -> Script:
        """The script, with ``text`` (the source its line numbers point into; parsers always
        give it, a script assembled in code has none) kept on it, and its language identified
        from that text (or the elements' text) unless ``language`` is given."""
        script = self.script
        script.text = text or ""
        # Drop empty implicit scenes and episodes left behind by markers with nothing after them.
        for episode in script.episodes:
            episode.scenes = [s for s in episode.scenes if s.elements or s.heading is not None or s.cast]
        script.characters = {
            name: Character(name, tuple(sorted(self._aliases[name]))) for name in self._order
        }
        if title is not None:
            script.title = title
        elif not script.title:
            for key, value in script.title_page:
                if key.lower() == "title":
                    script.title = value.strip()
                    break
        if language:
            script.language = language
        else:
            sample = text if text is not None else "\n".join(e.text for _, _, e in script.iter_elements())
            script.language = identify_language(sample)
        if text:
            # Measured when first asked for (Script.quality/held): assess() also holds the lines
            # before the body that no element took (front matter), with the parser's own holds.
            script.reading = partial(assess, script, fallback=dict(self._fallback), read=frozenset(self._read), held=dict(self._held))
        return script
