"""Where the story turns over between chapters: the signals real adaptations cut at.

Measured on four TV adaptations (docs/adaptation.md), the cue lexicon's ending strength ranks
the chapter ends a series cuts at no better than chance (a classic's chapters all end on the
same formula, 且听下回分解). Two signals of a *new story unit* do better:

- **change of cast** (``tension.story_breaks``): 1 − cosine of the persons named in a chapter
  and the next, the lead left out;
- **change of vocabulary** (:func:`lexical_breaks`): the TextTiling depth of the tf-idf cosine
  between adjacent chapters (Hearst 1997): how far the similarity at a chapter end dips below
  the nearest peaks on either side. A new place, a new enemy, a new errand bring new words.

Chinese is compared on Han character bigrams, English on words; the idf (log N/df over the
span's chapters) takes out what every chapter says. Each chapter is read at most
``_CAP`` characters from each end: the words that meet at a cut are at the ends, and the cap
keeps a 10 MB book within the planner's time budget.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence

from ..text.counts import WORD
from ..text.han import HAN_RUN
from .reading import Paragraph

__all__ = ["chapter_ends", "cosine", "depth_scores", "lexical_breaks", "percentile_ranks"]

_CAP = 4000  # characters read from each end of a chapter
_MIN_WORD = 4  # English words shorter than this are mostly function words


def chapter_ends(paragraphs: Sequence[Paragraph]) -> list[int]:
    """Offsets of the paragraphs that end a chapter, the span's last paragraph excepted.

    >>> from dramalens.adaptation.reading import Paragraph
    >>> chapter_ends([Paragraph(c, 1, "x", 1, 1.0, 0.0, 0.0, ()) for c in (1, 1, 2, 3)])
    [1, 2]
    """
    return [i for i in range(len(paragraphs) - 1) if paragraphs[i].chapter != paragraphs[i + 1].chapter]


def _terms(text: str, language: str) -> Counter[str]:
    if language == "zh":
        return Counter(run[i : i + 2] for run in HAN_RUN.findall(text) for i in range(len(run) - 1))
    return Counter(w for w in (m.lower() for m in WORD.findall(text)) if len(w) >= _MIN_WORD)


def _chapter_text(paragraphs: Sequence[Paragraph]) -> dict[int, str]:
    parts: dict[int, list[str]] = {}
    for p in paragraphs:
        parts.setdefault(p.chapter, []).append(p.text)
    out: dict[int, str] = {}
    for chapter, texts in parts.items():
        text = "\n".join(texts)
        out[chapter] = text if len(text) <= 2 * _CAP else text[:_CAP] + "\n" + text[-_CAP:]
    return out


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Cosine of two sparse vectors (term → weight); 0 when either is empty. The change of cast
    (``tension.story_breaks``) and of vocabulary (below) both compare chapters with it.

    >>> cosine({"a": 1.0, "b": 1.0}, {"a": 2.0}), cosine({}, {"a": 1.0})
    (0.7071067811865475, 0.0)
    """
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    if not na or not nb:
        return 0.0
    small, large = (a, b) if len(a) < len(b) else (b, a)
    return sum(v * large.get(k, 0.0) for k, v in small.items()) / (na * nb)


def depth_scores(similarity: Sequence[float]) -> list[float]:
    """TextTiling depth of each gap: (left peak − s) + (right peak − s), climbing from the gap
    while the similarity rises.

    >>> depth_scores([0.9, 0.2, 0.8, 0.8])
    [0.0, 1.3, 0.0, 0.0]
    """
    out = []
    n = len(similarity)
    for i, s in enumerate(similarity):
        left = s
        j = i
        while j > 0 and similarity[j - 1] >= left:
            left = similarity[j - 1]
            j -= 1
        right = s
        j = i
        while j < n - 1 and similarity[j + 1] >= right:
            right = similarity[j + 1]
            j += 1
        out.append(round((left - s) + (right - s), 12))
    return out


def percentile_ranks(values: Sequence[float]) -> list[float]:
    """Each value's rank among ``values`` scaled to 0-1 (ties share their mean rank), so that
    signals of different ranges, and books of different styles, weigh alike.

    >>> percentile_ranks([0.5, 0.1, 0.5, 0.9])
    [0.5, 0.0, 0.5, 1.0]
    """
    n = len(values)
    if n < 2:
        return [0.5] * n
    order = sorted(range(n), key=lambda i: values[i])
    ranks = [0.0] * n
    i = 0
    while i < n:
        j = i
        while j + 1 < n and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 / (n - 1)
        i = j + 1
    return ranks


def lexical_breaks(paragraphs: Sequence[Paragraph], language: str) -> list[float]:
    """For each paragraph, 0 inside a chapter; at a chapter's end, the percentile rank (among
    the span's chapter ends) of the vocabulary's TextTiling depth there.

    >>> from dramalens.adaptation.reading import Paragraph
    >>> texts = ["林晚顾沉喝茶聊天", "林晚顾沉喝茶说笑", "苏念陈默比剑斗法", "苏念陈默斗法比武"]
    >>> ps = [Paragraph(c, 1, t, 8, 1.0, 0.0, 0.0, ()) for c, t in zip((1, 2, 3, 4), texts)]
    >>> lexical_breaks(ps, "zh")
    [0.25, 1.0, 0.25, 0.0]
    """
    ends = chapter_ends(paragraphs)
    out = [0.0] * len(paragraphs)
    if not ends:
        return out
    texts = _chapter_text(paragraphs)
    chapters = list(texts)
    bags = {c: _terms(texts[c], language) for c in chapters}
    df: Counter[str] = Counter()
    for bag in bags.values():
        df.update(bag.keys())
    n = len(chapters)
    vectors = {c: {t: v * math.log(n / df[t]) for t, v in bag.items() if df[t] < n} for c, bag in bags.items()}
    similarity = [cosine(vectors[paragraphs[i].chapter], vectors[paragraphs[i + 1].chapter]) for i in ends]
    for i, rank in zip(ends, percentile_ranks(depth_scores(similarity))):
        out[i] = rank
    return out
