"""``dramalens analyze`` and ``dramalens calibrate``: measure a script; fit the runtime model."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from ..errors import ConfigError, InputError
from .context import current_settings

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add ``analyze`` and ``calibrate`` to ``app``."""
    app.command("analyze")(analyze_command)
    app.command("calibrate")(calibrate_command)


def _load_params(path: Path | None):
    from ..analysis.runtime import DEFAULT_PARAMS, RuntimeParams

    if path is None:
        return DEFAULT_PARAMS
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("runtime params file not found", source=str(path), hint="write one with dramalens calibrate --out") from None
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read runtime params: {exc}", source=str(path), hint="a JSON object of RuntimeParams fields") from None
    if isinstance(data, dict) and isinstance(data.get("params"), dict):
        data = data["params"]  # the whole calibrate --out document
    if not isinstance(data, dict):
        raise InputError("runtime params must be a JSON object", source=str(path))
    allowed = set(RuntimeParams.__dataclass_fields__)
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ConfigError(f"unknown runtime params {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")
    return RuntimeParams(**data)


def _check_rules(path: Path) -> None:
    """Load the rules file once so that any fault in it is one clear error (exit 2)."""
    from ..analysis.compliance import load_rules

    hint = "a TOML file of [[rule]] tables with id, text, severity, scope and terms or patterns"
    if not path.is_file():
        raise InputError("compliance rules file not found", source=str(path), hint=hint)
    try:
        load_rules(path)
    except UnicodeDecodeError:
        raise InputError("the compliance rules file is not UTF-8 text", source=str(path), hint=hint) from None
    except (TypeError, AttributeError, ValueError) as exc:  # [[rule]] of the wrong shape: `rule = 3`
        raise ConfigError(f"malformed compliance rules file: {exc}", source=str(path), hint=hint) from None


def _mmss(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    s = int(round(seconds))
    return f"{s // 60}:{s % 60:02d}"


def analyze_command(
    file: Path = typer.Argument(..., help="Script file: .fountain, .fdx, .docx, .txt (Chinese or Fountain)."),
    format: str = typer.Option(None, "--format", help="Check against vertical or horizontal (default: classify)."),
    as_json: bool = typer.Option(False, "--json", help="Print the whole analysis as JSON instead of the summary."),
    html: Path = typer.Option(None, "--html", help="Write an HTML report to this file."),
    csv_dir: Path = typer.Option(None, "--csv", help="Write the tables as CSV files into this directory."),
    free_episodes: int = typer.Option(None, "--free-episodes", help="Episodes before the paywall (check this choice)."),
    budget: float = typer.Option(None, "--budget", help="Production budget in yuan (for the NRTA review tier)."),
    audience: str = typer.Option(None, "--audience", help="Target audience for the compliance lint (e.g. children)."),
    params_file: Path = typer.Option(None, "--params", help="Runtime params JSON (from dramalens calibrate --out)."),
    rules_file: Path = typer.Option(
        None, "--rules", help="Compliance rules TOML ([[rule]] tables) added to the built-in rules "
        "(default: compliance_rules in the settings: DRAMALENS_COMPLIANCE_RULES or dramalens.toml)."),
    input_format: str = typer.Option(None, "--input-format", help="Force the input format: fountain, chinese, fdx, docx."),
    encoding: str = typer.Option(None, "--encoding", help="Force the text encoding (e.g. gb18030, big5, utf-16)."),
) -> None:
    """Measure FILE: runtime, format, pacing, hooks, paywall, characters, arc and compliance."""
    from ..analysis import analyze
    from ..analysis.episode_format import FORMATS
    from ..parsing import parse

    if format is not None and format not in FORMATS:
        raise ConfigError(f"unknown --format {format!r}; allowed: {', '.join(FORMATS)}")
    params = _load_params(params_file)
    settings = current_settings()
    rules_file = rules_file if rules_file is not None else settings.compliance_rules
    if rules_file is not None:
        _check_rules(rules_file)  # before the parse: a bad rules file fails fast
    script = parse(file, format=input_format, encoding=encoding, max_bytes=settings.max_bytes)
    analysis = analyze(
        script, format=format, free_episodes=free_episodes, budget_yuan=budget, audience=audience, params=params,
        compliance_rules=rules_file,
    )
    written = []
    if csv_dir is not None:
        from ..report.tables import write_csv_tables

        written.extend(write_csv_tables(analysis, csv_dir))
    if html is not None:
        from ..report.html import render_html

        try:
            html.write_text(render_html(analysis, script), encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write the HTML report: {exc.strerror}", source=str(html)) from exc
        written.append(html)
    if as_json:
        from ..report.tables import to_json

        sys.stdout.write(to_json(analysis) + "\n")
    else:
        _print_summary(analysis, file)
    for path in written:
        print(f"dramalens: wrote {path}", file=sys.stderr)


# Short labels keep the episode table inside an 80-column terminal.
_SHORT = {"cliffhanger_mark": "mark", "interruption": "cut-off", "reversal": "twist", "question": "q"}


def _print_summary(analysis, file: Path) -> None:
    console = Console()
    rt, fmt, hooks, pw = analysis.runtime, analysis.format, analysis.hooks, analysis.paywall
    lo, hi = fmt.band
    pages = f", ~{rt.pages:.1f} pages (1 page ≈ 1 min)" if rt.pages is not None else ""
    console.print(
        f"[bold]{analysis.title or file.name}[/bold] — {analysis.source_format}, {analysis.language}, "
        f"{analysis.episode_count} episodes, {rt.total_minutes:.1f} min{pages}"
    )
    how = "chosen" if fmt.chosen else "classified"
    console.print(
        f"format: [bold]{fmt.format}[/bold] ({how}; median episode {_mmss(fmt.median_seconds)}, band "
        f"{_mmss(lo)}-{_mmss(hi)}); {len(fmt.outside)} outside the band"
    )
    console.print(
        f"hooks: {hooks.hooks_per_minute:.2f}/min (target {hooks.hook_target_per_minute:.0f}/min); reversals "
        f"{hooks.reversals_per_minute:.2f}/min (target {hooks.reversal_target_per_minute:.0f}/min) — folk rules, not verdicts"
    )
    table = Table(title="episodes (hook s: seconds to the first conflict/question; end: ending strength 0-1)")
    # Short headers so that the table fits an 80-column terminal.
    for col, justify in (("ep", "right"), ("runtime", "right"), ("band", "left"), ("scn", "right"),
                         ("hook s", "right"), ("end", "right")):
        table.add_column(col, justify=justify, no_wrap=True, min_width=5 if col == "band" else len(col))
    # One line a row: the strongest cues first, cut with an ellipsis when the terminal is narrow.
    table.add_column("ending cues", no_wrap=True, overflow="ellipsis", max_width=18)
    table.add_column("", no_wrap=True)
    by_hooks = {h.number: h for h in hooks.episodes}
    paywall_ep = pw.paywall_episode
    for ep in rt.episodes:
        h = by_hooks.get(ep.number)
        status = fmt.status(ep.number)
        band = {"ok": "[green]ok[/green]", "short": "[yellow]short[/yellow]", "long": "[red]long[/red]"}[status]
        strength = h.ending_strength if h else 0.0
        colour = "green" if strength >= hooks.weak_threshold else "yellow"
        cues = ",".join(list(dict.fromkeys(_SHORT.get(c.category, c.category) for c in h.ending_cues))[:3]) if h else ""
        marker = "◆ paywall" if ep.number == paywall_ep else ""
        first = f"{h.first_hook_seconds:.0f}" if h and h.first_hook_seconds is not None else "—"
        table.add_row(str(ep.number), _mmss(ep.seconds), band, str(ep.scenes), first,
                      f"[{colour}]{strength:.2f}[/{colour}]", cues, marker)
    console.print(table)
    if pw.chosen is not None:
        strength = "—" if pw.chosen_strength is None else f"{pw.chosen_strength:.2f}"
        console.print(f"paywall: chosen after episode {pw.chosen} (ending {strength})")
    if pw.recommended is not None:
        console.print(
            f"paywall: recommended after episode {pw.recommended} (ending {pw.recommended_strength:.2f}; "
            f"searched episodes {pw.window[0]}-{pw.window[1]})"
        )
    # Only the characters part: serialising the whole analysis here would redo every table.
    character_report = (analysis.characters.to_dict() if analysis.characters is not None else None) or {}
    chars = character_report.get("characters") or []
    if chars:
        top = Table(title="top characters")
        for col in ("name", "lines", "screen", "tier", "agency"):
            top.add_column(col)
        for c in chars[:5]:
            agency = c.get("agency")
            top.add_row(str(c.get("name", "")), str(c.get("lines", "")), _mmss(c.get("screen_seconds")),
                        str(c.get("tier", "")), "" if agency is None else f"{agency:+.2f}")
        console.print(top)
        drive = (character_report.get("summary") or {}).get("drive_label")
        if drive:
            console.print(f"drive: {drive}", highlight=False)
    flags = _count_flags(analysis.compliance)
    if flags is not None:
        console.print(f"compliance: {flags} flag(s)" + (" — see --json or --html" if flags else ""))
    for w in analysis.warnings:
        console.print(f"[yellow]warning:[/yellow] {w}", highlight=False)


def _count_flags(compliance) -> int | None:
    if compliance is None:
        return None
    d = compliance.to_dict() if hasattr(compliance, "to_dict") else compliance
    if not isinstance(d, dict):
        return None
    for key in ("flags", "findings", "issues"):
        if isinstance(d.get(key), list):
            return len(d[key])
    return None


def calibrate_command(
    table: Path = typer.Argument(..., help="CSV with a header path,minutes (paths relative to the CSV)."),
    out: Path = typer.Option(None, "--out", help="Write the fitted params and fit error as JSON here."),
) -> None:
    """Fit the runtime model's rates to scripts of known duration (least squares)."""
    from ..analysis.calibrate import calibrate

    result = calibrate(table)
    console = Console()
    t = Table(title=f"calibration on {result.scripts} script(s)")
    for col in ("script", "minutes", "before", "after"):
        t.add_column(col, justify="right" if col != "script" else "left")
    for name, actual, before, after in result.rows:
        t.add_row(name, f"{actual:.2f}", f"{before:.2f}", f"{after:.2f}")
    console.print(t)
    console.print(f"RMSE {result.rmse_before:.3f} → {result.rmse_after:.3f} min (MAE after {result.mae_after:.3f})")
    for key, value in result.params.to_dict().items():
        console.print(f"  {key} = {value:.4g}")
    if out is not None:
        out.write_text(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"dramalens: wrote {out}", file=sys.stderr)
