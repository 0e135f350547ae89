"""The plan as one self-contained HTML page: the episode table, a book-to-episode map, the
tension curve with the cut points, character presence per episode, and the checks. Inline
CSS (the analysis report's) and SVG, no script, a CSP that forbids any network or script.

Every label, check and the paywall's reason come from the message catalogue (``ap.*`` keys),
in the language asked for or else the plan's own: the checks carry their catalogue ``note``
beside the English ``message`` of the JSON contract."""

from __future__ import annotations

from html import escape
from importlib import resources

from ..i18n import Translator, reader
from .plan import AdaptationPlan, Check

__all__ = ["plan_html"]

_WIDTH = 900
_PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f")


def _e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def _map(plan: AdaptationPlan, t: Translator) -> str:
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
        label = t("ap.map.chapter_episode", chapter=c, episode=ep) if ep else t("ap.map.chapter_later", chapter=c)
        rects.append(f'<rect x="{(c - 1) * w:.2f}" y="0" width="{max(w, 0.5):.2f}" height="24" fill="{fill}"><title>{_e(label)}</title></rect>')
    return (f'<svg role="img" aria-label="{_e(t("ap.map.label"))}" viewBox="0 0 {_WIDTH} 24" width="100%" height="24">'
            + "".join(rects) + "</svg>")


def _tension(plan: AdaptationPlan, t: Translator) -> str:
    """Tension per chapter (0-1) with a tick at every episode's last chapter."""
    values = plan.tension
    if not values:
        return f"<p>{_e(t('ap.tension.none'))}</p>"
    h = 120
    n = len(values)

    def x(i: float) -> float:
        return _WIDTH * (i + 0.5) / n

    points = " ".join(f"{x(i):.1f},{h - 10 - (h - 20) * v:.1f}" for i, v in enumerate(values))
    cuts = "".join(f'<line x1="{x(e.end.chapter - 1):.1f}" y1="0" x2="{x(e.end.chapter - 1):.1f}" y2="{h}" stroke="#e15759" '
                   f'stroke-width="{2 if e.number == plan.paywall.episode else 0.6}"><title>{_e(t("ap.tension.cut", n=e.number))}</title></line>'
                   for e in plan.episodes if e.end.chapter - 1 < n)
    return (f'<svg role="img" aria-label="{_e(t("ap.tension.label"))}" viewBox="0 0 {_WIDTH} {h}" width="100%" height="{h}">'
            f'{cuts}<polyline fill="none" stroke="#4e79a7" stroke-width="1.5" points="{points}"/></svg>'
            f'<p class="note">{_e(t("ap.tension.note"))}</p>')


def _presence(plan: AdaptationPlan, t: Translator) -> str:
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
                            f"<title>{_e(t('ap.presence.cell', name=name, n=e.number))}</title></rect>")
    height = len(cast) * rh
    return (f'<svg role="img" aria-label="{_e(t("ap.presence.label"))}" viewBox="0 0 {_WIDTH} {height}" width="100%" height="{height}">'
            + "".join(rows) + "</svg>")


def _check(c: Check, t: Translator) -> str:
    """One check: its rule's label, the episodes it concerns and its sentence, in ``t``'s language."""
    label = t("ap.rule.compliance") if c.rule.startswith("compliance:") else t(f"ap.rule.{c.rule}")
    where = t("ap.episodes_list", list=("、" if t.lang == "zh" else ", ").join(map(str, c.episodes))) if c.episodes else ""
    return f"<li><b>{_e(label)}</b> {_e(where)} — {_e(t.say(c.note.key, c.note.params, c.message))}</li>"


def _paywall(plan: AdaptationPlan, t: Translator) -> str:
    """The paywall's line: its reason and the turns that make that ending strong."""
    p = plan.paywall
    reason = t.say(p.note.key, p.note.params, p.reason)
    if p.note.key and p.kinds:
        kinds = [t(f"beat.{k}") for k in p.kinds]
        reason += f"（{'、'.join(kinds)}）" if t.lang == "zh" else f" ({', '.join(kinds)})"
    return t("ap.paywall_line", n=p.episode, reason=reason)


def plan_html(plan: AdaptationPlan, lang: str | None = None) -> str:
    """The plan as one HTML page (every text escaped), in ``lang`` ('zh' or 'en'; by default the
    plan's own language, English for any other).

    >>> from dramalens.adaptation.plan import Paywall
    >>> page = plan_html(AdaptationPlan("<b>夜</b>", "vertical", 0, (1, 0), (), (), Paywall(0, ""), (), ()))
    >>> page.startswith("<!DOCTYPE html>"), "<b>夜</b>" in page, "分集方案" in page
    (True, False, True)
    >>> "episode plan" in plan_html(AdaptationPlan("夜", "vertical", 0, (1, 0), (), (), Paywall(0, ""), (), ()), "en")
    True
    """
    t = reader(lang, plan.language)
    zh = t.lang == "zh"
    css = resources.files("dramalens.report").joinpath("report.css").read_text("utf-8")
    title = plan.title or t("ap.untitled")
    kpis = [(t("ap.kpi.episodes"), len(plan.episodes)), (t("ap.kpi.format"), t(plan.format)),
            (t("ap.kpi.span"), t("ap.kpi.span_value", first=plan.span[0], last=plan.span[1], total=plan.chapters)),
            (t("ap.kpi.paywall"), plan.paywall.episode), (t("ap.kpi.left"), len(plan.left_for_later)),
            (t("ap.kpi.checks"), len(plan.checks))]
    if plan.score is not None:
        kpis.append((t("ap.kpi.mean_ending"), f"{plan.score.mean_ending_strength:.2f}"))
    rows = []
    for e in plan.episodes:
        beats = "<br>".join(f"[{_e(t(f'beat.{b.kind}'))}] {_e(b.text)}" for b in e.beats[:4])
        rows.append(
            f"<tr><td class=\"num\">{e.number}</td><td>{e.start.chapter}.{e.start.paragraph}–{e.end.chapter}.{e.end.paragraph}</td>"
            f"<td class=\"num\">{e.runtime_s:.0f}</td><td>{_e(e.hook.text)}</td><td>{beats}</td>"
            f"<td>{_e(e.cliffhanger.text)}</td><td class=\"num\">{e.cliffhanger.strength:.2f}</td>"
            f"<td>{_e(('、' if zh else ', ').join(e.characters[:5]))}</td></tr>")
    head = "".join(f"<th>{_e(t(f'ap.col.{c}'))}</th>" for c in ("number", "source", "runtime", "hook", "beats", "cliffhanger",
                                                               "strength", "characters"))
    table = f"<table><thead><tr>{head}</tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    checks = "".join(_check(c, t) for c in plan.checks)
    cast = "".join(f"<li><b>{_e(c.name)}</b> {_e(' / '.join(c.aliases))} · {_e(t('ap.cast.line', n=len(c.chapters), agency=c.agency))}</li>"
                   for c in plan.characters[:20])
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if zh else "en"}"><head><meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(t('ap.doc_title', title=title))}</title><style>{css}</style></head><body><main>",
        f"<header><h1>{_e(title)}</h1><div class=\"meta\">{_e(t('ap.meta', format=t(plan.format)))}</div></header>",
        '<div class="kpis">' + "".join(f'<div class="kpi"><b>{_e(v)}</b><span>{_e(k)}</span></div>' for k, v in kpis) + "</div>",
        f'<section id="map"><h2>{_e(t("ap.sec.map"))}</h2>{_map(plan, t)}</section>',
        f'<section id="tension"><h2>{_e(t("ap.sec.tension"))}</h2>{_tension(plan, t)}</section>',
        f'<section id="episodes"><h2>{_e(t("ap.sec.episodes"))}</h2><p>{_e(_paywall(plan, t))}</p>{table}</section>',
        f'<section id="cast"><h2>{_e(t("ap.sec.cast"))}</h2><ul>{cast}</ul>{_presence(plan, t)}</section>',
        f'<section id="checks"><h2>{_e(t("ap.sec.checks"))}</h2><ul>{checks or "<li>" + _e(t("none")) + "</li>"}</ul></section>',
        f'<footer class="note">{_e(t("ap.footer"))}</footer>',
        "</main></body></html>",
    ]
    return "\n".join(parts)
