"""Who speaks a colon line whose prefix is more than a bare name, for :mod:`.parser`:
groups (``李元/跟班：``, ``肖初夏，陆昱：``, ``矮人B、C：``), a tone glued to the name
(``阿城冷声：``) and speech introduced by an action (``雯雯猛地转过身：请你不要叫我的名字``).

The choice for an action before the colon (issue 9, class 7): the line is speech when the
prefix *starts* with a character the script knows (cast lines, bios, earlier speech, or a name
that speaks with a bare ``名：`` at least twice elsewhere in the file) and the last clause of
what follows the name is short and not about reading or writing (``林晚看着手机上的那行字：明天见``
stays action: the colon quotes what is written). A prefix that *ends* with a known name after an
action (``女1在排练时女1：``) is that name's speech too. Everything else stays action.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable

from .lexicon import PRONOUNS, ROLE_ENDINGS, fold_match
from .patterns import SPEAKER

__all__ = ["action_speaker", "group_speaker", "speakers_elsewhere", "tone_speaker"]

# The separators of a group of speakers: 林晚、顾言 / 李元/跟班 / 肖初夏，陆昱 / 林晚&顾沉.
_GROUP = re.compile(r"[、&＆/／，,]")
# What the words before a colon say when the colon quotes writing, not speech.
_READING = re.compile(r"写|字|显示|屏幕|短信|消息|信息|内容|上面|标题|牌|纸|念出|读出|标语|横幅|问题|答案")
_CLAUSE = re.compile(r"[，,、；;]")
# The last character of a tone word glued to a name (阿城冷声 / 王虎怒吼 / 老赵嘀咕).
_TONE_END = frozenset("声笑喊叫吼骂问答嚷叹喃咕哼泣哭说斥呵嗔怒惊")
_TONE_WORDS = frozenset({
    "惊愕", "惊喜", "惊讶", "惊慌", "震惊", "疑惑", "无奈", "愤怒", "激动", "紧张", "害怕", "着急", "焦急", "委屈",
    "得意", "不屑", "冷漠", "温柔", "严肃", "认真", "嫌弃", "懊恼", "恐惧", "慌张", "犹豫", "坚定", "崩溃", "好奇",
    "开心", "兴奋", "担心", "尴尬", "心虚", "生气", "痛苦", "欣喜", "狂喜", "了然", "诱惑", "难受", "感激", "警告",
    "催促", "承诺", "遗憾", "嗔怪", "疑问", "急切", "淡定", "无语", "冷淡", "得逞", "讥讽", "嘲讽", "挑衅", "哽咽",
})


def speakers_elsewhere(lines: Iterable[str], plausible: Callable[[str], bool]) -> frozenset[str]:
    """Names that speak with a bare ``名：`` or ``名（…）：`` at least twice in the file: the
    rest of the script vouches for them when an action line starts with one."""
    counts: Counter[str] = Counter()
    # The same cue (林晚：, 林晚（冷笑）：) starts many lines: each is read once.
    read: dict[str, str | None] = {}
    for line in lines:
        colon = line.find("：", 0, 40)
        if colon < 0:
            colon = line.find(":", 0, 40)
        if colon < 0:
            continue
        cue = line[: colon + 1]
        if cue in read:
            name = read[cue]
        else:
            m = SPEAKER.match(fold_match(cue))
            name = m.group(1).replace(" ", "") if m is not None else None
            read[cue] = name
        if name is not None and 2 <= len(name) <= 4:
            counts[name] += 1
    return frozenset(name for name, n in counts.items() if n >= 2 and plausible(name))


def group_speaker(name_m: str, known: Collection[str], plausible: Callable[[str], bool]) -> str | None:
    """``林晚、顾言`` / ``李元/跟班`` / ``肖初夏，陆昱`` / ``矮人B、C`` → the names joined by
    ``、``; None unless every part is a speaker (known, or a plausible short name with at least
    one part known or a role word) or a letter continuing a lettered role."""
    parts = [p for p in _GROUP.split(name_m) if p]
    if not 2 <= len(parts) <= 6:
        return None
    first = parts[0]
    names = []
    vouched = False
    for part in parts:
        if part in known:
            vouched = True
        elif len(part) == 1 and part.isascii() and part.isalnum() and first[-1:].isascii():
            part = first[:-1] + part  # 矮人B、C: the second is 矮人C
        elif not (len(part) <= 4 and plausible(part)):
            return None
        elif part.endswith(ROLE_ENDINGS) or len(part) <= 3:
            vouched = vouched or part.endswith(ROLE_ENDINGS)
        else:
            return None
        names.append(part)
    if not vouched and not all(len(p) <= 3 for p in parts):
        return None
    return "、".join(names)


def tone_speaker(name_m: str, plausible: Callable[[str], bool], known: Collection[str] = ()) -> int | None:
    """``阿城冷声`` (a name with a two-character tone glued on): the length of the name. The
    tone must be a tone word (惊愕, 冷声, 低声 …), or end like one (怒吼, 嘀咕) when the name
    before it is known."""
    if len(name_m) not in (4, 5) or name_m in known:
        return None
    n = len(name_m) - 2
    name, tone = name_m[:n], name_m[n:]
    if tone in _TONE_WORDS or tone[-1] == "声" or (tone[-1] in _TONE_END and tone[0] not in PRONOUNS and name in known):
        return n if plausible(name) else None
    return None


def action_speaker(name_m: str, names: Collection[str]) -> tuple[int, int] | None:
    """The span (start, end) of the speaker inside a prefix that holds an action as well, or
    None when the line does not read as speech introduced by an action (see the module)."""
    if len(name_m) > 40 or name_m[0] in PRONOUNS or _READING.search(name_m):
        return None
    # The longest known name that starts the prefix (shorter than it): two names of one
    # length that both start it are the same name, so trying the prefix's own heads, longest
    # first, finds what a pass over every name would.
    best = next((name_m[:k] for k in range(len(name_m) - 1, 1, -1) if name_m[:k] in names), "")
    if best:
        rest = name_m[len(best):]
        last = _CLAUSE.split(rest)[-1]
        if rest[0] not in "的之等和与跟同及" and last and len(last) <= 10 and "的" not in last:
            return 0, len(best)
    # 女1在排练时女1：the longest known name that ends it, two characters or more before it.
    best = next((name_m[-k:] for k in range(len(name_m) - 2, 1, -1) if name_m[-k:] in names), "")
    if best and name_m[len(name_m) - len(best) - 1] not in "的之和与跟同及给对向":
        return len(name_m) - len(best), len(name_m)
    return None
