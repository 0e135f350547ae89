"""IP adaptation: a novel → persons, events and tension → an episode plan for a format.

:func:`adapt` plans a :class:`~dramalens.model.novel.Novel`; :func:`adapt_file` reads the file
first. The plan is an :class:`AdaptationPlan` (frozen records; ``to_dict()`` gives the JSON
contract of ``dramalens adapt --json``); :func:`outline_text` writes it as a script outline.
See docs/adaptation.md.
"""

from __future__ import annotations

from pathlib import Path

from ..parsing.novel import read_novel
from .build import AdaptParams, adapt
from .html import plan_html
from .rank import LibraryRanking, rank_library, rank_paths
from .outline import OUTLINE_STYLES, outline_text, score_plan
from .plan import AdaptationPlan, Beat, Check, CharacterCluster, Cliffhanger, EpisodePlan, Hook, Paywall, PlanScore, Position

__all__ = [
    "OUTLINE_STYLES",
    "AdaptParams",
    "AdaptationPlan",
    "Beat",
    "CharacterCluster",
    "Check",
    "Cliffhanger",
    "EpisodePlan",
    "Hook",
    "LibraryRanking",
    "Paywall",
    "PlanScore",
    "Position",
    "adapt",
    "adapt_file",
    "outline_text",
    "plan_html",
    "rank_library",
    "rank_paths",
    "score_plan",
]


def adapt_file(
    path: str | Path | bytes,
    format: str = "vertical",
    *,
    episodes: int | None = None,
    minutes: float | None = None,
    free_episodes: int | None = None,
    span: str = "auto",
    max_bytes: int | None = None,
) -> AdaptationPlan:
    """Read the novel at ``path`` (.txt/.epub, any encoding; or its bytes, as uploaded) and
    plan it (:func:`adapt`)."""
    novel = read_novel(path, max_bytes=max_bytes)
    return adapt(novel, format, episodes=episodes, minutes=minutes, free_episodes=free_episodes, span=span)
