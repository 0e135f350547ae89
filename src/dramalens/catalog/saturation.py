"""Saturation: which tropes and tracks are crowded and which are under-served.

Per trope and per track: works and share, supply (titles on the platform each month), effective
plays (plays per month on the platform), their month-over-month growth with a 90% interval, and
a label that follows from those figures alone (:func:`label`). Supply is the stock of titles,
not the month's releases, so that the two growths compare like with like: plays growing slower
than the titles sharing them is plays per title falling.

- **Effective plays.** A monthly series counts as given. A work with one play total dated at its
  release (a catalogue sheet's cumulative count) has been collecting plays since release, so its
  plays per month are that total over its months on the platform up to the catalog's as-of month
  (the latest release or play date, unless given), spread evenly: an old hit no longer outweighs
  a new title because it has had longer to collect.
- **Growth** is month over month, as the industry quotes it, but averaged over a window so a
  single month's noise does not decide: the last :data:`WINDOW` months against the
  :data:`WINDOW` before, as a compound monthly rate ``(recent / before) ** (1 / WINDOW) − 1``.
  Each growth needs ``min_works`` works on the platform (for plays: with plays) in the earlier
  window (1 → 8 works is not "+700%"). Both intervals come from one bootstrap over the works
  (which works happen to carry the label is the uncertainty, not the play counts, which are
  large): the works are resampled :data:`BOOTSTRAP` times and both growths recomputed.
- **Labels** (``min_works`` is the setting ``saturation_min_works``):
  *too few works* below ``min_works`` works or without a supply growth figure; *crowded* when
  its share is at least the median share of its kind and supply surely outgrows plays (the
  supply interval's low end above the plays interval's high end; without play data: supply
  surely growing and share ≥ 1.5 × the median); *under-served* when its share is at most the
  median and plays surely outgrow supply (plays' low end above supply's high end; without play
  data: never, since demand is unknown); *balanced* otherwise.
"""

from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import numpy as np

from ..errors import ConfigError
from .store import Catalog

__all__ = ["MIN_SUPPORT", "RULE", "WINDOW", "Saturation", "SaturationRow", "label", "saturation", "saturation_html"]

#: Default works a trope or track needs before it gets a label (``Settings.saturation_min_works``).
MIN_SUPPORT = 5
#: Months in each of the two windows a growth compares.
WINDOW = 3
#: Resamples of the works behind the 90% growth intervals.
BOOTSTRAP = 400

RULE = (
    "Supply: titles on the platform. Growth: the last 3 months against the 3 before, as a compound monthly rate, "
    "with a 90% bootstrap interval over the works. Plays: per month on the platform "
    "(a single total is spread over the months since release). too few works: fewer than the minimum works "
    "or releases; crowded: share ≥ median share and supply's low end > plays' high end (no plays: supply's low "
    "end > 0 and share ≥ 1.5 × median); under-served: share ≤ median and plays' low end > supply's high end; "
    "balanced otherwise."
)


@dataclass(frozen=True, slots=True)
class SaturationRow:
    """One trope or track (``kind`` ``"trope"`` or ``"track"``). Growths are monthly rates
    (0.05 = +5% a month) with their 90% intervals; ``plays_per_work`` is effective plays per
    month per work on the platform; ``reason`` says in words which figures gave the label."""

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


def _growths(live: np.ndarray, plays: np.ndarray, recent: slice, before: slice, min_works: int,
             seed: int) -> tuple[tuple[float, tuple[float, float]] | None, tuple[float, tuple[float, float]] | None]:
    """Monthly growth of supply (``live``: works × months, 1 while a work is on the platform)
    and of effective plays (works × months), each with a 90% interval from one bootstrap over
    the works; None where fewer than ``min_works`` works count in the earlier window.

    >>> live = np.array([[1, 1, 1, 1, 1, 1]] * 6 + [[0, 0, 0, 1, 1, 1]] * 6, float)
    >>> s, p = _growths(live, live * 100.0, slice(3, 6), slice(0, 3), 5, 0)
    >>> round(s[0], 3), round(p[0], 3), s[1][0] <= s[0] <= s[1][1]
    (0.26, 0.26, True)
    """
    lr, lb = live[:, recent].sum(axis=1), live[:, before].sum(axis=1)
    pr, pb = plays[:, recent].sum(axis=1), plays[:, before].sum(axis=1)
    supply_ok = int(np.count_nonzero(lb > 0)) >= min_works
    plays_ok = int(np.count_nonzero(pb > 0)) >= min_works
    if not supply_ok:
        return None, None
    pick = np.random.default_rng(seed).integers(0, live.shape[0], size=(BOOTSTRAP, live.shape[0]))

    def one(r: np.ndarray, b: np.ndarray) -> tuple[float, tuple[float, float]]:
        rs, bs = r[pick].sum(axis=1), b[pick].sum(axis=1)
        ok = bs > 0
        rates = (rs[ok] / bs[ok]) ** (1.0 / WINDOW) - 1.0
        lo, hi = np.quantile(rates, [0.05, 0.95])
        g = _rate(float(r.sum()), float(b.sum()))
        return round(g, 4), (round(min(float(lo), g), 4), round(max(float(hi), g), 4))

    return one(lr, lb), (one(pr, pb) if plays_ok and pb.sum() > 0 else None)


def label(works: int, share: float, median_share: float, supply: tuple[float, float] | None,
          plays: tuple[float, float] | None, min_works: int = MIN_SUPPORT) -> tuple[str, str]:
    """(status, reason) from the figures a row shows: works, share, the median share of its
    kind and the two growth intervals (module doc).

    >>> label(20, 0.3, 0.1, (0.05, 0.2), (-0.1, 0.0))[0]
    'crowded'
    >>> label(20, 0.05, 0.1, (-0.1, 0.0), (0.02, 0.1))[0]
    'under-served'
    >>> label(3, 0.3, 0.1, (0.05, 0.2), (-0.1, 0.0))[0]
    'too few works'
    """
    def pct(iv: tuple[float, float]) -> str:
        return f"[{iv[0] * 100:+.0f}%, {iv[1] * 100:+.0f}%]/month"

    if works < min_works:
        return "too few works", f"{works} works < {min_works}"
    if supply is None:
        return "too few works", f"fewer than {min_works} releases in a {WINDOW}-month window"
    big, small = share >= median_share, share <= median_share
    if plays is None:
        if supply[0] > 0 and share >= 1.5 * median_share:
            return "crowded", f"supply {pct(supply)} growing, share {share:.1%} ≥ 1.5 × median {median_share:.1%}, no plays"
        return "balanced", f"supply {pct(supply)}, no play data"
    if big and supply[0] > plays[1]:
        return "crowded", f"supply {pct(supply)} outgrows plays {pct(plays)}, share {share:.1%} ≥ median {median_share:.1%}"
    if small and plays[0] > supply[1]:
        return "under-served", f"plays {pct(plays)} outgrow supply {pct(supply)}, share {share:.1%} ≤ median {median_share:.1%}"
    return "balanced", f"supply {pct(supply)} and plays {pct(plays)} overlap or share is on the other side of the median"


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
    for row, track in enumerate(index.tracks):
        if track:
            groups[("track", track)].add(row)
            names[("track", track)] = track
    dates = [d for d in index.release_dates if d]
    play_dates = [d for _, d, _ in catalog.plays()]
    if not dates:
        return Saturation((), (), len(index), min_works=min_works)
    first = min(_month(d) for d in dates)
    last = _month(as_of) if as_of is not None else max(_month(d) for d in dates + play_dates)
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
        live = np.zeros((dated.size, len(months)))
        for i, (_, d) in enumerate(released):
            live[i, max(_month(d) - first, 0) :] = 1.0
        sg, pg = _growths(live, plays[dated], recent, before, min_works, seed) if two_windows and dated.size else (None, None)
        stock = live.sum(axis=0)
        with_plays = rows[has_plays[rows]]
        on = (plays[with_plays] > 0).sum(axis=0) if with_plays.size else np.zeros(len(months))
        ppw = tuple((_name(m), round(float(plays[with_plays, i].sum() / on[i]), 2)) for i, m in enumerate(months) if on[i] > 0)
        share = len(rows) / n_works
        status, reason = label(len(rows), round(share, 4), round(medians[kind], 4), None if sg is None else sg[1],
                               None if pg is None else pg[1], min_works)
        out.append(SaturationRow(kind, name, names[(kind, name)], len(rows), round(share, 4),
                                 tuple((_name(m), int(stock[i])) for i, m in enumerate(months)), ppw,
                                 None if sg is None else round(sg[0], 4), None if pg is None else round(pg[0], 4), status,
                                 None if sg is None else sg[1], None if pg is None else pg[1], reason))
    out.sort(key=lambda r: (r.kind != "trope", -r.works, r.name))
    return Saturation(tuple(out), tuple(_name(m) for m in months), len(index), RULE, _name(last), min_works,
                      tuple((k, round(v, 4)) for k, v in medians.items()))


_COLOURS = {"crowded": "#d9534f", "balanced": "#8a8f98", "under-served": "#2e8b57", "too few works": "#b0b0b0"}


def _spark(values: list[float], width: int = 160, height: int = 28, colour: str = "#444") -> str:
    if not values or max(values) == 0:
        return f'<svg width="{width}" height="{height}" role="img" aria-label="no data"></svg>'
    top = max(values)
    step = width / max(len(values) - 1, 1)
    pts = " ".join(f"{i * step:.1f},{height - 2 - (v / top) * (height - 4):.1f}" for i, v in enumerate(values))
    return f'<svg width="{width}" height="{height}" role="img"><polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{pts}"/></svg>'


def _growth_cell(value: float | None, interval: tuple[float, float] | None) -> str:
    if value is None or interval is None:
        return "—"
    return f"{value * 100:+.1f}%/mo [{interval[0] * 100:+.0f}%, {interval[1] * 100:+.0f}%]"


def saturation_html(result: Saturation, *, title: str = "Catalog saturation") -> str:
    """A self-contained HTML page: bars of works per trope/track coloured by label, the two
    growth figures with their intervals and the reason for each label, and sparklines of
    supply and plays per work over the months (inline SVG, no scripts)."""
    span = ", ".join(result.periods[:1] + result.periods[-1:]) or "—"
    medians = "; ".join(f"median share of a {k}: {v:.1%}" for k, v in result.median_share)
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title>",
        "<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{padding:3px 8px;border-bottom:1px solid #eee;text-align:left}.n{text-align:right}small{color:#666}</style></head><body>",
        f"<h1>{html.escape(title)}</h1><p>{result.works} works; months {html.escape(span)} (as of {html.escape(result.as_of or '—')}); "
        f"at least {result.min_works} works before a label; {html.escape(medians)}.</p>",
        f"<p><small>Rule: {html.escape(result.rule)}</small></p>",
    ]
    for kind in ("trope", "track"):
        rows = [r for r in result.rows if r.kind == kind]
        if not rows:
            continue
        top = max(r.works for r in rows)
        parts.append(f"<h2>{'Tropes' if kind == 'trope' else 'Tracks'}</h2><table><tr><th>{kind}</th><th>works</th><th>share</th><th></th>"
                     "<th>supply growth</th><th>plays growth</th><th>status</th><th>titles on the platform</th><th>plays per work / month</th></tr>")
        for r in rows:
            colour = _COLOURS[r.status]
            bar = f'<svg width="160" height="14" role="img"><rect width="{160 * r.works / top:.1f}" height="14" fill="{colour}"/></svg>'
            parts.append(
                f"<tr><td>{html.escape(r.label or r.name)}</td><td class='n'>{r.works}</td><td class='n'>{r.share:.1%}</td><td>{bar}</td>"
                f"<td class='n'>{_growth_cell(r.supply_growth, r.supply_interval)}</td><td class='n'>{_growth_cell(r.plays_growth, r.plays_interval)}</td>"
                f"<td style='color:{colour}'>{r.status}<br><small>{html.escape(r.reason)}</small></td><td>{_spark([float(v) for _, v in r.supply])}</td>"
                f"<td>{_spark([v for _, v in r.plays_per_work], colour='#1f6fb2')}</td></tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)
