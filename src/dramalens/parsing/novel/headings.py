"""Recognising one line of a novel: a chapter or volume heading, a table-of-contents header,
a decorative separator, site boilerplate, the start of an author's note, or story text.

Kept apart from the splitter (:mod:`.chapters`) so the vocabulary can grow without touching
the rules that decide what a run of headings means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...text.han import HAN
from ...text.numerals import CN_NUM, parse_numeral

__all__ = [
    "Heading",
    "classify_bare",
    "classify_heading",
    "couplet_like",
    "en_number",
    "is_noise_line",
    "is_note_start",
    "is_toc_header",
    "noise_kind",
    "title_like",
]


@dataclass(frozen=True, slots=True)
class Heading:
    """What a heading line says.

    ``level`` is ``"chapter"`` or ``"volume"``; ``kind`` the chapter kind (``chapter``,
    ``prologue``, ``epilogue``, ``extra``); ``unit`` the word that made it a heading (``章``,
    ``回``, ``卷``, ``chapter``, ``book``, ``prologue``…); ``toc_like`` is True when the line
    ends in dot leaders and a page number, which only a table of contents writes; ``part`` is
    the part of a chapter posted in pieces (``(2/2)`` → 2), None otherwise.
    """

    level: str
    kind: str
    unit: str
    number: int | None
    title: str
    toc_like: bool = False
    part: int | None = None  # 2 for "第12章 重逢 (2/2)": one chapter posted in parts

    @property
    def key(self) -> tuple[str, str, int | None, str, int | None]:
        """What makes two headings "the same chapter" (a TOC entry and its chapter)."""
        return (self.level, self.unit, self.number, "" if self.number is not None else self.title.lower(), self.part)


_BRACKETS = {"【": "】", "[": "]", "〖": "〗", "「": "」", "『": "』", "(": ")", "（": "）", "<": ">", "《": "》", "〈": "〉"}
_SEP = " \t:：、.．·-—–_|｜"
# Dot leaders and a page number: "第一章 风起 ........ 12" — only a table of contents has them.
_LEADER = re.compile(r"(?:\s*(?:\.{2,}|…+|·{2,}|-{3,}|_{3,})\s*|\s{2,}|\t+)\s*\d{1,4}\s*$")

_ZH_CHAPTER_UNITS = {"章": "章", "回": "回", "节": "节", "節": "节", "话": "话", "話": "话", "幕": "幕"}
_ZH_VOLUME_UNITS = {"卷": "卷", "部": "部", "篇": "篇", "集": "集"}
# A unit followed by one of these, with no space, is a word, not a heading: 第一回合, 第三部分.
_NOT_AFTER_UNIT = {"回": "合首忆", "部": "分队门位署", "章": "程法节", "节": "课目日奏", "集": "团合中体结",
                   "卷": "子入起轴宗", "篇": "幅章", "话": "题语音", "幕": "后"}
_ZH_HEAD = re.compile(
    r"^第\s*(?P<num>[0-9０-９]{1,6}|" + CN_NUM + r"{1,10})\s*(?P<unit>[章回节節话話幕卷部篇集])(?P<rest>.*)$"
)
_ZH_VOLUME_ALT = re.compile(r"^(?:卷\s*之?\s*(?P<num>[0-9０-９]{1,4}|" + CN_NUM + r"{1,6})|(?P<ud>[上中下])\s*卷)(?P<rest>.*)$")
_ZH_SPECIAL = {
    **dict.fromkeys(("序章", "序言", "序幕", "序", "楔子", "引子", "引言", "前言", "开篇", "開篇"), "prologue"),
    **dict.fromkeys(("尾声", "尾聲", "终章", "終章", "最终章", "最終章", "大结局", "大結局", "结局", "結局"), "epilogue"),
    **dict.fromkeys(("番外篇", "番外", "外传", "外傳", "后记", "後記", "后传", "後傳", "完本感言", "完结感言",
                     "完結感言", "特别篇", "特別篇"), "extra"),
}
_ZH_SPECIAL_RE = re.compile(
    r"^(?P<word>" + "|".join(sorted(map(re.escape, _ZH_SPECIAL), key=len, reverse=True)) + r")"
    r"(?:(?P<num>[0-9０-９]{1,4}|" + CN_NUM + r"{1,6})(?=$|[\s:：、.．·\-—–_|｜]))?(?P<rest>.*)$"
)

_EN_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
            "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_EN_ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
                "eleventh", "twelfth"]
_EN_WORD_NUM = (
    r"(?:(?:" + "|".join(_EN_TENS) + r")(?:[-\s](?:" + "|".join(_EN_ONES[1:10]) + r"))?|"
    + "|".join(sorted(_EN_ONES[1:], key=len, reverse=True)) + r"|one hundred|hundred"
    + r"|the\s+(?:" + "|".join(_EN_ORDINALS) + r"|last))"
)
_EN_HEAD = re.compile(
    r"^(?P<word>chapter|chap\.|ch\.|stave|letter|book|part|volume|vol\.)\s*(?P<num>\d{1,4}|[ivxlcdm]{1,9}|" + _EN_WORD_NUM + r")"
    r"(?![\w'’])(?P<rest>.*)$",
    re.IGNORECASE,
)
_ROMAN = re.compile(r"^M{0,4}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
_EN_SPECIAL = {
    **dict.fromkeys(("prologue", "preface", "foreword", "introduction", "prelude"), "prologue"),
    **dict.fromkeys(("epilogue", "conclusion", "finale"), "epilogue"),
    **dict.fromkeys(("afterword", "postscript", "interlude", "author's note", "author’s note", "appendix"), "extra"),
}
_EN_SPECIAL_RE = re.compile(r"^(?P<word>" + "|".join(map(re.escape, _EN_SPECIAL)) + r")(?![\w'’])(?P<rest>.*)$", re.IGNORECASE)

_TOC_HEADER = re.compile(r"^(?:目\s*[录錄次]|章节目录|章節目錄|全书目录|(?:table\s+of\s+)?contents)[:：]?$", re.IGNORECASE)


def _unbracket(s: str) -> str:
    close = _BRACKETS.get(s[:1])
    if close and s.endswith(close) and len(s) > 2:
        return s[1:-1].strip()
    return s


def _split_rest(rest: str, *, max_len: int, zh: bool = True) -> tuple[str, bool, bool] | None:
    """(title, separated, toc_like) from what follows the number, or None when it reads as prose."""
    toc_like = False
    m = _LEADER.search(rest)
    if m:
        toc_like = True
        rest = rest[: m.start()]
    if not rest.strip():
        return "", True, toc_like
    # A space separates a Chinese title (第一章 风起); an English one needs punctuation
    # ("Chapter 3: Home") or a capital ("Chapter 3 Home"), checked by the caller.
    stripped = rest.lstrip(" \t\u3000")
    separated = rest[0] in _SEP + "\u3000" if zh else (bool(stripped) and stripped[0] in _SEP)
    title = rest.strip(_SEP + "\u3000").strip()
    if len(title) > max_len:
        return None
    return title, separated, toc_like


# What web sites append to a chapter title: the update date ("（2023-05-01更新）") and the
# part of a chapter posted in pieces ("(1/2)", "（上）"). Neither is the title.
_UPDATE_DATE = re.compile(
    r"\s*[（(【\[]\s*(?:更新(?:时间|於|于)?[:：]?\s*)?\d{4}\s*[-./年]\s*\d{1,2}\s*[-./月]\s*\d{1,2}\s*日?"
    r"(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?\s*(?:更新)?\s*[）)】\]]\s*$"
)
_PART = re.compile(r"\s*[（(【\[]\s*(?P<num>\d{1,2})\s*[/／]\s*(?P<of>\d{1,2})\s*[）)】\]]\s*$|\s*[（(](?P<ud>[上中下])[）)]\s*$")


def _title_extras(title: str) -> tuple[str, int | None]:
    """(title without an update date or part marker, the part number or None).

    >>> _title_extras("重逢（2023-05-01更新）"), _title_extras("重逢 (2/2)"), _title_extras("重逢（下）")
    (('重逢', None), ('重逢', 2), ('重逢', 3))
    """
    if not title or title[-1] not in "）)】]":
        return title, None
    title = _UPDATE_DATE.sub("", title)
    m = _PART.search(title)
    if m is None:
        return title, None
    if m.group("num"):
        num, of = int(m.group("num")), int(m.group("of"))
        if not 1 <= num <= of:
            return title, None
        part = num
    else:
        part = "上中下".index(m.group("ud")) + 1
    return title[: m.start()].strip(), part


def _zh_title_ok(title: str, separated: bool) -> bool:
    if not title:
        return True
    if "。" in title or title[-1] in "，、；,;：:":
        return False
    # A short title after a space may hold commas (第143章 来，你出来，我拍死你); an unspaced
    # run of clauses is prose.
    if title.count("，") > 1 and not (separated and len(title) <= 24):
        return False
    if not separated:
        # "第三章开始了" with no space reads as a title only when it is short and plain.
        return len(title) <= 20 and not any(ch in "，。；：、,;\"“”" for ch in title)
    return True


def _en_title_ok(title: str, separated: bool) -> bool:
    if not title:
        return True
    if title[-1] in ",;" or (title[-1] == "." and len(title.split()) > 10):
        return False
    # "Chapter 3 was the best" is prose; a title after a bare space starts with a capital.
    return separated or not title[0].islower()


def _roman(text: str) -> int | None:
    t = text.upper()
    if not t or not _ROMAN.match(t):
        return None
    total = 0
    for a, b in zip(t, t[1:] + " "):
        va, vb = _ROMAN_VALUES[a], _ROMAN_VALUES.get(b, 0)
        total += -va if va < vb else va
    return total


def en_number(text: str) -> int | None:
    """An English chapter number: digits, Roman numerals or number words.

    >>> en_number("XII"), en_number("twelve"), en_number("12"), en_number("chapter")
    (12, 12, 12, None)
    """
    t = " ".join(text.lower().replace("-", " ").split())
    if t.isdigit():
        return int(t)
    if t.startswith("the "):
        word = t[4:]
        return _EN_ORDINALS.index(word) + 1 if word in _EN_ORDINALS else None
    if t in ("hundred", "one hundred"):
        return 100
    parts = t.split()
    if len(parts) == 1 and parts[0] in _EN_ONES:
        return _EN_ONES.index(parts[0])
    if parts and parts[0] in _EN_TENS:
        ones = _EN_ONES.index(parts[1]) if len(parts) == 2 and parts[1] in _EN_ONES[1:10] else 0
        return _EN_TENS[parts[0]] + ones
    return _roman(text)


# What some sites print before every chapter heading of a copied book (the heading follows).
_SITE_PREFIX = re.compile(r"^(?:《[^》]{0,30}》\s*目录|正文)[ \t\u3000]*(?=第)")


def classify_heading(line: str) -> Heading | None:
    """The heading ``line`` (already cleaned) is, or None for text.

    >>> classify_heading("第一百二十三章 标题").number, classify_heading("Chapter XII").number
    (123, 12)
    >>> classify_heading("【第001章】").unit, classify_heading("楔子").kind, classify_heading("第三回合，他输了") is None
    ('章', 'prologue', True)
    >>> classify_heading("《》目录 第二回　悟彻菩提真妙理").number, classify_heading("正文 第3章 归来").title
    (2, '归来')
    """
    if not line or len(line) > 120:
        return None
    s = _unbracket(line)
    first = s[:1]
    if first in "《正":  # 《西游记》目录 第一回 / 正文 第一回: a site's prefix on every heading
        prefix = _SITE_PREFIX.match(s)
        s, first = (s[prefix.end():], "第") if prefix else (s, first)
    if first == "第":
        return _zh_heading(s)
    if first in "卷上中下":
        return _zh_volume_alt(s)
    if first in "序楔引前开開尾终終最大结結番外后後完特":
        return _zh_special(s)
    if first.isascii() and first.isalpha() and first.isupper():
        return _en_heading(s)
    return None


def _zh_heading(s: str) -> Heading | None:
    m = _ZH_HEAD.match(s)
    if not m:
        return None
    raw_unit, rest = m.group("unit"), m.group("rest")
    if rest and rest[0] in _NOT_AFTER_UNIT.get(raw_unit, "") + _NOT_AFTER_UNIT.get(_ZH_CHAPTER_UNITS.get(raw_unit, ""), ""):
        return None
    number = parse_numeral(m.group("num").replace(" ", ""))
    if number is None:
        return None
    split = _split_rest(rest, max_len=40)
    if split is None or not _zh_title_ok(split[0], split[1]):
        return None
    title, part = _title_extras(split[0])
    if raw_unit in _ZH_CHAPTER_UNITS:
        return Heading("chapter", "chapter", _ZH_CHAPTER_UNITS[raw_unit], number, title, split[2], part)
    return Heading("volume", "chapter", _ZH_VOLUME_UNITS[raw_unit], number, title, split[2], part)


def _zh_volume_alt(s: str) -> Heading | None:
    m = _ZH_VOLUME_ALT.match(s)
    if not m:
        return None
    number = parse_numeral(m.group("num")) if m.group("num") else "上中下".index(m.group("ud")) + 1
    split = _split_rest(m.group("rest"), max_len=40)
    if number is None or split is None or not _zh_title_ok(split[0], split[1]) or (split[0] and not split[1]):
        return None
    return Heading("volume", "chapter", "卷", number, split[0], split[2])


def _zh_special(s: str) -> Heading | None:
    m = _ZH_SPECIAL_RE.match(s)
    if not m:
        return None
    word, rest = m.group("word"), m.group("rest")
    number = parse_numeral(m.group("num").strip()) if m.group("num") else None
    split = _split_rest(rest, max_len=40)
    # A marker runs into prose without a separator ("序号", "前言不搭后语"): it must stand
    # alone, take a number (番外一) or be followed by a separator and a title.
    if split is None or (split[0] and not split[1]) or not _zh_title_ok(split[0], split[1]):
        return None
    if rest and rest[0] in "，。；,;!！?？":
        return None
    return Heading("chapter", _ZH_SPECIAL[word], word, number, split[0] or word, split[2])


def _en_heading(s: str) -> Heading | None:
    m = _EN_HEAD.match(s)
    if m:
        word = m.group("word").lower().rstrip(".")
        number = en_number(m.group("num"))
        if number is None:
            return None
        split = _split_rest(m.group("rest"), max_len=100, zh=False)
        if split is None or not _en_title_ok(split[0], split[1]):
            return None
        unit = {"chap": "chapter", "ch": "chapter", "vol": "volume"}.get(word, word)
        level = "chapter" if unit in ("chapter", "stave", "letter") else "volume"
        title, part = _title_extras(split[0])
        return Heading(level, "chapter", unit, number, title, split[2], part)
    m = _EN_SPECIAL_RE.match(s)
    if m:
        word = m.group("word")
        split = _split_rest(m.group("rest"), max_len=100, zh=False)
        if split is None or not _en_title_ok(split[0], split[1]) or (split[0] and not split[1]):
            return None
        return Heading("chapter", _EN_SPECIAL[word.lower()], word.lower(), None, split[0] or word, split[2])
    return None


_BARE = re.compile(
    r"^(?:(?P<dot>[0-9０-９]{1,4})\s*[.．、](?![0-9０-９])|(?P<cn>" + CN_NUM + r"{1,6})\s*[、.．]"
    r"|[（(]\s*(?P<par>[0-9０-９]{1,4}|" + CN_NUM + r"{1,6})\s*[）)]|(?P<bare>[0-9０-９]{1,4})(?=$|[\s\u3000])"
    r"|(?P<rom>[IVXLC]{1,8})\s*\.|(?P<low>chapter|chap\.|ch\.)\s*(?P<lownum>\d{1,4}|[ivxlc]{1,8})(?![\w'’]))"
    r"(?P<rest>.*)$"
)


def classify_bare(line: str) -> tuple[str, int, str] | None:
    """(style, number, title) for a line that is a chapter head only if the book numbers its
    chapters that way throughout (``1.``, ``1、``, ``一、``, ``（一）``, ``001``, ``I.``,
    ``chapter 1``), else None. The splitter decides whether a style forms such a sequence.

    >>> classify_bare("1、初见"), classify_bare("（十二）"), classify_bare("007"), classify_bare("1.5 倍速")
    (('1、', 1, '初见'), ('（）', 12, ''), ('0', 7, ''), None)
    """
    if not line or len(line) > 40 or line[0] not in "0123456789０１２３４５６７８９（(IVXLCc" and line[0] not in "零〇○一壹二贰两兩三叁四肆五伍六陆陸七柒八捌九玖十拾百":
        return None
    m = _BARE.match(line)
    if m is None:
        return None
    rest = m.group("rest")
    if m.group("dot"):
        style, number = "1" + line[m.end("dot"):m.start("rest")].strip()[:1].replace("．", "."), parse_numeral(m.group("dot"))
    elif m.group("cn"):
        style, number = "一" + line[m.end("cn"):m.start("rest")].strip()[:1].replace("．", "."), parse_numeral(m.group("cn"))
    elif m.group("par"):
        style, number = "（）", parse_numeral(m.group("par"))
    elif m.group("bare"):
        # "001" and "1000" are one style: zero padding runs out as the numbers grow.
        style, number = "0", parse_numeral(m.group("bare"))
    elif m.group("rom"):
        style, number = "I.", _roman(m.group("rom"))
    else:
        style, number = "chapter", en_number(m.group("lownum"))
    if number is None:
        return None
    title = rest.strip(_SEP + "\u3000").strip()
    if rest and rest[0] not in _SEP + "\u3000" and not m.group("dot") and not m.group("cn"):
        return None  # "001号房间", "I.e."
    if len(title) > 30 or (title and (title[-1] in "。，,;；:：!！?？." or "。" in title or title[0].islower())):
        return None
    return style, number, _title_extras(title)[0]


def is_toc_header(line: str) -> bool:
    """True for a table-of-contents header: ``目录``, ``目 录``, ``Contents``.

    >>> is_toc_header("目　录"), is_toc_header("Table of Contents"), is_toc_header("目录很长")
    (True, True, False)
    """
    return bool(_TOC_HEADER.match(_unbracket(line).replace("\u3000", " ")))


_DECORATION = re.compile(r"^[\s=\-*~_#＝－—─━═·•.。…+<>《》☆★◆◇○●※／/\\|]{3,}$")
_CHAPTER_END = re.compile(r"^[（(【\[]?\s*(?:本章完|本章结束|本章終|本章终|未完待续|未完待續|待续|完)\s*[）)】\]]?$")
# ASCII-only classes: \w would let the engine crawl every run of Han characters.
_URL = re.compile(r"(?:https?://|www\.)[A-Za-z0-9./?=&%_-]+|[A-Za-z0-9_-]+\.(?:com|net|org|cc|la|info|cn|me|tw)(?![A-Za-z0-9_])", re.IGNORECASE)
# No IGNORECASE on the Chinese words: it would turn off the engine's first-character scan.
_SITE_WORDS = re.compile(
    "天才一秒记住|一秒记住|本站地址|请记住本书首发|首发域名|最新章节|更新最快|手机用户请|手机版阅读|无弹窗|全文阅读|全文免费阅读|"
    "[tT][xX][tT](?:下载|全集)|电子书下载|本书由.{0,12}(?:整理|首发|提供)|整理制作|更多精彩.{0,8}(?:请|尽在|关注)|"
    "免费小说|小说网|书友群|最快更新|百度搜索|请收藏本站|加入书签|章节错误|点此举报|笔趣阁|顶点小说|"
    "(?:请|敬请)(?:访问|登陆|登录)|本书首发|看小说就到"
)
_SITE_WORDS_EN = re.compile(r"Read more at|Visit\s+\S+\s+for", re.IGNORECASE)


# "（求月票）", "求收藏！": the author begging for votes between paragraphs.
_BEG = re.compile(r"^[（(【\[]?\s*(?:新书|新人新书|新书上传)?[，,！!]?\s*(?:求|跪求|再求)(?:月票|收藏|推荐票?|订阅|打赏|票票|追读)[^（(）)【】\[\]]{0,12}[）)】\]]?$")


# "---- Page 12 ----", "- 12 -", "第12页": page markers a PDF or scan export leaves behind.
_PAGE_MARK = re.compile(
    r"^[\s\-=—–_*~·.]*(?:(?:page|p\.)\s*\d{1,5}(?:\s*(?:/|of)\s*\d{1,5})?|第\s*\d{1,5}\s*[页頁])[\s\-=—–_*~·.]*$"
    r"|^\s*[\-=—–_*~]+\s*\d{1,5}\s*[\-=—–_*~]+\s*$", re.IGNORECASE)
# "输入：某某  校对：某某": the scanners' and typists' credits of a site's copy.
_CREDIT = re.compile(r"^(?:[（(【\[]\s*)?(?:输入|輸入|录入|錄入|校对|校對|扫描|掃描|扫校|掃校|OCR|制作|製作|排版|整理)\s*[：:]")
_COPYRIGHT = re.compile(
    r"版权所有|版權所有|版权归.{0,12}所有|版權歸.{0,12}所有|copyright|©|all rights reserved|"
    r"仅供(?:试读|学习|交流|个人)|僅供(?:試讀|學習|交流|個人)|下载后.{0,6}24小时内删除|下載後.{0,6}24小時內刪除|本作品来自互联网|本作品來自互聯網",
    re.IGNORECASE,
)
_TAGS = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")


def noise_kind(line: str) -> str | None:
    """What kind of no-story line ``line`` is (``separator``, ``chapter_end``, ``plea``,
    ``page_marker``, ``credit``, ``copyright``, ``site``, ``url``), or None for story.

    >>> noise_kind("---- Page 12 ----"), noise_kind("输入：小林"), noise_kind("www.example.la</b></div>"), noise_kind("他笑了。")
    ('page_marker', 'credit', 'url', None)
    """
    if not line:
        return None
    if _DECORATION.match(line):
        return "separator"
    if _CHAPTER_END.match(line):
        return "chapter_end"
    if _BEG.match(line):
        return "plea"
    if len(line) > 120:
        return None
    if _PAGE_MARK.match(line):
        return "page_marker"
    if _CREDIT.match(line) and len(line) <= 60:
        return "credit"
    if len(line) <= 80 and _COPYRIGHT.search(line):
        return "copyright"
    if _SITE_WORDS.search(line):
        return "site"
    if "." not in line:
        return None
    if _SITE_WORDS_EN.search(line):
        return "site"
    bare = _TAGS.sub("", line) if "<" in line else line
    url = _URL.search(bare)
    # A line that is mostly a web address is an ad; a sentence that mentions one is story.
    return "url" if url is not None and len(url.group(0)) * 2 >= len(bare.strip("()（）【】[]<>《》 :：")) else None


def is_noise_line(line: str) -> bool:
    """True for a line that carries no story and is dropped: a ``===``/``***`` separator, a
    ``（本章完）`` marker, a ``（求月票）`` plea, a page marker, a typist's credit, a copyright
    notice, or a site's boilerplate (``天才一秒记住本站地址``, a bare URL). See :func:`noise_kind`.

    >>> is_noise_line("=========="), is_noise_line("（本章完）"), is_noise_line("他笑了。")
    (True, True, False)
    """
    return noise_kind(line) is not None


_NOTE_START = re.compile(
    r"^[（(【\[]?\s*(?:(?:作者有话(?:要)?说|作者的话|作者题外话|作者感言|作者留言|题外话|ps)\s*[）)】\]]?\s*(?:[:：]|$)"
    r"|p\.\s?s\.(?:\s|[:：]|$))",
    re.IGNORECASE,
)


def is_note_start(line: str) -> bool:
    """True where an author's note starts (it runs to the end of the chapter).

    >>> is_note_start("作者有话要说："), is_note_start("PS：求收藏"), is_note_start("Pssst, he said.")
    (True, True, False)
    """
    return bool(_NOTE_START.match(line))


def couplet_like(s: str) -> bool:
    """A line that is (half) a 回 couplet title: short, Han characters only, no punctuation.

    >>> couplet_like("灵根育孕源流出　心性修持大道生"), couplet_like("诗曰：")
    (True, False)
    """
    plain = s.replace("\u3000", "").replace(" ", "")
    return 4 <= len(plain) <= 24 and len(s.split()) <= 2 and all(HAN.fullmatch(ch) is not None for ch in plain)


def title_like(s: str) -> bool:
    """A line that can be the title under ``CHAPTER I.``: short, no sentence end, capitalised.

    >>> title_like("Down the Rabbit-Hole"), title_like("Alice was beginning to get very tired.")
    (True, False)
    """
    if len(s) > 60 or not s[0].isalpha() or not s[0].isupper() or s[-1] in ",;:!?\"'”’":
        return False
    words = s.split()
    if len(words) > 10 or not s.isascii():
        return False
    if s.isupper():
        return True
    if s.endswith("."):
        return False
    long_words = [w for w in words if len(w) > 3]
    return not long_words or sum(w[0].isupper() for w in long_words) / len(long_words) >= 0.6
