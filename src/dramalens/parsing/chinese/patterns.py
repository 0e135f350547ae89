"""The regular expressions and character sets each line of a Chinese script is tried against
(episode markers, scene heads, cast lines, marks, speakers), for :mod:`.structure` and
:mod:`.parser`. Matching runs on the folded line (:data:`.lexicon.MATCH_TABLE`)."""

from __future__ import annotations

import re

from ...text.han import HAN_CLASS
from ...text.numerals import CN_NUM
from .lexicon import END_WORDS

__all__ = [
    "ACTION_LABELS",
    "ACTION_LINES",
    "ACTION_MARK",
    "BACK_MATTER",
    "BAD_CHARS",
    "BARE_VO",
    "BIO_NAME",
    "BODY_HEAD",
    "CAST",
    "CLIFF",
    "CUE",
    "DOTS",
    "DOT_PART",
    "END_MARK",
    "ENTRANCE",
    "EPISODE",
    "FLASH_BARE",
    "FLASH_END",
    "FLASH_START",
    "FULL_STOP",
    "HAS_LETTER",
    "HEADER_LINE",
    "HEAD_FLASHBACK",
    "HEAD_HINT",
    "HEAD_NOTE",
    "HEAD_TOKEN",
    "INLINE_CAST",
    "JOINED",
    "LATIN_NAME",
    "LEAD_BRACKET",
    "LEAD_PAREN",
    "NAME_CHARS",
    "NAME_SPLIT",
    "NAME_SUFFIX",
    "NESTED",
    "NO_COLON",
    "ONE_MARK",
    "OPEN_CLOSE",
    "OUTLINE_HEAD",
    "PAGE_LINE",
    "PARENS",
    "PAREN_PARTS",
    "PARTS",
    "PLACE_LINE",
    "QUOTES",
    "RULE_LINE",
    "SCENE_NUM",
    "SCENE_SINGLE",
    "SCENE_WORD",
    "SECTION_WORDS",
    "SENTENCE",
    "SPEAKER",
    "SPEAKER_INNER",
    "SPEAKER_WIDE",
    "SUBTITLED_VO",
    "SUBTITLE",
    "TERMINAL",
    "TIME_LINE",
    "TITLE_NOISE",
    "TITLE_SEP",
    "TRAIL_MARKS",
    "TRANSITION_TO",
    "TRANSITION_WORD",
    "VOICE_PREFIX",
    "WHOLE_BRACKET",
    "WHOLE_PAREN",
    # first/last-character guards (see below)
    "ACTION_FIRST",
    "BACK_MATTER_FIRST",
    "BARE_MARK_FIRST",
    "BRACKET_FIRST",
    "CAST_FIRST",
    "END_LAST",
    "EPISODE_FIRST",
    "NAME_SUFFIX_LAST",
    "PAREN_FIRST",
    "RULE_FIRST",
    "SPACES",
    "TRAIL_LAST",
    "VOICE_FIRST",
]

EPISODE = re.compile(
    rf"^[【\[(（]?\s*(?:第\s*(\d{{1,4}}|{CN_NUM}{{1,8}})\s*(?:[-－—–~～至到]\s*(\d{{1,4}}|{CN_NUM}{{1,8}})\s*)?(?:集(?!团|合|中|市|体|结|会|资|装|训|成|锦)|幕(?![后前里中上下间布墙])|部分(?=$|[\s:：（(【\[]))|(?:EP|Ep|ep|Episode|EPISODE|episode)\s*\.?\s*(\d{{1,4}})(?!\d))"
    r"\s*[】\])）]?(.*)$"
)
SCENE_NUM = re.compile(r"^[【\[]?\s*(?:场景|场次|场|第)?\s*(\d{1,4})\s*([-－—–‐_.．])\s*(\d{1,4})\s*场?\s*[】\]]?(?![\d%]|[.．]\d)(\s*[:：、,，.．。]?\s*)(.*)$")
SCENE_WORD = re.compile(
    rf"^[【\[]?\s*(?:第\s*(\d{{1,4}}|{CN_NUM}{{1,6}})\s*场|场(?:景|次)?\s*(\d{{1,4}}|{CN_NUM}{{1,6}})|(?:场景|场次)(?=\s*[:：】\]]))"
    r"\s*[】\]]?(\s*[:：、,，.．]?\s*)(.*)$"
)
# 1、客厅 日 内 / （1）客厅/日/内 / 01 内景 书房 日 (a bare space after the number: needs 日 and 内).
SCENE_SINGLE = re.compile(r"^(?:[（(](\d{1,3})[）)]|(\d{1,3})(?:\s*[、.．:：]|(?=\s)))\s*(.+)$")
# 景：客厅 / 时：日 / 人：林晚、顾沉 — the three-line scene header some script mills use.
PLACE_LINE = re.compile(r"^(?:景|地点|背景)\s*[:：]\s*(.{1,30})$")
# A per-episode outline before the script: its 第N集 lines are entries, not episodes.
OUTLINE_HEAD = re.compile(r"^[【\[]?\s*(?:分集大纲|分集梗概|分集剧情|分集简介|剧情大纲|大纲|集纲|分集纲要|分集概括|分集概要|分集介绍)\s*[】\]]?\s*[:：]?$")
BODY_HEAD = re.compile(r"^[【\[]?\s*(?:剧本正文|正文|剧本)\s*[】\]]?\s*[:：]?$")
# 林晚，女，24岁… — a bio line in a 人物小传 section that names its character without a colon.
BIO_NAME = re.compile(rf"^([{HAN_CLASS}A-Za-z·]{{1,8}}?)\s*(?:[，,（(—\-|｜/]|\s)")
# 时间：夜 / 内景：白天 (the 内/外 word is the key: kept in group 1 so the fields see it).
TIME_LINE = re.compile(r"^(?:(?:时|时间)\s*[:：]\s*|(?=(?:内景|外景|内外景|室内|室外)\s*[:：]))(.{1,60})$")
# Notes in a head's brackets that are not part of the place: 客厅（回忆）.
HEAD_NOTE = re.compile(
    r"[（(](?:回忆|闪回|梦境|梦|幻想|想象|插叙|续|接上场|接上|同上)[^（()）]{0,6}[）)]"
    r"|[【\[](?:回忆|闪回|梦境|梦|幻想|想象|插叙)[^【\[\]】]{0,6}[】\]]"
)
# A head marked as a flashback (1-3 日 内 客厅（回忆）): the whole scene is one. Group 1 is the word.
HEAD_FLASHBACK = re.compile(r"[（(【\[]\s*(回忆|闪回)(?:中|戏|场景|片段)?\s*[）)】\]]")
DOT_PART = re.compile(r"[^·・•\-—–.．]+")
DOTS = re.compile(r"[·・•\-—–.．]")
INLINE_CAST = re.compile(r"(?:出场人物|出场角色|人物)\s*[:：]")
CAST = re.compile(
    r"^(?:[【\[](?:出场人物|出场角色|登场人物|主要人物|人物|角色)[】\]]\s*[:：]?"
    r"|(?:出场人物|出场角色|登场人物|主要人物|人物表|人物|角色|出场|人)\s*[:：])\s*(.*)$"
)
NAME_SPLIT = re.compile(r"[、，,/／;；|｜&＆\s]+")
PARENS = re.compile(r"[（(][^（()）]*[）)]")
ACTION_MARK = re.compile(r"^[△▲※◆●■〔]+\s*")
ACTION_LINES = re.compile(r"^[ \t]*[△▲※◆●■]", re.M)
# Page numbers a Word export leaves between lines: 3 / - 3 - / 第3页 / 第3页 共80页 / 3/80 / Page 3.
PAGE_LINE = re.compile(
    r"^(?:[-—–~～]\s*\d{1,4}\s*[-—–~～]|\d{1,4}|第\s*\d{1,4}\s*页(?:\s*[/，,]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$"
)
CUE = re.compile(r"^([^\s（()）：:【】\[\]“”\"「」《》，,。！？!?]{1,12})\s*((?:[（(][^（()）]{0,24}[）)]\s*)*)$")
# （皇后、魔镜上） / （下）: who enters or leaves the stage.
ENTRANCE = re.compile(r"^(.*?)(?:上场|下场|退场|登场|退下|同上|齐上|同下|分下|暗下|急下|上|下)$")
# The writer's remarks after the script (结语, 后记): notes, not story.
BACK_MATTER = re.compile(r"^[【\[]?(?:结语|后记|附录|创作说明|写在最后|作者的话|作者有话说|编剧的话)[】\]]?[:：]?$")
ACTION_LABELS = frozenset({"动作", "画面", "镜头", "场景描述", "描述"})
BARE_VO = frozenset({"OS", "VO", "V.O.", "O.S."})
# 字幕+VO： / VO+字幕： — an unseen voice whose words are also put on screen.
SUBTITLED_VO = re.compile(r"^(?:字幕\s*[+＋/&、]\s*(?i:VO|OS)|(?i:VO|OS)\s*[+＋/&、]\s*字幕)$")
QUOTES = {"“": "”", '"': '"', "「": "」", "『": "』"}
SENTENCE = re.compile(r"[。！？!?，,；;“”\"…]")
TERMINAL = re.compile(r"[，,、；;：:—\-]$")
RULE_LINE = re.compile(r"^[-—=*~～_#·.。…※＝－]{3,}$")
WHOLE_BRACKET = re.compile(r"^[【\[]([^【】\[\]]*)[】\]]$")
WHOLE_PAREN = re.compile(r"^[（(]([^（()）]*)[）)]$")
LEAD_BRACKET = re.compile(r"^[【\[]([^【】\[\]]{1,30})[】\]]\s*(.+)$")
TRAIL_MARKS = re.compile(r"((?:\s*[【\[（(][^【】\[\]（()）]{0,30}(?:卡点|钩子|悬念|反转|付费点|高能)[^【】\[\]（()）]{0,30}[】\]）)])+)\s*$")
ONE_MARK = re.compile(r"[【\[（(]([^【】\[\]（()）]*)[】\]）)]")
# 名（表情）OS： — a voice mark after the tone, before the colon, is group 3; the speech is group 4.
SPEAKER = re.compile(
    r"^([^：:（()）【】\[\]“”\"「」《》]{1,24}?)\s*((?:[（(](?:[^（()）]|[（(][^（()）]{0,12}[）)]){0,60}[）)]\s*)*)"
    r"((?:(?<=[）)])(?i:内心OS|OS|VO|V\.O\.))?)\s*[：:]\s*(.*)$"
)
# 江河（调侃）你怎么… — a name and its tone with the colon left out (known names only).
NO_COLON = re.compile(r"^([^\s（(：:【】“”]{1,6})[（(]([^（）()：:]{1,16})[）)]\s*([^\s（(：:，。！？…].*)$")
NESTED = re.compile(r"[（(][^）)]*[（(]")
# 杀手（爆喝：）杀！ — the colon typed inside the tone's bracket.
SPEAKER_INNER = re.compile(r"^([^：:（()）【】\[\]“”\"「」《》\s]{1,12}?)\s*([（(][^（()）：:]{1,12}[：:][）)])()\s*(\S.*)$")
# The same with tones in square brackets too (林母【冷笑】：), tried only on lines holding one.
SPEAKER_WIDE = re.compile(
    r"^([^：:（()）【】\[\]“”\"「」《》]{1,24}?)\s*((?:[（(【\[][^（()）【】\[\]]{0,24}[）)】\]]\s*)*)()[：:]\s*(.*)$"
)
LEAD_PAREN = re.compile(r"^[（(]([^（()）]{1,24})[）)]\s*(.*)$")
NAME_SUFFIX = re.compile(r"^(.+?)(内心OS|内心独白|内心|心声|(?i:OS|VO|V\.O\.|O\.S\.)|画外音)$")
# VO系统： / OS林晚： — the voice mark first, then who speaks.
VOICE_PREFIX = re.compile(r"^(?i:OS|VO)(?![A-Za-z])(.+)$")

FLASH_END = re.compile(r"^(?:(?:闪回|回忆|插叙)\s*(?:结束|完|毕|止)|回到(?:现实|现在|当下)|结束(?:闪回|回忆)|闪出$|回忆出$)")
FLASH_START = re.compile(r"^(?:闪回|回忆|插叙)(?:开始|起)?(?:$|[\s:：，,。].*)")
CLIFF = re.compile(r"卡点|钩子|悬念")
SUBTITLE = re.compile(r"^(?:画面|屏幕|片头|片尾|人物|人名)?(?:字幕卡|字幕条|字幕|人名条|人物卡|人名卡|角色卡|身份卡|花字)\s*(?:[:：]\s*(.*))?$")
TRANSITION_WORD = re.compile(r"^[-—–~～]*\s*(?:转场|黑场|黑屏|淡入|淡出|渐隐|渐显|叠化|闪白|闪黑|硬切|切镜头|切画面|切|转|幕落|幕闭|落幕|闭幕|CUT TO|FADE IN|FADE OUT|FADE TO BLACK)(?:[·・\s]*(?:全剧终|剧终|完))?[:：.。!！]?$", re.I)
TRANSITION_TO = re.compile(r"^(?:切至|切到|切换至|切换到|转场至|画面切至|镜头切至|画面转至|转场|淡入|淡出|切(?=\s*[:：]))\s*[:：]?\s*\S[^。！？]{0,24}$")

LATIN_NAME = re.compile(r"^[A-Z][A-Za-z.'\-]{0,15}$")
NAME_CHARS = re.compile(rf"^[{HAN_CLASS}A-Za-z0-9·•・]+$")
HAS_LETTER = re.compile(rf"[{HAN_CLASS}A-Za-z]")
BAD_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffd]")
HEADER_LINE = re.compile(r"^([^:：]{1,8}?)\s*[:：]\s*(.*)$")
SECTION_WORDS = re.compile(r"人物|角色|简介|梗概|大纲|小传|介绍|设定|说明|目录|前言|备注")
TITLE_SEP = " :：、.．,，-—–·|｜~～"
TITLE_NOISE = re.compile(r"\s*[（(【\[]\s*完\s*[）)】\]]\s*$")
FULL_STOP = re.compile(r"[。！？!?]")
HEAD_HINT = re.compile(r"[日夜晨晚昏早午内外景]")
JOINED = re.compile(r"[、&＆]")
PAREN_PARTS = re.compile(r"[，,、/;；]")
FLASH_BARE = re.compile(r"^(?:闪回|回忆)(?:开始)?(?:[:：].{0,30})?[。.]?$")
END_MARK = re.compile(
    rf"^(?:第\s*(?:\d{{1,4}}|{CN_NUM}{{1,8}})\s*集\s*)?(?:{'|'.join(sorted(END_WORDS, key=lambda w: (-len(w), w)))})$"
)
PARTS = frozenset({"上", "下", "中", "上集", "下集", "上半", "下半", "上篇", "下篇", "前篇", "后篇"})
OPEN_CLOSE = {"【": "】", "[": "]", "（": "）", "(": ")", "《": "》", "「": "」"}
HEAD_TOKEN = re.compile(r"[^\s/／|｜,，、:：;；()（）【】\[\]]+")

# -- guards -------------------------------------------------------------------------------
# The characters a rule's match can begin (or end) with, so the parser tries a line against a
# rule only when the rule could match it: a set test costs a tenth of a failing regex call,
# and most lines fail most rules. tests/test_chinese_guards.py derives each set from the
# regex itself and checks the set holds it, so a pattern edited without its guard fails there.
#: What ``\s`` matches (str.isspace), for the rules that allow leading or trailing space.
SPACES = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
          "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
EPISODE_FIRST = frozenset("【[(（第Ee" + SPACES)
BACK_MATTER_FIRST = frozenset("【[结后附创写作编")
RULE_FIRST = frozenset("-—=*~～_#·.。…※＝－")
CAST_FIRST = frozenset("【[出登主人角")
ACTION_FIRST = frozenset("△▲※◆●■〔")
BRACKET_FIRST = frozenset("【[")  # WHOLE_BRACKET, LEAD_BRACKET
PAREN_FIRST = frozenset("（(")  # WHOLE_PAREN, LEAD_PAREN
# FLASH_END, SUBTITLE, TRANSITION_WORD, TRANSITION_TO and FLASH_BARE: a bare mark line.
BARE_MARK_FIRST = frozenset("回插结闪人字屏片画花角身切叠幕淡渐硬落转闭黑镜-–—~～CFcf" + SPACES)
VOICE_FIRST = frozenset("OVov字")  # VOICE_PREFIX, SUBTITLED_VO
# TRAIL_MARKS ends in a closing bracket, then only space; NAME_SUFFIX in a voice mark
# (ſ is the long s that matches s when case is ignored).
TRAIL_LAST = frozenset(")]】）" + SPACES)
NAME_SUFFIX_LAST = frozenset(".OSosſ声心白音")
END_LAST = frozenset("Dd完束终结续")  # END_MARK ends with an end word (完, 剧终, END …)
