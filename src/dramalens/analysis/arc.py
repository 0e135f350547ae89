"""Emotional arc: valence (bad → good) and tension (calm → alarm) per scene, smoothed, and named.

Chinese is scored with jieba words against dramalens' own lexicon (data/sentiment_zh.txt) with
negation (不/没/别…) and intensifiers (非常/太…); English with VADER's compound score plus
dramalens' tension words (data/tension_en.txt). Valence is in [-1, 1], tension in [0, 1].
The shape rule is documented in docs/characters-arc-compliance.md and in :func:`name_shape`.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from importlib import resources
from typing import NamedTuple, Protocol

from ..model import ElementType, Scene, Script
from ..text import speech_units
from ..text.segment import new_tokenizer

__all__ = ["ArcPoint", "ArcResult", "EpisodeArc", "emotional_arc", "name_shape", "scene_scores", "smooth"]

# Elements that carry no on-screen feeling: structure and notes to the reader.
_SKIP = frozenset(
    {ElementType.HEADING, ElementType.SECTION, ElementType.SYNOPSIS, ElementType.NOTE, ElementType.PAGE_BREAK,
     ElementType.TRANSITION, ElementType.CHARACTER, ElementType.FLASHBACK_START, ElementType.FLASHBACK_END}
)
_EXCLAIM = re.compile(r"[！!]")
_QUESTION = re.compile(r"[？?]")
_PUNCT = re.compile(r"^[\s\W_]+$")
_EN_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
#: Units of text per tension "unit of density" (about one short exchange).
_TENSION_SPAN = 50.0
_SHAPE_SEGMENTS = 8
_SHAPES = {
    "": "flat", "+": "rise", "-": "fall", "+-": "rise-fall", "-+": "fall-rise",
    "+-+": "rise-fall-rise", "-+-": "fall-rise-fall",
}


@dataclass(frozen=True, slots=True)
class ArcPoint:
    """One scene of the arc: raw and smoothed valence/tension, and the text units it rests on."""

    index: int
    episode: int
    scene: str
    valence: float
    tension: float
    smoothed_valence: float
    smoothed_tension: float
    units: int
    hits: int


@dataclass(frozen=True, slots=True)
class EpisodeArc:
    """Per-episode means of the scene values, weighted by text units."""

    episode: int
    valence: float
    tension: float


@dataclass(frozen=True, slots=True)
class ArcResult:
    """The result of :func:`emotional_arc`. ``shape`` names the smoothed valence line,
    ``tension_shape`` the smoothed tension line."""

    language: str
    window: int
    shape: str
    tension_shape: str
    mean_valence: float
    mean_tension: float
    scenes: tuple[ArcPoint, ...]
    episodes: tuple[EpisodeArc, ...]


# --- lexicons (loaded lazily, once) --------------------------------------------------------
class _Tokenizer(Protocol):
    def lcut(self, sentence: str) -> list[str]: ...


class _Vader(Protocol):
    def polarity_scores(self, text: str) -> dict[str, float]: ...


class _ZhLexicon(NamedTuple):
    words: dict[str, tuple[float, float]]
    negators: frozenset[str]
    intensifiers: dict[str, float]
    tokenizer: _Tokenizer


class _EnLexicon(NamedTuple):
    tension: dict[str, float]
    vader: _Vader


def _read_zh() -> _ZhLexicon:
    words: dict[str, tuple[float, float]] = {}
    negators: set[str] = set()
    intensifiers: dict[str, float] = {}
    text = resources.files("dramalens.data").joinpath("sentiment_zh.txt").read_text("utf-8")
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("!neg "):
            negators.add(line.split()[1])
        elif line.startswith("!int "):
            _, word, factor = line.split()
            intensifiers[word] = float(factor)
        else:
            word, valence, tension = line.split("\t")
            words.setdefault(word, (float(valence), float(tension)))
    # Our own tokenizer: adding words to jieba's global one would change how every
    # other part of dramalens segments text.
    tokenizer: _Tokenizer = new_tokenizer((*words, *negators, *intensifiers), freq=200000)
    return _ZhLexicon(words, frozenset(negators), intensifiers, tokenizer)


def _read_en() -> _EnLexicon:
    # VADER loads its lexicon on construction: only when an English script is scored.
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    table: dict[str, float] = {}
    text = resources.files("dramalens.data").joinpath("tension_en.txt").read_text("utf-8")
    for raw in text.splitlines():
        if raw.strip() and not raw.startswith("#"):
            word, weight = raw.split("\t")
            table[word.strip().lower()] = float(weight)
    vader: _Vader = SentimentIntensityAnalyzer()
    return _EnLexicon(table, vader)


class _Lexicons:
    """Both lexicons, each loaded once, on first use (thread-safe)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.zh: _ZhLexicon | None = None
        self.en: _EnLexicon | None = None

    def load_zh(self) -> _ZhLexicon:
        with self.lock:
            if self.zh is None:
                self.zh = _read_zh()
            return self.zh

    def load_en(self) -> _EnLexicon:
        with self.lock:
            if self.en is None:
                self.en = _read_en()
            return self.en


_LEX = _Lexicons()


# --- scoring -------------------------------------------------------------------------------
def _tension(raw: float, units: int) -> float:
    # Density of tension cues per ~50 units, squashed into [0, 1): long calm scenes stay calm.
    density = raw / max(1.0, units / _TENSION_SPAN)
    return density / (density + 1.0)


def _score_zh(text: str) -> tuple[float, float, int]:
    words, negators, intensifiers, tokenizer = _LEX.load_zh()
    tokens = [t for t in tokenizer.lcut(text) if t.strip()]
    total_v = total_t = 0.0
    hits = 0
    for i, token in enumerate(tokens):
        entry = words.get(token)
        negated = False
        if entry is None and len(token) > 1 and token[0] in "不没别" and token[1:] in words:
            entry, negated = words[token[1:]], True  # jieba kept 不怕/没用-style words whole
        if entry is None:
            continue
        valence, tension = entry
        # Look back within the clause: the nearest intensifier scales, an odd number of negators flips.
        factor = 1.0
        flips = 1 if negated else 0
        for back in range(1, 4):
            if i - back < 0 or _PUNCT.match(tokens[i - back]):
                break
            previous = tokens[i - back]
            if previous in negators:
                flips += 1
            elif previous in intensifiers and factor == 1.0:
                factor = intensifiers[previous]
        if flips % 2:
            # "不开心" is sad but milder than "伤心"; "不怕" lowers the alarm.
            valence, tension = -0.6 * valence, 0.5 * tension
        total_v += valence * factor
        total_t += tension * factor
        hits += 1
    units = speech_units(text, "zh")
    raw_t = total_t + 0.25 * len(_EXCLAIM.findall(text)) + 0.1 * len(_QUESTION.findall(text))
    valence = max(-1.0, min(1.0, total_v / (hits + 2))) if hits else 0.0
    return valence, _tension(raw_t, units), hits


def _score_en(texts: list[str]) -> tuple[float, float, int]:
    table, vader = _LEX.load_en()
    weighted = 0.0
    weight = 0
    raw_t = 0.0
    hits = 0
    for text in texts:
        n = speech_units(text, "en")
        if not n:
            continue
        compound = vader.polarity_scores(text)["compound"]
        weighted += compound * n
        weight += n
        if compound:
            hits += 1
        for word in _EN_WORD.findall(text):
            t = table.get(word.lower())
            if t:
                raw_t += t
                hits += 1
        raw_t += 0.25 * len(_EXCLAIM.findall(text)) + 0.1 * len(_QUESTION.findall(text))
    valence = max(-1.0, min(1.0, weighted / weight)) if weight else 0.0
    return valence, _tension(raw_t, weight), hits


def scene_scores(scene: Scene, language: str) -> tuple[float, float, int, int]:
    """(valence, tension, lexicon hits, text units) of one scene.

    >>> from dramalens.model import Scene, Element, ElementType
    >>> v, t, hits, units = scene_scores(Scene(elements=[Element(ElementType.DIALOGUE, "我好开心！", 1, "A")]), "zh")
    >>> v > 0, 0 <= t < 1
    (True, True)
    """
    texts = [e.text for e in scene.elements if e.type not in _SKIP and e.text.strip()]
    if not texts:
        return 0.0, 0.0, 0, 0
    units = sum(speech_units(t, language) for t in texts)
    if language == "zh":
        valence, tension, hits = _score_zh("\n".join(texts))
    else:
        valence, tension, hits = _score_en(texts)
    return valence, tension, hits, units


def smooth(values: list[float], window: int) -> list[float]:
    """Centred moving average; the window shrinks at the ends instead of padding.

    >>> smooth([0.0, 3.0, 0.0], 3)
    [1.5, 1.0, 1.5]
    """
    if window < 1 or window % 2 == 0:
        raise ValueError(f"window must be a positive odd number, got {window}")
    half = window // 2
    out = []
    for i in range(len(values)):
        part = values[max(0, i - half) : i + half + 1]
        out.append(sum(part) / len(part))
    return out


def _window(n: int) -> int:
    # About a tenth of the scenes, odd, between 1 and 9: enough to hide one-scene noise,
    # short enough to keep a 100-episode arc's movements.
    return min(9, 2 * (n // 10) + 1)


def name_shape(values: list[float], threshold: float = 0.05) -> str:
    """Name the shape of a line by its significant moves (a zig-zag with hysteresis).

    A line longer than 8 points is first reduced to the means of 8 equal parts. A move is
    registered when the line departs from its running extreme by more than
    ``max(threshold, 25% of its range)``; runs of moves in one direction count once. The
    sequence of moves is then named: none → flat, + → rise, - → fall, +- → rise-fall,
    -+ → fall-rise, +-+ → rise-fall-rise, -+- → fall-rise-fall, longer → oscillating.

    >>> name_shape([0, 0.2, 0.5, 0.1, -0.3]), name_shape([0.0, 0.01, 0.0])
    ('rise-fall', 'flat')
    """
    if len(values) < 2:
        return "flat"
    if len(values) > _SHAPE_SEGMENTS:
        # Name the large-scale movement: means of 8 equal parts, so a long arc's scene-to-scene
        # wobble does not make every series "oscillating".
        n = len(values)
        bounds = [round(k * n / _SHAPE_SEGMENTS) for k in range(_SHAPE_SEGMENTS + 1)]
        values = [sum(values[a:b]) / (b - a) for a, b in zip(bounds, bounds[1:])]
    tau = max(threshold, 0.25 * (max(values) - min(values)))
    moves = ""
    direction = 0
    high = low = values[0]
    for v in values[1:]:
        if direction == 0:
            high, low = max(high, v), min(low, v)
            if v - low > tau:
                moves, direction, high = moves + "+", 1, v
            elif high - v > tau:
                moves, direction, low = moves + "-", -1, v
        elif direction > 0:  # rising: track the peak, turn when we fall far enough below it
            if v > high:
                high = v
            elif high - v > tau:
                moves, direction, low = moves + "-", -1, v
        else:  # falling: track the trough
            if v < low:
                low = v
            elif v - low > tau:
                moves, direction, high = moves + "+", 1, v
    return _SHAPES.get(moves, "oscillating")


def emotional_arc(script: Script) -> ArcResult:
    """Valence and tension per scene and episode, smoothed into an arc, and the arc's shape.

    >>> from dramalens.parsing.builder import ScriptBuilder
    >>> from dramalens.model import ElementType
    >>> b = ScriptBuilder(source_format="fountain")
    >>> _ = b.start_scene(heading="INT. HOUSE - DAY", line=1)
    >>> _ = b.add_new(ElementType.DIALOGUE, "I love you. I'm so happy!", 2, character="ANA")
    >>> arc = emotional_arc(b.build(language="en"))
    >>> arc.scenes[0].valence > 0.5, arc.shape
    (True, 'flat')
    """
    language = script.language if script.language in ("zh", "en") else "en"
    rows: list[tuple[int, str, float, float, int, int]] = []
    for episode in script.episodes:
        for k, scene in enumerate(episode.scenes):
            valence, tension, hits, units = scene_scores(scene, language)
            rows.append((episode.number, scene.number or f"{episode.number}-{k + 1}", valence, tension, hits, units))
    window = _window(len(rows))
    sv = smooth([r[2] for r in rows], window) if rows else []
    st = smooth([r[3] for r in rows], window) if rows else []
    points = tuple(
        ArcPoint(i, ep, label, round(v, 6), round(t, 6), round(sv[i], 6), round(st[i], 6), units, hits)
        for i, (ep, label, v, t, hits, units) in enumerate(rows)
    )
    episodes: list[EpisodeArc] = []
    by_episode: dict[int, list[ArcPoint]] = {}
    for p in points:
        by_episode.setdefault(p.episode, []).append(p)
    for number, pts in by_episode.items():
        weight = sum(p.units for p in pts)
        if weight:
            v = sum(p.valence * p.units for p in pts) / weight
            t = sum(p.tension * p.units for p in pts) / weight
        else:
            v = t = 0.0
        episodes.append(EpisodeArc(number, round(v, 6), round(t, 6)))
    total = sum(p.units for p in points)
    mean_v = sum(p.valence * p.units for p in points) / total if total else 0.0
    mean_t = sum(p.tension * p.units for p in points) / total if total else 0.0
    return ArcResult(
        language=language,
        window=window,
        shape=name_shape(sv),
        tension_shape=name_shape(st),
        mean_valence=round(mean_v, 6),
        mean_tension=round(mean_t, 6),
        scenes=points,
        episodes=tuple(episodes),
    )

