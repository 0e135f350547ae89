"""Sections of one (X)HTML document told apart by its own headings, for an .epub that pours
many chapters into one spine item whose headings carry no chapter number (``<h2>雪夜</h2>``)."""

from __future__ import annotations

from collections import Counter

__all__ = ["heading_sections"]

#: Fewer headings than this at one level are a title and a subtitle, not sections.
MIN_SECTIONS = 3


def heading_sections(headings: list[tuple[int, str, int]], line_count: int) -> list[tuple[str, int, int]]:
    """(title, first line, end line) of each section under the document's most used heading
    level, when it has at least :data:`MIN_SECTIONS` headings with text under them; else [].

    ``headings`` are (level, text, line index) in document order.

    >>> heading_sections([(1, "书", 0), (2, "甲", 1), (2, "乙", 3), (2, "丙", 5)], 7)
    [('甲', 1, 3), ('乙', 3, 5), ('丙', 5, 7)]
    """
    levels = Counter(level for level, text, _ in headings if text.strip())
    if not levels:
        return []
    level, count = max(levels.items(), key=lambda kv: (kv[1], -kv[0]))
    if count < MIN_SECTIONS:
        return []
    starts = [(text.strip(), at) for lv, text, at in headings if lv == level and text.strip()]
    out = []
    for k, (text, at) in enumerate(starts):
        stop = starts[k + 1][1] if k + 1 < len(starts) else line_count
        if stop > at:
            out.append((text, at, stop))
    # Headings with nothing under them (a list of titles) are no sections.
    return out if sum(1 for _, a, b in out if b - a > 1) >= MIN_SECTIONS else []
