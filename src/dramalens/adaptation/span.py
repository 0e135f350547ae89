"""Which chapters to adapt: the format's episode budget, and the span that fills it.

Micro dramas adapt the opening arcs of a long web novel. At the density they run at (a kept
share of the source, ``keep``: about one web-novel chapter of ~2,500 characters for a two-minute
vertical episode), ``auto`` takes chapters from the first until the budget is filled, then
ends the span on the strongest chapter ending near that point; what follows is left for a
second season.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..analysis.episode_format import DEFAULT_FORMAT_PARAMS, FORMATS, FormatParams
from ..errors import ConfigError
from .reading import Paragraph

__all__ = ["FormatBudget", "budget", "choose_span", "parse_span"]

_COUNTS = {"vertical": (60, 100, 80, 2.0), "horizontal": (12, 40, 24, 10.0)}
_SPAN = re.compile(r"^\s*(\d+)\s*[-–~]\s*(\d+)\s*$")


@dataclass(frozen=True, slots=True)
class FormatBudget:
    """Episodes, seconds an episode (target and band) for one format."""

    format: str
    episodes: int
    count_range: tuple[int, int]
    target_s: float
    band_s: tuple[float, float]
    episodes_given: bool


def budget(format: str, episodes: int | None, minutes: float | None,
           format_params: FormatParams = DEFAULT_FORMAT_PARAMS) -> FormatBudget:
    """The format's defaults with the user's episode count and minutes checked against it.

    >>> budget("vertical", None, None).episodes, budget("horizontal", 30, 12).target_s
    (80, 720.0)
    """
    if format not in FORMATS:
        raise ConfigError(f"unknown format {format!r}; allowed: {', '.join(FORMATS)}")
    lo_n, hi_n, default_n, default_min = _COUNTS[format]
    band = format_params.band(format)
    if episodes is not None and (isinstance(episodes, bool) or episodes < 1):
        raise ConfigError(f"--episodes must be a whole number >= 1, got {episodes!r}")
    target = 60.0 * (minutes if minutes is not None else default_min)
    if not band[0] <= target <= band[1]:
        raise ConfigError(f"--minutes {target / 60:g} is outside the {format} band "
                          f"{band[0] / 60:g}-{band[1] / 60:g} minutes")
    return FormatBudget(format, episodes if episodes is not None else default_n, (lo_n, hi_n), target, band,
                        episodes is not None)


def parse_span(span: str, chapters: int) -> tuple[int, int] | None:
    """``auto`` → None; ``all`` → (1, chapters); ``FIRST-LAST`` → checked pair.

    >>> parse_span("3-9", 20), parse_span("all", 20), parse_span("auto", 20)
    ((3, 9), (1, 20), None)
    """
    if span == "auto":
        return None
    if span == "all":
        return (1, chapters)
    m = _SPAN.match(span)
    if not m:
        raise ConfigError(f"--span must be auto, all or FIRST-LAST (e.g. 1-40), got {span!r}")
    first, last = int(m.group(1)), int(m.group(2))
    if not 1 <= first <= last <= chapters:
        raise ConfigError(f"--span {span} is outside the novel's chapters 1-{chapters}")
    return (first, last)


def choose_span(paragraphs: list[Paragraph], raw_seconds: list[float], keep: float, target_total: float,
                chapters: int, slack: float = 0.15) -> tuple[int, int]:
    """Chapters 1..L whose kept screen time fills ``target_total``; L is the strongest chapter
    ending within ±``slack`` of the fill point (the whole book when it is shorter)."""
    per: dict[int, float] = {}
    ending: dict[int, float] = {}
    for p, s in zip(paragraphs, raw_seconds):
        per[p.chapter] = per.get(p.chapter, 0.0) + s * keep
        ending[p.chapter] = p.ending
    total = 0.0
    cumulative: list[tuple[int, float]] = []
    for c in sorted(per):
        total += per[c]
        cumulative.append((c, total))
    if total <= target_total * (1 + slack):
        return (1, chapters)
    near = [c for c, t in cumulative if target_total * (1 - slack) <= t <= target_total * (1 + slack)]
    if not near:
        near = [next(c for c, t in cumulative if t >= target_total)]
    fill = min(near, key=lambda c: abs(dict(cumulative)[c] - target_total))
    last = max(near, key=lambda c: (ending[c], -abs(c - fill)))
    return (1, last)
