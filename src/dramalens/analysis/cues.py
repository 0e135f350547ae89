"""Bilingual cue lexicons: the words and marks that signal hooks, reversals and payoffs.

Categories (each with Chinese and English cues):

- ``conflict``: confrontation (滚, 闭嘴, 凭什么, "how dare", "get out", a slap);
- ``question``: an open question (？/?, 难道, 到底, 究竟);
- ``threat``: danger or a promise of harm (杀了你, 走着瞧, "you'll regret", a knife);
- ``reveal``: a secret or identity coming out (真相, 原来是, 亲生, "the truth", "turns out");
- ``reversal``: a twist (竟然, 居然, 没想到, 反转, "but then", "all along");
- ``interruption``: a line cut off (ending in ——, …, "—", "...") or 话音未落 / "interrupts";
- ``entrance``: a sudden entrance or event (推门而入, 闯进, 突然, 门被推开, 手机响了, 脚步声,
  "bursts in", "suddenly", "phone rings", "door opens");
- ``shock``: a blow or a physical shock on screen (一巴掌, 耳光, 晕倒, 吐血, 枪响, 灯灭了,
  "slaps", "collapses", "gunshot", "the lights go out");
- ``payoff``: the 打脸 beat, when the doubters are proven wrong (打脸, 跪下, 傻眼, "apologizes");
- ``cliffhanger_mark``: the writer's own mark (【卡点】, 【反转】, 【悬念】, "TO BE CONTINUED",
  or a parsed ``cliffhanger_mark`` element).

Chinese cues match as substrings; English cues match whole words, case-insensitively. A
:class:`Lexicon` can be built with other words and passed to the analyses that take one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..model import Element, ElementType

__all__ = ["CATEGORIES", "DEFAULT_LEXICON", "CueHit", "Lexicon", "element_cues", "find_cues"]

CATEGORIES = (
    "cliffhanger_mark",
    "reversal",
    "reveal",
    "threat",
    "interruption",
    "entrance",
    "shock",
    "question",
    "conflict",
    "payoff",
)


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Cue words per category and language: ``((category, (zh words), (en words)), ...)``.

    >>> Lexicon(entries=(("threat", ("毒药",), ("poison",)),)).words("threat", "en")
    ('poison',)
    """

    entries: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]

    def words(self, category: str, language: str) -> tuple[str, ...]:
        for cat, zh, en in self.entries:
            if cat == category:
                return zh if language == "zh" else en
        return ()


DEFAULT_LEXICON = Lexicon(
    entries=(
        (
            "conflict",
            (
                "滚", "闭嘴", "凭什么", "你敢", "住手", "放肆", "混账", "贱人", "废物", "休想", "做梦",
                "一巴掌", "耳光", "甩开", "推倒", "怒吼", "怒道", "冷笑", "质问", "争吵", "对峙", "拦住",
                "离婚", "退婚", "赶出去", "不要脸", "你算什么", "给我跪下", "不准", "骗子", "撕破脸",
            ),
            (
                "get out", "shut up", "how dare", "you dare", "stop it", "liar", "slap", "slaps", "slapped",
                "shove", "shoves", "furious", "glares", "argue", "argues", "fight", "divorce", "you're fired",
                "back off", "hate you", "betrayed", "betray", "confronts", "accuse", "accuses",
            ),
        ),
        (
            "question",
            ("？", "?", "难道", "到底", "究竟", "怎么回事", "为什么"),
            ("?", "what happened", "who are you", "why would"),
        ),
        (
            "threat",
            (
                "杀了你", "要你命", "弄死", "去死", "找死", "死定了", "走着瞧", "等着瞧", "后悔", "付出代价",
                "不会放过", "毁了你", "下毒", "绑架", "刀", "枪", "报仇", "威胁", "杀人", "谋杀", "凶手",
            ),
            (
                "kill you", "killed", "murdered", "murder", "regret", "pay for this", "or else", "watch your back",
                "destroy you", "gun",
                "knife", "poison", "kidnap", "kidnapped", "threatens", "revenge", "you're dead",
            ),
        ),
        (
            "reveal",
            (
                "原来", "真相", "竟然是", "其实是", "居然是", "原来是", "身份", "亲生", "秘密", "亲子鉴定",
                "怀孕", "真正的", "就是你", "曝光", "揭穿", "瞒着", "竟是", "不是意外",
            ),
            (
                "the truth", "secret", "turns out", "real father", "real mother", "pregnant", "is actually",
                "was actually", "dna", "identity", "revealed", "reveals", "discovers", "it was you",
                "who you really are", "exposed", "none other than", "no accident",
            ),
        ),
        (
            "reversal",
            ("竟然", "居然", "没想到", "谁知", "不料", "反转", "其实", "原来", "逆袭", "翻身", "万万没想到"),
            (
                "turns out", "but then", "instead", "unexpectedly", "all along", "plot twist", "twist",
                "it was you", "reversal", "the tables turn",
            ),
        ),
        (
            "interruption",
            ("话音未落", "打断", "话没说完", "话还没说完"),
            ("interrupts", "interrupted", "cut off", "cuts him off", "cuts her off", "cuts them off"),
        ),
        (
            "entrance",
            (
                "突然", "推门而入", "闯进", "闯入", "冲进", "门被推开", "门被撞开", "门口出现", "出现在门口",
                "走了进来", "身后传来", "一个声音", "破门而入", "门开了", "门被打开", "门外传来", "脚步声",
                "敲门声", "门铃", "手机响了", "电话响了", "手机响起", "电话响起", "铃声响起", "电话铃", "手机铃",
                "手机震动", "手机震了", "来电", "屏幕亮了", "屏幕亮起", "撞开", "冲了进来", "闯了进来",
            ),
            (
                "bursts in", "barges in", "storms in", "suddenly", "appears in the doorway", "door flies open",
                "door bursts open", "a voice behind", "walks in", "rushes in", "door opens", "doors open",
                "phone rings", "phone buzzes", "phone lights up", "phone vibrates", "doorbell", "a knock",
                "knock at the door", "footsteps", "incoming call",
            ),
        ),
        (
            "shock",
            (
                "一巴掌", "耳光", "扇了", "扇在", "晕倒", "昏倒", "晕了过去", "昏了过去", "倒在血泊", "倒地", "吐血",
                "鲜血", "血流", "尖叫", "枪响", "枪声", "爆炸", "撞飞", "坠楼", "跳楼", "灯灭了", "灯突然灭",
                "熄灭", "停电", "一片漆黑", "黑屏",
            ),
            (
                "slaps", "slapped", "punches", "collapses", "faints", "passes out", "gunshot", "gunshots",
                "explosion", "explodes", "screams", "blood", "crashes", "the lights go out", "lights go out",
                "goes dark", "blackout", "falls to the floor",
            ),
        ),
        (
            "payoff",
            (
                "打脸", "跪下", "跪地", "求饶", "道歉", "后悔莫及", "傻眼", "震惊", "目瞪口呆", "刮目相看",
                "不敢相信", "脸色大变", "脸色一变", "当众", "恭迎", "拜见", "参见", "有眼不识泰山",
            ),
            (
                "apologize", "apologizes", "kneels", "begs", "stunned", "jaw drops", "speechless",
                "humiliated", "bows", "gasps", "i was wrong", "can't believe",
            ),
        ),
        (
            "cliffhanger_mark",
            ("【卡点】", "【反转】", "【悬念】", "卡点", "未完待续"),
            ("[cliffhanger]", "cliffhanger", "to be continued"),
        ),
    )
)

# A line that stops mid-word: ends in a dash or an ellipsis (closing quotes/brackets aside).
_CUT_OFF = re.compile(r"(?:——|—|--|……|…|\.\.\.)\s*[\"'”’」』）)]*\s*$")


@dataclass(frozen=True, slots=True)
class CueHit:
    """One cue found in one element: its category, the matched cue, the source line and text."""

    category: str
    cue: str
    line: int
    excerpt: str


class _Matcher:
    """A lexicon compiled for one language.

    Chinese: one alternation of literals (the regex engine skips ahead on their first
    characters). English: word n-grams looked up in a dict, which is several times faster than
    an alternation with word-boundary checks, and whole-word by construction ("gun" never
    matches "begun"); cues with marks ("?") are found as substrings.
    """

    __slots__ = ("owners", "pattern", "firsts", "longest", "symbols")

    def __init__(self, lexicon: Lexicon, language: str):
        owners: dict[str, list[str]] = {}
        for category, zh, en in lexicon.entries:
            for word in zh if language == "zh" else en:
                key = " ".join(word.lower().split())
                if key and category not in owners.setdefault(key, []):
                    owners[key].append(category)
        self.owners = {k: tuple(v) for k, v in owners.items()}
        self.pattern = None
        self.firsts: set[str] = set()
        self.longest = 0
        self.symbols: list[str] = []
        if language == "zh":
            if owners:
                # Longest first, so 原来是 wins over 原来.
                words = sorted(owners, key=len, reverse=True)
                self.pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
            return
        for key in owners:
            tokens = key.split(" ")
            if all(_EN_TOKEN.fullmatch(t) for t in tokens):
                self.firsts.add(tokens[0])
                self.longest = max(self.longest, len(tokens))
            else:
                self.symbols.append(key)

    def english(self, text: str) -> list[str]:
        low = text.lower()
        tokens = [(m.start(), m.end()) for m in _EN_TOKEN.finditer(low)]
        out = []
        i = 0
        while i < len(tokens):
            start = tokens[i][0]
            if low[start : tokens[i][1]] in self.firsts:
                # Longest n-gram first; the slice must hold only the words and spaces between them.
                for n in range(min(self.longest, len(tokens) - i), 0, -1):
                    end = tokens[i + n - 1][1]
                    key = " ".join(low[start:end].split())
                    if key in self.owners:
                        out.append(text[start:end])
                        i += n
                        break
                else:
                    i += 1
            else:
                i += 1
        out.extend(text[low.index(sym) : low.index(sym) + len(sym)] for sym in self.symbols if sym in low)
        return out


_EN_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)*")


@lru_cache(maxsize=16)
def _compiled(lexicon: Lexicon, language: str) -> _Matcher:
    return _Matcher(lexicon, "zh" if language == "zh" else "en")


def find_cues(text: str, language: str, lexicon: Lexicon = DEFAULT_LEXICON) -> list[tuple[str, str]]:
    """(category, cue) pairs found in ``text``, in text order; each (category, cue) once.

    >>> find_cues("你竟然是他的亲生女儿？", "zh")[:3]
    [('reveal', '竟然是'), ('reversal', '竟然'), ('reveal', '亲生')]
    >>> find_cues("Turns out it was you—", "en")
    [('reveal', 'Turns out'), ('reversal', 'Turns out'), ('reveal', 'it was you'), ('reversal', 'it was you'), ('interruption', '—')]
    """
    found: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    if not text:
        return found
    matcher = _compiled(lexicon, language)
    owners = matcher.owners

    def credit(cue: str) -> None:
        key_cue = " ".join(cue.lower().split())
        for category in owners.get(key_cue, ()):
            if (category, key_cue) not in seen:
                seen.add((category, key_cue))
                found.append((category, cue))

    if language == "zh":
        if matcher.pattern is not None:
            for m in matcher.pattern.finditer(text):
                cue = m.group(0)
                credit(cue)
                # 竟然是 is a reveal and, through 竟然, a reversal: the shorter cue inside the
                # longer one is not matched again by finditer, so credit it here.
                if len(cue) > 2:
                    for inner in _inner_cues(cue, owners):
                        credit(inner)
    else:
        for cue in matcher.english(text.replace("’", "'")):
            credit(cue)
    cut = _CUT_OFF.search(text)
    if cut:
        found.append(("interruption", cut.group(0).strip().rstrip("\"'”’」』）)").strip() or "—"))
    return found


def _inner_cues(cue: str, owners: dict[str, tuple[str, ...]]) -> list[str]:
    out = []
    for length in range(len(cue) - 1, 1, -1):
        for start in range(0, len(cue) - length + 1):
            part = cue[start : start + length]
            if part in owners:
                out.append(part)
    return out


def element_cues(element: Element, language: str, lexicon: Lexicon = DEFAULT_LEXICON) -> tuple[CueHit, ...]:
    """The cues of one element, each pointing back at the element's source line.

    A parsed ``cliffhanger_mark`` element is itself a cue; headings, cues, notes and page
    breaks carry none (a 卡点 written in a note is the writer's plan, not what is on screen).

    >>> element_cues(Element(ElementType.CLIFFHANGER_MARK, "【卡点】", 9), "zh")[0].category
    'cliffhanger_mark'
    """
    if element.type == ElementType.CLIFFHANGER_MARK:
        return (CueHit("cliffhanger_mark", element.text.strip() or "【卡点】", element.line, _excerpt(element.text)),)
    if element.type in _NO_CUES:
        return ()
    text = element.text
    if not text:
        return ()
    excerpt = _excerpt(text)
    return tuple(CueHit(cat, cue, element.line, excerpt) for cat, cue in find_cues(text, language, lexicon))


_NO_CUES = frozenset(
    {
        ElementType.HEADING,
        ElementType.CHARACTER,
        ElementType.NOTE,
        ElementType.SECTION,
        ElementType.SYNOPSIS,
        ElementType.PAGE_BREAK,
        ElementType.FLASHBACK_START,
        ElementType.FLASHBACK_END,
        ElementType.TRANSITION,
    }
)


def _excerpt(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
