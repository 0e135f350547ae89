"""Han characters (汉字) and the other East Asian scripts, defined once.

:data:`HAN_CLASS` is what "a Han character" means everywhere in dramalens: the ideographs of
CJK Unified Ideographs (U+4E00–9FFF), Extension A (U+3400–4DBF), the Compatibility Ideographs
(U+F900–FAFF, which Big5 and Korean sources still carry) and the Supplementary and Tertiary
Ideographic Planes (U+20000–3FFFF: Extensions B–I and the compatibility supplement; rare
characters in names). Radicals, strokes, 〇 and the iteration mark 々 are not counted: they
are symbols, and counting them would change runtimes measured in characters.

The ``*_CLASS`` strings are for building character classes (``f"[{HAN_CLASS}A-Za-z]"``); the
compiled patterns are for searching.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import numpy.typing as npt

__all__ = [
    "CJK",
    "CJK_CLASS",
    "HAN",
    "HANGUL_CLASS",
    "HAN_CLASS",
    "HAN_RUN",
    "KANA_CLASS",
    "class_ranges",
    "count_han",
    "han_table",
    "has_han",
    "is_han",
]

#: Han ideographs, as the body of a regex character class.
HAN_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
#: Hiragana and katakana (with the phonetic extensions and half-width forms). The katakana
#: middle dot ・ (U+30FB) is left out: Chinese scripts use it between the parts of a name.
KANA_CLASS = "\u3041-\u309f\u30a0-\u30fa\u30fc-\u30ff\u31f0-\u31ff\uff66-\uff9f"
#: Hangul syllables and jamo.
HANGUL_CLASS = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"
#: Han, kana and hangul: the characters of a Chinese, Japanese or Korean name.
CJK_CLASS = HAN_CLASS + KANA_CLASS + HANGUL_CLASS

#: One Han character.
HAN = re.compile(f"[{HAN_CLASS}]")
#: A run of Han characters.
HAN_RUN = re.compile(f"[{HAN_CLASS}]+")
_NON_HAN_RUN = re.compile(f"[^{HAN_CLASS}]+")
#: One Han, kana or hangul character.
CJK = re.compile(f"[{CJK_CLASS}]")


def count_han(text: str) -> int:
    """Han characters in ``text`` (punctuation, kana and Latin not counted).

    >>> count_han("你好，Bob！"), count_han("𠀋雨")
    (2, 2)
    """
    if text.isascii():
        return 0
    # Removing the runs of everything else is ~3× faster on Chinese text than removing every
    # Han character one match at a time (whole scripts are counted on import).
    return len(_NON_HAN_RUN.sub("", text))


def has_han(text: str) -> bool:
    """Whether ``text`` holds a Han character.

    >>> has_han("INT. 客厅"), has_han("INT. HOUSE")
    (True, False)
    """
    return not text.isascii() and HAN.search(text) is not None


def is_han(ch: str) -> bool:
    """Whether the single character ``ch`` is a Han ideograph.

    >>> is_han("林"), is_han("の"), is_han("。")
    (True, False, False)
    """
    return HAN.fullmatch(ch) is not None


def class_ranges(char_class: str) -> list[tuple[int, int]]:
    """The (first, last) code points of a character-class body made of ``a-b`` ranges (as the
    ``*_CLASS`` strings here are), for lookups by code point.

    >>> class_ranges("a-z\u4e00-\u9fff")
    [(97, 122), (19968, 40959)]
    """
    if len(char_class) % 3 or any(char_class[i] != "-" for i in range(1, len(char_class), 3)):
        raise ValueError(f"expected a class of a-b ranges, got {char_class!r}")
    return [(ord(char_class[i]), ord(char_class[i + 2])) for i in range(0, len(char_class), 3)]


@lru_cache(maxsize=1)
def han_table() -> npt.NDArray[np.bool_]:
    """Whether each code point is in :data:`HAN_CLASS`, as a boolean array over all of Unicode
    (1.1 MB, built once): the vectorised counters look a whole text's code points up at once.

    >>> t = han_table(); bool(t[ord("婚")]), bool(t[ord("a")])
    (True, False)
    """
    table = np.zeros(0x110000, dtype=bool)
    for lo, hi in class_ranges(HAN_CLASS):
        table[lo : hi + 1] = True
    return table
