"""One self-contained HTML page from an analysis: inline CSS, inline SVG charts, no script, no network.

The page reads the typed :class:`~dramalens.analysis.Analysis`. All script text is escaped: a
script is untrusted input and may contain ``<script>``. The page has no JavaScript at all.

Every heading, label and caption comes from the message catalogue (``r.*``, ``cue.*``,
``agency.*`` … keys), in the language asked for or else the script's own.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from html import escape
from importlib import resources
from pathlib import Path

from ..analysis import Analysis
from ..analysis.characters import CharacterReport, CharacterStats
from ..analysis.compliance import ComplianceReport
from ..analysis.tropes import ScriptTropes
from ..analysis.skeleton import Skeleton
from ..analysis.tracks import track_label
from ..errors import ConfigError, InputError
from ..i18n import Translator, reader
from ..model import ReadQuality
from .quality_text import reason_text

__all__ = ["render_html", "write_html"]

#: Caps that keep a 100-episode report well under 2 MB and readable.
MAX_HEATMAP_CHARACTERS = 20
MAX_HEATMAP_SCENES = 200  # above this the heatmap shows episodes (share of the episode's scenes)
MAX_SHARE_BARS = 15
MAX_CHARACTER_ROWS = 60
MAX_FINDING_ROWS = 400
MAX_EDGE_ROWS = 20
MAX_SKELETON_STEPS = 60

_W = 1000  # viewBox width of every chart
_PAD_L, _PAD_R, _PAD_T, _PAD_B = 54, 16, 14, 30


def _na(t: Translator) -> str:
    return f'<p class="na">{_e(t("r.na"))}</p>'


def _e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def _num(value: float | None, default: float = 0.0) -> float:
    # A number that cannot be drawn (None, inf, nan) is drawn as the default instead.
    if value is None:
        return default
    x = float(value)
    return x if math.isfinite(x) else default


def _f(x: float) -> str:
    return f"{x:.1f}"


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _every(n: int, labels: int = 20) -> int:
    return max(1, math.ceil(n / labels))


def _svg(height: int, body: list[str], label: str) -> str:
    return (f'<svg viewBox="0 0 {_W} {height}" role="img" aria-label="{_e(label)}" '
            f'xmlns="http://www.w3.org/2000/svg">' + "".join(body) + "</svg>")


def _y_axis(body: list[str], height: int, lo: float, hi: float, ticks: list[float],
            fmt: Callable[[float], str]) -> None:
    plot_h = height - _PAD_T - _PAD_B
    for t in ticks:
        y = _PAD_T + plot_h * (1 - (t - lo) / (hi - lo or 1))
        body.append(f'<line class="grid" x1="{_PAD_L}" x2="{_W - _PAD_R}" y1="{_f(y)}" y2="{_f(y)}"/>')
        body.append(f'<text x="{_PAD_L - 6}" y="{_f(y + 4)}" text-anchor="end">{_e(fmt(t))}</text>')
    body.append(f'<line class="axis" x1="{_PAD_L}" x2="{_PAD_L}" y1="{_PAD_T}" y2="{height - _PAD_B}"/>')
    body.append(f'<line class="axis" x1="{_PAD_L}" x2="{_W - _PAD_R}" y1="{height - _PAD_B}" y2="{height - _PAD_B}"/>')


def _figure(t: Translator, chart_id: str, title: str, svg: str | None, caption: str = "", legend: str = "") -> str:
    inner = svg if svg else _na(t)
    cap = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f'<figure class="chart" id="{chart_id}"><h3 class="note">{_e(title)}</h3>{legend}{inner}{cap}</figure>'


def _legend(items: list[tuple[str, str]]) -> str:
    return '<div class="legend">' + "".join(f'<span><i style="background:{c}"></i>{_e(t)}</span>' for c, t in items) + "</div>"


# --- charts --------------------------------------------------------------------------------
def _runtime_chart(a: Analysis, t: Translator) -> str:
    episodes = a.runtime.episodes
    if not episodes:
        return _figure(t, "chart-runtime", t("r.runtime.title"), None)
    lo_band, hi_band = _num(a.format.band[0]), _num(a.format.band[1])
    fmt_name = t(a.format.format or "format")
    values = [_num(ep.seconds) for ep in episodes]
    top = max(values + ([hi_band] if hi_band else []) + [1.0]) * 1.08
    height = 260
    plot_w, plot_h = _W - _PAD_L - _PAD_R, height - _PAD_T - _PAD_B
    body: list[str] = []
    # Ticks on round durations (30 s, 1 min, 2 min…) so the axis reads like a clock.
    step = next((t for t in (5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600) if top / t <= 5), 7200)
    ticks: list[float] = [i * step for i in range(int(top // step) + 1)]
    _y_axis(body, height, 0, top, ticks, _duration)

    def y(v: float) -> float:
        return _PAD_T + plot_h * (1 - v / top)

    body.append(f'<rect class="band" x="{_PAD_L}" width="{plot_w}" y="{_f(y(hi_band))}" '
                f'height="{_f(y(lo_band) - y(hi_band))}" fill="#3a9a5b" fill-opacity="0.12">'
                f'<title>{_e(t("r.runtime.band_tip", format=fmt_name, lo=_duration(lo_band), hi=_duration(hi_band)))}</title></rect>')
    n = len(values)
    slot = plot_w / n
    bar = max(1.0, slot * 0.8)
    step = _every(n)
    for i, (ep, v) in enumerate(zip(episodes, values)):
        color = "#2f6f8f"
        if v < lo_band:
            color = "#d9822b"
        elif v > hi_band:
            color = "#c23b3b"
        x = _PAD_L + i * slot + (slot - bar) / 2
        body.append(f'<rect class="mark" x="{_f(x)}" y="{_f(y(v))}" width="{_f(bar)}" height="{_f(y(0) - y(v))}" '
                    f'fill="{color}"><title>{_e(t("r.runtime.tip", n=ep.number, value=_duration(v)))}</title></rect>')
        if i % step == 0:
            body.append(f'<text x="{_f(x + bar / 2)}" y="{height - _PAD_B + 14}" text-anchor="middle">{_e(ep.number)}</text>')
    legend = _legend([("#2f6f8f", t("r.runtime.in_band")), ("#d9822b", t("r.runtime.short")), ("#c23b3b", t("r.runtime.long")),
                      ("rgba(58,154,91,.25)", t("r.runtime.band", format=fmt_name))])
    caption = _e(t("r.runtime.caption"))
    return _figure(t, "chart-runtime", t("r.runtime.title"), _svg(height, body, t("r.runtime.title")), caption, legend)


def _arc_chart(a: Analysis, t: Translator) -> str:
    scenes = a.arc.scenes
    if not scenes:
        return _figure(t, "chart-arc", t("r.sec.arc"), None)
    height = 260
    plot_w, plot_h = _W - _PAD_L - _PAD_R, height - _PAD_T - _PAD_B
    body: list[str] = []
    _y_axis(body, height, -1, 1, [-1, -0.5, 0, 0.5, 1], lambda v: f"{v:+.1f}" if v else "0")
    n = len(scenes)

    def x(i: int) -> float:
        return _PAD_L + (plot_w * (i + 0.5) / n)

    def y(v: float) -> float:
        return _PAD_T + plot_h * (1 - (max(-1.0, min(1.0, v)) + 1) / 2)

    # Episode boundaries, labelled sparsely.
    boundaries: list[tuple[int, int]] = []
    for i, p in enumerate(scenes):
        if not boundaries or boundaries[-1][1] != p.episode:
            boundaries.append((i, p.episode))
    step = _every(len(boundaries), 15)
    for k, (i, ep) in enumerate(boundaries):
        if k % step == 0:
            body.append(f'<line class="grid" x1="{_f(x(i) - plot_w / n / 2)}" x2="{_f(x(i) - plot_w / n / 2)}" '
                        f'y1="{_PAD_T}" y2="{height - _PAD_B}"/>')
            body.append(f'<text x="{_f(x(i))}" y="{height - _PAD_B + 14}" text-anchor="start">{_e(t("ep_n", n=ep))}</text>')
    if n <= 400:
        for i, p in enumerate(scenes):
            body.append(f'<circle cx="{_f(x(i))}" cy="{_f(y(_num(p.valence)))}" r="2" fill="#2f6f8f" '
                        f'fill-opacity="0.35"/>')
    lines = (([_num(p.smoothed_tension) for p in scenes], "#c23b3b", t("r.arc.tension")),
             ([_num(p.smoothed_valence) for p in scenes], "#2f6f8f", t("r.arc.valence")))
    for values, color, name in lines:
        points = " ".join(f"{_f(x(i))},{_f(y(v))}" for i, v in enumerate(values))
        if n == 1:  # a single scene draws a short flat segment so the line is visible
            points = f"{_f(x(0) - 20)},{_f(y(values[0]))} {_f(x(0) + 20)},{_f(y(values[0]))}"
        body.append(f'<polyline class="mark" fill="none" stroke="{color}" stroke-width="2.2" points="{points}">'
                    f'<title>{_e(t("r.arc.smoothed", name=name))}</title></polyline>')
    legend = _legend([("#2f6f8f", t("r.arc.valence_legend")), ("#c23b3b", t("r.arc.tension_legend"))])
    caption = t("r.arc.caption", window=_e(a.arc.window), shape=_e(t(f"shape.{a.arc.shape}")),
                tension=_e(t(f"shape.{a.arc.tension_shape}")))
    return _figure(t, "chart-arc", t("r.arc.title"), _svg(height, body, t("r.sec.arc")), caption, legend)


def _hooks_chart(a: Analysis, t: Translator) -> str:
    episodes = a.hooks.episodes
    if not episodes:
        return _figure(t, "chart-hooks", t("r.hooks.title"), None)
    height = 240
    plot_w, plot_h = _W - _PAD_L - _PAD_R, height - _PAD_T - _PAD_B
    body: list[str] = []
    _y_axis(body, height, 0, 1, [0, 0.25, 0.5, 0.75, 1], lambda v: f"{v:.2f}")

    def y(v: float) -> float:
        return _PAD_T + plot_h * (1 - max(0.0, min(1.0, v)))

    n = len(episodes)
    slot = plot_w / n
    bar = max(1.0, slot * 0.8)
    numbers = [ep.number for ep in episodes]
    window = a.paywall.window
    if window is not None:
        idx = [i for i, num in enumerate(numbers) if window[0] <= num <= window[1]]
        if idx:
            body.append(f'<rect x="{_f(_PAD_L + idx[0] * slot)}" width="{_f((idx[-1] - idx[0] + 1) * slot)}" '
                        f'y="{_PAD_T}" height="{plot_h}" fill="#7a5cc4" fill-opacity="0.08">'
                        f'<title>{_e(t("r.hooks.window", a=window[0], b=window[1]))}</title></rect>')
    threshold = _num(a.hooks.weak_threshold, 0.5)
    step = _every(n)
    for i, ep in enumerate(episodes):
        v = _num(round(ep.ending_strength, 3))  # the strength as the JSON report gives it
        color = "#2f6f8f" if v >= threshold else "#d9822b"
        x = _PAD_L + i * slot + (slot - bar) / 2
        body.append(f'<rect class="mark" x="{_f(x)}" y="{_f(y(v))}" width="{_f(bar)}" height="{_f(max(0.5, y(0) - y(v)))}" '
                    f'fill="{color}"><title>{_e(t("r.hooks.tip", n=numbers[i], v=v))}</title></rect>')
        if i % step == 0:
            body.append(f'<text x="{_f(x + bar / 2)}" y="{height - _PAD_B + 14}" text-anchor="middle">{_e(numbers[i])}</text>')
    body.append(f'<line x1="{_PAD_L}" x2="{_W - _PAD_R}" y1="{_f(y(threshold))}" y2="{_f(y(threshold))}" '
                f'stroke="#d9822b" stroke-dasharray="5 4"/>')
    paywall = a.paywall.chosen or a.paywall.recommended
    kind = t("r.paywall.chosen") if a.paywall.chosen else t("r.paywall.recommended")
    if paywall in numbers:
        i = numbers.index(paywall)
        px = _PAD_L + i * slot + slot / 2
        body.append(f'<line class="mark paywall" x1="{_f(px)}" x2="{_f(px)}" y1="{_PAD_T}" y2="{height - _PAD_B}" '
                    f'stroke="#7a5cc4" stroke-width="2.5"><title>{_e(t("r.hooks.paywall_tip", kind=kind, n=paywall))}</title></line>')
        anchor = "end" if px > _W * 0.8 else "start"
        body.append(f'<text x="{_f(px + (-5 if anchor == "end" else 5))}" y="{_PAD_T + 12}" text-anchor="{anchor}" '
                    f'style="fill:#7a5cc4;font-weight:600">{_e(t("r.hooks.paywall_mark", n=paywall, kind=kind))}</text>')
    legend = _legend([("#2f6f8f", t("r.hooks.strong")), ("#d9822b", t("r.hooks.weak")), ("#7a5cc4", t("r.kpi.paywall"))])
    where = t("r.episode", n=paywall) if paywall is not None else t("r.na")
    caption = _e(t("r.hooks.caption", threshold=threshold, kind=kind, paywall=where))
    return _figure(t, "chart-hooks", t("r.hooks.title"), _svg(height, body, t("r.hooks.title")), caption, legend)


def _presence_chart(report: CharacterReport, t: Translator) -> str:
    presence, characters = report.presence, report.characters
    if not presence or not characters:
        return _figure(t, "chart-presence", t("r.presence.title"), None)
    names = [c.name for c in characters[:MAX_HEATMAP_CHARACTERS]]
    by_episode = len(presence) > MAX_HEATMAP_SCENES
    columns: list[tuple[str, dict[str, float]]] = []
    if by_episode:
        groups: dict[int, list[int]] = {}
        for k, p in enumerate(presence):
            groups.setdefault(p.episode, []).append(k)
        for ep, scenes in groups.items():
            cells = {}
            for name in names:
                count = sum(1 for k in scenes if name in presence[k].present)
                if count:
                    cells[name] = count / len(scenes)
            columns.append((t("ep_n", n=ep), cells))
    else:
        for p in presence:
            speaking, present = set(p.speaking), set(p.present)
            cells = {n: (1.0 if n in speaking else 0.45) for n in names if n in present or n in speaking}
            columns.append((f"{t('ep_n', n=p.episode)} · {p.scene}", cells))
    label_w = 110
    row_h = 16
    height = _PAD_T + row_h * len(names) + 26
    plot_w = _W - label_w - _PAD_R
    cw = plot_w / max(1, len(columns))
    body: list[str] = []
    for r, name in enumerate(names):
        short = name if len(name) <= 14 else name[:13] + "…"
        body.append(f'<text x="{label_w - 6}" y="{_PAD_T + r * row_h + 12}" text-anchor="end">{_e(short)}</text>')
        body.append(f'<line class="grid" x1="{label_w}" x2="{_W - _PAD_R}" y1="{_PAD_T + (r + 1) * row_h}" '
                    f'y2="{_PAD_T + (r + 1) * row_h}"/>')
    for c, (label, cells) in enumerate(columns):
        x = label_w + c * cw
        for r, name in enumerate(names):
            value = cells.get(name)
            if not value:
                continue
            body.append(f'<rect class="mark" x="{_f(x)}" y="{_PAD_T + r * row_h + 1}" width="{_f(max(cw - 0.4, 0.6))}" '
                        f'height="{row_h - 2}" fill="#2f6f8f" fill-opacity="{0.15 + 0.85 * value:.2f}">'
                        f'<title>{_e(name)} · {_e(label)}</title></rect>')
    # Label where an episode starts (scene columns share their episode's label), thinned to ~12.
    starts = [c for c, (label, _) in enumerate(columns)
              if c == 0 or label.split(" · ")[0] != columns[c - 1][0].split(" · ")[0]]
    step = _every(len(starts), 12)
    for c in starts[::step]:
        body.append(f'<text x="{_f(label_w + c * cw)}" y="{height - 8}">{_e(columns[c][0].split(" · ")[0])}</text>')
    unit = t("r.presence.unit_episode") if by_episode else t("r.presence.unit_scene")
    more = len(characters) - len(names)
    caption = _e(t("r.presence.caption", n=len(names), more=t("r.presence.more", n=more) if more > 0 else "", unit=unit))
    return _figure(t, "chart-presence", t("r.presence.title"), _svg(height, body, t("r.presence.title")), caption)


def _share_chart(report: CharacterReport, t: Translator) -> str:
    characters = [c for c in report.characters if c.lines > 0]
    if not characters:
        return _figure(t, "chart-share", t("r.share.title"), None)
    rows = characters[:MAX_SHARE_BARS]
    label_w, row_h = 130, 20
    height = _PAD_T + row_h * len(rows) + 10
    plot_w = _W - label_w - 150  # room for the "56.2% · 180 lines" label
    top = max(_num(c.line_share) for c in rows) or 1.0
    colors = {"primary": "#2f6f8f", "secondary": "#3a9a5b", "minor": "#98a2b3"}
    body: list[str] = []
    for r, c in enumerate(rows):
        share = _num(c.line_share)
        w = max(1.0, plot_w * share / top)
        y = _PAD_T + r * row_h
        short = c.name if len(c.name) <= 16 else c.name[:15] + "…"
        body.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{_e(short)}</text>')
        body.append(f'<rect class="mark" x="{label_w}" y="{y + 3}" width="{_f(w)}" height="{row_h - 6}" '
                    f'fill="{colors.get(c.tier, "#98a2b3")}"><title>'
                    f'{_e(t("r.share.tip", name=c.name, share=share, tier=t(f"tier.{c.tier}")))}</title></rect>')
        body.append(f'<text x="{_f(label_w + w + 6)}" y="{y + 14}">{_e(t("r.share.label", share=share, n=c.lines))}</text>')
    legend = _legend([(v, t(f"tier.{k}")) for k, v in colors.items()])
    return _figure(t, "chart-share", t("r.share.title"), _svg(height, body, t("r.share.title")), "", legend)


# --- tables --------------------------------------------------------------------------------
def _table(t: Translator, headers: list[tuple[str, bool]], rows: list[list[str]], table_id: str) -> str:
    """A table whose headers are catalogue keys (``r.col.*``; '' for an empty header)."""
    head = "".join(f'<th class="num">{_e(t(h) if h else "")}</th>' if num else f"<th>{_e(t(h) if h else '')}</th>"
                   for h, num in headers)
    body = []
    for row in rows:
        cells = []
        for (_, num), value in zip(headers, row):
            cls = ' class="num"' if num else ""
            cells.append(f"<td{cls}>{value}</td>")  # values are escaped by the callers
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _character_row(c: CharacterStats, t: Translator) -> list[str]:
    aliases = ", ".join(c.aliases)
    return [
        _e(c.name) + (f' <span class="note">({_e(aliases)})</span>' if aliases else ""),
        _e(t(f"tier.{c.tier}")),
        _e(c.lines),
        _e(c.units),
        _e(_duration(_num(c.screen_seconds))),
        _e(c.scenes),
        _e(c.episodes),
        _e(f"{t('ep_n', n=c.first_episode)} · {c.first_scene}"),
        _e(f"{_num(c.agency):+.2f}") + f' <span class="note">({_e(c.active)}+ / {_e(c.passive)}−)</span>',
    ]


def _drive(report: CharacterReport, t: Translator) -> str:
    html = "<p>" + t("r.drive", driven=_num(report.scenes_driven_by_character), opened=_num(report.scenes_opened_by_character),
                     turned=_num(report.scenes_turned_by_character), agency=_num(report.mean_primary_agency),
                     drive=_e(t(f"drive.{report.drive}")), index=_num(report.drive_index)) + "</p>"
    said = [m.render(t) for m in report.notes] if report.notes else list(report.warnings)
    if said:
        html += '<ul class="note" id="character-warnings">' + "".join(f"<li>{_e(w)}</li>" for w in said[:20]) + "</ul>"
    return html


def _characters_section(report: CharacterReport, t: Translator) -> str:
    chars = report.characters
    table = _table(t, [("r.col.character", False), ("r.col.tier", False), ("r.col.lines", True), ("r.col.units", True),
                       ("r.col.screen", True), ("r.col.scenes", True), ("r.col.episodes", True), ("r.col.first_seen", False),
                       ("r.col.agency", True)], [_character_row(c, t) for c in chars[:MAX_CHARACTER_ROWS]], "characters-table")
    more = (f'<p class="note">{_e(t("r.more_characters", n=len(chars) - MAX_CHARACTER_ROWS))}</p>'
            if len(chars) > MAX_CHARACTER_ROWS else "")
    edge_rows = [[_e(x.a), _e(x.b), _e(x.exchanges), _e(x.shared_scenes), _e(x.weight)] for x in report.edges[:MAX_EDGE_ROWS]]
    edge_table = _table(t, [("r.col.character", False), ("r.col.with", False), ("r.col.exchanges", True),
                            ("r.col.shared_scenes", True), ("r.col.weight", True)], edge_rows, "edges-table") if edge_rows else _na(t)
    evidence_rows = [[_e(c.name), _e(t(f"agency.{ev.kind}")), _e("+" if ev.sign > 0 else "−"), _e(ev.episode), _e(ev.line),
                      _e(ev.text)] for c in chars[:5] for ev in c.evidence[:4]]
    evidence = _table(t, [("r.col.character", False), ("r.col.kind", False), ("", False), ("r.col.episode", True),
                          ("r.col.line", True), ("r.col.text", False)], evidence_rows, "agency-evidence") if evidence_rows else ""
    return (f'<section id="characters"><h2>{_e(t("r.sec.characters"))}</h2>{_drive(report, t)}{table}{more}'
            f'<h3>{_e(t("r.talks"))}</h3>{edge_table}<h3>{_e(t("r.agency_evidence"))}</h3>'
            f'{evidence}</section>')


def _compliance_section(report: ComplianceReport, t: Translator) -> str:
    findings, budget = report.findings, report.budget
    budget_html = (f'<p>{t("r.budget", budget=_num(budget.budget_yuan), label=_e(budget.label), review=_e(t(f"rule.budget.{budget.tier}")))}</p>'
                   if budget else f'<p class="note">{_e(t("r.no_budget"))}</p>')
    summary = ", ".join(f"{_e(t(f'sev.{k}'))}: {_e(v)}" for k, v in dict(report.counts).items())
    if not findings:
        table = f'<p>{_e(t("r.no_flags"))}</p>'
    else:
        # The rule's label in the reader's language, its id for the JSON, its full text in English
        # (a platform's rules file has no translation).
        rows = [[f'<span class="sev-{_e(f.severity)}">{_e(t(f"sev.{f.severity}"))}</span>',
                 _e(t(f"rule.{f.rule_id}")) + f'<br><span class="note">{_e(f.rule_id)}'
                 + (f" · {_e(f.rule_text)}" if t.lang == "en" or not t.has(f"rule.{f.rule_id}") else "") + "</span>",
                 _e(f.episode or t("r.title_scope")), _e(f.line or "—"), f"<b>{_e(f.matched)}</b>",
                 _e(f.context)] for f in findings[:MAX_FINDING_ROWS]]
        table = _table(t, [("r.col.severity", False), ("r.col.rule", False), ("r.col.episode", True), ("r.col.line", True),
                           ("r.col.matched", False), ("r.col.context", False)], rows, "compliance-table")
        if len(findings) > MAX_FINDING_ROWS:
            table += f'<p class="note">{_e(t("r.more_flags", n=len(findings) - MAX_FINDING_ROWS))}</p>'
    audience = t(f"audience.{report.audience}") if t.has(f"audience.{report.audience}") else report.audience
    return (f'<section id="compliance"><h2>{_e(t("r.sec.compliance"))}</h2><p class="note">{_e(t("r.compliance_note"))} '
            f'{_e(t("r.audience", audience=audience))} {summary}</p>{budget_html}{table}</section>')


def _tropes_section(tropes: ScriptTropes, skeleton: Skeleton, t: Translator) -> str:
    zh = t.lang == "zh"
    rows = [[_e((h.label_zh if zh else h.label_en) or h.trope) + f' <span class="note">({_e(h.trope)})</span>',
             _e(f"{h.confidence:.2f}"), _e(", ".join(h.cues))] for h in tropes.hits]
    table = _table(t, [("r.col.trope", False), ("r.col.confidence", True), ("r.col.cues", False)], rows, "tropes-table") \
        if rows else f"<p>{_e(t('r.no_tropes'))}</p>"
    shown = " → ".join(_e(t(f"fn.{f}")) for f in skeleton.functions[:MAX_SKELETON_STEPS])
    more = len(skeleton.functions) - MAX_SKELETON_STEPS
    steps = (shown + (f' <span class="note">{_e(t("r.more_steps", n=more))}</span>' if more > 0 else "")) if shown else _na(t)
    roles = ", ".join(f"{_e(t(f'role.{r.role}'))} {r.share:.0%}" for r in skeleton.roles)
    return (f'<section id="tropes"><h2>{_e(t("r.sec.tropes"))}</h2><p>{t("r.track", track=_e(track_label(tropes.track, t.lang)))}</p>'
            f'{table}<h3>{_e(t("r.skeleton"))}</h3><p id="skeleton">{steps}</p>'
            + (f'<p class="note">{t("r.roles", roles=roles)}</p>' if roles else "") + "</section>")


def _quality_note(q: ReadQuality, t: Translator) -> str:
    """One line on how well the file was read, and the reasons that cost the most."""
    if not q.measured or not any(r.penalty > 0 for r in q.reasons):
        return ""
    reasons = "".join(f"<li>{_e(reason_text(r, t))}</li>" for r in q.reasons[:3] if r.penalty > 0)
    text = t("r.quality", score=q.score, strong=q.strong_lines, lines=q.lines, fallback=q.fallback_lines, held=q.held_lines)
    return f'<section id="read-quality"><p class="note">{_e(text)}</p><ul class="warnings">{reasons}</ul></section>'


def render_html(analysis: Analysis, lang: str | None = None) -> str:
    """Render an :class:`~dramalens.analysis.Analysis` as one HTML page, in ``lang`` ('zh' or
    'en'; by default the script's own language, English for any other).

    The page is self-contained: inline CSS and SVG, no JavaScript, no external resource.

    >>> from dramalens import analyze, parse
    >>> page = render_html(analyze(parse("Title: <b>T</b>\\n\\nINT. HOUSE - DAY\\n\\nAnna sits.\\n")))
    >>> page.startswith("<!DOCTYPE html>"), "&lt;b&gt;T&lt;/b&gt;" in page, "<b>T</b>" in page
    (True, True, False)
    >>> "情绪弧线" in render_html(analyze(parse("第1集\\n1-1 日 内 客厅\\n林晚：你好。")))
    True
    """
    if not isinstance(analysis, Analysis):
        raise ConfigError(f"render_html() needs an Analysis (from dramalens.analyze), got {type(analysis).__name__}")
    a = analysis
    t = reader(lang, a.language)
    title = a.title or t("r.untitled")
    css = resources.files("dramalens.report").joinpath("report.css").read_text("utf-8")
    paywall = a.paywall.chosen or a.paywall.recommended
    kpis: list[tuple[str, object]] = [
        ("r.kpi.episodes", a.episode_count),
        # The total as the JSON report rounds it, so both say the same duration.
        ("r.kpi.runtime", _duration(_num(round(a.runtime.total_seconds, 3)))),
        ("r.kpi.format", t(a.format.format) if a.format.format else t("r.na")),
        ("r.kpi.paywall", paywall or t("r.na")),
        ("r.kpi.arc", t(f"shape.{a.arc.shape}")),
        ("r.kpi.flags", len(a.compliance.findings)),
        ("r.kpi.quality", f"{a.read_quality.score:.2f}" if a.read_quality.measured else t("r.not_measured")),
    ]
    kpi_html = "".join(f'<div class="kpi"><b>{_e(v)}</b><span>{_e(t(k))}</span></div>' for k, v in kpis)
    said = [m.render(t) for m in a.notes] if a.notes else list(a.warnings)
    warn_html = ('<ul class="warnings">' + "".join(f"<li>{_e(w)}</li>" for w in said[:50]) + "</ul>") if said else ""
    named = (t(f"lang.{a.language}") if a.language else "", t(f"srcfmt.{a.source_format}") if a.source_format else "")
    meta = " · ".join(_e(x) for x in (*named, a.source) if x)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="' + ("zh-CN" if t.lang == "zh" else "en") + '"><head><meta charset="utf-8">',
        # No network, no script, even if some text slipped through: the CSP forbids both.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(t('r.page_title', title=title))}</title><style>{css}</style></head><body><main>",
        f'<header><h1>{_e(title)}</h1><div class="meta">{meta}</div></header>',
        f'<div class="kpis">{kpi_html}</div>{warn_html}{_quality_note(a.read_quality, t)}',
        f'<section id="runtime"><h2>{_e(t("r.sec.runtime"))}</h2>{_runtime_chart(a, t)}</section>',
        f'<section id="hooks"><h2>{_e(t("r.sec.hooks"))}</h2>{_hooks_chart(a, t)}</section>',
        f'<section id="arc"><h2>{_e(t("r.sec.arc"))}</h2>{_arc_chart(a, t)}</section>',
        f'<section id="cast"><h2>{_e(t("r.sec.cast"))}</h2>{_share_chart(a.characters, t)}{_presence_chart(a.characters, t)}</section>',
        _characters_section(a.characters, t),
        _compliance_section(a.compliance, t),
        _tropes_section(a.tropes, a.skeleton, t),
        f'<footer class="note">{_e(t("r.footer"))}</footer>',
        "</main></body></html>",
    ]
    return "\n".join(parts)


def write_html(analysis: Analysis, path: str | Path, lang: str | None = None) -> Path:
    """Write :func:`render_html` of ``analysis`` (in ``lang``) to ``path`` (UTF-8); returns the path.

    >>> import tempfile, pathlib
    >>> from dramalens import analyze, parse
    >>> out = write_html(analyze(parse("第1集\\n1-1 日 内 客厅\\n林晚：你好。")), pathlib.Path(tempfile.mkdtemp()) / "r.html")
    >>> out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    True
    """
    target = Path(path)
    try:
        target.write_text(render_html(analysis, lang), encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write the HTML report: {exc.strerror}", source=str(target)) from exc
    return target
