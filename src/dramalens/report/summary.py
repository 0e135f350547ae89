"""The terminal summary of an analysis (what ``dramalens analyze`` prints without ``--json``),
and of a runtime calibration, as Rich renderables.

A plain ``str`` item is Rich markup printed with Rich's highlighting (numbers stand out); a
:class:`~rich.text.Text` item is printed as it is, for lines that carry script text or long
labels, where highlighting would colour arbitrary words.
"""

from __future__ import annotations

from dataclasses import fields

from rich.console import RenderableType
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from ..analysis import Analysis
from ..analysis.calibrate import CalibrationResult
from ..analysis.tracks import track_label
from ..i18n import Translator, reader
from .quality_text import quality_lines

__all__ = ["calibration_summary", "summary"]

# Short labels keep the episode table inside an 80-column terminal (English; Chinese labels are short).
_SHORT = {"cliffhanger_mark": "mark", "interruption": "cut-off", "reversal": "twist", "question": "q"}
_SHOWN_TROPES = 5
_SHOWN_FUNCTIONS = 12


def _mmss(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    s = int(round(seconds))
    return f"{s // 60}:{s % 60:02d}"


def _cue(category: str, t: Translator) -> str:
    return _SHORT.get(category, category) if t.lang == "en" else t(f"cue.{category}")


def _episode_table(analysis: Analysis, t: Translator) -> Table:
    rt, fmt, hooks = analysis.runtime, analysis.format, analysis.hooks
    table = Table(title=t("s.episodes_title"))
    # Short headers so that the table fits an 80-column terminal.
    for col in ("ep", "runtime", "band", "scn", "hook", "end"):
        name = t(f"s.col.{col}")
        table.add_column(name, justify="left" if col == "band" else "right", no_wrap=True,
                         min_width=5 if col == "band" else len(name))
    # One line a row: the strongest cues first, cut with an ellipsis when the terminal is narrow.
    table.add_column(t("s.col.cues"), no_wrap=True, overflow="ellipsis", max_width=18)
    table.add_column("", no_wrap=True)
    by_hooks = {h.number: h for h in hooks.episodes}
    paywall_ep = analysis.paywall.paywall_episode
    for ep in rt.episodes:
        h = by_hooks.get(ep.number)
        status = fmt.status(ep.number)
        band = f"[{dict(ok='green', short='yellow', long='red')[status]}]{t('s.band.' + status)}[/]"
        strength = h.ending_strength if h else 0.0
        colour = "green" if strength >= hooks.weak_threshold else "yellow"
        cues = ",".join(list(dict.fromkeys(_cue(c.category, t) for c in h.ending_cues))[:3]) if h else ""
        marker = t("s.paywall_marker") if ep.number == paywall_ep else ""
        first = f"{h.first_hook_seconds:.0f}" if h and h.first_hook_seconds is not None else "—"
        table.add_row(str(ep.number), _mmss(ep.seconds), band, str(ep.scenes), first,
                      f"[{colour}]{strength:.2f}[/{colour}]", cues, marker)
    return table


def _character_lines(analysis: Analysis, t: Translator) -> list[RenderableType]:
    report = analysis.characters
    if not report.characters:
        return []
    top = Table(title=t("s.top_characters"))
    for col in ("name", "lines", "screen", "tier", "agency"):
        top.add_column(t(f"s.col.{col}"))
    for c in report.characters[:5]:
        top.add_row(c.name, str(c.lines), _mmss(c.screen_seconds), t(f"tier.{c.tier}"), f"{c.agency:+.2f}")
    lines: list[RenderableType] = [top]
    if report.drive_label:
        label = report.drive_label if t.lang == "en" else t(f"drive.{report.drive}")
        lines.append(Text(t("s.drive", label=label)))
    return lines


def _trope_lines(analysis: Analysis, t: Translator) -> list[RenderableType]:
    zh = t.lang == "zh"
    hits = ", ".join(f"{h.label_zh if zh else h.label_en} {h.confidence:.2f}" for h in analysis.tropes.hits[:_SHOWN_TROPES])
    track = track_label(analysis.tropes.track, t.lang)
    lines: list[RenderableType] = [Text(t("s.tropes", hits=hits or t("s.none_found"), track=track))]
    functions = analysis.skeleton.functions
    if functions:
        more = t("s.more", n=len(functions) - _SHOWN_FUNCTIONS) if len(functions) > _SHOWN_FUNCTIONS else ""
        lines.append(Text(t("s.skeleton", steps=" → ".join(t(f"fn.{f}") for f in functions[:_SHOWN_FUNCTIONS]) + more)))
    return lines


def summary(analysis: Analysis, name: str = "", *, read_quality_threshold: float = 0.5,
            lang: str | None = None) -> list[RenderableType]:
    """The lines and tables of the terminal summary, in order (``name`` titles an untitled
    script), in ``lang`` ('zh' or 'en'; by default the script's language), the read-quality
    lines and their reasons too.

    >>> from dramalens import analyze, parse
    >>> a = analyze(parse("第1集\\n1-1 日 内 客厅\\n林晚：你终于来了？"))
    >>> str(summary(a, "s.txt", lang="en")[0]).startswith("[bold]s.txt[/bold] — chinese, zh, 1 episodes")
    True
    >>> str(summary(a, "s.txt")[0]).startswith("[bold]s.txt[/bold] — 中文剧本格式，zh，1 集")
    True
    """
    t = reader(lang, analysis.language)
    rt, fmt, hooks, pw = analysis.runtime, analysis.format, analysis.hooks, analysis.paywall
    lo, hi = fmt.band
    pages = t("s.pages", pages=rt.pages) if rt.pages is not None else ""
    how = t("s.chosen") if fmt.chosen else t("s.classified")
    items: list[RenderableType] = [
        f"[bold]{analysis.title or name}[/bold] — " + t("s.head", source=t(f"srcfmt.{analysis.source_format}"), language=analysis.language,
                                                         episodes=analysis.episode_count, minutes=rt.total_minutes, pages=pages),
        t("s.format", format=t(fmt.format) if fmt.format else "—", how=how, median=_mmss(fmt.median_seconds),
          lo=_mmss(lo), hi=_mmss(hi), outside=len(fmt.outside)),
        t("s.hooks", hooks=hooks.hooks_per_minute, target=hooks.hook_target_per_minute, reversals=hooks.reversals_per_minute,
          rtarget=hooks.reversal_target_per_minute),
        *quality_lines(analysis.read_quality, read_quality_threshold, t.lang),
        _episode_table(analysis, t),
    ]
    if pw.chosen is not None:
        strength = "—" if pw.chosen_strength is None else f"{pw.chosen_strength:.2f}"
        items.append(t("s.paywall_chosen", n=pw.chosen, strength=strength))
    if pw.recommended is not None and pw.recommended_strength is not None and pw.window is not None:
        items.append(t("s.paywall_recommended", n=pw.recommended, strength=pw.recommended_strength,
                       a=pw.window[0], b=pw.window[1]))
    items.extend(_character_lines(analysis, t))
    flags = len(analysis.compliance.findings)
    items.append(t("s.compliance", n=flags) + (t("s.compliance_more") if flags else ""))
    items.extend(_trope_lines(analysis, t))
    said = [m.render(t) for m in analysis.notes] if analysis.notes else list(analysis.warnings)
    items.extend(Text.from_markup(f"[yellow]{escape(t('s.warning'))}[/yellow] {escape(w)}") for w in said)
    return items


def calibration_summary(result: CalibrationResult) -> list[RenderableType]:
    """The table and lines ``dramalens calibrate`` prints: each script before/after, the error, the params.

    >>> from dramalens.analysis.calibrate import fit_params
    >>> from dramalens import parse
    >>> items = calibration_summary(fit_params([(parse("第1集\\n1-1 日 内 客厅\\n林晚：" + "好" * 240), 1.0)]))
    >>> items[1].startswith("RMSE")
    True
    """
    table = Table(title=f"calibration on {result.scripts} script(s)")
    for col in ("script", "minutes", "before", "after"):
        table.add_column(col, justify="right" if col != "script" else "left")
    for name, actual, before, after in result.rows:
        table.add_row(name, f"{actual:.2f}", f"{before:.2f}", f"{after:.2f}")
    items: list[RenderableType] = [
        table, f"RMSE {result.rmse_before:.3f} → {result.rmse_after:.3f} min (MAE after {result.mae_after:.3f})"
    ]
    items.extend(f"  {f.name} = {getattr(result.params, f.name):.4g}" for f in fields(result.params))
    return items
