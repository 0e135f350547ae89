"""Decoded text → the parser for its format: Chinese conventions, FDX XML, or plain
screenplay text (Fountain, PDF/Word exports, micro-drama scripts)."""

from __future__ import annotations

from ..errors import ConfigError
from ..model import Script
from .chinese import parse_chinese
from .detect import check_format, sniff_text_format
from .fdx import parse_fdx
from .screenplay_text import parse_screenplay_text

__all__ = ["parse_text"]


def parse_text(text: str, *, format: str | None = None, source: str | None = None, encoding: str | None = None) -> Script:
    """Parse already-decoded text (Fountain, Chinese plain-text script or FDX XML).

    >>> parse_text("第1集\\n1-1 日 内 客厅\\n△林晚推门而入。").source_format
    'chinese'
    """
    fmt = format or sniff_text_format(text)
    check_format(fmt)
    if fmt == "fdx":
        return parse_fdx(text.encode("utf-8"), source=source)
    if fmt == "docx":
        raise ConfigError("docx is a binary format: pass bytes or a path, not text", source=source)
    if fmt == "chinese":
        return parse_chinese(text, source=source, encoding=encoding)
    return parse_screenplay_text(text, source=source, encoding=encoding)
