"""Choosing a parser: by extension first, then by what the text looks like."""

from __future__ import annotations

import re

from ..errors import ConfigError
from ..text import count_han, identify_language
from ..text.han import HAN_CLASS

__all__ = ["FORMATS", "check_format", "detect_format", "sniff_text_format"]

#: Every format name ``parse`` accepts.
FORMATS = ("fountain", "chinese", "fdx", "docx")

_EXTENSIONS = {
    ".fountain": "fountain",
    ".spmd": "fountain",
    ".fdx": "fdx",
    ".fadein": "fdx",
    ".docx": "docx",
}

# Markers only a Chinese-convention script has: episode heads, numbered scene heads, △ action,
# cast lines. Two or more distinct kinds (or many of one) decide.
_ZH_EPISODE = re.compile(r"^\s*(?:第\s*[0-9０-９一二三四五六七八九十百千零〇两]+\s*集|[Ee][Pp]\.?\s*\d+)", re.M)
_ZH_SCENE = re.compile(r"^\s*\d+\s*[-－—.]\s*\d+\s*[：:、.\s]", re.M)
_ZH_ACTION = re.compile(r"^\s*[△▲]", re.M)
_ZH_CAST = re.compile(r"^\s*(?:人物|出场人物|出场)\s*[：:]", re.M)
_LATIN = re.compile(r"[A-Za-z]")
# Lines only Fountain writes: scene headings, forced headings/cues/transitions, title-page keys.
_FOUNTAIN_MARKS = re.compile(
    r"^(?:(?:INT|EXT|EST|I/E|INT\./EXT)[. ]|\.[^.\s]|@\S|>.*[^<]$|={3,}|(?:Title|Credit|Author|Draft date):)",
    re.M | re.I,
)
_ZH_DIALOGUE = re.compile(f"^[{HAN_CLASS}]{{1,6}}(?:[（(][^）)]{{0,12}}[）)])?[：:]\\S", re.M)
# Languages written with Han characters, whose scripts may follow the Chinese conventions.
_HAN_LANGUAGES = frozenset({"zh", "ja", "ko"})


def sniff_text_format(text: str) -> str:
    """``"fdx"``, ``"chinese"`` or ``"fountain"`` for plain text.

    >>> sniff_text_format("第1集\\n1-1 日 内 客厅\\n△林晚推门而入。")
    'chinese'
    >>> sniff_text_format("INT. HOUSE - DAY\\n\\nBOB\\nHi.")
    'fountain'
    """
    head = text[:4000].lstrip()
    if head.startswith("<?xml") or head.startswith("<FinalDraft"):
        return "fdx"
    sample = text[:200000]
    # An English script (EP 01, 1-2 INT. CAFE) can show the Chinese markers' shapes; text not
    # written in an East Asian language is never a Chinese-convention script.
    if identify_language(sample[:20000]) not in _HAN_LANGUAGES:
        # …unless its speakers are named in Han before a full-width colon on many lines
        # (皇后：I'm the new queen.): a bilingual school play in the Chinese layout.
        cues = len(_ZH_DIALOGUE.findall(sample))
        if cues < 5:  # the usual case: no line count needed
            return "fountain"
        lines = sum(1 for line in sample.split("\n") if line.strip())
        return "chinese" if cues * 3 >= lines else "fountain"
    kinds = sum(
        1 for rx in (_ZH_EPISODE, _ZH_SCENE, _ZH_ACTION, _ZH_CAST) if rx.search(sample)
    )
    han = count_han(sample[:20000])
    if kinds >= 2 or (kinds == 1 and han > 20):
        return "chinese"
    if han > 50 and len(_ZH_DIALOGUE.findall(sample)) >= 3:
        return "chinese"
    # Short Chinese text (a scene, a pasted fragment) with none of Fountain's own marks: the
    # Chinese parser reads it far better than Fountain, which needs upper-case cues.
    if han and han >= len(_LATIN.findall(sample[:20000])) and not _FOUNTAIN_MARKS.search(sample):
        return "chinese"
    return "fountain"


def check_format(fmt: str) -> None:
    """Raise :class:`~dramalens.errors.ConfigError` unless ``fmt`` is one of :data:`FORMATS`.

    >>> check_format("fdx")
    """
    if fmt not in FORMATS:
        raise ConfigError(f"unknown format {fmt!r}; allowed: {', '.join(FORMATS)}")


def detect_format(extension: str, text: str | None) -> str:
    """The format for a file with ``extension`` whose decoded text is ``text`` (None for binary).

    >>> detect_format(".fdx", None), detect_format(".txt", "第1集\\n1-1 日 内 客厅\\n△林晚推门而入。")
    ('fdx', 'chinese')
    """
    fmt = _EXTENSIONS.get(extension.lower())
    if fmt:
        return fmt
    return sniff_text_format(text or "")
