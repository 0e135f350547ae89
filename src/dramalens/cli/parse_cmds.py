"""``dramalens parse`` and ``dramalens stats``: read a script and show what was read."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import typer
from rich.console import Console, RenderableType
from rich.table import Table

from ..errors import ConfigError
from ..i18n import Translator, reader
from ..model import SPOKEN_TYPES, ElementType, Script
from ..parsing import parse
from ..report import quality_lines
from ..serial import to_jsonable
from ..text import speech_units
from ..writers.fdx import write_fdx
from ..writers.fountain import write_fountain
from ..writers.jsonl import script_to_dict, to_jsonl_records
from .context import current_settings

__all__ = ["OUTPUT_FORMATS", "register"]


def _jsonl(script: Script) -> str:
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in to_jsonl_records(script))


def _json(script: Script) -> str:
    return json.dumps(script_to_dict(script), ensure_ascii=False, indent=2) + "\n"


#: ``--format`` → the writer that renders a parsed script.
WRITERS: dict[str, Callable[[Script], str]] = {"json": _json, "jsonl": _jsonl, "fountain": write_fountain, "fdx": write_fdx}
OUTPUT_FORMATS = tuple(WRITERS)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("parse")(parse_command)
    app.command("stats")(stats_command)


def _read(file: Path, input_format: str | None, encoding: str | None, max_bytes: int | None) -> Script:
    limit = max_bytes if max_bytes is not None else current_settings().max_bytes
    return parse(file, format=input_format, encoding=encoding, max_bytes=limit)


def _warn(file: Path, warnings: Sequence[object]) -> None:
    for warning in warnings[:20]:
        print(f"dramalens: warning: {file}: {warning}", file=sys.stderr)


def parse_command(
    file: Path = typer.Argument(..., help="Script file: .fountain, .fdx, .docx, .txt (Chinese or Fountain)."),
    format: str = typer.Option("jsonl", "--format", "-f", help="Output: json, jsonl, fountain or fdx."),
    input_format: str = typer.Option(None, "--input-format", help="Force the input format: fountain, chinese, fdx, docx."),
    encoding: str = typer.Option(None, "--encoding", help="Force the text encoding (e.g. gb18030, big5, utf-16)."),
    max_bytes: int = typer.Option(None, "--max-bytes", help="Refuse files larger than this many bytes."),
) -> None:
    """Parse FILE and print its elements (jsonl: one element a line) or convert it."""
    if format not in WRITERS:
        raise ConfigError(f"unknown output format {format!r}; allowed: {', '.join(OUTPUT_FORMATS)}")
    script = _read(file, input_format, encoding, max_bytes)
    sys.stdout.write(WRITERS[format](script))
    _warn(file, script.warnings)


def _stats_table(script: Script, name: str, t: Translator) -> Table:
    """Per episode: scenes, speakers, dialogue and action (characters for zh, words for en), lines."""
    unit = "chars" if script.language == "zh" else "words"
    table = Table(title=t("st.title", title=script.title or name, source=t(f"srcfmt.{script.source_format}"), language=script.language,
                          n=len(script.characters)))
    for col in ("episode", "scenes", "speakers", f"dialogue_{unit}", f"action_{unit}", "lines"):
        table.add_column(t(f"st.col.{col}"), justify="right")
    totals = [0, 0, 0, 0]
    for episode in script.episodes:
        speakers = {e.character for e in episode.elements if e.character}
        dialogue = sum(speech_units(e.text, script.language) for e in episode.elements if e.type in SPOKEN_TYPES)
        action = sum(speech_units(e.text, script.language) for e in episode.elements if e.type == ElementType.ACTION)
        lines = sum(1 for e in episode.elements if e.type in SPOKEN_TYPES)
        row = [len(episode.scenes), len(speakers), dialogue, action, lines]
        table.add_row(str(episode.number), *map(str, row))
        totals = [a + b for a, b in zip(totals, (row[0], row[2], row[3], row[4]))]
    table.add_row(t("st.total"), str(totals[0]), str(len(script.characters)), str(totals[1]), str(totals[2]), str(totals[3]), style="bold")
    return table


def stats_lines(script: Script, name: str, threshold: float, lang: str | None = None) -> list[RenderableType]:
    """What ``stats`` prints: the per-episode table and the read-quality lines, in ``lang``
    ('zh' or 'en'; by default the script's language)."""
    t = reader(lang, script.language)
    return [_stats_table(script, name, t), *quality_lines(script.quality, threshold, t.lang)]


def stats_command(
    file: Path = typer.Argument(..., help="Script file."),
    input_format: str = typer.Option(None, "--input-format", help="Force the input format."),
    encoding: str = typer.Option(None, "--encoding", help="Force the text encoding."),
    max_bytes: int = typer.Option(None, "--max-bytes", help="Refuse files larger than this many bytes."),
    as_json: bool = typer.Option(False, "--json", help="Print the read quality (score, counts, reasons) as JSON."),
    lang: str | None = typer.Option(None, "--lang", help="Language of the table and the read-quality lines: zh or en "
                                    "(default: the script's language)."),
) -> None:
    """Episodes, scenes, characters and the amount of dialogue and action, per episode, and how
    well the file was read."""
    script = _read(file, input_format, encoding, max_bytes)
    if as_json:
        sys.stdout.write(json.dumps({"file": str(file), "read_quality": to_jsonable(script.quality)}, ensure_ascii=False, indent=2) + "\n")
        return
    console = Console()
    for item in stats_lines(script, file.name, current_settings().read_quality_threshold, lang):
        console.print(item)
