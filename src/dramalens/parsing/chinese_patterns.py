"""The patterns and pure helpers of the Chinese script parser (:mod:`.chinese`): the regular
expressions each line is tried against, heading-field splitting and small text helpers.

Kept apart so the parser module holds only the one-pass state machine.
"""

from __future__ import annotations

import re

from ..model import ElementType
from .chinese_lexicon import (
    TEXT_TABLE as _TEXT_TABLE,
    MATCH_TABLE as _MATCH_TABLE,
    CN_NUM as _CN_NUM,
    TIMES as _TIMES,
    IE as _IE,
    VO_KEYS as _VO_KEYS,
    INNER_KEYS as _INNER_KEYS,
    NARRATORS as _NARRATORS,
    TITLE_KEYS as _TITLE_KEYS,
    HEADER_KEYS as _HEADER_KEYS,
    NOT_SPEAKERS as _NOT_SPEAKERS,
    CLAUSE_WORDS as _CLAUSE_WORDS,
    CLAUSE_CHARS as _CLAUSE_CHARS,
    PRONOUNS as _PRONOUNS,
    ROLE_ENDINGS as _ROLE_ENDINGS,
    END_WORDS as _END_WORDS,
)

__all__: list[str] = []

_T = ElementType

_EPISODE = re.compile(
    rf"^[【\[(（]?\s*(?:第\s*(\d{{1,4}}|{_CN_NUM}{{1,8}})\s*(?:[-－—–~～至到]\s*(\d{{1,4}}|{_CN_NUM}{{1,8}})\s*)?集(?!团|合|中|市|体|结|会|资|装|训|成|锦)|(?:EP|Ep|ep|Episode|EPISODE|episode)\s*\.?\s*(\d{{1,4}})(?!\d))"
    r"\s*[】\])）]?(.*)$"
)
_SCENE_NUM = re.compile(r"^[【\[]?\s*(?:场景|场次|场|第)?\s*(\d{1,4})\s*([-－—–‐_.．])\s*(\d{1,4})\s*场?\s*[】\]]?(?![\d%]|[.．]\d)(\s*[:：、,，.．]?\s*)(.*)$")
_SCENE_WORD = re.compile(
    rf"^[【\[]?\s*(?:第\s*(\d{{1,4}}|{_CN_NUM}{{1,6}})\s*场|场(?:景|次)?\s*(\d{{1,4}}|{_CN_NUM}{{1,6}})|(?:场景|场次)(?=\s*[:：]))"
    r"\s*[】\]]?(\s*[:：、,，.．]?\s*)(.*)$"
)
# 1、客厅 日 内 / （1）客厅/日/内 / 01 内景 书房 日 (a bare space after the number: needs 日 and 内).
_SCENE_SINGLE = re.compile(r"^(?:[（(](\d{1,3})[）)]|(\d{1,3})(?:\s*[、.．:：]|(?=\s)))\s*(.+)$")
# 景：客厅 / 时：日 / 人：林晚、顾沉 — the three-line scene header some script mills use.
_PLACE_LINE = re.compile(r"^(?:景|地点)\s*[:：]\s*(.{1,30})$")
# A per-episode outline before the script: its 第N集 lines are entries, not episodes.
_OUTLINE_HEAD = re.compile(r"^[【\[]?\s*(?:分集大纲|分集梗概|分集剧情|分集简介|剧情大纲|大纲)\s*[】\]]?\s*[:：]?$")
_BODY_HEAD = re.compile(r"^[【\[]?\s*(?:剧本正文|正文|剧本)\s*[】\]]?\s*[:：]?$")
# 林晚，女，24岁… — a bio line in a 人物小传 section that names its character without a colon.
_BIO_NAME = re.compile(r"^([\u3400-\u9fffA-Za-z·]{1,8}?)\s*(?:[，,（(—\-|｜/]|\s)")
_TIME_LINE = re.compile(r"^(?:时|时间)\s*[:：]\s*(.{1,12})$")
# Notes in a head's brackets that are not part of the place: 客厅（回忆）.
_HEAD_NOTE = re.compile(
    r"[（(](?:回忆|闪回|梦境|梦|幻想|想象|插叙|续|接上场|接上|同上)[^（()）]{0,6}[）)]"
    r"|[【\[](?:回忆|闪回|梦境|梦|幻想|想象|插叙)[^【\[\]】]{0,6}[】\]]"
)
# A head marked as a flashback (1-3 日 内 客厅（回忆）): the whole scene is one. Group 1 is the word.
_HEAD_FLASHBACK = re.compile(r"[（(【\[]\s*(回忆|闪回)(?:中|戏|场景|片段)?\s*[）)】\]]")
_DOT_PART = re.compile(r"[^·・•\-—–.．]+")
_DOTS = re.compile(r"[·・•\-—–.．]")
_INLINE_CAST = re.compile(r"(?:出场人物|出场角色|人物)\s*[:：]")
_CAST = re.compile(r"^(?:出场人物|出场角色|登场人物|主要人物|人物表|人物|出场|人)\s*[:：]\s*(.*)$")
_NAME_SPLIT = re.compile(r"[、，,/／;；|｜&＆\s]+")
_PARENS = re.compile(r"[（(][^（()）]*[）)]")
_ACTION_MARK = re.compile(r"^[△▲※◆●■]+\s*")
_ACTION_LINES = re.compile(r"^[ \t]*[△▲※◆●■]", re.M)
# Page numbers a Word export leaves between lines: 3 / - 3 - / 第3页 / 第3页 共80页 / 3/80 / Page 3.
_PAGE_LINE = re.compile(
    r"^(?:[-—–~～]\s*\d{1,4}\s*[-—–~～]|\d{1,4}|第\s*\d{1,4}\s*页(?:\s*[/，,]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$"
)
_CUE = re.compile(r"^([^\s（()）：:【】\[\]“”\"「」《》，,。！？!?]{1,12})\s*((?:[（(][^（()）]{0,24}[）)]\s*)*)$")
_ACTION_LABELS = frozenset({"动作", "画面", "镜头", "场景描述", "描述"})
_BARE_VO = frozenset({"OS", "VO", "V.O.", "O.S."})
_QUOTES = {"“": "”", '"': '"', "「": "」", "『": "』"}
_SENTENCE = re.compile(r"[。！？!?，,；;“”\"…]")
_TERMINAL = re.compile(r"[，,、；;：:—\-]$")
_RULE_LINE = re.compile(r"^[-—=*~～_#·.。…※＝－]{3,}$")
_WHOLE_BRACKET = re.compile(r"^[【\[]([^【】\[\]]*)[】\]]$")
_WHOLE_PAREN = re.compile(r"^[（(]([^（()）]*)[）)]$")
_LEAD_BRACKET = re.compile(r"^[【\[]([^【】\[\]]{1,30})[】\]]\s*(.+)$")
_TRAIL_MARKS = re.compile(r"((?:\s*[【\[（(][^【】\[\]（()）]{0,30}(?:卡点|钩子|悬念|反转|付费点|高能)[^【】\[\]（()）]{0,30}[】\]）)])+)\s*$")
_ONE_MARK = re.compile(r"[【\[（(]([^【】\[\]（()）]*)[】\]）)]")
_SPEAKER = re.compile(r"^([^：:（()）【】\[\]“”\"「」《》]{1,24}?)\s*((?:[（(][^（()）]{0,24}[）)]\s*)*)[：:]\s*(.*)$")
# The same with tones in square brackets too (林母【冷笑】：), tried only on lines holding one.
_SPEAKER_WIDE = re.compile(r"^([^：:（()）【】\[\]“”\"「」《》]{1,24}?)\s*((?:[（(【\[][^（()）【】\[\]]{0,24}[）)】\]]\s*)*)[：:]\s*(.*)$")
_LEAD_PAREN = re.compile(r"^[（(]([^（()）]{1,24})[）)]\s*(.*)$")
_NAME_SUFFIX = re.compile(r"^(.+?)(内心OS|内心独白|内心|心声|OS|VO|V\.O\.|O\.S\.|画外音)$")

_FLASH_END = re.compile(r"^(?:(?:闪回|回忆|插叙)\s*(?:结束|完|毕|止)|回到(?:现实|现在|当下)|结束(?:闪回|回忆))")
_FLASH_START = re.compile(r"^(?:闪回|回忆|插叙)(?:开始|起)?(?:$|[\s:：，,。].*)")
_CLIFF = re.compile(r"卡点|钩子|悬念")
_SUBTITLE = re.compile(r"^(?:画面|屏幕|片头|片尾|人物|人名)?(?:字幕卡|字幕条|字幕|人名条|花字)\s*(?:[:：]\s*(.*))?$")
_TRANSITION_WORD = re.compile(r"^(?:转场|黑场|黑屏|淡入|淡出|渐隐|渐显|叠化|闪白|闪黑|硬切|切|CUT TO|FADE IN|FADE OUT|FADE TO BLACK)[:：.。!！]?$", re.I)
_TRANSITION_TO = re.compile(r"^(?:切至|切到|切换至|切换到|转场至|画面切至|镜头切至|画面转至|转场|淡入|淡出|切(?=\s*[:：]))\s*[:：]?\s*\S[^。！？]{0,24}$")

# Time words → the model's normalised names; 内/外 → INT/EXT.


# Title-page keys (before the first episode or scene) and the ones that name the work.
# Words before a colon that are never a speaker.
# Particles and speech verbs almost never found in a name (听, 见, 和, 有… are, so they are not here).
_LATIN_NAME = re.compile(r"^[A-Z][A-Za-z.'\-]{0,15}$")
_NAME_CHARS = re.compile(r"^[\u3400-\u9fffA-Za-z0-9·•・]+$")
_HAS_LETTER = re.compile(r"[\u3400-\u9fffA-Za-z]")
_BAD_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffd]")
_HEADER_LINE = re.compile(r"^([^:：]{1,8}?)\s*[:：]\s*(.*)$")
_SECTION_WORDS = re.compile(r"人物|角色|简介|梗概|大纲|小传|介绍|设定|说明|目录|前言|备注")
_TITLE_SEP = " :：、.．,，-—–·|｜~～"
_TITLE_NOISE = re.compile(r"\s*[（(【\[]\s*完\s*[）)】\]]\s*$")
_FULL_STOP = re.compile(r"[。！？!?]")
_HEAD_HINT = re.compile(r"[日夜晨晚昏早午内外景]")
_JOINED = re.compile(r"[、&＆]")
_PAREN_PARTS = re.compile(r"[，,、/;；]")
_FLASH_BARE = re.compile(r"^(?:闪回|回忆)(?:开始)?(?:[:：].{0,30})?[。.]?$")
_END_MARK = re.compile(
    rf"^(?:第\s*(?:\d{{1,4}}|{_CN_NUM}{{1,8}})\s*集\s*)?(?:{'|'.join(sorted(_END_WORDS, key=len, reverse=True))})$"
)
_PARTS = frozenset({"上", "下", "中", "上集", "下集", "上半", "下半", "上篇", "下篇", "前篇", "后篇"})
_OPEN_CLOSE = {"【": "】", "[": "]", "（": "）", "(": ")", "《": "》", "「": "」"}


def _unwrap(title: str) -> str:
    """Drop one layer of matching brackets and an unbalanced closer left by ``（第1集完）``."""
    if len(title) >= 2 and _OPEN_CLOSE.get(title[0]) == title[-1]:
        title = title[1:-1].strip()
    if title and title[-1] in "】])）》」":
        opener = next(o for o, c in _OPEN_CLOSE.items() if c == title[-1])
        if title.count(opener) < title.count(title[-1]):
            title = title[:-1].strip()
    return title


def _time_ie(token: str) -> tuple[str | None, str | None] | None:
    """(time, int_ext) when ``token`` is a time word, 内/外 word or one of each glued (日内, 内日)."""
    if token in _TIMES:
        return _TIMES[token], None
    if token in _IE:
        return None, _IE[token]
    if len(token) <= 5:
        for k in range(1, len(token)):
            a, b = token[:k], token[k:]
            if a in _TIMES and b in _IE:
                return _TIMES[a], _IE[b]
            if a in _IE and b in _TIMES:
                return _TIMES[b], _IE[a]
    return None


_HEAD_TOKEN = re.compile(r"[^\s/／|｜,，、:：;；()（）【】\[\]]+")


def _heading_fields(rest_m: str, rest: str):
    """Split a heading's text (after its number) into int_ext, time, location, cast and a flag
    saying whether any time/内外 word was found (which makes a doubtful line a heading).
    ``rest_m`` is the matching form of ``rest`` (same length, positions agree)."""
    cast: tuple[str, ...] = ()
    m = _INLINE_CAST.search(rest_m)
    if m:
        cast = _split_names(rest[m.end():])
        rest_m, rest = rest_m[: m.start()], rest[: m.start()]
    for note in _HEAD_NOTE.finditer(rest_m):  # blanked, same length: positions still agree
        blank = " " * (note.end() - note.start())
        rest_m = rest_m[: note.start()] + blank + rest_m[note.end():]
        rest = rest[: note.start()] + blank + rest[note.end():]
    time = ie = None
    found = False
    location: list[str] = []
    spans = []
    for tok in _HEAD_TOKEN.finditer(rest_m):
        text, at = tok.group(0), tok.start()
        if _DOTS.search(text):  # 内景·客厅·夜, 客厅-日-内 (but 顾家别墅·书房 stays whole)
            parts = [(p.group(0), at + p.start(), at + p.end()) for p in _DOT_PART.finditer(text)]
            if any(_time_ie(p[0]) for p in parts):
                spans.extend(parts)
                continue
        spans.append((text, at, tok.end()))
    for tok_m, start, end in spans:
        hit = _time_ie(tok_m)
        if hit is None and len(tok_m) > 2:
            # glued to the location: 客厅日内 / 日内客厅
            for k in (2, 3, 4):
                if k >= len(tok_m):
                    break
                tail, head = _time_ie(tok_m[-k:]), _time_ie(tok_m[:k])
                if tail and tail[0] and tail[1]:
                    hit, end = tail, end - k
                    break
                if head and head[0] and head[1]:
                    hit, start = head, start + k
                    break
            else:
                hit = None
            if hit is not None:
                location.append(rest[start:end])
        if hit is None:
            location.append(rest[start:end])
            continue
        found = True
        t, i = hit
        time = time or t
        if i:
            ie = i if ie is None or ie == i else "INT/EXT"
    return ie, time, (" ".join(location) or None), cast, found


def _split_names(text: str) -> tuple[str, ...]:
    names = []
    for raw in _NAME_SPLIT.split(_PARENS.sub(" ", text)):
        name = raw.strip("：:。.；;")
        if name and name != "等" and len(name) <= 12 and name not in names:
            names.append(name)
    return tuple(names)


def _ext_kind(part: str) -> _T | None:
    key = part.upper().replace(".", "").replace(" ", "").replace("·", "")
    if key in _INNER_KEYS:
        return _T.INNER_VOICE
    if key in _VO_KEYS:
        return _T.VOICE_OVER
    return None


def _unquote(text: str) -> str:
    """林晚：“你好。” → 你好。 — one layer of quotes around the whole speech is layout."""
    close = _QUOTES.get(text[:1])
    if close and len(text) > 2 and text.endswith(close) and text.count(text[0]) == (2 if close == text[0] else 1):
        return text[1:-1].strip()
    return text


def _has_content(episode) -> bool:
    return any(scene.elements or scene.heading is not None or scene.cast for scene in episode.scenes)


