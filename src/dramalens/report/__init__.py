"""Reports of an :class:`~dramalens.analysis.Analysis`: JSON, CSV tables, a self-contained HTML
page and the terminal summary. Typed in, text out.

:func:`write_reports` writes the files ``dramalens analyze --html/--csv`` asks for.
"""

from __future__ import annotations

from pathlib import Path

from ..analysis import Analysis
from .html import render_html, write_html
from .quality_text import quality_lines
from .summary import calibration_summary, summary
from .tables import rows_to_csv, to_json, write_csv_tables

__all__ = [
    "calibration_summary",
    "quality_lines",
    "render_html",
    "rows_to_csv",
    "summary",
    "to_json",
    "write_csv_tables",
    "write_html",
    "write_reports",
]


def write_reports(analysis: Analysis, *, html: Path | None = None, csv_dir: Path | None = None,
                  lang: str | None = None) -> list[Path]:
    """Write the CSV tables into ``csv_dir`` and the HTML page (in ``lang``, by default the
    script's language) to ``html`` (each when given); returns the paths written, CSV files first.

    >>> from dramalens import analyze, parse
    >>> write_reports(analyze(parse("第1集\\n1-1 日 内 客厅\\n林晚：你好。")))
    []
    """
    written: list[Path] = []
    if csv_dir is not None:
        written.extend(write_csv_tables(analysis, csv_dir))
    if html is not None:
        written.append(write_html(analysis, html, lang))
    return written
