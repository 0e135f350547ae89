"""Stage-play (话剧) conventions for :mod:`.parser`: plays that mark every stage direction
with ``〔``, role speakers named by what they do (``取电灯费的：``), and the front-of-curtain
pieces (``第一幕幕前``) printed after the play.

A play that opens each direction with ``〔`` leaves nothing untagged to action: a bare line there
is speech — more of the speech a direction interrupted, or the words of the one character a
direction has just brought on (``〔傻杨再上``), or of a performer who names himself in his first
line (``（我）大傻杨，打竹板儿…``, the 数来宝 convention). The parser marks each such reading as
a fallback, so the script's read quality counts it.

>>> stage_marked("〔幕启。\\n王利发：好！\\n〔众下。\\n〔幕落。")
True
>>> entering("傻杨再上，见小丁宝正在落泪", {"大傻杨", "王利发"})
'大傻杨'
>>> role_nouns("取电灯费的：掌柜的！\\n取电灯费的：三个月的！")
frozenset({'取电灯费的'})
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection

__all__ = ["FOOTNOTE", "FOOTNOTE_FIRST", "INTERLUDE", "LINK", "TITLE_AGAIN", "entering", "leaving", "role_nouns", "self_named", "stage_marked"]

# 第一幕幕前 / 第二幕幕间: a piece played before the curtain, often printed after the play.
INTERLUDE = re.compile(r"^第\s*(?:\d{1,3}|[一二三四五六七八九十]{1,3})\s*幕\s*幕?(?:前|间)$")
# ＊初载于…: a footnote under the text (the full-width star is folded to * before matching).
FOOTNOTE = re.compile(r"^[*＊](?![*＊\s])")
FOOTNOTE_FIRST = frozenset("*＊")  # the characters FOOTNOTE can match first (a cheap test)

# 白雪公主的故事剧本 between two scenes: the title said again, not something that happens.
TITLE_AGAIN = re.compile(r"^[^，,。！!？?：:（(）)]{1,18}剧本$")

# A web address in a bracketed line: a reference the writer left for the crew (a clip to copy).
LINK = re.compile(r"https?://|www\.", re.I)

_DIRECTION = re.compile(r"^[ \t]*〔", re.M)
_ROLE_CUE = re.compile(r"^[ \t]*([\u4e00-\u9fff]{1,6}的)\s*(?:[（(][^）)]{0,60}[）)])?\s*[：:]", re.M)
# What must follow the 的 of a role cue: most scripts have none, and this scan (from the
# literal 的) is quicker than trying _ROLE_CUE at every line start.
_ROLE_END = re.compile(r"的[\s（(：:]")
_CLAUSES = re.compile(r"[，,。；;！!？?、]")
_ENTER = re.compile(r"^(?:再|又|复|也|急|缓缓|慢慢)?(?:上|入|进|走进|走上|跑上|跑进)")
_LEAVE = re.compile(r"^(?:再|又|也|急|缓缓|慢慢)?(?:下|出去|走出|跑下|退下)(?:$|[。，])")
# 大/小/老/阿 before a name is how people call him, not another person.
_FAMILIAR = frozenset("大小老阿")
_SELF = re.compile(r"^(?:[（(][^）)]{1,6}[）)])?([\u4e00-\u9fff]{2,6})[，,]")


def stage_marked(text: str, minimum: int = 3) -> bool:
    """Does the play open its stage directions with ``〔`` (at least ``minimum`` lines)?"""
    if minimum > 0 and "〔" not in text:  # (a scan for the character alone is far quicker)
        return False
    return len(_DIRECTION.findall(text, 0, 200_000)) >= minimum


def role_nouns(text: str) -> frozenset[str]:
    """Speakers named by a role ending in 的 (卖菜的, 取电灯费的) that speak at least twice:
    the 的 would otherwise mark the prefix as a clause, not a name."""
    if _ROLE_END.search(text) is None:
        return frozenset()
    counts = Counter(m.group(1) for m in _ROLE_CUE.finditer(text))
    return frozenset(name for name, n in counts.items() if n >= 2 and len(name) >= 2)


def _known_name(head: str, known: Collection[str]) -> tuple[str, int] | None:
    """The known name ``head`` starts with, and the length matched: the name itself, the name
    under a familiar prefix (大傻杨 for 傻杨), or a short form that ends exactly one known name
    (傻杨 for 大傻杨); the longest wins."""
    best: tuple[str, int] | None = None
    for name in known:
        if len(name) < 2:
            continue
        for size in ((len(name),) if head.startswith(name) else ()) + (
                (len(name) + 1,) if head[:1] in _FAMILIAR and head.startswith(name, 1) else ()):
            if best is None or size > best[1]:
                best = (name, size)
    if best is not None:
        return best
    for size in (3, 2):
        short = head[:size]
        owners = [name for name in known if len(name) > size and name.endswith(short)]
        if len(owners) == 1:
            return owners[0], size
    return None


def _moving(direction: str, known: Collection[str], verb: re.Pattern[str]) -> str | None:
    for clause in _CLAUSES.split(direction):
        clause = clause.strip()
        found = _known_name(clause, known)
        if found is not None and verb.match(clause[found[1]:]):
            return found[0]
    return None


def entering(direction: str, known: Collection[str]) -> str | None:
    """The known character a direction brings on (``大傻杨入茶馆``, ``傻杨再上``), if one."""
    return _moving(direction, known, _ENTER)


def leaving(direction: str, known: Collection[str]) -> str | None:
    """The known character a direction takes off (``傻杨下``), if one."""
    return _moving(direction, known, _LEAVE)


def self_named(m_line: str, known: Collection[str]) -> str | None:
    """``（我）大傻杨，打竹板儿…``: a performer who opens with his own name, a known one."""
    m = _SELF.match(m_line)
    if m is None:
        return None
    found = _known_name(m.group(1), known)
    return found[0] if found is not None and found[1] == len(m.group(1)) else None
