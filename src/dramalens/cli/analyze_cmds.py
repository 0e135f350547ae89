"""``dramalens analyze`` and ``dramalens calibrate``: measure a script; fit the runtime model."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path

import typer
from rich.console import Console, RenderableType

from ..analysis import analyze_file
from ..analysis.calibrate import calibrate
from ..report import calibration_summary, summary, to_json, write_reports
from ..serial import to_jsonable
from .context import current_settings

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add ``analyze`` and ``calibrate`` to ``app``."""
    app.command("analyze")(analyze_command)
    app.command("calibrate")(calibrate_command)


def analyze_command(
    file: Path = typer.Argument(..., help="Script file: .fountain, .fdx, .docx, .txt (Chinese or Fountain)."),
    format: str | None = typer.Option(None, "--format", help="Check against vertical or horizontal (default: classify)."),
    as_json: bool = typer.Option(False, "--json", help="Print the whole analysis as JSON instead of the summary."),
    html: Path | None = typer.Option(None, "--html", help="Write an HTML report to this file."),
    csv_dir: Path | None = typer.Option(None, "--csv", help="Write the tables as CSV files into this directory."),
    free_episodes: int | None = typer.Option(None, "--free-episodes", help="Episodes before the paywall (check this choice)."),
    budget: float | None = typer.Option(None, "--budget", help="Production budget in yuan (for the NRTA review tier)."),
    audience: str | None = typer.Option(None, "--audience", help="Target audience for the compliance lint (e.g. children)."),
    params_file: Path | None = typer.Option(None, "--params", help="Runtime params JSON (from dramalens calibrate --out)."),
    rules_file: Path | None = typer.Option(
        None, "--rules", help="Compliance rules TOML ([[rule]] tables) added to the built-in rules "
        "(default: compliance_rules in the settings: DRAMALENS_COMPLIANCE_RULES or dramalens.toml)."),
    input_format: str | None = typer.Option(None, "--input-format", help="Force the input format: fountain, chinese, fdx, docx."),
    encoding: str | None = typer.Option(None, "--encoding", help="Force the text encoding (e.g. gb18030, big5, utf-16)."),
    lang: str | None = typer.Option(None, "--lang", help="Language of the summary and the HTML report: zh or en "
                                    "(default: the script's language)."),
) -> None:
    """Measure FILE: runtime, format, pacing, hooks, paywall, characters, arc, compliance and tropes."""
    settings = current_settings()
    analysis = analyze_file(
        file, input_format=input_format, encoding=encoding, max_bytes=settings.max_bytes, format=format,
        free_episodes=free_episodes, budget_yuan=budget, audience=audience, params_path=params_file,
        compliance_rules=rules_file if rules_file is not None else settings.compliance_rules,
    )
    written = write_reports(analysis, html=html, csv_dir=csv_dir, lang=lang)
    if as_json:
        sys.stdout.write(to_json(analysis) + "\n")
    else:
        _print(summary(analysis, file.name, read_quality_threshold=settings.read_quality_threshold, lang=lang))
    for path in written:
        print(f"dramalens: wrote {path}", file=sys.stderr)


def calibrate_command(
    table: Path = typer.Argument(..., help="CSV with a header path,minutes (paths relative to the CSV)."),
    out: Path | None = typer.Option(None, "--out", help="Write the fitted params and fit error as JSON here."),
) -> None:
    """Fit the runtime model's rates to scripts of known duration (least squares)."""
    result = calibrate(table)
    _print(calibration_summary(result))
    if out is not None:
        out.write_text(json.dumps(to_jsonable(result), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"dramalens: wrote {out}", file=sys.stderr)


def _print(items: Iterable[RenderableType]) -> None:
    console = Console()
    for item in items:
        console.print(item)
