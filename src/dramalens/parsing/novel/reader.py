"""Reading a novel whole: a .txt (in any encoding :mod:`dramalens.parsing.source` detects), an
.epub, raw bytes or text → :class:`~dramalens.model.novel.Novel`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ...errors import ConfigError, InputError
from ...model.elements import ParseWarning
from ...model.novel import Novel
from ...text import identify_language
from ..source import decode_bytes, read_bytes
from .chapters import split_chapters
from .epub import read_epub
from .front_matter import front_matter_metadata

__all__ = ["novel_from_text", "read_novel"]


def read_novel(
    path_or_bytes: str | os.PathLike[str] | bytes,
    *,
    encoding: str | None = None,
    max_bytes: int | None = None,
) -> Novel:
    """Read a novel from a .txt or .epub file (a path), raw bytes, or its text, split into chapters.

    A ``str`` with a line break (or that names no file and does not end in .txt/.epub) is
    the novel's text itself. The encoding of a .txt is detected unless ``encoding`` is given.

    >>> novel = read_novel("第一章 风起\\n夜深了。\\n第二章 云涌\\n雨停了。")
    >>> [(c.source_number, c.title) for c in novel.chapters], novel.language
    ([(1, '风起'), (2, '云涌')], 'zh')
    """
    if max_bytes is not None and (not isinstance(max_bytes, int) or isinstance(max_bytes, bool) or max_bytes <= 0):
        raise ConfigError(f"max_bytes must be a positive number of bytes, got {max_bytes!r}")
    if isinstance(path_or_bytes, bytes):
        return _from_bytes(path_or_bytes, "<input>", "", encoding, max_bytes)
    if isinstance(path_or_bytes, os.PathLike) or (isinstance(path_or_bytes, str) and _names_a_file(path_or_bytes)):
        path = Path(path_or_bytes)
        data = read_bytes(path, max_bytes=max_bytes)
        return _from_bytes(data, str(path), path.suffix.lower(), encoding, max_bytes)
    if not isinstance(path_or_bytes, str):
        raise ConfigError(f"read_novel takes a path, bytes or text, got {type(path_or_bytes).__name__}")
    if not path_or_bytes.strip():
        raise InputError("the novel is empty", source="<text>", hint="give a file with a novel in it", key="err.empty_novel")
    return novel_from_text(path_or_bytes, source="<text>", encoding="")


def _names_a_file(text: str) -> bool:
    if "\n" in text or len(text) >= 4096:
        return False
    if text.lower().endswith((".txt", ".epub")):
        return True
    try:
        return os.path.isfile(text)
    except (OSError, ValueError):
        return False


def _from_bytes(data: bytes, name: str, suffix: str, encoding: str | None, max_bytes: int | None) -> Novel:
    if max_bytes is not None and len(data) > max_bytes:
        raise InputError(f"the input is {len(data):,} bytes, over the limit of {max_bytes:,}", source=name, hint="raise --max-bytes")
    if not data.strip():
        raise InputError("the file is empty", source=name, hint="give a file with a novel in it", key="err.empty_novel")
    if suffix == ".epub" or data[:4] == b"PK\x03\x04":
        return read_epub(data, source=name)
    text, used, notes = decode_bytes(data, encoding=encoding, name=name)
    novel = novel_from_text(text, source=name, encoding=used)
    if notes:
        extra = tuple(ParseWarning(0, n) for n in notes)
        return Novel(**{**_fields(novel), "warnings": extra + novel.warnings})
    return novel


def _fields(novel: Novel) -> dict[str, Any]:
    return {name: getattr(novel, name) for name in Novel.__dataclass_fields__}


def novel_from_text(text: str, *, source: str = "<text>", encoding: str = "") -> Novel:
    """A Novel from decoded text: chapters split, title and author read from the front matter.

    >>> novel_from_text("书名：西游记\\n作者：吴承恩\\n第一回 灵根育孕源流出\\n诗曰。").author
    '吴承恩'
    """
    result = split_chapters(text)
    sample = text[:200_000]
    language = identify_language(sample)
    if result.front_matter:
        title, author = front_matter_metadata(result.front_matter)
    else:
        # No title page: only the lines before the first chapter (site lines dropped as noise,
        # such as "《书名》全集TXT下载") may name the book, never the story's own text.
        first = result.chapters[0].line - 1 if result.chapters and result.chapters[0].heading else 0
        title, author = front_matter_metadata("\n".join(text.split("\n", first)[:first]), title_page=False)
    if not title and source not in ("<text>", "<input>"):
        title = Path(source).stem
    return Novel(
        title=title,
        author=author,
        language=language,
        source=source,
        encoding=encoding,
        chapters=result.chapters,
        warnings=result.warnings,
        front_matter=result.front_matter,
        source_format="txt",
        removed=result.removed,
    )

