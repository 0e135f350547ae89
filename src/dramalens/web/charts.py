"""Geometry of the saturation page's chart: supply growth against plays growth, per track or trope.

The numbers are laid out here (plain Python, testable); the SVG itself is written by the
Jinja macro ``growth_chart`` in ``templates/_macros.html``, so every label goes through
autoescape. The catalog's own ``saturation_html`` writes a whole page, not a fragment, so it is
not embedded.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..catalog import SaturationRow
from ..catalog.saturation import row_label
from ..errors import ConfigError

__all__ = ["CLIP", "STATUS_COLOURS", "Bar", "ChartRow", "GrowthChart", "growth_chart"]

#: Growth beyond ±200% is drawn clipped (an arrow head marks it): one outlier (a trope whose
#: plays went from 1 to 400) would otherwise squash every other bar to a line.
CLIP = 2.0
STATUS_COLOURS = {"crowded": "#c0392b", "balanced": "#8a8f98", "under-served": "#2e8b57", "too few works": "#b0b0b0"}
LABEL_W, PLOT_W, VALUE_W, ROW_H, TOP, BOTTOM = 220, 440, 70, 26, 8, 24


@dataclass(frozen=True, slots=True)
class Bar:
    """One horizontal bar from the zero line: ``x``/``width`` in pixels, the value it stands for
    (None = no data), whether it was clipped, and the value printed in the right-hand column."""

    x: float
    width: float
    value: float | None
    clipped: bool
    text: str


@dataclass(frozen=True, slots=True)
class ChartRow:
    """One track or trope: its label, status (and the status's colour), works, and its two bars."""

    label: str
    status: str
    colour: str
    works: int
    y: float
    supply: Bar
    plays: Bar


@dataclass(frozen=True, slots=True)
class GrowthChart:
    """Everything the macro draws: rows, the zero line, ticks, the size."""

    kind: str
    rows: tuple[ChartRow, ...]
    width: int
    height: int
    zero_x: float
    plot_x: float
    plot_w: float
    ticks: tuple[tuple[float, str], ...]


def _pct(value: float) -> str:
    return f"{value * 100:+.0f}%"


def _bar(value: float | None, zero_x: float, scale: float) -> Bar:
    if value is None or not math.isfinite(value):
        return Bar(zero_x, 0.0, None, False, "—")
    shown = max(-CLIP, min(CLIP, float(value)))
    width = abs(shown) * scale
    x = zero_x if shown >= 0 else zero_x - width
    return Bar(round(x, 1), round(width, 1), float(value), abs(value) > CLIP, _pct(float(value)))


def growth_chart(rows: Sequence[SaturationRow], kind: str, *, limit: int = 40, lang: str = "en") -> GrowthChart | None:
    """Lay out the supply-growth and plays-growth bars of the ``kind`` rows (``track`` or
    ``trope``) of :func:`dramalens.triage.catalogs.saturation_rows`; None when there are none.
    A track is labelled in ``lang`` (the page's language).

    >>> row = SaturationRow(kind="track", name="dushi", label="都市", works=9, share=0.3, supply=(), plays_per_work=(),
    ...                     supply_growth=0.5, plays_growth=None, status="crowded")
    >>> c = growth_chart([row], "track")
    >>> c.rows[0].supply.width > 0, c.rows[0].plays.value is None
    (True, True)
    """
    if kind not in ("track", "trope"):
        raise ConfigError(f"kind must be track or trope, got {kind!r}")
    mine = [r for r in rows if r.kind == kind][:limit]
    if not mine:
        return None
    plot_x = float(LABEL_W)
    zero_x = plot_x + PLOT_W / 2
    scale = (PLOT_W / 2) / CLIP
    out = []
    for i, r in enumerate(mine):
        label = row_label(r, lang) or "?"
        out.append(ChartRow(label, r.status, STATUS_COLOURS.get(r.status, STATUS_COLOURS["balanced"]),
                            r.works, TOP + i * ROW_H, _bar(r.supply_growth, zero_x, scale),
                            _bar(r.plays_growth, zero_x, scale)))
    ticks = tuple((round(zero_x + v * scale, 1), _pct(v) if v else "0") for v in (-2.0, -1.0, 0.0, 1.0, 2.0))
    return GrowthChart(kind, tuple(out), LABEL_W + PLOT_W + VALUE_W, TOP + len(out) * ROW_H + BOTTOM,
                       zero_x, plot_x, float(PLOT_W), ticks)
