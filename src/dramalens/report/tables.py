"""CSV tables and JSON export of an analysis.

CSV files are written as UTF-8 with a BOM (``utf-8-sig``): without it, Excel, still the
spreadsheet of most script desks, shows Chinese as mojibake; every CSV reader skips the BOM.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from ..analysis import Analysis
from ..errors import InputError
from ..serial import Scalar

__all__ = ["rows_to_csv", "to_json", "write_csv_tables"]


def to_json(analysis: Analysis, *, indent: int | None = 2) -> str:
    """The analysis as a JSON document (``analysis.to_dict()``), non-ASCII kept readable.

    >>> from dramalens import analyze, parse
    >>> to_json(analyze(parse("第1集\\n1-1 日 内 客厅\\n林晚：你好。")), indent=None)[:30]
    '{"title": "", "language": "zh"'
    """
    return json.dumps(analysis.to_dict(), ensure_ascii=False, indent=indent)


def _columns(rows: list[dict[str, Scalar]]) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        for key in row:
            seen.setdefault(key, None)
    return list(seen)


def rows_to_csv(rows: list[dict[str, Scalar]]) -> str:
    """Rows (dicts) as CSV text; the header is the union of keys in first-seen order.

    >>> rows_to_csv([{"episode": 1, "seconds": 90.0}, {"episode": 2, "paywall": True}]).splitlines()
    ['episode,seconds,paywall', '1,90.0,', '2,,true']
    """
    out = io.StringIO()
    columns = _columns(rows)
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(row.get(k)) for k in columns})
    return out.getvalue()


def _cell(value: Scalar) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):  # lower-case like JSON, so pandas and spreadsheets read it the same
        return "true" if value else "false"
    return value


_SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


def write_csv_tables(analysis: Analysis, directory: str | Path) -> list[Path]:
    """Write each of ``analysis.tables()`` to ``DIRECTORY/<name>.csv``; returns the paths.

    >>> import tempfile
    >>> from dramalens import analyze, parse
    >>> a = analyze(parse("第1集\\n1-1 日 内 客厅\\n林晚：你好。"))
    >>> [p.name for p in write_csv_tables(a, tempfile.mkdtemp())][:3]
    ['episodes.csv', 'scenes.csv', 'hooks.csv']
    """
    out = Path(directory)
    if out.exists() and not out.is_dir():
        raise InputError("is a file, not a directory", source=str(out), hint="give a directory for the CSV tables")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the directory: {exc.strerror}", source=str(out)) from exc
    paths: list[Path] = []
    for name, rows in analysis.tables().items():
        path = out / f"{_SAFE_NAME.sub('_', name) or 'table'}.csv"
        path.write_text(rows_to_csv(rows), encoding="utf-8-sig")
        paths.append(path)
    return paths
