"""Parsers: detect format and encoding, return a :class:`~dramalens.model.Script`.

Parsers never raise on text they can decode: what they do not recognise becomes action plus
a warning. Only input that cannot be read at all raises :class:`~dramalens.errors.InputError`.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InputError
from ..model import ParseWarning, Script
from .detect import FORMATS, check_format, detect_format
from .dispatch import parse_text
from .docx import parse_docx
from .fdx import parse_fdx
from .source import decode_bytes, read_bytes

__all__ = ["FORMATS", "parse", "parse_bytes", "parse_text"]


def parse_bytes(
    data: bytes,
    *,
    format: str | None = None,
    source: str | None = None,
    encoding: str | None = None,
    extension: str = "",
) -> Script:
    """Parse raw bytes of any supported format; the encoding is detected unless given."""
    name = source or "<input>"
    if not data.strip():
        raise InputError("the input is empty", source=name, hint="give a file with a script in it")
    fmt = format
    if fmt is None:
        if data[:4] == b"PK\x03\x04":
            fmt = "docx"
        else:
            fmt = detect_format(extension, None) if extension.lower() in (".fdx", ".fadein", ".docx") else None
    if fmt is not None:
        check_format(fmt)
    if fmt == "docx":
        return parse_docx(data, source=name)
    if fmt == "fdx":
        return parse_fdx(data, source=name)
    text, used, warnings = decode_bytes(data, encoding=encoding, name=name)
    fmt = fmt or detect_format(extension, text)
    if fmt == "fdx":  # sniffed from text: XML without the extension
        return parse_fdx(data, source=name)
    script = parse_text(text, format=fmt, source=name, encoding=used)
    script.warnings[:0] = [ParseWarning(0, w) for w in warnings]
    return script


def parse(
    path_or_text: str | os.PathLike[str] | bytes,
    *,
    format: str | None = None,
    encoding: str | None = None,
    max_bytes: int | None = None,
) -> Script:
    """Parse a script file (a path) or script text, choosing the parser by extension and content.

    A ``str`` is taken as a path when it names an existing file and has no line break;
    otherwise it is the script text itself. ``bytes`` are raw file contents.

    >>> parse("INT. HOUSE - DAY\\n\\nBOB\\nHi.").source_format
    'fountain'
    """
    if isinstance(path_or_text, bytes):
        return parse_bytes(path_or_text, format=format, encoding=encoding)
    if isinstance(path_or_text, os.PathLike) or _names_a_file(path_or_text):
        path = Path(path_or_text)
        data = read_bytes(path, max_bytes=max_bytes)
        return parse_bytes(data, format=format, source=str(path), encoding=encoding, extension=path.suffix)
    return parse_text(path_or_text, format=format)


# A one-line string ending in one of these is a file name even when the file is missing, so a
# typo gives "file not found" instead of a one-line "script".
_FILE_SUFFIXES = (".fountain", ".spmd", ".fdx", ".fadein", ".docx", ".txt", ".epub")


def _names_a_file(text: str) -> bool:
    if "\n" in text or len(text) >= 4096:
        return False
    if text.lower().endswith(_FILE_SUFFIXES):
        return True
    try:
        return os.path.isfile(text)
    except (OSError, ValueError):
        return False

