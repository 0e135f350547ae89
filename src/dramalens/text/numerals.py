"""Numbers as Chinese scripts and novels write them: Arabic, full-width or Chinese numerals."""

from __future__ import annotations

from .normalise import WIDTH_TABLE

__all__ = ["CN_DIGITS", "CN_NUM", "CN_UNITS", "parse_numeral"]

#: Chinese digits (everyday, financial and traditional forms) and their values.
CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "兩": 2, "三": 3, "叁": 3,
             "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "陸": 6, "七": 7, "柒": 7, "八": 8, "捌": 8,
             "九": 9, "玖": 9}
#: Chinese units below 万.
CN_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
#: One character of a Chinese numeral, as a regex character class.
CN_NUM = "[零〇○一壹二贰两兩三叁四肆五伍六陆陸七柒八捌九玖十拾百佰千仟万萬廿卅]"


def parse_numeral(text: str) -> int | None:
    """An Arabic, full-width or Chinese numeral as an int; None when ``text`` is not one.

    >>> parse_numeral("一百零八"), parse_numeral("十二"), parse_numeral("３"), parse_numeral("一〇八")
    (108, 12, 3, 108)
    >>> parse_numeral("廿三"), parse_numeral("两万零五"), parse_numeral("x")
    (23, 20005, None)
    """
    t = text.strip().translate(WIDTH_TABLE)
    if not t:
        return None
    if t.isascii() and t.isdigit():
        return int(t)
    if len(t) > 1 and all(ch in CN_DIGITS for ch in t):  # 一〇八: digit by digit
        return int("".join(str(CN_DIGITS[ch]) for ch in t))
    total = section = num = 0
    for ch in t:
        if ch in CN_DIGITS:
            num = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            section += (num or 1) * CN_UNITS[ch]
            num = 0
        elif ch in "万萬":
            total += (section + num) * 10000
            section = num = 0
        elif ch in "廿卅":
            section += 20 if ch == "廿" else 30
            num = 0
        else:
            return None
    return total + section + num
