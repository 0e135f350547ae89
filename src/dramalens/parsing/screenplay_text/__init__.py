"""Plain-text screenplays that are not hand-written Fountain (PDF and Word exports, micro-drama
scripts written in Word), rewritten into Fountain and read by the Fountain parser.

Modules: :mod:`.lines` (what such lines look like), :mod:`.writer` (the Fountain written, with
its map back to the source), :mod:`.export` (formatted exports), :mod:`.colon` (``NAME: line``
scripts), :mod:`.layout` (which layout a file shows), :mod:`.reader` (the entry point).
"""

from __future__ import annotations

from .layout import FOUNTAIN_MARK, detect_layout, is_layout_line, normalise_layout
from .reader import parse_screenplay_text

__all__ = ["FOUNTAIN_MARK", "detect_layout", "is_layout_line", "normalise_layout", "parse_screenplay_text"]
