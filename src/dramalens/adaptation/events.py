"""Events: the sentences of each paragraph that carry a turn, with the persons in them.

Kinds: ``conflict``, ``reversal``, ``reveal`` (from the hook analysis' cue lexicon, so a
novel and a script are read with one vocabulary), ``decision``, ``death`` and ``union``
(their own small bilingual lists). Extractive: the sentence as written, with its chapter and
paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..analysis.cues import find_cues
from ..analysis.hooks import DEFAULT_HOOK_PARAMS
from ..text import split_sentences
from .plan import Beat
from .reading import Paragraph

__all__ = ["EVENT_KINDS", "Mentions", "find_events", "mentions"]

EVENT_KINDS = ("conflict", "reversal", "reveal", "decision", "death", "union")

_CUE_KIND = {"conflict": "conflict", "threat": "conflict", "shock": "conflict", "reversal": "reversal", "reveal": "reveal"}
_EXTRA = {
    "zh": (
        ("decision", re.compile(r"决定|发誓|下定决心|定要|一定要|绝不|我要|答应了|拒绝")),
        ("death", re.compile(r"死了|去世|身亡|死去|咽气|丧命|被杀|自尽|驾崩|圆寂")),
        ("union", re.compile(r"成亲|结婚|嫁给|娶了|拜堂|订婚|结拜|拜为师|拜师")),
    ),
    "en": (
        ("decision", re.compile(r"\b(?:decided|resolved|swore|vowed|refused|determined to|I will|I shall)\b", re.I)),
        ("death", re.compile(r"\b(?:died|dead|killed|death of|passed away|was slain)\b", re.I)),
        ("union", re.compile(r"\b(?:married|engaged|wedding|proposed|accepted him|accepted her)\b", re.I)),
    ),
}
# Ties between kinds of equal weight: 原来 is both a reveal and a reversal cue; call it a reveal.
_RANK = {"death": 6, "reveal": 5, "reversal": 4, "union": 3, "decision": 2, "conflict": 1}
_WEIGHT = {"decision": 0.3, "death": 0.45, "union": 0.35}


@dataclass(frozen=True, slots=True)
class Mentions:
    """Which persons each paragraph names (canonical names), and how often in all."""

    per_paragraph: tuple[tuple[str, ...], ...]
    counts: tuple[tuple[str, int], ...]


def mentions(paragraphs: list[Paragraph], alias_map: dict[str, str], language: str) -> Mentions:
    """Persons named in each paragraph, longest alias first so 孙悟空 is not also 悟空."""
    names = sorted(alias_map, key=len, reverse=True)
    if not names:
        return Mentions(tuple(() for _ in paragraphs), ())
    if language == "zh":
        pattern = re.compile("|".join(re.escape(n) for n in names))
    else:
        pattern = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b")
    per: list[tuple[str, ...]] = []
    counts: dict[str, int] = {}
    for p in paragraphs:
        found: dict[str, None] = {}
        for m in pattern.finditer(p.text):
            canon = alias_map[m.group(0)]
            found.setdefault(canon, None)
            counts[canon] = counts.get(canon, 0) + 1
        per.append(tuple(found))
    return Mentions(tuple(per), tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))))


def find_events(paragraphs: list[Paragraph], found: Mentions, alias_map: dict[str, str], language: str) -> list[Beat]:
    """Every sentence that carries a turn, once, with its strongest kind.

    >>> from dramalens.adaptation.reading import Paragraph
    >>> p = Paragraph(3, 2, "林晚冷笑。原来他就是凶手！", 12, 3.0, 0.5, 0.1, ("reveal",))
    >>> [(b.kind, b.chapter, b.paragraph) for b in find_events([p], Mentions((("林晚",),), ()), {"林晚": "林晚"}, "zh")]
    [('conflict', 3, 2), ('reveal', 3, 2)]
    """
    extra = _EXTRA["zh" if language == "zh" else "en"]
    forms: dict[str, list[str]] = {}
    for alias, canon in alias_map.items():
        forms.setdefault(canon, []).append(alias)
    out: list[Beat] = []
    for p, persons in zip(paragraphs, found.per_paragraph):
        if not p.categories and not any(rx.search(p.text) for _, rx in extra):
            continue
        for sentence in split_sentences(p.text):
            best: tuple[float, int, str] | None = None
            for category, _ in find_cues(sentence, language):
                kind = _CUE_KIND.get(category)
                if kind is not None:
                    w = DEFAULT_HOOK_PARAMS.weight(category)
                    best = max(best or (w, _RANK[kind], kind), (w, _RANK[kind], kind))
            for kind, rx in extra:
                if rx.search(sentence):
                    w = _WEIGHT[kind]
                    best = max(best or (w, _RANK[kind], kind), (w, _RANK[kind], kind))
            if best is None:
                continue
            who = tuple(n for n in persons if any(a in sentence for a in forms.get(n, ())))
            out.append(Beat(sentence, p.chapter, p.index, best[2], who or persons[:2], best[0]))
    return out
