"""Episode format: vertical (竖屏, 1-3 min an episode) or horizontal (横屏, 5-20 min).

The format is classified from the median episode runtime (robust to a long pilot or a short
finale), or checked against the format the user chose. Episodes outside the band are listed,
and so are those over the NRTA ceiling for a micro-drama episode (~15 min).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field

from ..errors import ConfigError
from ..i18n import Message
from ..serial import json_field
from .runtime import RuntimeResult

__all__ = ["DEFAULT_FORMAT_PARAMS", "FORMATS", "EpisodeOutside", "FormatParams", "FormatResult", "classify_format"]

FORMATS = ("vertical", "horizontal")


@dataclass(frozen=True, slots=True)
class FormatParams:
    """Runtime bands in seconds (DESIGN.md: vertical 1-3 min, horizontal 5-20 min, NRTA ~15 min).

    >>> FormatParams().band("vertical")
    (60.0, 180.0)
    """

    vertical: tuple[float, float] = (60.0, 180.0)
    horizontal: tuple[float, float] = (300.0, 1200.0)
    nrta_ceiling_seconds: float = 900.0

    def __post_init__(self) -> None:
        for name in FORMATS:
            lo, hi = getattr(self, name)
            if not 0 <= lo < hi:
                raise ConfigError(f"the {name} band must be (low, high) seconds with 0 <= low < high, got {(lo, hi)!r}")
            object.__setattr__(self, name, (float(lo), float(hi)))
        if self.nrta_ceiling_seconds <= 0:
            raise ConfigError(f"nrta_ceiling_seconds must be > 0, got {self.nrta_ceiling_seconds!r}")

    def band(self, format: str) -> tuple[float, float]:
        if format not in FORMATS:
            raise ConfigError(f"unknown episode format {format!r}; allowed: {', '.join(FORMATS)}")
        return self.vertical if format == "vertical" else self.horizontal


DEFAULT_FORMAT_PARAMS = FormatParams()


@dataclass(frozen=True, slots=True)
class EpisodeOutside:
    """An episode whose runtime falls outside the band: ``"short"`` or ``"long"``."""

    number: int
    seconds: float = field(metadata=json_field(digits=2))
    side: str
    line: int


@dataclass(frozen=True, slots=True)
class FormatResult:
    """The format (chosen or classified), its band, and the episodes outside it."""

    format: str
    chosen: bool
    median_seconds: float = field(metadata=json_field(digits=2))
    band: tuple[float, float] = field(metadata=json_field(name="band_seconds"))
    outside: tuple[EpisodeOutside, ...]
    over_nrta: tuple[int, ...]
    note: str = ""  # English, as the JSON has always carried it
    #: The same note as a catalogue key and fields, for a reader in either language.
    note_message: Message | None = field(default=None, metadata=json_field(omit=True))

    def status(self, number: int) -> str:
        """``"ok"``, ``"short"`` or ``"long"`` for episode ``number``."""
        for o in self.outside:
            if o.number == number:
                return o.side
        return "ok"


def classify_format(
    runtime: RuntimeResult, format: str | None = None, params: FormatParams = DEFAULT_FORMAT_PARAMS
) -> FormatResult:
    """Classify (or check against ``format``) and list the episodes outside the band.

    Between the bands (3-5 min by default) the nearer band wins on a log scale, and the
    result says so.

    >>> from dramalens.analysis.runtime import estimate_runtime
    >>> from dramalens.model import Script
    >>> classify_format(estimate_runtime(Script()), "vertical").format
    'vertical'
    """
    if format is not None and format not in FORMATS:
        raise ConfigError(f"unknown episode format {format!r}; allowed: {', '.join(FORMATS)}")
    seconds = [e.seconds for e in runtime.episodes]
    median = statistics.median(seconds) if seconds else 0.0
    note = ""
    note_message: Message | None = None
    if format is None:
        v_lo, v_hi = params.vertical
        h_lo, h_hi = params.horizontal
        if median <= v_hi:
            chosen_format = "vertical"
        elif median >= h_lo:
            chosen_format = "horizontal"
        else:
            # Geometric midpoint: 3 min vs 5 min are equally far apart at ~3.9 min.
            chosen_format = "vertical" if median <= math.sqrt(v_hi * h_lo) else "horizontal"
            note = f"median episode ({median / 60:.1f} min) falls between the vertical and horizontal bands"
            note_message = Message("fmt.between_bands", (("minutes", median / 60),))
        if not seconds:
            note, note_message = "no episodes", Message("fmt.no_episodes")
    else:
        chosen_format = format
    lo, hi = params.band(chosen_format)
    outside = tuple(
        EpisodeOutside(e.number, e.seconds, "short" if e.seconds < lo else "long", e.line)
        for e in runtime.episodes
        if e.seconds < lo or e.seconds > hi
    )
    over = tuple(e.number for e in runtime.episodes if e.seconds > params.nrta_ceiling_seconds)
    return FormatResult(chosen_format, format is not None, median, (lo, hi), outside, over, note, note_message)
