"""Screen-time estimate per element, scene, episode and series.

The model is linear on purpose, so that :func:`dramalens.analysis.calibrate.calibrate` can fit
it by least squares from scripts of known duration::

    seconds = dialogue_units × 60 / speaking rate
            + action_units   × 60 / action rate
            + sentence pauses × pause_per_punct + spoken lines × pause_per_line
            + headed scenes  × scene_change_seconds

Units are Han characters (plus Latin words) for Chinese and words for English
(:func:`dramalens.text.speech_units`). Defaults come from DESIGN.md: 240 Chinese characters
or 150 English words a minute of dialogue. Chinese action runs at 200 characters a minute,
slower than speech because every described beat is performed (林晚推门而入，环顾四周 ≈ 3 s);
English action at 180 words a minute, the rate at which this model agrees with the
page-a-minute rule on a generated 150 KB feature (185 vs 190 min). Calibrate for your house
style with :mod:`dramalens.analysis.calibrate`.

For English a page-count estimate is given beside it: the screenplay rule "one page ≈ one
minute", with pages laid out the way Courier 12 formats them (about 55 lines a page; action
61 characters a line, dialogue 35, a blank line between blocks).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TypeVar

from ..errors import ConfigError, InputError
from ..model import SPOKEN_TYPES, Element, ElementType, Scene, Script
from ..serial import JSON, insert_after, json_field, reorder
from ..text import speech_units

__all__ = [
    "DEFAULT_PARAMS",
    "EpisodeRuntime",
    "PAGE_RULE",
    "RuntimeFeatures",
    "RuntimeParams",
    "RuntimeResult",
    "SceneRuntime",
    "element_parts",
    "element_seconds",
    "estimate_runtime",
    "load_params",
    "pause_count",
    "scene_features",
    "scene_seconds",
]

# Bounds of RuntimeParams: wide enough for any real delivery, narrow enough that no sum can overflow.
_MIN_RATE = 0.001
_MAX_PAUSE = 3600.0


def _finite(x: float) -> bool:
    try:
        return math.isfinite(float(x))
    except OverflowError:  # an int past float's range
        return False


@dataclass(frozen=True, slots=True)
class RuntimeParams:
    """Rates and pauses of the runtime model (all configurable; see the module docstring).

    ``*_per_min`` are units a minute (Han characters for ``zh_``, words for ``en_``);
    ``pause_per_punct`` is added for each sentence-ending mark in spoken text (。！？…—— ! ? ;),
    ``pause_per_line`` for each non-empty spoken line (the cut between speakers),
    ``scene_change_seconds`` for each scene that has a heading (establishing shot / transition).

    >>> RuntimeParams(zh_chars_per_min=200).zh_chars_per_min
    200.0
    """

    zh_chars_per_min: float = 240.0
    en_words_per_min: float = 150.0
    zh_action_chars_per_min: float = 200.0
    en_action_words_per_min: float = 180.0
    pause_per_punct: float = 0.3
    pause_per_line: float = 0.5
    scene_change_seconds: float = 2.0

    def __post_init__(self) -> None:
        # Validate early: a zero rate would divide by zero deep inside an analysis.
        for f in fields(self):
            value = getattr(self, f.name)
            # Finite and bounded, not just positive: inf came out as "Infinity" in the JSON, and a
            # pause of 1e308 s overflowed math.fsum (OverflowError deep inside the runtime sums),
            # and a rate of 1e-305 a minute made a long line last inf seconds.
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not _finite(value):
                raise ConfigError(f"runtime parameter {f.name} must be a finite number, got {value!r}")
            if f.name.endswith("_per_min") and not value >= _MIN_RATE:
                raise ConfigError(f"runtime parameter {f.name} must be >= {_MIN_RATE:g} (units a minute), got {value!r}")
            if not f.name.endswith("_per_min") and not 0 <= value <= _MAX_PAUSE:
                raise ConfigError(f"runtime parameter {f.name} must be 0-{_MAX_PAUSE:g} seconds, got {value!r}")
            object.__setattr__(self, f.name, float(value))

    def speaking_rate(self, language: str) -> float:
        """Dialogue units a minute for ``language`` (``zh`` or anything else = English)."""
        return self.zh_chars_per_min if language == "zh" else self.en_words_per_min

    def action_rate(self, language: str) -> float:
        """Action units a minute for ``language``."""
        return self.zh_action_chars_per_min if language == "zh" else self.en_action_words_per_min


DEFAULT_PARAMS = RuntimeParams()


def load_params(path: str | Path) -> RuntimeParams:
    """Runtime params from a JSON file: an object of :class:`RuntimeParams` fields, or the whole
    document ``dramalens calibrate --out`` writes (its ``params``).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "p.json"
    >>> _ = p.write_text('{"zh_chars_per_min": 200}', encoding="utf-8")
    >>> load_params(p).zh_chars_per_min
    200.0
    """
    source = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("runtime params file not found", source=source, hint="write one with dramalens calibrate --out") from None
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read runtime params: {exc}", source=source, hint="a JSON object of RuntimeParams fields") from None
    if isinstance(data, dict) and isinstance(data.get("params"), dict):
        data = data["params"]  # the whole calibrate --out document
    if not isinstance(data, dict):
        raise InputError("runtime params must be a JSON object", source=source)
    allowed = {f.name for f in fields(RuntimeParams)}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ConfigError(f"unknown runtime params {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")
    return RuntimeParams(**data)

# Sentence-ending marks that cost a beat in delivery. Runs ("——", "……", "...", "?!") are one pause.
_PAUSE = re.compile(r"(?:——|—|--|……|…|\.\.\.|[。！？!?；;.])+")
# Element types whose text is seen, not heard, but still holds the screen (read as action).
_SEEN_TYPES = frozenset({ElementType.ACTION, ElementType.SUBTITLE, ElementType.CENTERED})


_Numbered = TypeVar("_Numbered")


def by_number(items: Iterable[_Numbered], number: int) -> _Numbered:
    """The first of ``items`` whose ``.number`` is ``number`` (KeyError if none is).

    One lookup for every per-episode result (runtime, hooks, ...), so they all answer a
    missing episode the same way.

    >>> from types import SimpleNamespace as N
    >>> by_number([N(number=1), N(number=2)], 2)
    namespace(number=2)
    """
    for item in items:
        if item.number == number:  # type: ignore[attr-defined]
            return item
    raise KeyError(number)


def pause_count(text: str) -> int:
    """Sentence-ending pauses in a spoken line (a run of marks counts once).

    >>> pause_count("你……你说什么？！"), pause_count("Wait. No!")
    (2, 2)
    """
    return len(_PAUSE.findall(text))


def element_parts(element: Element, language: str, params: RuntimeParams = DEFAULT_PARAMS) -> tuple[float, float, float]:
    """(dialogue, action, pause) seconds of one element; headings, cues, notes etc. are 0.

    >>> element_parts(Element(ElementType.DIALOGUE, "你好。", 1, character="A"), "zh")
    (0.5, 0.0, 0.8)
    """
    if element.type in SPOKEN_TYPES:
        units = speech_units(element.text, language)
        if units == 0 and not element.text.strip():
            return 0.0, 0.0, 0.0
        pauses = pause_count(element.text) * params.pause_per_punct + params.pause_per_line
        return units * 60.0 / params.speaking_rate(language), 0.0, pauses
    if element.type in _SEEN_TYPES:
        return 0.0, speech_units(element.text, language) * 60.0 / params.action_rate(language), 0.0
    return 0.0, 0.0, 0.0


def element_seconds(element: Element, language: str, params: RuntimeParams = DEFAULT_PARAMS) -> float:
    """Estimated screen seconds of one element (its dialogue, action and pauses together).

    480 Chinese characters of dialogue at 240 a minute run 120 s, plus one line pause:

    >>> element_seconds(Element(ElementType.DIALOGUE, "好" * 480, 1, character="A"), "zh")
    120.5
    """
    d, a, p = element_parts(element, language, params)
    return d + a + p


@dataclass(frozen=True, slots=True)
class RuntimeFeatures:
    """The totals the linear model multiplies by its rates: what :mod:`calibrate` fits on."""

    dialogue_units: int = 0
    action_units: int = 0
    punct_pauses: int = 0
    spoken_lines: int = 0
    scenes: int = 0

    def __add__(self, other: RuntimeFeatures) -> RuntimeFeatures:
        return RuntimeFeatures(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


def scene_features(scene: Scene, language: str) -> RuntimeFeatures:
    """Feature totals of one scene.

    >>> s = Scene(heading="1-1 日 内 客厅", elements=[Element(ElementType.DIALOGUE, "走！", 2, character="A")])
    >>> scene_features(s, "zh").dialogue_units
    1
    """
    d = a = punct = lines = 0
    for e in scene.elements:
        if e.type in SPOKEN_TYPES:
            if e.text.strip():
                d += speech_units(e.text, language)
                punct += pause_count(e.text)
                lines += 1
        elif e.type in _SEEN_TYPES:
            a += speech_units(e.text, language)
    return RuntimeFeatures(d, a, punct, lines, 1 if scene.heading is not None else 0)


@dataclass(frozen=True, slots=True)
class SceneRuntime:
    """Estimated runtime of one scene, split into its parts (seconds)."""

    episode: int
    index: int  # 1-based position in its episode
    number: str | None
    heading: str | None
    line: int
    seconds: float
    dialogue_seconds: float
    action_seconds: float
    pause_seconds: float
    transition_seconds: float
    dialogue_units: int
    action_units: int


@dataclass(frozen=True, slots=True)
class EpisodeRuntime:
    """Estimated runtime of one episode: the sum of its scenes."""

    number: int
    title: str
    line: int
    seconds: float
    scenes: int
    dialogue_seconds: float
    action_seconds: float
    pause_seconds: float
    transition_seconds: float

    @property
    def minutes(self) -> float:
        return self.seconds / 60.0

    def __json_post__(self, data: dict[str, JSON]) -> dict[str, JSON]:
        data["minutes"] = round(self.minutes, 3)  # beside the seconds, for readers who think in minutes
        return data


#: How the English page estimate counts (shown beside it in the JSON).
PAGE_RULE = "1 page ≈ 1 minute; 55 lines a page (action 61, dialogue 35 chars a line)"


@dataclass(frozen=True, slots=True)
class RuntimeResult:
    """Runtime per scene, per episode and for the series.

    ``page_minutes`` is the English page-count estimate (1 page ≈ 1 minute, ~55 lines a page);
    None for Chinese scripts, where no page convention exists.
    """

    language: str
    params: RuntimeParams
    scenes: tuple[SceneRuntime, ...]
    episodes: tuple[EpisodeRuntime, ...]
    total_seconds: float = field(metadata=json_field(digits=3))
    features: RuntimeFeatures
    pages: float | None = field(default=None, metadata=json_field(digits=2))
    page_minutes: float | None = field(default=None, metadata=json_field(digits=2))

    @property
    def total_minutes(self) -> float:
        return self.total_seconds / 60.0

    def episode(self, number: int) -> EpisodeRuntime:
        """The runtime of episode ``number`` (KeyError if absent)."""
        return by_number(self.episodes, number)

    def __json_post__(self, data: dict[str, JSON]) -> dict[str, JSON]:
        # The totals first and the long per-episode and per-scene lists last; minutes beside
        # seconds, and the page rule beside the page estimate it explains.
        data = insert_after(data, "total_seconds", total_minutes=round(self.total_minutes, 3))
        data = insert_after(data, "page_minutes", page_rule=PAGE_RULE if self.pages is not None else None)
        first = ("language", "params", "total_seconds", "total_minutes", "features", "pages", "page_minutes", "page_rule")
        return reorder(data, (*first, "episodes", "scenes"))


def _scene_runtime(scene: Scene, episode: int, index: int, language: str, params: RuntimeParams) -> SceneRuntime:
    d = a = p = 0.0
    for e in scene.elements:
        ed, ea, ep = element_parts(e, language, params)
        d += ed
        a += ea
        p += ep
    t = params.scene_change_seconds if scene.heading is not None else 0.0
    f = scene_features(scene, language)
    return SceneRuntime(
        episode=episode,
        index=index,
        number=scene.number,
        heading=scene.heading,
        line=scene.line,
        seconds=d + a + p + t,
        dialogue_seconds=d,
        action_seconds=a,
        pause_seconds=p,
        transition_seconds=t,
        dialogue_units=f.dialogue_units,
        action_units=f.action_units,
    )


def scene_seconds(scene: Scene, language: str, params: RuntimeParams = DEFAULT_PARAMS) -> float:
    """Estimated seconds of one scene: its elements plus the scene change if it has a heading.

    >>> s = Scene(heading="1-1 日 内 客厅", elements=[Element(ElementType.DIALOGUE, "好" * 240, 2, character="A")])
    >>> scene_seconds(s, "zh")  # 60 s of speech + 0.5 s line pause + 2 s scene change
    62.5
    """
    return _scene_runtime(scene, 0, 0, language, params).seconds


# Courier 12 layout for the page estimate: characters a line by block type.
_PAGE_LINES = 55
_WIDTH = {ElementType.ACTION: 61, ElementType.DIALOGUE: 35, ElementType.PARENTHETICAL: 25}


def _page_lines(script: Script) -> int:
    lines = 0
    for _, _, e in script.iter_elements():
        if e.type in (ElementType.NOTE, ElementType.SYNOPSIS, ElementType.SECTION, ElementType.CLIFFHANGER_MARK):
            continue
        if e.type == ElementType.PAGE_BREAK:
            lines += _PAGE_LINES - lines % _PAGE_LINES if lines % _PAGE_LINES else 0
            continue
        if not e.text.strip():
            continue
        width = _WIDTH.get(e.type, 35 if e.type in SPOKEN_TYPES else 61)
        body = sum(max(1, math.ceil(len(part) / width)) for part in e.text.split("\n"))
        # Cues and parentheticals sit directly above their dialogue: no blank line before the next block.
        gap = 0 if e.type in (ElementType.CHARACTER, ElementType.PARENTHETICAL) else 1
        lines += body + gap
    return lines


def estimate_runtime(script: Script, params: RuntimeParams = DEFAULT_PARAMS) -> RuntimeResult:
    """Runtime of every scene and episode and of the series (episodes are sums of scenes).

    >>> from dramalens.parsing.builder import ScriptBuilder
    >>> b = ScriptBuilder(source_format="chinese"); _ = b.start_episode(1, line=1)
    >>> _ = b.start_scene(heading="1-1 日 内 客厅", line=2)
    >>> _ = b.add_new(ElementType.DIALOGUE, "好" * 480, 3, character="林晚")
    >>> estimate_runtime(b.build(language="zh")).total_seconds  # 120 + 0.5 + 2
    122.5
    """
    if not isinstance(params, RuntimeParams):
        raise ConfigError(f"params must be a RuntimeParams, got {type(params).__name__}")
    language = script.language
    scenes: list[SceneRuntime] = []
    episodes: list[EpisodeRuntime] = []
    features = RuntimeFeatures()
    for episode in script.episodes:
        ep_scenes = [
            _scene_runtime(scene, episode.number, i, language, params) for i, scene in enumerate(episode.scenes, start=1)
        ]
        for scene in episode.scenes:
            features = features + scene_features(scene, language)
        scenes.extend(ep_scenes)
        episodes.append(
            EpisodeRuntime(
                number=episode.number,
                title=episode.title,
                line=episode.line,
                seconds=math.fsum(s.seconds for s in ep_scenes),
                scenes=len(ep_scenes),
                dialogue_seconds=math.fsum(s.dialogue_seconds for s in ep_scenes),
                action_seconds=math.fsum(s.action_seconds for s in ep_scenes),
                pause_seconds=math.fsum(s.pause_seconds for s in ep_scenes),
                transition_seconds=math.fsum(s.transition_seconds for s in ep_scenes),
            )
        )
    total = math.fsum(e.seconds for e in episodes)
    pages = page_minutes = None
    if language != "zh":
        pages = _page_lines(script) / _PAGE_LINES
        page_minutes = pages  # the rule of thumb: one page, one minute
    return RuntimeResult(
        language=language,
        params=params,
        scenes=tuple(scenes),
        episodes=tuple(episodes),
        total_seconds=total,
        features=features,
        pages=pages,
        page_minutes=page_minutes,
    )
