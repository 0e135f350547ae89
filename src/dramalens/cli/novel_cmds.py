"""``dramalens chapters``: read a novel (.txt or .epub) and show its chapters."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from ..i18n import Param, Translator, check_language, reader
from ..model.novel import Novel
from ..parsing.novel import read_novel
from .context import current_settings

__all__ = ["register"]

_FIRST_LINE_WIDTH = 40


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("chapters")(chapters_command)


def _chapters_table(novel: Novel, name: str, t: Translator) -> Table:
    """Number, kind, volume, title, length and first line of each chapter."""
    unit = "nv.col.chars" if novel.language == "zh" else "nv.col.words"
    fields: dict[str, Param] = dict(title=novel.title or name, author=novel.author or "", source=t(f"srcfmt.{novel.source_format}"), encoding=novel.encoding,
                  language=novel.language, n=len(novel.chapters), length=novel.length,
                  unit=t("unit.characters" if novel.language == "zh" else "unit.words"))
    table = Table(title=t("nv.title_by" if novel.author else "nv.title", **fields))
    for key in ("#", "nv.col.kind", "nv.col.volume", "nv.col.title", unit, "nv.col.first"):
        table.add_column(t(key) if key != "#" else key, justify="right" if key in ("#", unit) else "left")
    for c in novel.chapters:
        first = c.first_line
        if len(first) > _FIRST_LINE_WIDTH:
            first = first[: _FIRST_LINE_WIDTH - 1] + "…"
        table.add_row(str(c.number), t(f"nv.kind.{c.kind}"), c.volume or "", c.heading.replace("\n", " ") or c.title,
                      f"{c.length(novel.language):,}", first)
    return table


def chapters_command(
    file: Path = typer.Argument(..., help="Novel: .txt (UTF-8, UTF-16, GB18030, Big5) or .epub."),
    as_json: bool = typer.Option(False, "--json", help="Print the novel as JSON (chapters with their text) instead of a table."),
    encoding: str = typer.Option(None, "--encoding", help="Force the text encoding of a .txt (e.g. gb18030, big5, utf-16)."),
    max_bytes: int = typer.Option(None, "--max-bytes", help="Refuse files larger than this many bytes."),
    lang: str | None = typer.Option(None, "--lang", help="Language of the table: zh or en (default: the novel's)."),
) -> None:
    """Split FILE into chapters: number, title, length and first line of each."""
    check_language(lang, "--lang")
    limit = max_bytes if max_bytes is not None else current_settings().max_bytes
    novel = read_novel(file, encoding=encoding, max_bytes=limit)
    if as_json:
        sys.stdout.write(json.dumps(novel.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        Console().print(_chapters_table(novel, file.name, reader(lang, novel.language)))
    for warning in novel.warnings[:20]:
        print(f"dramalens: warning: {file}: {warning}", file=sys.stderr)
