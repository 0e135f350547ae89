"""Saturation: which tropes and tracks are crowded and which are under-served.

Per trope and per track: works count and share, supply over time (works released per quarter),
plays per work over time where play data exist, and a label by this rule (documented in
docs/catalog.md):

- **crowded**: share ≥ 1.5 × the median share of its kind, supply not shrinking (the last four
  quarters ≥ the four before), and plays per work not growing by more than 5% (or no play data);
- **under-served**: share ≤ 0.5 × the median share, and plays per work at or above the median
  of its kind (or, without play data, supply not growing);
- **balanced** otherwise;
- **too few works**: fewer than :data:`MIN_SUPPORT` works carry it, and growth is shown only when
  both windows hold at least :data:`MIN_SUPPORT` releases: 1 → 8 works is not "+700%".
"""

from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import numpy as np

from ..analysis.tracks import TRACK_SYNONYMS, canonical_track, track_label
from .store import Catalog

__all__ = ["MIN_SUPPORT", "RULE", "Saturation", "SaturationRow", "saturation", "saturation_html"]

#: Works a trope or track needs before it gets a label, and releases each growth window needs.
MIN_SUPPORT = 5

RULE = (
    "crowded: share ≥ 1.5×median share of its kind, supply growth ≥ 0 and plays-per-work growth ≤ 5% (or no plays); "
    "under-served: share ≤ 0.5×median share and plays per work ≥ the median of its kind (without plays: supply growth ≤ 0); "
    "balanced otherwise; too few works below 5 works. Growth compares the last four quarters with the four before "
    "(fewer when the data are shorter), and is shown only when each window holds at least 5 releases."
)


@dataclass(frozen=True, slots=True)
class SaturationRow:
    """One trope or track: ``kind`` is ``"trope"`` or ``"track"``."""

    kind: str
    name: str
    label: str
    works: int
    share: float
    supply: tuple[tuple[str, int], ...]
    plays_per_work: tuple[tuple[str, float], ...]
    supply_growth: float | None
    plays_growth: float | None
    status: str

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind, "name": self.name, "label": self.label, "works": self.works, "share": self.share,
            "supply": [list(s) for s in self.supply], "plays_per_work": [list(p) for p in self.plays_per_work],
            "supply_growth": self.supply_growth, "plays_growth": self.plays_growth, "status": self.status,
        }


@dataclass(frozen=True, slots=True)
class Saturation:
    """Every trope and track row, the quarters covered and the rule that labelled them."""

    rows: tuple[SaturationRow, ...]
    periods: tuple[str, ...]
    works: int
    rule: str = RULE

    def to_dict(self) -> dict[str, object]:
        return {"works": self.works, "periods": list(self.periods), "rule": self.rule, "rows": [r.to_dict() for r in self.rows]}


def _quarter(d: date) -> str:
    return f"{d.year}Q{(d.month - 1) // 3 + 1}"


def _growth(series: dict[str, float], periods: list[str], support: dict[str, int] | None = None) -> float | None:
    """Change of the last (up to) four quarters over the four before them: a year over the
    year before, which evens out seasonal releases and one-quarter noise."""
    window = min(4, len(periods) // 2)
    if window < 1:
        return None
    recent = sum(series.get(p, 0.0) for p in periods[-window:])
    before = sum(series.get(p, 0.0) for p in periods[-2 * window : -window])
    if support is not None:  # too few releases in either window: no growth figure at all
        if min(sum(support.get(p, 0) for p in periods[-window:]), sum(support.get(p, 0) for p in periods[-2 * window : -window])) < MIN_SUPPORT:
            return None
    if before == 0:
        return None if recent == 0 else 1.0
    return round(recent / before - 1.0, 4)


def saturation(catalog: Catalog) -> Saturation:
    """Supply and demand per trope and per track, labelled crowded / balanced / under-served.

    >>> saturation(Catalog("sqlite://")).rows
    ()
    """
    index = catalog.index()
    groups: dict[tuple[str, str], set[int]] = defaultdict(set)
    labels: dict[tuple[str, str], str] = {}
    for row, tropes in enumerate(index.tropes):
        for t in tropes:
            groups[("trope", t.trope)].add(row)
            labels[("trope", t.trope)] = f"{t.label_zh} / {t.label_en}".strip(" /")
    for row, written in enumerate(index.tracks):
        # One vocabulary: a Chinese work's 家庭 and an English work's family are one track.
        track = canonical_track(written)
        if track:
            groups[("track", track)].add(row)
            labels[("track", track)] = f"{track_label(track, 'zh')} / {track_label(track, 'en')}" \
                if track in TRACK_SYNONYMS else track
    dated = [d for d in index.release_dates if d]
    periods = sorted({_quarter(d) for d in dated})
    if periods:  # fill gaps so growth compares calendar quarters, not whatever had releases
        y0, q0 = int(periods[0][:4]), int(periods[0][-1])
        y1, q1 = int(periods[-1][:4]), int(periods[-1][-1])
        periods = [f"{y}Q{q}" for y in range(y0, y1 + 1) for q in range(1, 5) if (y, q) >= (y0, q0) and (y, q) <= (y1, q1)]
    plays_by_row: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for work_id, period, n in catalog.plays():
        r = index.position.get(work_id)
        if r is not None:
            plays_by_row[r][_quarter(period)] += n
    n_works = max(len(index), 1)
    raw = []
    for (kind, name), rows in groups.items():
        supply: dict[str, int] = defaultdict(int)
        for r in rows:
            released = index.release_dates[r]
            if released:
                supply[_quarter(released)] += 1
        ppw: dict[str, float] = {}
        for p in periods:
            vals = [plays_by_row[r][p] for r in rows if r in plays_by_row and p in plays_by_row[r]]
            if vals:
                ppw[p] = round(sum(vals) / len(vals), 2)
        raw.append((kind, name, rows, supply, ppw))
    out = []
    for kind in ("trope", "track"):
        mine = [x for x in raw if x[0] == kind]
        if not mine:
            continue
        median_share = float(np.median([len(x[2]) / n_works for x in mine]))
        mean_ppw = [np.mean(list(x[4].values())) for x in mine if x[4]]
        median_ppw = float(np.median(mean_ppw)) if mean_ppw else None
        for _, name, rows, supply, ppw in mine:
            share = len(rows) / n_works
            sg = _growth({p: float(v) for p, v in supply.items()}, periods, supply)
            pg = _growth(ppw, periods, supply) if ppw else None
            has_plays = bool(ppw)
            crowded = share >= 1.5 * median_share and (sg is None or sg >= 0) and (not has_plays or pg is None or pg <= 0.05)
            if has_plays and median_ppw is not None:
                under = share <= 0.5 * median_share and float(np.mean(list(ppw.values()))) >= median_ppw
            else:
                under = share <= 0.5 * median_share and (sg is None or sg <= 0)
            status = "crowded" if crowded else "under-served" if under else "balanced"
            if len(rows) < MIN_SUPPORT:
                status = "too few works"
            out.append(SaturationRow(kind, name, labels[(kind, name)], len(rows), round(share, 4),
                                     tuple((p, supply.get(p, 0)) for p in periods), tuple(ppw.items()), sg, pg, status))
    out.sort(key=lambda r: (r.kind != "trope", -r.works, r.name))
    return Saturation(tuple(out), tuple(periods), len(index))


_COLOURS = {"crowded": "#d9534f", "balanced": "#8a8f98", "under-served": "#2e8b57", "too few works": "#b0b0b0"}


def _spark(values: list[float], width: int = 160, height: int = 28, colour: str = "#444") -> str:
    if not values or max(values) == 0:
        return f'<svg width="{width}" height="{height}" role="img" aria-label="no data"></svg>'
    top = max(values)
    step = width / max(len(values) - 1, 1)
    pts = " ".join(f"{i * step:.1f},{height - 2 - (v / top) * (height - 4):.1f}" for i, v in enumerate(values))
    return f'<svg width="{width}" height="{height}" role="img"><polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{pts}"/></svg>'


def saturation_html(result: Saturation, *, title: str = "Catalog saturation") -> str:
    """A self-contained HTML page: bars of works per trope/track coloured by label, with
    sparklines of supply and plays per work over the quarters (inline SVG, no scripts)."""
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title>",
        "<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{padding:3px 8px;border-bottom:1px solid #eee;text-align:left}.n{text-align:right}</style></head><body>",
        f"<h1>{html.escape(title)}</h1><p>{result.works} works; quarters {html.escape(', '.join(result.periods[:1] + result.periods[-1:]) or '—')}.</p>",
        f"<p><small>Rule: {html.escape(result.rule)}</small></p>",
    ]
    for kind in ("trope", "track"):
        rows = [r for r in result.rows if r.kind == kind]
        if not rows:
            continue
        top = max(r.works for r in rows)
        parts.append(f"<h2>{'Tropes' if kind == 'trope' else 'Tracks'}</h2><table><tr><th>{kind}</th><th>works</th><th></th><th>status</th><th>supply / quarter</th><th>plays per work</th></tr>")
        for r in rows:
            colour = _COLOURS[r.status]
            bar = f'<svg width="200" height="14" role="img"><rect width="{200 * r.works / top:.1f}" height="14" fill="{colour}"/></svg>'
            parts.append(
                f"<tr><td>{html.escape(r.label or r.name)}</td><td class='n'>{r.works}</td><td>{bar}</td>"
                f"<td style='color:{colour}'>{r.status}</td><td>{_spark([float(v) for _, v in r.supply])}</td>"
                f"<td>{_spark([v for _, v in r.plays_per_work], colour='#1f6fb2')}</td></tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)
