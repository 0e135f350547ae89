"""Reports of an :class:`~dramalens.analysis.Analysis`: JSON, CSV tables and a self-contained HTML page.

``render_html`` (from ``report.html``) is loaded on first use, so JSON/CSV export does not
pull in the HTML renderer.
"""

from __future__ import annotations

from .tables import rows_to_csv, to_json, write_csv_tables

__all__ = ["render_html", "rows_to_csv", "to_json", "write_csv_tables"]


def __getattr__(name: str):
    if name == "render_html":
        from .html import render_html

        return render_html
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
