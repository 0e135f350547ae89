"""Lines that are not story, taken out of chapters that are already split (an .epub's pages):
URLs, page markers, site credits and pleas, and a line that recurs word for word in many
chapters (a site's header or footer). The .txt splitter finds the same kinds while it splits
(:mod:`.chapters`); this is the rule for chapters whose boundaries the package gave.

>>> chapters = [["他走了。", "本书首发于某某小说网"], ["她笑了。", "本书首发于某某小说网"],
...             ["天亮了。", "本书首发于某某小说网"]]
>>> kept, removed = strip_noise(chapters, [2, 5, 8])
>>> kept[0], [(r.kind, r.count, r.lines) for r in removed]
(['他走了。'], [('repeated', 3, (3, 6, 9))])
"""

from __future__ import annotations

from collections.abc import Sequence

from ...model.novel import Removed
from .headings import noise_kind

__all__ = ["repeated_lines", "strip_noise"]

# Short speech (“嗯。”) recurs in any novel: only a line that says something can be a footer.
_MIN_REPEATED = 6
_SPEECH_OPENERS = "“「『\"'‘（(—…"


def repeated_lines(chapters: Sequence[Sequence[str]]) -> set[str]:
    """Lines found word for word in at least 3 chapters and half of them, about once a chapter:
    a site's header or footer (``最新网址：…``, ``本书由…首发``). A line said again and again
    inside chapters is story, and short speech (“嗯。”) recurs in any novel, so neither counts.

    >>> sorted(repeated_lines([["他走了。", "本书首发于某网"], ["她笑了。", "本书首发于某网"], ["本书首发于某网"]]))
    ['本书首发于某网']
    """
    seen: dict[str, set[int]] = {}
    times: dict[str, int] = {}
    for n, lines in enumerate(chapters):
        for s in lines:
            if len(s) >= _MIN_REPEATED and s[0] not in _SPEECH_OPENERS:
                seen.setdefault(s, set()).add(n)
                times[s] = times.get(s, 0) + 1
    need = max(3, (len(chapters) + 1) // 2)
    return {s for s, where in seen.items() if len(where) >= need and times[s] * 2 <= len(where) * 3}


def strip_noise(chapters: Sequence[Sequence[str]], first_lines: Sequence[int]) -> tuple[list[list[str]], tuple[Removed, ...]]:
    """Each chapter's lines without the non-story ones, and what was removed by kind with up to
    3 examples and 10 line numbers (``first_lines[n]`` is the 1-based line of chapter n's first
    body line; the lines under a heading never include the heading)."""
    footers = repeated_lines(chapters)
    kept: list[list[str]] = []
    found: dict[str, list[tuple[str, int]]] = {}
    for lines, first in zip(chapters, first_lines, strict=True):
        out: list[str] = []
        for k, s in enumerate(lines):
            kind = None if not s else ("repeated" if s in footers else noise_kind(s))
            if kind is None:
                out.append(s)
            else:
                found.setdefault(kind, []).append((s, first + k))
        kept.append(out)
    report = tuple(Removed(kind, len(at), tuple(dict.fromkeys(s for s, _ in at))[:3], tuple(n for _, n in at[:10]))
                   for kind, at in found.items())
    return kept, report
