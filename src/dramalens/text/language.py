"""Which language a text is written in: one rule for the parsers, the catalog and the desk.

:func:`identify_language` looks at the first :data:`SAMPLE_CHARS` characters and counts the
letters of each script. The thresholds, all here:

* A Han, kana or hangul character weighs :data:`CJK_WEIGHT` (5) Latin letters: one Chinese
  character carries about what one English word of five letters does. East Asian text wins
  when its weight is at least the number of alphabetic letters (so ``第1集 INT. HOUSE`` with
  two Han characters against eight letters is East Asian; a Chinese name in an English script
  is not).
* Within East Asian text: hangul at least :data:`HANGUL_SHARE` (20%) of the Han + kana +
  hangul characters is Korean (``ko``; Korean mixes in hanja, never kana); otherwise kana at
  least :data:`KANA_SHARE` (5%) is Japanese (``ja``: kana are most of ordinary Japanese text
  and a fifth or more of the most kanji-heavy; Chinese has none beyond the odd ``の`` in a
  shop name); otherwise Chinese (``zh``). Japanese is never
  called Chinese.
* Within alphabetic text the script with the most letters decides. Latin is English (``en``)
  unless the words of the first 6,000 characters number at least :data:`MIN_WORDS_TO_JUDGE`
  (40) and fewer than :data:`MIN_ENGLISH_SHARE` (2%) of them are the commonest English
  function words (``the``, ``and``, ``you`` …; measured on the project's 39 English script
  fixtures of 40+ words: 12% at least, 25% the median): then it is some other Latin-script
  language, which the rule does not name (``und``). Short Latin text (a scene
  heading, a cue) is taken as English, the language dramalens reads. Scripts used by one
  language are named (Greek ``el``, Hebrew ``he``, Thai ``th``, Georgian ``ka``, Armenian
  ``hy``); scripts shared by many (Cyrillic, Arabic, Devanagari) are ``und``: naming ``ru``
  for Ukrainian or Bulgarian would be a guess.
* No letters at all (empty text, digits, punctuation) is ``und``.

Letters are counted with one table lookup per character (about 1 ms for the 50,000 characters
of the sample), so a parser and the catalog can afford to ask for every file.

Only ``zh`` and ``en`` have reading rules (speaking rates, cue lists, shingles); callers that
need one of those use :func:`rules_language`.
"""

from __future__ import annotations

import re
from typing import Literal

import numpy as np
import numpy.typing as npt

from .han import HAN_CLASS, HANGUL_CLASS, KANA_CLASS, class_ranges

__all__ = [
    "CJK_WEIGHT",
    "HANGUL_SHARE",
    "KANA_SHARE",
    "LANGUAGES",
    "MIN_ENGLISH_SHARE",
    "MIN_WORDS_TO_JUDGE",
    "SAMPLE_CHARS",
    "identify_language",
    "rules_language",
]

#: Characters of the text looked at (the start: front matter and first scenes are enough).
SAMPLE_CHARS = 50_000
#: Latin letters one Han/kana/hangul character counts for.
CJK_WEIGHT = 5
#: Share of kana among the East Asian characters from which text is Japanese.
KANA_SHARE = 0.05
#: Share of hangul among the East Asian characters from which text is Korean.
HANGUL_SHARE = 0.2
#: Latin words needed before text can be judged not to be English.
MIN_WORDS_TO_JUDGE = 40
#: Share of English function words below which long Latin text is not English.
MIN_ENGLISH_SHARE = 0.02

#: Every code :func:`identify_language` returns.
LANGUAGES = frozenset({"zh", "en", "ja", "ko", "el", "he", "th", "ka", "hy", "und"})

_LATIN_CLASS = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
_LATIN_WORD = re.compile(f"[{_LATIN_CLASS}]+")
# The scripts counted, in the order of the counts: Han, kana, hangul, Latin, then the other
# alphabets with the language each names ("und": a script many languages share).
_SCRIPTS: tuple[tuple[str, str], ...] = (
    (HAN_CLASS, ""),
    (KANA_CLASS, ""),
    (HANGUL_CLASS, ""),
    (_LATIN_CLASS, ""),
    ("\u0400-\u052f", "und"),  # Cyrillic: Russian, Ukrainian, Bulgarian, Serbian…
    ("\u0370-\u03ff\u1f00-\u1fff", "el"),
    ("\u0590-\u05ff", "he"),
    ("\u0600-\u06ff\u0750-\u077f", "und"),  # Arabic script: Arabic, Persian, Urdu…
    ("\u0900-\u097f", "und"),  # Devanagari: Hindi, Marathi, Nepali…
    ("\u0e00-\u0e7f", "th"),
    ("\u10a0-\u10ff", "ka"),
    ("\u0530-\u058f", "hy"),
)
_ALPHABET_CODES = tuple(code for _, code in _SCRIPTS[4:])
_ENGLISH = frozenset(
    "the and of to a in is it you that he she was for on are with his her they i not this be have "
    "what at we my me your but so do".split()
)
# Words looked at for the English test (the first ones of the sample are enough).
_ENGLISH_SAMPLE_CHARS = 6_000


def _table() -> npt.NDArray[np.uint8]:
    """The index in :data:`_SCRIPTS` of every code point (``len(_SCRIPTS)`` for none), so a
    text's letters are counted with one lookup per character (1.1 MB, built once)."""
    table = np.full(0x110000, len(_SCRIPTS), dtype=np.uint8)
    for k, (char_class, _) in enumerate(_SCRIPTS):
        for lo, hi in class_ranges(char_class):
            table[lo : hi + 1] = k
    return table


_TABLE: list[npt.NDArray[np.uint8]] = []
_ASCII_LETTERS = bytes(range(65, 91)) + bytes(range(97, 123))


def _script_counts(sample: str) -> list[int]:
    """Letters of each script of :data:`_SCRIPTS` in ``sample``, counted in C."""
    if sample.isascii():
        raw = sample.encode("ascii")
        latin = len(raw) - len(raw.translate(None, _ASCII_LETTERS))
        return [0, 0, 0, latin] + [0] * (len(_SCRIPTS) - 4)
    if not _TABLE:
        _TABLE.append(_table())  # a race builds it twice at worst: same table
    points = np.frombuffer(sample.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    kinds = _TABLE[0][points]
    return [int(np.count_nonzero(kinds == k)) for k in range(len(_SCRIPTS))]


def identify_language(text: str) -> str:
    """The ISO 639-1 code of the language ``text`` is written in, or ``"und"``.

    Never raises; always returns one of :data:`LANGUAGES`. The rule is in the module docstring.

    >>> identify_language("第1集 林晚：你好"), identify_language("INT. HOUSE - DAY")
    ('zh', 'en')
    >>> identify_language("彼女は静かに部屋を出た。"), identify_language("안녕하세요, 반갑습니다"), identify_language("")
    ('ja', 'ko', 'und')
    """
    sample = text[:SAMPLE_CHARS]
    han, kana, hangul, latin, *alphabets = _script_counts(sample)
    letters = latin + sum(alphabets)
    east = han + kana + hangul
    if east and east * CJK_WEIGHT >= letters:
        if hangul >= HANGUL_SHARE * east:
            return "ko"
        if kana >= KANA_SHARE * east:
            return "ja"
        return "zh"
    if not letters:
        return "und"
    best, code = max(zip(alphabets, _ALPHABET_CODES), default=(0, "und"))
    if best > latin:
        return code
    return "en" if _looks_english(sample) else "und"


def _looks_english(sample: str) -> bool:
    words = _LATIN_WORD.findall(sample[:_ENGLISH_SAMPLE_CHARS])
    if len(words) < MIN_WORDS_TO_JUDGE:
        return True
    common = sum(1 for w in words if w.lower() in _ENGLISH)
    return common >= MIN_ENGLISH_SHARE * len(words)


def rules_language(code: str) -> Literal["zh", "en"]:
    """The language whose reading rules (speaking rates, cue lists, shingles) apply to text in
    ``code``: dramalens has rules for Chinese and English only, and English's word-based ones
    are the nearer fit for everything else.

    >>> rules_language("zh"), rules_language("ja"), rules_language("und")
    ('zh', 'en', 'en')
    """
    return "zh" if code == "zh" else "en"
