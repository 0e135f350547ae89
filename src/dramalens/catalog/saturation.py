"""Saturation: which tropes and tracks are crowded and which are under-served.

Per trope and per track: works and share; supply (titles released each month); effective plays
(plays per month on the platform); plays per active title (a title is active in a month it has
plays); the month-over-month growth of each with a 90% interval; and a label that follows from
the figures shown beside it (:func:`label`).

- **Effective plays.** A monthly series counts as given. A work with one play total dated at its
  release (a catalogue sheet's cumulative count) has been collecting plays since release, so its
  plays per month are that total over its months on the platform up to the catalog's as-of month
  (the month of the latest release, unless given: later months hold no releases to compare),
  spread evenly: an old hit no longer outweighs a new title because it has had longer to collect.
- **Growth** is month over month, as the industry quotes it, but averaged over a window so a
  single month's noise does not decide: the last :data:`WINDOW` months against the
  :data:`WINDOW` before, as a compound monthly rate ``(recent / before) ** (1 / WINDOW) − 1``.
  Supply growth needs ``min_works`` releases in each window (1 → 8 works is not "+700%"), plays
  growth ``min_works`` works with plays in the earlier one. The intervals come from one
  bootstrap over the works (which works happen to carry the label is the uncertainty, not the
  play counts, which are large): the works are resampled :data:`BOOTSTRAP` times and every
  growth recomputed on the same resample, so the per-title interval is that of the ratio.
- **Labels** (``min_works`` is the setting ``saturation_min_works``): *too few works* below
  ``min_works`` works or without a supply growth figure; *crowded* when its share is at least
  the median share of its kind, supply is not shrinking and plays per title are surely falling
  (the interval's high end below 0); *under-served* when its share is at most the median and
  plays per title are surely rising (the interval's low end above 0); without play data,
  *crowded* when supply is surely growing and the share is ≥ 1.5 × the median, else *balanced*;
  *balanced* otherwise.
"""

from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from ..analysis.tracks import TRACK_SYNONYMS, canonical_track, track_label
from ..errors import ConfigError
from ..i18n import Message, Param, Translator, reader, translator
from ..serial import json_field
from .store import Catalog

__all__ = ["MIN_SUPPORT", "RULE", "WINDOW", "Saturation", "SaturationRow", "label", "label_note", "row_label", "saturation", "saturation_html", "saturation_lines"]

#: Default works a trope or track needs before it gets a label (``Settings.saturation_min_works``).
MIN_SUPPORT = 5
#: Months in each of the two windows a growth compares.
WINDOW = 3
#: Resamples of the works behind the 90% growth intervals.
BOOTSTRAP = 400

RULE = (
    "Supply: titles released a month. Plays: per month on the platform (a single total is spread over the months "
    "since release). Growth: the last 3 months against the 3 before, as a compound monthly rate, with a 90% "
    "bootstrap interval over the works. too few works: fewer than the minimum works, or releases in a window; "
    "crowded: share ≥ median share, supply growth ≥ 0 and plays per active title surely falling (interval below 0); "
    "under-served: share ≤ median and plays per active title surely rising (interval above 0); without plays: "
    "crowded if supply surely grows and share ≥ 1.5 × median; balanced otherwise."
)


@dataclass(frozen=True, slots=True)
class SaturationRow:
    """One trope or track (``kind`` ``"trope"`` or ``"track"``). Growths are monthly rates
    (0.05 = +5% a month) with their 90% intervals: supply (releases), effective plays, and plays
    per active title (``per_title_*``, what the label reads); ``plays_per_work`` is effective
    plays per active title each month; ``reason`` says which figures gave the label."""

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
    supply_interval: tuple[float, float] | None = None
    plays_interval: tuple[float, float] | None = None
    reason: str = ""
    per_title_growth: float | None = None
    per_title_interval: tuple[float, float] | None = None
    #: ``reason`` as a catalogue message (not in the JSON, which keeps the English ``reason``).
    note: Message = field(default=Message(""), metadata=json_field(omit=True))


@dataclass(frozen=True, slots=True)
class Saturation:
    """Every trope and track row, the months covered, and what labelled them."""

    rows: tuple[SaturationRow, ...]
    periods: tuple[str, ...]
    works: int
    rule: str = RULE
    as_of: str = ""
    min_works: int = MIN_SUPPORT
    median_share: tuple[tuple[str, float], ...] = ()


def _month(d: date) -> int:
    return d.year * 12 + d.month - 1


def _name(m: int) -> str:
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


def _rate(recent: float, before: float) -> float:
    return float((recent / before) ** (1.0 / WINDOW) - 1.0)


Growth = tuple[float, tuple[float, float]]  # a monthly rate and its 90% interval


def _growths(released: np.ndarray, plays: np.ndarray, recent: slice, before: slice, min_works: int,
             seed: int) -> tuple[Growth | None, Growth | None, Growth | None]:
    """Monthly growth of supply (``released``: works × months, 1 in a work's release month), of
    effective plays (works × months) and of plays per active title (a title is active in a
    month it has plays), each with a 90% interval from one bootstrap over the works (paired, so
    the per-title interval is not the two others' widths added). None under ``min_works``
    releases in a window (then there is no label), or works with plays in the earlier window.

    >>> released = np.eye(6)[[0, 1, 2, 3, 3, 4, 4, 5, 5] * 2]  # 6 releases, then 12
    >>> s, p, t = _growths(released, released * 100.0, slice(3, 6), slice(0, 3), 5, 0)
    >>> round(s[0], 3), round(p[0], 3), t[0], s[1][0] <= s[0] <= s[1][1]
    (0.26, 0.26, 0.0, True)
    """
    active = (plays > 0).astype(float)
    sums = [(m[:, recent].sum(axis=1), m[:, before].sum(axis=1)) for m in (released, plays, active)]
    (lr, lb), (pr, pb), (ar, ab) = sums
    if min(lr.sum(), lb.sum()) < min_works:
        return None, None, None
    pick = np.random.default_rng(seed).integers(0, released.shape[0], size=(BOOTSTRAP, released.shape[0]))

    def one(r: np.ndarray, b: np.ndarray, rd: np.ndarray | None = None, bd: np.ndarray | None = None) -> Growth:
        rs, bs = r[pick].sum(axis=1), b[pick].sum(axis=1)
        g_r, g_b = float(r.sum()), float(b.sum())
        if rd is not None and bd is not None:  # per active title: plays over active title-months
            rs, bs = rs / np.maximum(rd[pick].sum(axis=1), 1), bs / np.maximum(bd[pick].sum(axis=1), 1)
            g_r, g_b = g_r / max(float(rd.sum()), 1.0), g_b / max(float(bd.sum()), 1.0)
        ok = (bs > 0) & (rs > 0)
        rates = (rs[ok] / bs[ok]) ** (1.0 / WINDOW) - 1.0
        g = _rate(g_r, g_b)
        lo, hi = np.quantile(rates, [0.05, 0.95]) if rates.size else (g, g)
        return round(g, 4), (round(min(float(lo), g), 4), round(max(float(hi), g), 4))

    if int(np.count_nonzero(pb > 0)) < min_works or pr.sum() <= 0:
        return one(lr, lb), None, None
    return one(lr, lb), one(pr, pb), one(pr, pb, ar, ab)


def label(works: int, share: float, median_share: float, supply: Growth | None, per_title: Growth | None,
          min_works: int = MIN_SUPPORT) -> tuple[str, str]:
    """(status, reason) from the figures a row shows: works, share, the median share of its
    kind, supply growth and plays-per-title growth with their intervals (module doc); the
    reason in English (:func:`label_note` says it as a catalogue message).

    >>> label(20, 0.3, 0.1, (0.1, (0.05, 0.2)), (-0.05, (-0.1, -0.01)))[0]
    'crowded'
    >>> label(20, 0.05, 0.1, (0.0, (-0.1, 0.1)), (0.05, (0.02, 0.1)))[0]
    'under-served'
    >>> label(3, 0.3, 0.1, (0.1, (0.05, 0.2)), (-0.05, (-0.1, -0.01)))
    ('too few works', '3 works < 5')
    """
    status, note = label_note(works, share, median_share, supply, per_title, min_works)
    return status, note.render(translator("en"))


def _pct(name: str, g: Growth) -> tuple[tuple[str, Param], ...]:
    """A growth and its interval as percentage fields ``name``, ``name_lo``, ``name_hi``."""
    return ((name, g[0] * 100), (f"{name}_lo", g[1][0] * 100), (f"{name}_hi", g[1][1] * 100))


def label_note(works: int, share: float, median_share: float, supply: Growth | None, per_title: Growth | None,
               min_works: int = MIN_SUPPORT) -> tuple[str, Message]:
    """(status, why) as :func:`label`, the why as a catalogue message (``sat.why.*``), so the
    desk's saturation page and the chart say it in their reader's language.

    >>> status, why = label_note(20, 0.05, 0.1, (0.0, (-0.1, 0.1)), (0.05, (0.02, 0.1)))
    >>> translator("zh").say(why.key, why.params)
    '单部播放量每月 +5.0% [+2%, +10%]，确定在上升；占比 5.0% ≤ 中位数 10.0%'
    """
    shares = (("share", share), ("median", median_share))
    if works < min_works:
        return "too few works", Message("sat.why.few_works", (("works", works), ("min", min_works)))
    if supply is None:
        return "too few works", Message("sat.why.few_releases", (("min", min_works), ("window", WINDOW)))
    if per_title is None:
        if supply[1][0] > 0 and share >= 1.5 * median_share:
            return "crowded", Message("sat.why.crowded_no_plays", _pct("s", supply) + shares)
        return "balanced", Message("sat.why.balanced_no_plays", _pct("s", supply))
    if share >= median_share and supply[0] >= 0 and per_title[1][1] < 0:
        return "crowded", Message("sat.why.crowded", _pct("s", supply) + _pct("p", per_title) + shares)
    if share <= median_share and per_title[1][0] > 0:
        return "under-served", Message("sat.why.under_served", _pct("p", per_title) + shares)
    return "balanced", Message("sat.why.balanced", _pct("p", per_title) + _pct("s", supply) + shares)


def _effective_plays(catalog: Catalog, rows: int, position: dict[str, int], released: list[date | None],
                     first: int, last: int) -> np.ndarray:
    """(works, months) effective plays from ``first`` to ``last`` month (module doc)."""
    out = np.zeros((rows, last - first + 1))
    points: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for work_id, period, n in catalog.plays():
        r = position.get(work_id)
        if r is not None:
            points[r].append((period, n))
    for r, pts in points.items():
        rel = released[r]
        if len(pts) == 1 and rel is not None and pts[0][0] == rel:  # one cumulative total, dated at release
            start = max(_month(rel), first)
            out[r, start - first :] = pts[0][1] / (last - _month(rel) + 1)
        else:
            for d, n in pts:
                if first <= _month(d) <= last:
                    out[r, _month(d) - first] += n
    return out


def saturation(catalog: Catalog, *, min_works: int = MIN_SUPPORT, as_of: date | None = None) -> Saturation:
    """Supply and demand per trope and per track, labelled crowded / balanced / under-served.

    >>> saturation(Catalog("sqlite://")).rows
    ()
    """
    if isinstance(min_works, bool) or not isinstance(min_works, int) or min_works < 1:
        raise ConfigError(f"min_works must be a whole number ≥ 1, got {min_works!r}")
    index = catalog.index()
    groups: dict[tuple[str, str], set[int]] = defaultdict(set)
    names: dict[tuple[str, str], str] = {}
    for row, tropes in enumerate(index.tropes):
        for t in tropes:
            groups[("trope", t.trope)].add(row)
            names[("trope", t.trope)] = f"{t.label_zh} / {t.label_en}".strip(" /")
    for row, written in enumerate(index.tracks):
        # One vocabulary: a Chinese work's 家庭 and an English work's family are one track.
        track = canonical_track(written)
        if track:
            groups[("track", track)].add(row)
            names[("track", track)] = f"{track_label(track, 'zh')} / {track_label(track, 'en')}" \
                if track in TRACK_SYNONYMS else track
    dates = [d for d in index.release_dates if d]
    if not dates:
        return Saturation((), (), len(index), min_works=min_works)
    first = min(_month(d) for d in dates)
    last = _month(as_of) if as_of is not None else max(_month(d) for d in dates)
    if last < first:
        raise ConfigError(f"as_of {as_of} is before the first release ({_name(first)})")
    months = list(range(first, last + 1))
    plays = _effective_plays(catalog, len(index), index.position, index.release_dates, first, last)
    has_plays = plays.sum(axis=1) > 0
    n_works = max(len(index), 1)
    recent = slice(len(months) - WINDOW, len(months))
    before = slice(max(len(months) - 2 * WINDOW, 0), max(len(months) - WINDOW, 0))
    two_windows = len(months) >= 2 * WINDOW
    medians = {kind: float(np.median([len(v) / n_works for (k, _), v in groups.items() if k == kind]))
               for kind in ("trope", "track") if any(k == kind for k, _ in groups)}
    out = []
    for seed, ((kind, name), members) in enumerate(sorted(groups.items())):
        rows = np.array(sorted(members), dtype=np.int64)
        released = [(r, d) for r in rows.tolist() if (d := index.release_dates[r]) is not None]
        dated = np.array([r for r, _ in released], dtype=np.int64)
        flow = np.zeros((dated.size, len(months)))
        for i, (_, d) in enumerate(released):
            if _month(d) <= last:
                flow[i, _month(d) - first] = 1.0
        sg, pg, tg = _growths(flow, plays[dated], recent, before, min_works, seed) if two_windows and dated.size else (None, None, None)
        supply = flow.sum(axis=0)
        with_plays = rows[has_plays[rows]]
        on = (plays[with_plays] > 0).sum(axis=0) if with_plays.size else np.zeros(len(months))
        ppw = tuple((_name(m), round(float(plays[with_plays, i].sum() / on[i]), 2)) for i, m in enumerate(months) if on[i] > 0)
        share = len(rows) / n_works
        status, note = label_note(len(rows), round(share, 4), round(medians[kind], 4), sg, tg, min_works)
        reason = note.render(translator("en"))
        out.append(SaturationRow(kind, name, names[(kind, name)], len(rows), round(share, 4),
                                 tuple((_name(m), int(supply[i])) for i, m in enumerate(months)), ppw,
                                 None if sg is None else round(sg[0], 4), None if pg is None else round(pg[0], 4), status,
                                 None if sg is None else sg[1], None if pg is None else pg[1], reason,
                                 None if tg is None else tg[0], None if tg is None else tg[1], note))
    out.sort(key=lambda r: (r.kind != "trope", -r.works, r.name))
    return Saturation(tuple(out), tuple(_name(m) for m in months), len(index), RULE, _name(last), min_works,
                      tuple((k, round(v, 4)) for k, v in medians.items()))


_COLOURS = {"crowded": "#d9534f", "balanced": "#8a8f98", "under-served": "#2e8b57", "too few works": "#b0b0b0"}


def _spark(values: list[float], t: Translator, width: int = 160, height: int = 28, colour: str = "#444") -> str:
    if not values or max(values) == 0:
        return f'<svg width="{width}" height="{height}" role="img" aria-label="{html.escape(t("sat.report.no_data"))}"></svg>'
    top = max(values)
    step = width / max(len(values) - 1, 1)
    pts = " ".join(f"{i * step:.1f},{height - 2 - (v / top) * (height - 4):.1f}" for i, v in enumerate(values))
    return f'<svg width="{width}" height="{height}" role="img"><polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{pts}"/></svg>'


def _growth_cell(value: float | None, interval: tuple[float, float] | None, t: Translator) -> str:
    if value is None or interval is None:
        return "—"
    return html.escape(t("sat.report.growth", g=value * 100, lo=interval[0] * 100, hi=interval[1] * 100))


def row_label(row: SaturationRow, lang: str) -> str:
    """A row's name in ``lang``: a track's label, or the side of a trope's "中文 / English"
    label that matches the reader (the whole label when it has one side only).

    >>> r = SaturationRow("trope", "rebirth", "重生 / rebirth", 3, 0.1, (), (), None, None, "too few works")
    >>> row_label(r, "zh"), row_label(r, "en")
    ('重生', 'rebirth')
    """
    if row.kind == "track" and row.name in TRACK_SYNONYMS:
        return track_label(row.name, lang)
    sides = (row.label or row.name).split(" / ")
    return (sides[0] if lang == "zh" else sides[-1]) or row.name


def saturation_html(result: Saturation, *, title: str | None = None, lang: str = "en") -> str:
    """A self-contained HTML page, in ``lang`` ('zh' or 'en'): bars of works per trope/track
    coloured by label, the two growth figures with their intervals and the reason for each
    label, and sparklines of supply and plays per work over the months (inline SVG, no scripts)."""
    t = reader(lang, None)
    title = title or t("sat.report.title")
    span = ", ".join(result.periods[:1] + result.periods[-1:]) or "—"
    medians = t("list_semicolon").join(t.say("sat.report.median", (("kind_key", f"kind.{k}"), ("share", v)))
                                       for k, v in result.median_share)
    summary = t("sat.report.summary", works=result.works, span=span, as_of=result.as_of or "—", min=result.min_works,
                medians=medians)
    parts = [
        f"<!doctype html><html lang='{t.lang}'><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title>",
        "<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{padding:3px 8px;border-bottom:1px solid #eee;text-align:left}.n{text-align:right}small{color:#666}</style></head><body>",
        f"<h1>{html.escape(title)}</h1><p>{html.escape(summary)}</p>",
        f"<p><small>{html.escape(t('sat.report.rule'))}</small></p>",
    ]
    heads = ("works", "share", "", "supply_growth", "plays_growth", "per_title_growth", "status", "sat.report.releases",
             "sat.report.plays_per_work")
    for kind in ("trope", "track"):
        rows = [r for r in result.rows if r.kind == kind]
        if not rows:
            continue
        top = max(r.works for r in rows)
        cols = "".join(f"<th>{html.escape(t(h)) if h else ''}</th>" for h in heads)
        parts.append(f"<h2>{html.escape(t(f'sat.report.{kind}s'))}</h2><table><tr><th>{html.escape(t(f'kind.{kind}'))}</th>{cols}</tr>")
        for r in rows:
            colour = _COLOURS[r.status]
            bar = f'<svg width="160" height="14" role="img"><rect width="{160 * r.works / top:.1f}" height="14" fill="{colour}"/></svg>'
            why = t.say(r.note.key, r.note.params, r.reason)
            parts.append(
                f"<tr><td>{html.escape(row_label(r, t.lang))}</td><td class='n'>{r.works}</td><td class='n'>{r.share:.1%}</td><td>{bar}</td>"
                f"<td class='n'>{_growth_cell(r.supply_growth, r.supply_interval, t)}</td><td class='n'>{_growth_cell(r.plays_growth, r.plays_interval, t)}</td>"
                f"<td class='n'>{_growth_cell(r.per_title_growth, r.per_title_interval, t)}</td>"
                f"<td style='color:{colour}'>{html.escape(t('sat.' + r.status))}<br><small>{html.escape(why)}</small></td>"
                f"<td>{_spark([float(v) for _, v in r.supply], t)}</td>"
                f"<td>{_spark([v for _, v in r.plays_per_work], t, colour='#1f6fb2')}</td></tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def saturation_lines(result: Saturation, lang: str = "en", chart: Path | None = None) -> list[str]:
    """What ``catalog saturation`` prints, in ``lang``: a line per row (kind, name, works,
    label, why), then where the chart was written.

    >>> saturation_lines(Saturation((), (), 0), "zh", Path("s.html"))
    ['图表已写入 s.html']
    """
    t = reader(lang, None, "--lang")
    out = [f"{t('kind.' + r.kind):<6} {row_label(r, lang):<28} {t('sat.cli.row', works=r.works):>10}  "
           f"{t('sat.' + r.status):<13} {t.say(r.note.key, r.note.params, r.reason)}" for r in result.rows]
    return out + ([t("sat.cli.written", path=str(chart))] if chart is not None else [])
