"""Scene headings and episode markers, shared by the parsers (FDX, .docx, Fountain, Chinese).

A heading such as ``INT. RADIO STUDIO - NIGHT #12A#`` or ``1-1 日 内 客厅`` is split into the
fields :class:`~dramalens.model.Scene` keeps: interior/exterior, normalised time of day,
location and the source's own scene number.
"""

from __future__ import annotations

import re

from ..text import has_han, parse_numeral

__all__ = ["is_time_of_day", "normalize_time", "parse_episode_marker", "parse_heading"]

# Longest alternatives first: "INT./EXT." must not be read as "INT." plus "/EXT. ...".
_EN_PREFIX = re.compile(
    r"^(?P<ie>INT\.?\s*/\s*EXT\.?|EXT\.?\s*/\s*INT\.?|INT\.?\s*-\s*EXT\.?|I\s*/\s*E\.?|E\s*/\s*I\.?"
    r"|INTERIOR|EXTERIOR|INT\.?|EXT\.?|EST\.?)(?=[\s.:/-]|$)[\s.:-]*",
    re.IGNORECASE,
)
_FOUNTAIN_NUMBER = re.compile(r"\s*#([0-9A-Za-z.\-]*)#\s*$")
# "1-1", "1-1：", "12A." at the start of a heading: the Chinese industry's episode-scene number.
_LEADING_NUMBER = re.compile(r"^\s*(?P<num>\d+\s*[-－—.]\s*\d+[A-Za-z]?|\d+[A-Za-z]?)(?:\s*[：:、.]\s*|\s+)")
_ZH_LABEL = re.compile(r"^\s*(?:场景|场次|地点)\s*[：:]\s*")

# Time words: the value is the normalised name the model documents.
_EN_TIMES = {
    "DAY": "DAY",
    "DAYTIME": "DAY",
    "NIGHT": "NIGHT",
    "NIGHTTIME": "NIGHT",
    "DAWN": "DAWN",
    "SUNRISE": "DAWN",
    "DUSK": "DUSK",
    "SUNSET": "DUSK",
    "TWILIGHT": "DUSK",
    "MORNING": "MORNING",
    "EARLY MORNING": "MORNING",
    "EVENING": "EVENING",
    "CONTINUOUS": "CONTINUOUS",
    "CONT'D": "CONTINUOUS",
    "CONT’D": "CONTINUOUS",
    "CONTINUED": "CONTINUOUS",
    "LATER": "LATER",
    "MOMENTS LATER": "LATER",
    "A MOMENT LATER": "LATER",
    "SAME": "CONTINUOUS",
    "SAME TIME": "CONTINUOUS",
}
_ZH_TIMES = {
    "日": "DAY",
    "白天": "DAY",
    "昼": "DAY",
    "夜": "NIGHT",
    "晚": "NIGHT",
    "夜晚": "NIGHT",
    "晚上": "NIGHT",
    "深夜": "NIGHT",
    "凌晨": "DAWN",
    "黎明": "DAWN",
    "拂晓": "DAWN",
    "清晨": "MORNING",
    "晨": "MORNING",
    "早": "MORNING",
    "早上": "MORNING",
    "上午": "MORNING",
    "黄昏": "DUSK",
    "傍晚": "DUSK",
    "晚上早些": "EVENING",
}
_ZH_IE = {"内": "INT", "內": "INT", "外": "EXT", "内外": "INT/EXT", "內外": "INT/EXT", "外内": "INT/EXT"}
# "日内", "夜外", "日/内", "内景" glued together as the industry often writes them.
_ZH_TOKEN = re.compile(
    r"^(?P<t>日|夜|晨|晚|白天|夜晚|晚上|深夜|凌晨|黎明|清晨|早上|上午|黄昏|傍晚)?\s*[/／·]?\s*"
    r"(?P<ie>内外|內外|外内|内|內|外)?景?$"
)

_EPISODE_EN = re.compile(
    r"^\s*(?:EPISODE|EP\.?)\s*(?P<num>\d+)\s*(?:[:：.\-–—]\s*(?P<title>.*?))?\s*$", re.IGNORECASE
)
_EPISODE_ZH = re.compile(
    r"^\s*第\s*(?P<num>[0-9０-９一二三四五六七八九十百千零〇两]+)\s*集\s*(?:[:：.\-–—、]\s*)?(?P<title>.*?)\s*$"
)


def parse_episode_marker(text: str) -> tuple[int, str] | None:
    """``(number, title)`` when the whole line is an episode marker (``EPISODE 3``, ``第3集 重逢``).

    >>> parse_episode_marker("第十二集 重逢"), parse_episode_marker("Episode 3: The Deal")
    ((12, '重逢'), (3, 'The Deal'))
    >>> parse_episode_marker("Episode three is great") is None
    True
    """
    if len(text) > 200 or "\n" in text.strip():
        return None
    m = _EPISODE_EN.match(text) or _EPISODE_ZH.match(text)
    if not m:
        return None
    number = parse_numeral(m.group("num"))
    if number is None:
        return None
    return number, (m.group("title") or "").strip()


_MORE_TIMES = frozenset({"AFTERNOON", "NOON", "MIDNIGHT", "LATE NIGHT", "SAME DAY", "NEXT DAY", "MAGIC HOUR", "PRE-DAWN"})


def is_time_of_day(text: str) -> bool:
    """Whether ``text`` (the part after a heading's last dash) names a time of day.

    >>> is_time_of_day("night"), is_time_of_day("LATE AFTERNOON"), is_time_of_day("THE FIELDS")
    (True, True, False)
    """
    upper = re.sub(r"\s+", " ", text.strip().strip(".-– ").upper())
    if upper in _EN_TIMES or upper in _MORE_TIMES:
        return True
    words = upper.split()
    return len(words) == 2 and words[0] in ("EARLY", "LATE", "MID") and (words[1] in _EN_TIMES or words[1] in _MORE_TIMES)


def normalize_time(text: str) -> str | None:
    """The model's time-of-day name for ``text`` (``"NIGHT"`` for ``night``/``夜``), else the
    stripped text itself, or None when empty.

    >>> normalize_time("moments later"), normalize_time("夜"), normalize_time("AFTERNOON")
    ('LATER', 'NIGHT', 'AFTERNOON')
    """
    raw = text.strip().strip(".").strip()
    if not raw:
        return None
    upper = re.sub(r"\s+", " ", raw.upper())
    if upper in _EN_TIMES:
        return _EN_TIMES[upper]
    if raw in _ZH_TIMES:
        return _ZH_TIMES[raw]
    return raw


def parse_heading(text: str) -> tuple[str | None, str | None, str | None, str | None]:
    """Split a scene heading into ``(int_ext, time, location, number)``.

    English headings follow the screenplay form ``INT. PLACE - TIME`` (a Fountain ``#12A#``
    number at the end, a forced-heading ``.`` at the start). Chinese headings are the
    industry's ``1-1 日 内 客厅`` and its other orders (``1-1 客厅 日内``, ``场景：夜 内 堂屋``).
    Fields that cannot be found are None; the function never raises.

    >>> parse_heading("INT. RADIO STUDIO - NIGHT #3#")
    ('INT', 'NIGHT', 'RADIO STUDIO', '3')
    >>> parse_heading("1-2 日 内 客厅")
    ('INT', 'DAY', '客厅', '1-2')
    """
    text = (text or "").strip()
    number = None
    m = _FOUNTAIN_NUMBER.search(text)
    if m:
        number = m.group(1) or None
        text = text[: m.start()].rstrip()
    if text.startswith(".") and not text.startswith(".."):
        text = text[1:].lstrip()
    if not text:
        return None, None, None, number
    if has_han(text) and not _EN_PREFIX.match(text):
        int_ext, time, location, zh_num = _parse_zh(text)
        return int_ext, time, location, number or zh_num
    return (*_parse_en(text), number)


def _parse_en(text: str) -> tuple[str | None, str | None, str | None]:
    int_ext = None
    rest = text
    m = _EN_PREFIX.match(text)
    if m:
        ie = re.sub(r"[\s.]", "", m.group("ie").upper())
        if ie.startswith(("INT/", "EXT/", "I/", "E/", "INT-")):
            int_ext = "INT/EXT"
        elif ie.startswith(("INT", "INTERIOR")):
            int_ext = "INT"
        elif ie.startswith(("EXT", "EXTERIOR")):
            int_ext = "EXT"
        else:  # EST.: an establishing shot, outside by definition
            int_ext = "EXT"
        rest = text[m.end():]
    time = None
    # The time of day follows the last " - " (dashes inside a place name have no spaces).
    parts = re.split(r"\s+[-–—]+\s+|\s+[-–—]+$", rest)
    if len(parts) > 1 and parts[-1].strip():
        candidate = parts[-1].strip()
        time = normalize_time(candidate)
        rest = rest[: rest.rfind(parts[-1])].rstrip(" -–—")
    else:  # "HOUSE-DAY": an unspaced dash counts only before a known time word
        tail = re.search(r"[-–—]\s*([A-Za-z' ]+)$", rest)
        if tail and tail.group(1).strip().upper() in _EN_TIMES:
            time = _EN_TIMES[tail.group(1).strip().upper()]
            rest = rest[: tail.start()]
    location = rest.strip(" .-–—") or None
    return int_ext, time, location


def _parse_zh(text: str) -> tuple[str | None, str | None, str | None, str | None]:
    number = None
    text = _ZH_LABEL.sub("", text)
    m = _LEADING_NUMBER.match(text)
    if m:
        number = re.sub(r"\s+", "", m.group("num")).replace("－", "-").replace("—", "-")
        text = text[m.end():]
    int_ext = time = None
    places = []
    for token in re.split(r"[\s，,、/／]+", text.strip()):
        if not token:
            continue
        tm = _ZH_TOKEN.match(token)
        if tm and (tm.group("t") or tm.group("ie")):
            if tm.group("t") and time is None:
                time = _ZH_TIMES[tm.group("t")]
            if tm.group("ie") and int_ext is None:
                int_ext = _ZH_IE[tm.group("ie")]
            continue
        if token.upper() in _EN_TIMES and time is None:
            time = _EN_TIMES[token.upper()]
            continue
        places.append(token)
    location = " ".join(places) or None
    return int_ext, time, location, number
