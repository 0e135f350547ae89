"""``dramalens parse`` and ``dramalens stats``: read a script and show what was read."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from ..errors import ConfigError
from .context import current_settings
from ..parsing import parse
from ..text import speech_units
from ..model import SPOKEN_TYPES, ElementType

OUTPUT_FORMATS = ("json", "jsonl", "fountain", "fdx")


def register(app: typer.Typer) -> None:
    app.command("parse")(parse_command)
    app.command("stats")(stats_command)


def _read(file: Path, input_format: str | None, encoding: str | None, max_bytes: int | None):
    limit = max_bytes if max_bytes is not None else current_settings().max_bytes
    return parse(file, format=input_format, encoding=encoding, max_bytes=limit)


def parse_command(
    file: Path = typer.Argument(..., help="Script file: .fountain, .fdx, .docx, .txt (Chinese or Fountain)."),
    format: str = typer.Option("jsonl", "--format", "-f", help="Output: json, jsonl, fountain or fdx."),
    input_format: str = typer.Option(None, "--input-format", help="Force the input format: fountain, chinese, fdx, docx."),
    encoding: str = typer.Option(None, "--encoding", help="Force the text encoding (e.g. gb18030, big5, utf-16)."),
    max_bytes: int = typer.Option(None, "--max-bytes", help="Refuse files larger than this many bytes."),
) -> None:
    """Parse FILE and print its elements (jsonl: one element a line) or convert it."""
    if format not in OUTPUT_FORMATS:
        raise ConfigError(f"unknown output format {format!r}; allowed: {', '.join(OUTPUT_FORMATS)}")
    script = _read(file, input_format, encoding, max_bytes)
    out = sys.stdout
    if format == "jsonl":
        from ..writers.jsonl import to_jsonl_records

        for record in to_jsonl_records(script):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    elif format == "json":
        from ..writers.jsonl import script_to_dict

        out.write(json.dumps(script_to_dict(script), ensure_ascii=False, indent=2) + "\n")
    elif format == "fountain":
        from ..writers.fountain import write_fountain

        out.write(write_fountain(script))
    else:
        from ..writers.fdx import write_fdx

        out.write(write_fdx(script))
    for warning in script.warnings[:20]:
        print(f"dramalens: warning: {file}: {warning}", file=sys.stderr)


def stats_command(
    file: Path = typer.Argument(..., help="Script file."),
    input_format: str = typer.Option(None, "--input-format", help="Force the input format."),
    encoding: str = typer.Option(None, "--encoding", help="Force the text encoding."),
    max_bytes: int = typer.Option(None, "--max-bytes", help="Refuse files larger than this many bytes."),
) -> None:
    """Episodes, scenes, characters and the amount of dialogue and action, per episode."""
    script = _read(file, input_format, encoding, max_bytes)
    unit = "chars" if script.language == "zh" else "words"
    console = Console()
    table = Table(title=f"{script.title or file.name} — {script.source_format}, {script.language}, {len(script.characters)} characters")
    for col in ("episode", "scenes", "speakers", f"dialogue {unit}", f"action {unit}", "lines"):
        table.add_column(col, justify="right")
    totals = [0, 0, 0, 0]
    for episode in script.episodes:
        speakers = {e.character for e in episode.elements if e.character}
        dialogue = sum(speech_units(e.text, script.language) for e in episode.elements if e.type in SPOKEN_TYPES)
        action = sum(speech_units(e.text, script.language) for e in episode.elements if e.type == ElementType.ACTION)
        lines = sum(1 for e in episode.elements if e.type in SPOKEN_TYPES)
        row = [len(episode.scenes), len(speakers), dialogue, action, lines]
        table.add_row(str(episode.number), *map(str, row))
        totals = [a + b for a, b in zip(totals, (row[0], row[2], row[3], row[4]))]
    table.add_row("total", str(totals[0]), str(len(script.characters)), str(totals[1]), str(totals[2]), str(totals[3]), style="bold")
    console.print(table)
