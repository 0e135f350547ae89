"""The novel as the planner reads it: paragraphs in reading order, each with its raw screen
time, how strongly an episode could end on it and how strongly one could open on it.

Screen time comes from the runtime model of scripts (:class:`RuntimeParams`): quoted speech at
the speaking rate, narration at the action rate; the planner later scales it by the share of
the source a format keeps. Ending and opening strengths use the hook analysis' cue lexicon and
weights (:mod:`dramalens.analysis.hooks`), so a plan's cliffhanger strength and a finished
script's ending strength are on one scale.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..analysis.cues import DEFAULT_LEXICON, find_cues
from ..analysis.hooks import DEFAULT_HOOK_PARAMS, HookParams
from ..analysis.runtime import DEFAULT_PARAMS, RuntimeParams
from ..model.novel import Novel
from ..text import speech_units, split_sentences

__all__ = ["Paragraph", "chapter_paragraphs", "cue_strength", "read_paragraphs", "split_speech"]

_QUOTED = re.compile(r"“[^”]*”|「[^」]*」|『[^』]*』|\"[^\"]*\"")
_TAIL_SENTENCES = 2


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph of a chapter (:func:`chapter_paragraphs`), numbered from 1 within it."""

    chapter: int
    index: int
    text: str
    units: int
    seconds: float  # screen time if the whole paragraph were filmed (scaled later)
    ending: float  # 0-1: strength of an episode ending on this paragraph
    opening: float  # 0-1: strength of an episode opening on this paragraph
    categories: tuple[str, ...]  # cue categories found anywhere in the paragraph


def chapter_paragraphs(text: str, language: str) -> list[str]:
    """The paragraphs of a chapter's text: blocks between blank lines when the text has blank
    lines (hard-wrapped plain text, Gutenberg's 70 columns, joins back into its paragraphs),
    else its non-blank lines.

    >>> chapter_paragraphs("It was\\nlate.\\n\\nShe ran.", "en")
    ['It was late.', 'She ran.']
    """
    if "\n\n" not in text.strip():
        return [line for line in text.split("\n") if line.strip()]
    joiner = "" if language == "zh" else " "
    blocks = (joiner.join(part.strip() for part in block.split("\n") if part.strip()) for block in text.split("\n\n"))
    return [b for b in blocks if b]


def split_speech(text: str) -> tuple[str, str]:
    """(quoted speech, narration) of ``text``.

    >>> split_speech('他说：“滚！”然后走了。')
    ('“滚！”', '他说：然后走了。')
    """
    speech = "".join(m.group(0) for m in _QUOTED.finditer(text))
    return speech, _QUOTED.sub("", text)


def cue_strength(categories: set[str], hook_params: HookParams = DEFAULT_HOOK_PARAMS) -> float:
    """1 − ∏(1 − w) over the categories' hook weights: how the hooks analysis combines cues.

    >>> round(cue_strength({"reveal", "question"}), 3)
    0.512
    """
    return 1.0 - math.prod(1.0 - hook_params.weight(c) for c in categories)


def _seconds(text: str, language: str, params: RuntimeParams) -> float:
    speech, narration = split_speech(text)
    return 60.0 * (speech_units(speech, language) / params.speaking_rate(language)
                   + speech_units(narration, language) / params.action_rate(language))


def read_paragraphs(
    novel: Novel,
    params: RuntimeParams = DEFAULT_PARAMS,
    hook_params: HookParams = DEFAULT_HOOK_PARAMS,
) -> list[Paragraph]:
    """Every non-blank line of every chapter, in reading order, measured.

    >>> from dramalens.model.novel import Chapter
    >>> n = Novel("t", "", "zh", "t.txt", "utf-8", (Chapter(1, "", "夜深了。\\n原来他竟然是凶手？"),))
    >>> [round(p.ending, 2) for p in read_paragraphs(n)]
    [0.0, 0.78]
    """
    language = novel.language
    opening_set = set(hook_params.first_hook_categories)
    out: list[Paragraph] = []
    for chapter in novel.chapters:
        lines = chapter_paragraphs(chapter.text, language)
        for index, line in enumerate(lines, start=1):
            sentences = split_sentences(line) or [line]
            tail = " ".join(sentences[-_TAIL_SENTENCES:])
            head = " ".join(sentences[:_TAIL_SENTENCES])
            every = {c for c, _ in find_cues(line, language, DEFAULT_LEXICON)}
            ending = cue_strength({c for c, _ in find_cues(tail, language, DEFAULT_LEXICON)}, hook_params)
            opening = cue_strength({c for c, _ in find_cues(head, language, DEFAULT_LEXICON)} & opening_set, hook_params)
            out.append(Paragraph(chapter.number, index, line, speech_units(line, language),
                                 _seconds(line, language, params), ending, opening, tuple(sorted(every))))
    return out
