"""One self-contained HTML page from an analysis: inline CSS, inline SVG charts, no script, no network.

The page reads the typed :class:`~dramalens.analysis.Analysis`. All script text is escaped: a
script is untrusted input and may contain ``<script>``. The page has no JavaScript at all.
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
from ..errors import ConfigError, InputError
from ..model import ReadQuality

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
_NA = '<p class="na">not available</p>'


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


def _figure(chart_id: str, title: str, svg: str | None, caption: str = "", legend: str = "") -> str:
    inner = svg if svg else _NA
    cap = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f'<figure class="chart" id="{chart_id}"><h3 class="note">{_e(title)}</h3>{legend}{inner}{cap}</figure>'


def _legend(items: list[tuple[str, str]]) -> str:
    return '<div class="legend">' + "".join(f'<span><i style="background:{c}"></i>{_e(t)}</span>' for c, t in items) + "</div>"


# --- charts --------------------------------------------------------------------------------
def _runtime_chart(a: Analysis) -> str:
    episodes = a.runtime.episodes
    if not episodes:
        return _figure("chart-runtime", "Runtime per episode", None)
    lo_band, hi_band = _num(a.format.band[0]), _num(a.format.band[1])
    fmt_name = a.format.format
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
                f'<title>{_e(fmt_name)} band {_duration(lo_band)}–{_duration(hi_band)}</title></rect>')
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
                    f'fill="{color}"><title>episode {_e(ep.number)}: {_duration(v)}</title></rect>')
        if i % step == 0:
            body.append(f'<text x="{_f(x + bar / 2)}" y="{height - _PAD_B + 14}" text-anchor="middle">{_e(ep.number)}</text>')
    legend = _legend([("#2f6f8f", "in band"), ("#d9822b", "short"), ("#c23b3b", "long"),
                      ("rgba(58,154,91,.25)", f"{fmt_name or 'format'} band")])
    caption = "Estimated seconds per episode (x: episode) against the format's band."
    return _figure("chart-runtime", "Runtime per episode", _svg(height, body, "runtime per episode"), caption, legend)


def _arc_chart(a: Analysis) -> str:
    scenes = a.arc.scenes
    if not scenes:
        return _figure("chart-arc", "Emotional arc", None)
    height = 260
    plot_w, plot_h = _W - _PAD_L - _PAD_R, height - _PAD_T - _PAD_B
    body: list[str] = []
    _y_axis(body, height, -1, 1, [-1, -0.5, 0, 0.5, 1], lambda t: f"{t:+.1f}" if t else "0")
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
            body.append(f'<text x="{_f(x(i))}" y="{height - _PAD_B + 14}" text-anchor="start">ep {_e(ep)}</text>')
    if n <= 400:
        for i, p in enumerate(scenes):
            body.append(f'<circle cx="{_f(x(i))}" cy="{_f(y(_num(p.valence)))}" r="2" fill="#2f6f8f" '
                        f'fill-opacity="0.35"/>')
    lines = (([_num(p.smoothed_tension) for p in scenes], "#c23b3b", "tension"),
             ([_num(p.smoothed_valence) for p in scenes], "#2f6f8f", "valence"))
    for values, color, name in lines:
        points = " ".join(f"{_f(x(i))},{_f(y(v))}" for i, v in enumerate(values))
        if n == 1:  # a single scene draws a short flat segment so the line is visible
            points = f"{_f(x(0) - 20)},{_f(y(values[0]))} {_f(x(0) + 20)},{_f(y(values[0]))}"
        body.append(f'<polyline class="mark" fill="none" stroke="{color}" stroke-width="2.2" points="{points}">'
                    f'<title>{_e(name)} (smoothed)</title></polyline>')
    legend = _legend([("#2f6f8f", "valence (−1 bad … +1 good)"), ("#c23b3b", "tension (0 calm … 1 alarm)")])
    caption = (f"Per scene, moving average over {_e(a.arc.window)} scene(s); dots are raw valence. "
               f"Valence shape: <b>{_e(a.arc.shape)}</b>; tension shape: <b>{_e(a.arc.tension_shape)}</b>.")
    return _figure("chart-arc", "Valence and tension per scene", _svg(height, body, "emotional arc"), caption, legend)


def _hooks_chart(a: Analysis) -> str:
    episodes = a.hooks.episodes
    if not episodes:
        return _figure("chart-hooks", "Ending hook strength per episode", None)
    height = 240
    plot_w, plot_h = _W - _PAD_L - _PAD_R, height - _PAD_T - _PAD_B
    body: list[str] = []
    _y_axis(body, height, 0, 1, [0, 0.25, 0.5, 0.75, 1], lambda t: f"{t:.2f}")

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
                        f'<title>usual paywall window: episodes {_e(window[0])}–{_e(window[1])}</title></rect>')
    threshold = _num(a.hooks.weak_threshold, 0.5)
    step = _every(n)
    for i, ep in enumerate(episodes):
        v = _num(round(ep.ending_strength, 3))  # the strength as the JSON report gives it
        color = "#2f6f8f" if v >= threshold else "#d9822b"
        x = _PAD_L + i * slot + (slot - bar) / 2
        body.append(f'<rect class="mark" x="{_f(x)}" y="{_f(y(v))}" width="{_f(bar)}" height="{_f(max(0.5, y(0) - y(v)))}" '
                    f'fill="{color}"><title>episode {_e(numbers[i])}: ending strength {v:.2f}</title></rect>')
        if i % step == 0:
            body.append(f'<text x="{_f(x + bar / 2)}" y="{height - _PAD_B + 14}" text-anchor="middle">{_e(numbers[i])}</text>')
    body.append(f'<line x1="{_PAD_L}" x2="{_W - _PAD_R}" y1="{_f(y(threshold))}" y2="{_f(y(threshold))}" '
                f'stroke="#d9822b" stroke-dasharray="5 4"/>')
    paywall = a.paywall.chosen or a.paywall.recommended
    kind = "chosen" if a.paywall.chosen else "recommended"
    if paywall in numbers:
        i = numbers.index(paywall)
        px = _PAD_L + i * slot + slot / 2
        body.append(f'<line class="mark paywall" x1="{_f(px)}" x2="{_f(px)}" y1="{_PAD_T}" y2="{height - _PAD_B}" '
                    f'stroke="#7a5cc4" stroke-width="2.5"><title>{kind} paywall after episode {_e(paywall)}</title></line>')
        anchor = "end" if px > _W * 0.8 else "start"
        body.append(f'<text x="{_f(px + (-5 if anchor == "end" else 5))}" y="{_PAD_T + 12}" text-anchor="{anchor}" '
                    f'style="fill:#7a5cc4;font-weight:600">paywall: ep {_e(paywall)} ({kind})</text>')
    legend = _legend([("#2f6f8f", "ending hook ≥ threshold"), ("#d9822b", "weak ending"), ("#7a5cc4", "paywall")])
    caption = (f"Strength (0–1) of the hook or cliffhanger that ends each episode; dashed line: weak threshold "
               f"{threshold:.2f}. Paywall {kind}: episode {_e(paywall if paywall is not None else 'not available')}.")
    return _figure("chart-hooks", "Ending hook strength per episode", _svg(height, body, "hooks per episode"),
                   caption, legend)


def _presence_chart(report: CharacterReport) -> str:
    presence, characters = report.presence, report.characters
    if not presence or not characters:
        return _figure("chart-presence", "Who is in which scene", None)
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
            columns.append((f"ep {ep}", cells))
    else:
        for p in presence:
            speaking, present = set(p.speaking), set(p.present)
            cells = {n: (1.0 if n in speaking else 0.45) for n in names if n in present or n in speaking}
            columns.append((f"ep {p.episode} · {p.scene}", cells))
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
    unit = "episode (shade: share of its scenes)" if by_episode else "scene (dark: speaks, light: present)"
    more = len(characters) - len(names)
    caption = f"Rows: the {len(names)} characters with most lines{f' ({more} more not shown)' if more > 0 else ''}; columns: {unit}."
    return _figure("chart-presence", "Who is in which scene", _svg(height, body, "presence heatmap"), caption)


def _share_chart(report: CharacterReport) -> str:
    characters = [c for c in report.characters if c.lines > 0]
    if not characters:
        return _figure("chart-share", "Speaking share", None)
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
                    f'fill="{colors.get(c.tier, "#98a2b3")}"><title>{_e(c.name)}: {share:.1%} of lines, '
                    f'{_e(c.tier)}</title></rect>')
        body.append(f'<text x="{_f(label_w + w + 6)}" y="{y + 14}">{share:.1%} · {_e(c.lines)} lines</text>')
    legend = _legend([(v, k) for k, v in colors.items()])
    return _figure("chart-share", "Speaking share (share of all spoken lines)", _svg(height, body, "speaking share"),
                   "", legend)


# --- tables --------------------------------------------------------------------------------
def _table(headers: list[tuple[str, bool]], rows: list[list[str]], table_id: str) -> str:
    head = "".join(f'<th class="num">{_e(h)}</th>' if num else f"<th>{_e(h)}</th>" for h, num in headers)
    body = []
    for row in rows:
        cells = []
        for (_, num), value in zip(headers, row):
            cls = ' class="num"' if num else ""
            cells.append(f"<td{cls}>{value}</td>")  # values are escaped by the callers
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _character_row(c: CharacterStats) -> list[str]:
    aliases = ", ".join(c.aliases)
    return [
        _e(c.name) + (f' <span class="note">({_e(aliases)})</span>' if aliases else ""),
        _e(c.tier),
        _e(c.lines),
        _e(c.units),
        _e(_duration(_num(c.screen_seconds))),
        _e(c.scenes),
        _e(c.episodes),
        _e(f"ep {c.first_episode} · {c.first_scene}"),
        _e(f"{_num(c.agency):+.2f}") + f' <span class="note">({_e(c.active)}+ / {_e(c.passive)}−)</span>',
    ]


def _drive(report: CharacterReport) -> str:
    html = (f'<p>Scenes opened or turned by a character\'s own line or act: '
            f'<b>{_num(report.scenes_driven_by_character):.0%}</b> '
            f'<span class="note">(opened {_num(report.scenes_opened_by_character):.0%}, '
            f'turned by a decision or confrontation {_num(report.scenes_turned_by_character):.0%})</span>; '
            f'lines-weighted agency of the primary characters: <b>{_num(report.mean_primary_agency):+.2f}</b> '
            f'→ <b>{_e(report.drive)}</b>'
            f' <span class="note">(drive index {_num(report.drive_index):.2f}: '
            f'½ × scenes share + ½ × (agency + 1) / 2)</span>'
            '. <span class="note">A measurement from cue words (decisions, confrontations, volitional acts vs. being acted on), '
            'not a verdict.</span></p>')
    if report.warnings:
        html += '<ul class="note" id="character-warnings">' + "".join(f"<li>{_e(w)}</li>" for w in report.warnings[:20]) + "</ul>"
    return html


def _characters_section(report: CharacterReport) -> str:
    chars = report.characters
    table = _table([("character", False), ("tier", False), ("lines", True), ("words/chars", True),
                    ("screen time", True), ("scenes", True), ("episodes", True), ("first seen", False),
                    ("agency", True)], [_character_row(c) for c in chars[:MAX_CHARACTER_ROWS]], "characters-table")
    more = f'<p class="note">{len(chars) - MAX_CHARACTER_ROWS} more characters not shown.</p>' if len(chars) > MAX_CHARACTER_ROWS else ""
    edge_rows = [[_e(x.a), _e(x.b), _e(x.exchanges), _e(x.shared_scenes), _e(x.weight)] for x in report.edges[:MAX_EDGE_ROWS]]
    edge_table = _table([("character", False), ("with", False), ("exchanges", True), ("shared scenes", True),
                         ("weight", True)], edge_rows, "edges-table") if edge_rows else _NA
    evidence_rows = [[_e(c.name), _e(ev.kind), _e("+" if ev.sign > 0 else "−"), _e(ev.episode), _e(ev.line), _e(ev.text)]
                     for c in chars[:5] for ev in c.evidence[:4]]
    evidence = _table([("character", False), ("kind", False), ("", False), ("episode", True), ("line", True),
                       ("text", False)], evidence_rows, "agency-evidence") if evidence_rows else ""
    return (f'<section id="characters"><h2>Characters</h2>{_drive(report)}{table}{more}'
            f'<h3>Who speaks with whom</h3>{edge_table}<h3>Agency evidence (first lines of the main characters)</h3>'
            f'{evidence}</section>')


def _compliance_section(report: ComplianceReport) -> str:
    findings, budget = report.findings, report.budget
    budget_html = (f'<p>Budget ¥{_num(budget.budget_yuan):,.0f}: <b>{_e(budget.label)}</b> '
                   f'({_e(budget.tier)}) — {_e(budget.review)}</p>') if budget else \
        '<p class="note">Budget tier: not available (no budget given).</p>'
    summary = ", ".join(f"{_e(k)}: {_e(v)}" for k, v in dict(report.counts).items())
    if not findings:
        table = '<p>No flags.</p>'
    else:
        rows = [[f'<span class="sev-{_e(f.severity)}">{_e(f.severity)}</span>',
                 _e(f.rule_id) + f'<br><span class="note">{_e(f.rule_text)}</span>',
                 _e(f.episode or "title"), _e(f.line or "—"), f"<b>{_e(f.matched)}</b>",
                 _e(f.context)] for f in findings[:MAX_FINDING_ROWS]]
        table = _table([("severity", False), ("rule", False), ("episode", True), ("line", True), ("matched", False),
                        ("context", False)], rows, "compliance-table")
        if len(findings) > MAX_FINDING_ROWS:
            table += f'<p class="note">{len(findings) - MAX_FINDING_ROWS} more flags not shown (see the JSON report).</p>'
    return (f'<section id="compliance"><h2>Compliance flags</h2><p class="note">{_e(report.note)} '
            f'Audience: {_e(report.audience)}. {summary}</p>{budget_html}{table}</section>')


def _tropes_section(tropes: ScriptTropes, skeleton: Skeleton, language: str) -> str:
    zh = language == "zh"
    rows = [[_e(h.label_zh if zh else h.label_en) + f' <span class="note">({_e(h.trope)})</span>',
             _e(f"{h.confidence:.2f}"), _e(", ".join(h.cues))] for h in tropes.hits]
    table = _table([("trope", False), ("confidence", True), ("cues found", False)], rows, "tropes-table") \
        if rows else "<p>No trope found.</p>"
    shown = " → ".join(_e(f) for f in skeleton.functions[:MAX_SKELETON_STEPS])
    more = len(skeleton.functions) - MAX_SKELETON_STEPS
    steps = (shown + (f' <span class="note">(… {more} more)</span>' if more > 0 else "")) if shown else _NA
    roles = ", ".join(f"{_e(r.role)} {r.share:.0%}" for r in skeleton.roles)
    return (f'<section id="tropes"><h2>Tropes and plot skeleton</h2><p>Track: <b>{_e(tropes.track)}</b> '
            '<span class="note">(from the tropes found and the setting words; cue words, not a verdict)</span></p>'
            f'{table}<h3>Plot skeleton (story functions in order, names left out)</h3><p id="skeleton">{steps}</p>'
            + (f'<p class="note">Roles by share of spoken lines: {roles}.</p>' if roles else "") + "</section>")


def _quality_note(q: ReadQuality) -> str:
    """One line on how well the file was read, and the reasons that cost the most."""
    if not q.measured or not any(r.penalty > 0 for r in q.reasons):
        return ""
    reasons = "".join(f"<li>{_e(r)}</li>" for r in q.reasons[:3] if r.penalty > 0)
    return (f'<section id="read-quality"><p class="note">Read quality {q.score:.2f}: {q.strong_lines} of {q.lines} '
            f'lines read on strong evidence, {q.fallback_lines} by fallback, {q.held_lines} held back as front '
            f'matter or page furniture. The figures below are only as good as this reading.</p>'
            f'<ul class="warnings">{reasons}</ul></section>')


def render_html(analysis: Analysis) -> str:
    """Render an :class:`~dramalens.analysis.Analysis` as one HTML page.

    The page is self-contained: inline CSS and SVG, no JavaScript, no external resource.

    >>> from dramalens import analyze, parse
    >>> page = render_html(analyze(parse("Title: <b>T</b>\\n\\nINT. HOUSE - DAY\\n\\nAnna sits.\\n")))
    >>> page.startswith("<!DOCTYPE html>"), "&lt;b&gt;T&lt;/b&gt;" in page, "<b>T</b>" in page
    (True, True, False)
    """
    if not isinstance(analysis, Analysis):
        raise ConfigError(f"render_html() needs an Analysis (from dramalens.analyze), got {type(analysis).__name__}")
    a = analysis
    title = a.title or "Untitled"
    css = resources.files("dramalens.report").joinpath("report.css").read_text("utf-8")
    kpis: list[tuple[str, object]] = [
        ("episodes", a.episode_count),
        # The total as the JSON report rounds it, so both say the same duration.
        ("total runtime", _duration(_num(round(a.runtime.total_seconds, 3)))),
        ("format", a.format.format),
        ("paywall", a.paywall.chosen or a.paywall.recommended or "not available"),
        ("arc shape", a.arc.shape),
        ("compliance flags", len(a.compliance.findings)),
        ("read quality", f"{a.read_quality.score:.2f}" if a.read_quality.measured else "not measured"),
    ]
    kpi_html = "".join(f'<div class="kpi"><b>{_e(v)}</b><span>{_e(k)}</span></div>' for k, v in kpis)
    warn_html = ('<ul class="warnings">' + "".join(f"<li>{_e(w)}</li>" for w in a.warnings[:50]) + "</ul>") if a.warnings else ""
    meta = " · ".join(_e(x) for x in (a.language, a.source_format, a.source) if x)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="' + ("zh" if a.language == "zh" else "en") + '"><head><meta charset="utf-8">',
        # No network, no script, even if some text slipped through: the CSP forbids both.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)} — dramalens report</title><style>{css}</style></head><body><main>",
        f'<header><h1>{_e(title)}</h1><div class="meta">{meta}</div></header>',
        f'<div class="kpis">{kpi_html}</div>{warn_html}{_quality_note(a.read_quality)}',
        f'<section id="runtime"><h2>Runtime and format</h2>{_runtime_chart(a)}</section>',
        f'<section id="hooks"><h2>Hooks, cliffhangers and the paywall</h2>{_hooks_chart(a)}</section>',
        f'<section id="arc"><h2>Emotional arc</h2>{_arc_chart(a)}</section>',
        f'<section id="cast"><h2>Cast</h2>{_share_chart(a.characters)}{_presence_chart(a.characters)}</section>',
        _characters_section(a.characters),
        _compliance_section(a.compliance),
        _tropes_section(a.tropes, a.skeleton, a.language),
        '<footer class="note">Made by dramalens. Every number is a measurement from the script text; '
        "thresholds are folk rules or documented heuristics, not verdicts.</footer>",
        "</main></body></html>",
    ]
    return "\n".join(parts)


def write_html(analysis: Analysis, path: str | Path) -> Path:
    """Write :func:`render_html` of ``analysis`` to ``path`` (UTF-8); returns the path.

    >>> import tempfile, pathlib
    >>> from dramalens import analyze, parse
    >>> out = write_html(analyze(parse("第1集\\n1-1 日 内 客厅\\n林晚：你好。")), pathlib.Path(tempfile.mkdtemp()) / "r.html")
    >>> out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    True
    """
    target = Path(path)
    try:
        target.write_text(render_html(analysis), encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write the HTML report: {exc.strerror}", source=str(target)) from exc
    return target
