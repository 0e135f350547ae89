"""The plan as one self-contained HTML page: the episode table, a book-to-episode map, the
tension curve with the cut points, character presence per episode, and the checks. Inline
CSS (the analysis report's) and SVG, no script, a CSP that forbids any network or script."""

from __future__ import annotations

from html import escape
from importlib import resources

from .plan import AdaptationPlan

__all__ = ["plan_html"]

_WIDTH = 900
_PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f")


def _e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def _map(plan: AdaptationPlan) -> str:
    """Chapters as a strip, each coloured by the episode it feeds; grey when left for later."""
    n = max(plan.chapters, 1)
    w = _WIDTH / n
    owner: dict[int, int] = {}
    for e in plan.episodes:
        for c in e.chapters:
            owner.setdefault(c, e.number)
    rects = []
    for c in range(1, n + 1):
        ep = owner.get(c)
        fill = _PALETTE[(ep - 1) % len(_PALETTE)] if ep else "#ddd"
        label = f"chapter {c}: episode {ep}" if ep else f"chapter {c}: left for later"
        rects.append(f'<rect x="{(c - 1) * w:.2f}" y="0" width="{max(w, 0.5):.2f}" height="24" fill="{fill}"><title>{_e(label)}</title></rect>')
    return (f'<svg role="img" aria-label="book to episode map" viewBox="0 0 {_WIDTH} 24" width="100%" height="24">'
            + "".join(rects) + "</svg>")


def _tension(plan: AdaptationPlan) -> str:
    """Tension per chapter (0-1) with a tick at every episode's last chapter."""
    values = plan.tension
    if not values:
        return "<p>No tension curve.</p>"
    h = 120
    n = len(values)

    def x(i: float) -> float:
        return _WIDTH * (i + 0.5) / n

    points = " ".join(f"{x(i):.1f},{h - 10 - (h - 20) * v:.1f}" for i, v in enumerate(values))
    cuts = "".join(f'<line x1="{x(e.end.chapter - 1):.1f}" y1="0" x2="{x(e.end.chapter - 1):.1f}" y2="{h}" stroke="#e15759" '
                   f'stroke-width="{2 if e.number == plan.paywall.episode else 0.6}"><title>end of episode {e.number}</title></line>'
                   for e in plan.episodes if e.end.chapter - 1 < n)
    return (f'<svg role="img" aria-label="tension curve with cut points" viewBox="0 0 {_WIDTH} {h}" width="100%" height="{h}">'
            f'{cuts}<polyline fill="none" stroke="#4e79a7" stroke-width="1.5" points="{points}"/></svg>'
            '<p class="note">Blue: tension per chapter (events a thousand characters, smoothed). Red: cut points; '
            "the thick one is the paywall.</p>")


def _presence(plan: AdaptationPlan) -> str:
    cast = [c.name for c in plan.characters[:12]]
    eps = plan.episodes
    if not cast or not eps:
        return ""
    cw, rh, left = max(2.0, (_WIDTH - 120) / len(eps)), 16, 120
    rows = []
    for r, name in enumerate(cast):
        rows.append(f'<text x="0" y="{r * rh + 12}" font-size="11">{_e(name)}</text>')
        for i, e in enumerate(eps):
            if name in e.characters:
                rows.append(f'<rect x="{left + i * cw:.1f}" y="{r * rh + 2}" width="{max(cw - 1, 1):.1f}" height="{rh - 4}" fill="#59a14f">'
                            f"<title>{_e(name)} in episode {e.number}</title></rect>")
    height = len(cast) * rh
    return (f'<svg role="img" aria-label="character presence per episode" viewBox="0 0 {_WIDTH} {height}" width="100%" height="{height}">'
            + "".join(rows) + "</svg>")


def plan_html(plan: AdaptationPlan) -> str:
    """The plan as one HTML page (every text escaped).

    >>> from dramalens.adaptation.plan import Paywall
    >>> page = plan_html(AdaptationPlan("<b>夜</b>", "vertical", 0, (1, 0), (), (), Paywall(0, ""), (), ()))
    >>> page.startswith("<!DOCTYPE html>"), "<b>夜</b>" in page
    (True, False)
    """
    css = resources.files("dramalens.report").joinpath("report.css").read_text("utf-8")
    title = plan.title or "Untitled"
    kpis = [("episodes", len(plan.episodes)), ("format", plan.format), ("span", f"{plan.span[0]}-{plan.span[1]} of {plan.chapters}"),
            ("paywall after", plan.paywall.episode), ("left for later", len(plan.left_for_later)), ("checks", len(plan.checks))]
    if plan.score is not None:
        kpis.append(("mean ending", f"{plan.score.mean_ending_strength:.2f}"))
    rows = []
    for e in plan.episodes:
        beats = "<br>".join(f"[{_e(b.kind)}] {_e(b.text)}" for b in e.beats[:4])
        rows.append(
            f"<tr><td class=\"num\">{e.number}</td><td>{e.start.chapter}.{e.start.paragraph}–{e.end.chapter}.{e.end.paragraph}</td>"
            f"<td class=\"num\">{e.runtime_s:.0f}</td><td>{_e(e.hook.text)}</td><td>{beats}</td>"
            f"<td>{_e(e.cliffhanger.text)}</td><td class=\"num\">{e.cliffhanger.strength:.2f}</td>"
            f"<td>{_e('、'.join(e.characters[:5]) if plan.language == 'zh' else ', '.join(e.characters[:5]))}</td></tr>")
    table = ("<table><thead><tr><th>#</th><th>source (chapter.paragraph)</th><th>runtime s</th><th>opening hook</th>"
             "<th>beats</th><th>cliffhanger</th><th>strength</th><th>characters</th></tr></thead><tbody>"
             + "".join(rows) + "</tbody></table>")
    checks = "".join(f"<li><b>{_e(c.rule)}</b> {_e(', '.join(map(str, c.episodes)))} — {_e(c.message)}</li>" for c in plan.checks)
    cast = "".join(f"<li><b>{_e(c.name)}</b> {_e(' / '.join(c.aliases))} · {len(c.chapters)} chapters · agency {c.agency:+.2f}</li>"
                   for c in plan.characters[:20])
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh" if plan.language == "zh" else "en"}"><head><meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)} — dramalens episode plan</title><style>{css}</style></head><body><main>",
        f"<header><h1>{_e(title)}</h1><div class=\"meta\">episode plan · {_e(plan.format)}</div></header>",
        '<div class="kpis">' + "".join(f'<div class="kpi"><b>{_e(v)}</b><span>{_e(k)}</span></div>' for k, v in kpis) + "</div>",
        f'<section id="map"><h2>Book to episodes</h2>{_map(plan)}</section>',
        f'<section id="tension"><h2>Tension and cut points</h2>{_tension(plan)}</section>',
        f'<section id="episodes"><h2>Episodes</h2><p>Paywall after episode {plan.paywall.episode}: {_e(plan.paywall.reason)}</p>{table}</section>',
        f'<section id="cast"><h2>Characters</h2><ul>{cast}</ul>{_presence(plan)}</section>',
        f'<section id="checks"><h2>Checks</h2><ul>{checks or "<li>none</li>"}</ul></section>',
        '<footer class="note">Made by dramalens from the novel\'s text; strengths are the hooks analysis\' scale, not verdicts.</footer>',
        "</main></body></html>",
    ]
    return "\n".join(parts)
