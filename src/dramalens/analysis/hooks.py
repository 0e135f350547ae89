"""Hooks, cliffhangers and reversals: where each episode grabs, and how strongly it ends.

Per episode:

- ``first_hook_seconds``: estimated seconds from the episode's start to the start of the first
  line carrying a conflict, threat or question cue (the opening hook);
- ``ending_strength`` (0..1): from the cues in the ending window, which is the last
  ``tail_fraction`` (15%) of the episode's runtime together with its last ``tail_elements``
  content elements. Each category found counts once with its weight (cues in the very last
  element at full weight, earlier ones in the window at ``window_weight``), and the weights
  combine as independent chances: ``1 - Π(1 - w)``. When the episode's last content element
  is the writer's explicit mark (a 【卡点】 element, a bracketed mark, a centred
  ``> TO BE CONTINUED <``), the strength is at least ``weak_threshold``. Every score comes with
  the cues and source lines that produced it and the categories that were missing;
- ``hooks`` (lines with any hook cue) and ``reversals`` (lines with a reversal, reveal or
  payoff cue) per minute, beside the folk-rule targets (a small hook every ~15 s, a reversal
  every ~30 s). These are measurements against a target, not verdicts.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from ..errors import ConfigError
from ..model import Element, ElementType, Script
from ..serial import JSON, json_field, reorder
from .cues import DEFAULT_LEXICON, CueHit, Lexicon, element_cues
from .runtime import DEFAULT_PARAMS, RuntimeParams, by_number, element_parts

__all__ = [
    "DEFAULT_HOOK_PARAMS",
    "EndingCue",
    "EpisodeHooks",
    "HookParams",
    "HookResult",
    "TARGETS_NOTE",
    "find_hooks",
    "timeline",
]

_DEFAULT_WEIGHTS = (
    ("cliffhanger_mark", 0.5),
    ("reversal", 0.35),
    ("reveal", 0.35),
    ("threat", 0.3),
    ("interruption", 0.3),
    ("entrance", 0.3),
    ("shock", 0.3),
    ("question", 0.25),
    ("conflict", 0.15),
    ("payoff", 0.1),
)


@dataclass(frozen=True, slots=True)
class HookParams:
    """Settings of the hook analysis.

    >>> HookParams(tail_fraction=0.2).tail_fraction
    0.2
    """

    tail_fraction: float = 0.15
    tail_elements: int = 3
    window_weight: float = 0.75
    weights: tuple[tuple[str, float], ...] = _DEFAULT_WEIGHTS
    first_hook_categories: tuple[str, ...] = ("conflict", "threat", "question")
    hook_categories: tuple[str, ...] = (
        "cliffhanger_mark", "reversal", "reveal", "threat", "interruption", "entrance", "shock", "question", "conflict",
    )
    reversal_categories: tuple[str, ...] = ("reversal", "reveal", "payoff")
    hook_target_seconds: float = 15.0
    reversal_target_seconds: float = 30.0
    weak_threshold: float = 0.5
    # One clear device on the very last line (a door bursting open, a threat, a reveal) is a
    # hook in any language. Chinese scripts mark it 【卡点】 and passed on the mark alone, while
    # the same ending in English scored 0.3 and failed: Chinese scripts outranked every English
    # one on craft (82 vs 55). A final-line device now counts like the mark.
    final_device_categories: tuple[str, ...] = ("reversal", "reveal", "threat", "interruption", "entrance", "shock")

    def __post_init__(self) -> None:
        if not 0 < self.tail_fraction <= 1:
            raise ConfigError(f"tail_fraction must be in (0, 1], got {self.tail_fraction!r}")
        if self.tail_elements < 1:
            raise ConfigError(f"tail_elements must be >= 1, got {self.tail_elements!r}")
        if not 0 <= self.window_weight <= 1:
            raise ConfigError(f"window_weight must be in [0, 1], got {self.window_weight!r}")
        for name, w in self.weights:
            if not 0 <= w < 1:
                raise ConfigError(f"weight of {name!r} must be in [0, 1), got {w!r}")
        if self.hook_target_seconds <= 0 or self.reversal_target_seconds <= 0:
            raise ConfigError("hook and reversal targets must be > 0 seconds")
        if not 0 <= self.weak_threshold <= 1:
            raise ConfigError(f"weak_threshold must be in [0, 1], got {self.weak_threshold!r}")

    def weight(self, category: str) -> float:
        for name, w in self.weights:
            if name == category:
                return w
        return 0.0


DEFAULT_HOOK_PARAMS = HookParams()


@dataclass(frozen=True, slots=True)
class EndingCue:
    """A cue in an episode's ending window and what it contributed."""

    category: str
    cue: str
    line: int
    excerpt: str
    at_seconds: float = field(metadata=json_field(digits=2))  # start of its element, from the episode's start
    weight: float = field(metadata=json_field(digits=3))


@dataclass(frozen=True, slots=True)
class EpisodeHooks:
    """Hook measurements of one episode (see the module docstring)."""

    number: int
    seconds: float = field(metadata=json_field(digits=2))
    first_hook_seconds: float | None = field(metadata=json_field(digits=2))
    first_hook: CueHit | None
    ending_strength: float = field(metadata=json_field(digits=3))
    ending_cues: tuple[EndingCue, ...]
    missing: tuple[str, ...]
    hooks: int
    reversals: int
    hooks_per_minute: float = field(metadata=json_field(digits=3))
    reversals_per_minute: float = field(metadata=json_field(digits=3))


@dataclass(frozen=True, slots=True)
class HookResult:
    """Hooks of every episode, series rates and the folk-rule targets beside them."""

    episodes: tuple[EpisodeHooks, ...]
    hooks_per_minute: float = field(metadata=json_field(digits=3))
    reversals_per_minute: float = field(metadata=json_field(digits=3))
    hook_target_per_minute: float = field(metadata=json_field(digits=3))
    reversal_target_per_minute: float = field(metadata=json_field(digits=3))
    weak_threshold: float
    weak_endings: tuple[int, ...] = field(default=())

    def episode(self, number: int) -> EpisodeHooks:
        """The hooks of episode ``number`` (KeyError if absent)."""
        return by_number(self.episodes, number)

    def __json_post__(self, data: dict[str, JSON]) -> dict[str, JSON]:
        # Each rate beside its target, then the note that says what the targets are.
        data["note"] = TARGETS_NOTE
        rates = ("hooks_per_minute", "hook_target_per_minute", "reversals_per_minute", "reversal_target_per_minute")
        return reorder(data, (*rates, "note", "weak_threshold", "weak_endings"))


#: What the hook and reversal targets are (said beside them in the JSON).
TARGETS_NOTE = (
    "targets are folk rules (a small hook every ~15 s, a reversal every ~30 s): measurement vs target, not a verdict"
)


@dataclass(frozen=True, slots=True)
class _Beat:
    element: Element
    start: float
    end: float
    cues: tuple[CueHit, ...]


def timeline(
    script: Script, params: RuntimeParams = DEFAULT_PARAMS, lexicon: Lexicon = DEFAULT_LEXICON
) -> list[tuple[int, list[_Beat], float]]:
    """(episode number, its elements with estimated start/end seconds and cues, episode seconds).

    A headed scene's change time is placed at its start (the establishing shot), so the first
    line of an episode starts after it.
    """
    language = script.language
    out: list[tuple[int, list[_Beat], float]] = []
    for episode in script.episodes:
        t = 0.0
        beats: list[_Beat] = []
        for scene in episode.scenes:
            if scene.heading is not None:
                t += params.scene_change_seconds
            for e in scene.elements:
                d, a, p = element_parts(e, language, params)
                end = t + d + a + p
                beats.append(_Beat(e, t, end, element_cues(e, language, lexicon)))
                t = end
        out.append((episode.number, beats, t))
    return out


_END_CARD = re.compile(r"^\W*(?:end of (?:episode|ep\.?)\b.*|the end|end|fin|本集完|本集终|全剧终|完)\W*$", re.IGNORECASE)


def _content(beat: _Beat) -> bool:
    # What the audience sees or hears, plus the writer's cliffhanger mark; a centred
    # "END OF EPISODE 3" card is layout, and must not push the real last line into the window.
    e = beat.element
    if e.type == ElementType.CENTERED and _END_CARD.match(e.text.strip()):
        return False
    return e.type == ElementType.CLIFFHANGER_MARK or (beat.end > beat.start and bool(e.text.strip()))


def _explicit_mark(beat: _Beat) -> bool:
    """A parsed 【卡点】 element, or a bracketed mark / centred TO BE CONTINUED on the last beat."""
    if beat.element.type == ElementType.CLIFFHANGER_MARK:
        return True
    return any(
        c.category == "cliffhanger_mark" and (c.cue.startswith(("【", "[")) or beat.element.type == ElementType.CENTERED)
        for c in beat.cues
    )


def _episode_hooks(number: int, beats: list[_Beat], seconds: float, hp: HookParams) -> EpisodeHooks:
    first_hook = None
    first_at = None
    hooks = reversals = 0
    hook_set, rev_set, first_set = set(hp.hook_categories), set(hp.reversal_categories), set(hp.first_hook_categories)
    for b in beats:
        cats = {c.category for c in b.cues}
        if first_hook is None:
            for c in b.cues:
                if c.category in first_set:
                    first_hook, first_at = c, b.start
                    break
        hooks += bool(cats & hook_set)
        reversals += bool(cats & rev_set)

    content = [b for b in beats if _content(b)]
    window_start = seconds * (1.0 - hp.tail_fraction)
    tail_ids = {id(b) for b in content[-hp.tail_elements :]}
    last = content[-1] if content else None
    # A mark written on its own line after the last line marks that line: both are "the end".
    final = {id(last)} if last is not None else set()
    if last is not None and last.element.type == ElementType.CLIFFHANGER_MARK and len(content) > 1:
        final.add(id(content[-2]))
    best: dict[str, EndingCue] = {}
    for b in content:
        if not (id(b) in tail_ids or b.end > window_start):
            continue
        recency = 1.0 if id(b) in final else hp.window_weight
        # A cliffhanger mark closes the episode even when written after the last line.
        if b.element.type == ElementType.CLIFFHANGER_MARK:
            recency = 1.0
        for c in b.cues:
            w = hp.weight(c.category) * recency
            if w <= 0:
                continue
            if c.category not in best or w > best[c.category].weight:
                best[c.category] = EndingCue(c.category, c.cue, c.line, c.excerpt, b.start, w)
    strength = 1.0 - math.prod(1.0 - c.weight for c in best.values())
    devices = set(hp.final_device_categories)
    if any(c.category in devices and c.weight >= hp.weight(c.category) > 0 for c in best.values()):
        strength = max(strength, hp.weak_threshold)  # a device at full recency: on the final line
    if last is not None and _explicit_mark(last):
        # The writer marked this ending as the cliffhanger: take them at their word, at least
        # the weak threshold, whatever the weights are set to (the cues still show why).
        strength = max(strength, hp.weak_threshold)
    cues = tuple(sorted(best.values(), key=lambda c: (-c.weight, c.line, c.category)))
    missing = tuple(name for name, w in hp.weights if w > 0 and name not in best and name in hook_set)
    minutes = seconds / 60.0
    return EpisodeHooks(
        number=number,
        seconds=seconds,
        first_hook_seconds=first_at,
        first_hook=first_hook,
        ending_strength=strength,
        ending_cues=cues,
        missing=missing,
        hooks=hooks,
        reversals=reversals,
        hooks_per_minute=hooks / minutes if minutes > 0 else 0.0,
        reversals_per_minute=reversals / minutes if minutes > 0 else 0.0,
    )


def find_hooks(
    script: Script,
    params: RuntimeParams = DEFAULT_PARAMS,
    hook_params: HookParams = DEFAULT_HOOK_PARAMS,
    lexicon: Lexicon = DEFAULT_LEXICON,
) -> HookResult:
    """Opening hook time, ending strength and hook/reversal rates of every episode.

    >>> from dramalens.parsing.builder import ScriptBuilder
    >>> b = ScriptBuilder(source_format="chinese"); _ = b.start_episode(1, line=1)
    >>> _ = b.add_new(ElementType.DIALOGUE, "你竟然是他的亲生女儿？", 2, character="林晚")
    >>> _ = b.add_new(ElementType.CLIFFHANGER_MARK, "【卡点】", 3)
    >>> r = find_hooks(b.build(language="zh")).episodes[0]
    >>> r.first_hook_seconds, round(r.ending_strength, 2), r.ending_cues[0].category
    (0.0, 0.84, 'cliffhanger_mark')
    """
    if not isinstance(hook_params, HookParams):
        raise ConfigError(f"hook_params must be a HookParams, got {type(hook_params).__name__}")
    episodes = [
        _episode_hooks(number, beats, seconds, hook_params)
        for number, beats, seconds in timeline(script, params, lexicon)
    ]
    total_minutes = sum(e.seconds for e in episodes) / 60.0
    hooks = sum(e.hooks for e in episodes)
    reversals = sum(e.reversals for e in episodes)
    return HookResult(
        episodes=tuple(episodes),
        hooks_per_minute=hooks / total_minutes if total_minutes > 0 else 0.0,
        reversals_per_minute=reversals / total_minutes if total_minutes > 0 else 0.0,
        hook_target_per_minute=60.0 / hook_params.hook_target_seconds,
        reversal_target_per_minute=60.0 / hook_params.reversal_target_seconds,
        weak_threshold=hook_params.weak_threshold,
        weak_endings=tuple(e.number for e in episodes if e.ending_strength < hook_params.weak_threshold),
    )
