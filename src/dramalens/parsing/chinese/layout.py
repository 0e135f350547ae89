"""Layout damage from script-sharing sites, for :mod:`.parser`: a whole scene (or a whole
script) on one line, episode markers inside a line (``……第一集终第二集``), numbered speech
lines (``4、 小李（低声）：“……”``) and speakers coded as numbers with a cast legend (``1：``).

A damaged line is cut where a line must have started: before an episode marker, after an
episode's end mark, before a scene head, a ``△``/``▲`` mark or a ``人物：`` cast, and before a
speaker cue that follows the end of a sentence. The pieces keep the line number of the line
they came from, so every element still points into the source, and the parser warns once per
line it cut.
"""

from __future__ import annotations

import re

from ...text.numerals import CN_NUM

__all__ = ["DAMAGED", "LEGEND", "NUMBERED", "split_damaged"]

# A line this long that holds line-start shapes inside it is several lines run together.
DAMAGED = 80
_CUT = re.compile(
    # before an episode marker (第二集 / 第 3 集), unless a letter of a word like 集团 follows
    rf"(?=第\s*(?:\d{{1,4}}|{CN_NUM}{{1,8}})\s*集(?!团|合|中|市|体|结|会|资|装|训|成|锦))"
    # after an episode's end mark (第一集终 / 第1集完 / 本集完)
    rf"|(?<=集终)|(?<=集完)|(?<=本集完)"
    # before a scene head 1-1 日 内 … / 15-2场, after the end of a sentence or a space
    r"|(?<=[。！？!?…”」）)\s])(?=\d{1,3}\s*[-－—–]\s*\d{1,3}\s*(?:场|\s*[日夜晨晚早午内外]))"
    # before △ / ▲ and a cast line
    r"|(?=[△▲])|(?<=[。！？!?…”」）)\s])(?=(?:出场)?人物\s*[:：])"
    # before a speaker cue (4、小李（低声）： / 林晚： / 1：) after the end of a sentence
    r"|(?<=[。！？!?…”」）)~～])\s*(?=(?:\d{1,3}[、.．]\s*)?[^\s：:，。！？!?、（）()“”「」【】\[\]]{1,6}"
    r"(?:[（(][^（）()]{0,16}[）)])?[：:])"
)
# 4、 小李（低声）：… — the number of a speech line, not part of the speaker.
NUMBERED = re.compile(r"^\d{1,3}\s*[、.．]\s*(?=[^\s：:，。、]{1,8}(?:[（(][^（）()]{0,16}[）)])?\s*[：:])")
# 1：林晚 / 2=顾沉（男主） — a cast legend for speakers coded as numbers.
LEGEND = re.compile(r"^(\d{1,2})\s*[:：=＝\-—]\s*([^\s:：，。,.（）()]{1,8})\s*(?:[（(][^（）()]*[）)])?$")


def split_damaged(line: str) -> list[str]:
    """The lines a damaged line holds, or ``[line]`` when it is not damaged.

    >>> split_damaged("林晚：你来了。顾沉：嗯。" * 10)[:3]
    ['林晚：你来了。', '顾沉：嗯。', '林晚：你来了。']
    >>> split_damaged("林晚推开门。")
    ['林晚推开门。']
    """
    if len(line) < DAMAGED:
        return [line]
    pieces = [p.strip() for p in _CUT.split(line)]
    pieces = [p for p in pieces if p]
    return pieces if len(pieces) > 2 else [line]  # three or more: a run of lines, not one long speech
