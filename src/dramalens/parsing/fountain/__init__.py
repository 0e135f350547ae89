"""Fountain (fountain.io): the parser and the line grammar the writer and the plain-text
screenplay reader share.

>>> parse_fountain("INT. HOUSE - DAY\\n\\nBOB\\nHi.").source_format
'fountain'
"""

from __future__ import annotations

from .parser import parse_fountain
from .syntax import read_cue, starts_title_page

__all__ = ["parse_fountain", "read_cue", "starts_title_page"]
