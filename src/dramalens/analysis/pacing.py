"""Pacing: scenes per episode, seconds per scene, dialogue/action balance, and the production
breakdown (one row per scene: episode, location, INT/EXT, time, cast, estimated seconds).

Counts of locations, INT/EXT and times of day are what a line producer schedules by.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..model import Script
from ..text import has_han
from ..serial import json_field, pairs_to_dict
from .runtime import DEFAULT_PARAMS, RuntimeParams, RuntimeResult, estimate_runtime

__all__ = ["BreakdownRow", "EpisodePacing", "PacingResult", "analyze_pacing"]


def _is_han(text: str) -> bool:
    return has_han(text)


def _cast_cell(cast: tuple[str, ...]) -> str:
    # One cell a scene, as a breakdown sheet writes it: 林晚、顾沉 / ANNA, BOB.
    return "、".join(cast) if cast and _is_han(cast[0]) else ", ".join(cast)


@dataclass(frozen=True, slots=True)
class BreakdownRow:
    """One scene of the production breakdown."""

    episode: int
    scene: str  # the source's number ("1-3") or the 1-based index in its episode
    heading: str | None
    location: str | None
    int_ext: str | None
    time: str | None
    cast: tuple[str, ...] = field(metadata=json_field(convert=_cast_cell))
    seconds: float = field(metadata=json_field(name="est_seconds", digits=1))
    line: int


@dataclass(frozen=True, slots=True)
class EpisodePacing:
    """Pacing of one episode. ``dialogue_share`` = dialogue seconds / (dialogue + action seconds)."""

    number: int
    scenes: int
    seconds: float = field(metadata=json_field(digits=2))
    seconds_per_scene: float = field(metadata=json_field(digits=2))
    dialogue_seconds: float = field(metadata=json_field(digits=2))
    action_seconds: float = field(metadata=json_field(digits=2))
    dialogue_share: float = field(metadata=json_field(digits=3))
    locations: int
    speakers: int


@dataclass(frozen=True, slots=True)
class PacingResult:
    """Pacing per episode, series averages, location/INT-EXT/time counts and the breakdown."""

    # Series figures first, the per-episode and per-scene lists after them (the JSON's order).
    scenes_per_episode: float = field(metadata=json_field(digits=3))
    seconds_per_scene: float = field(metadata=json_field(digits=2))
    dialogue_share: float = field(metadata=json_field(digits=3))
    locations: tuple[tuple[str, int], ...] = field(metadata=json_field(convert=pairs_to_dict))  # most used first
    int_ext: tuple[tuple[str, int], ...] = field(metadata=json_field(convert=pairs_to_dict))
    times: tuple[tuple[str, int], ...] = field(metadata=json_field(convert=pairs_to_dict))
    episodes: tuple[EpisodePacing, ...]
    breakdown: tuple[BreakdownRow, ...]


def _share(dialogue: float, action: float) -> float:
    total = dialogue + action
    return dialogue / total if total > 0 else 0.0


def analyze_pacing(
    script: Script, params: RuntimeParams = DEFAULT_PARAMS, runtime: RuntimeResult | None = None
) -> PacingResult:
    """Pacing and production breakdown of ``script`` (pass ``runtime`` to reuse an estimate).

    >>> from dramalens.parsing.builder import ScriptBuilder
    >>> from dramalens.model import ElementType
    >>> b = ScriptBuilder(source_format="chinese"); _ = b.start_episode(1, line=1)
    >>> _ = b.start_scene(heading="1-1 日 内 客厅", line=2, int_ext="INT", time="DAY", location="客厅")
    >>> _ = b.add_new(ElementType.DIALOGUE, "你好。", 3, character="林晚")
    >>> from dramalens.serial import to_jsonable
    >>> to_jsonable(analyze_pacing(b.build(language="zh")).breakdown[0])["cast"]
    '林晚'
    """
    runtime = runtime if runtime is not None else estimate_runtime(script, params)
    scene_rt = iter(runtime.scenes)
    rows: list[BreakdownRow] = []
    episodes: list[EpisodePacing] = []
    locations: Counter[str] = Counter()
    int_ext: Counter[str] = Counter()
    times: Counter[str] = Counter()
    for episode, ep_rt in zip(script.episodes, runtime.episodes):
        ep_locations: set[str] = set()
        speakers: set[str] = set()
        for index, scene in enumerate(episode.scenes, start=1):
            rt = next(scene_rt)
            spoken = []
            for e in scene.elements:
                if e.character and e.character not in spoken:
                    spoken.append(e.character)
            speakers.update(spoken)
            cast = tuple(scene.cast) if scene.cast else tuple(spoken)
            if scene.heading is not None:
                place = scene.location or scene.heading
                locations[place] += 1
                ep_locations.add(place)
                int_ext[scene.int_ext or "unknown"] += 1
                times[scene.time or "unknown"] += 1
            rows.append(
                BreakdownRow(
                    episode=episode.number,
                    scene=scene.number if scene.number is not None else str(index),
                    heading=scene.heading,
                    location=scene.location,
                    int_ext=scene.int_ext,
                    time=scene.time,
                    cast=cast,
                    seconds=rt.seconds,
                    line=scene.line,
                )
            )
        n = len(episode.scenes)
        episodes.append(
            EpisodePacing(
                number=episode.number,
                scenes=n,
                seconds=ep_rt.seconds,
                seconds_per_scene=ep_rt.seconds / n if n else 0.0,
                dialogue_seconds=ep_rt.dialogue_seconds,
                action_seconds=ep_rt.action_seconds,
                dialogue_share=_share(ep_rt.dialogue_seconds, ep_rt.action_seconds),
                locations=len(ep_locations),
                speakers=len(speakers),
            )
        )
    total_scenes = sum(e.scenes for e in episodes)
    return PacingResult(
        episodes=tuple(episodes),
        scenes_per_episode=total_scenes / len(episodes) if episodes else 0.0,
        seconds_per_scene=runtime.total_seconds / total_scenes if total_scenes else 0.0,
        dialogue_share=_share(sum(e.dialogue_seconds for e in episodes), sum(e.action_seconds for e in episodes)),
        locations=tuple(locations.most_common()),
        int_ext=tuple(int_ext.most_common()),
        times=tuple(times.most_common()),
        breakdown=tuple(rows),
    )
