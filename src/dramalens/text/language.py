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
  least :data:`KANA_SHARE` (5%) is Japanese (``ja``: Japanese prose runs 40-70% kana, Chinese
  none beyond the odd ``の`` in a shop name); otherwise Chinese (``zh``). Japanese is never
  called Chinese.
* Within alphabetic text the script with the most letters decides. Latin is English (``en``)
  unless the sample holds at least :data:`MIN_WORDS_TO_JUDGE` (40) words and fewer than
  :data:`MIN_ENGLISH_SHARE` (2%) of them are the commonest English function words (``the``,
  ``and``, ``you`` … run to 20-30% of English, screenplays included): then it is some other
  Latin-script language, which the rule does not name (``und``). Short Latin text (a scene
  heading, a cue) is taken as English, the language dramalens reads. Scripts used by one
  language are named (Greek ``el``, Hebrew ``he``, Thai ``th``, Georgian ``ka``, Armenian
  ``hy``); scripts shared by many (Cyrillic, Arabic, Devanagari) are ``und``: naming ``ru``
  for Ukrainian or Bulgarian would be a guess.
* No letters at all (empty text, digits, punctuation) is ``und``.

Only ``zh`` and ``en`` have reading rules (speaking rates, cue lists, shingles); callers that
need one of those use :func:`rules_language`.
"""

from __future__ import annotations

import re
from typing import Literal

from .han import HAN_CLASS, HANGUL_CLASS, KANA_CLASS

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

_HAN = re.compile(f"[{HAN_CLASS}]")
_KANA = re.compile(f"[{KANA_CLASS}]")
_HANGUL = re.compile(f"[{HANGUL_CLASS}]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]+")
# Alphabets other than Latin, with the language each names (None: shared by many languages).
_ALPHABETS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\u0400-\u052f]"), "und"),  # Cyrillic: Russian, Ukrainian, Bulgarian, Serbian…
    (re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]"), "el"),
    (re.compile(r"[\u0590-\u05ff]"), "he"),
    (re.compile(r"[\u0600-\u06ff\u0750-\u077f]"), "und"),  # Arabic script: Arabic, Persian, Urdu…
    (re.compile(r"[\u0900-\u097f]"), "und"),  # Devanagari: Hindi, Marathi, Nepali…
    (re.compile(r"[\u0e00-\u0e7f]"), "th"),
    (re.compile(r"[\u10a0-\u10ff]"), "ka"),
    (re.compile(r"[\u0530-\u058f]"), "hy"),
)
_ENGLISH = frozenset(
    "the and of to a in is it you that he she was for on are with his her they i not this be have "
    "what at we my me your but so do".split()
)


def _count(pattern: re.Pattern[str], text: str) -> int:
    # Counted in C: the length lost when every match is removed.
    return len(text) - len(pattern.sub("", text))


def identify_language(text: str) -> str:
    """The ISO 639-1 code of the language ``text`` is written in, or ``"und"``.

    Never raises; always returns one of :data:`LANGUAGES`. The rule is in the module docstring.

    >>> identify_language("第1集 林晚：你好"), identify_language("INT. HOUSE - DAY")
    ('zh', 'en')
    >>> identify_language("彼女は静かに部屋を出た。"), identify_language("안녕하세요, 반갑습니다"), identify_language("")
    ('ja', 'ko', 'und')
    """
    sample = text[:SAMPLE_CHARS]
    if sample.isascii():
        han = kana = hangul = 0
    else:
        han, kana, hangul = _count(_HAN, sample), _count(_KANA, sample), _count(_HANGUL, sample)
    latin = _count(_LATIN, sample)
    others = [(_count(rx, sample), code) for rx, code in _ALPHABETS] if not sample.isascii() else []
    letters = latin + sum(n for n, _ in others)
    east = han + kana + hangul
    if east and east * CJK_WEIGHT >= letters:
        if hangul >= HANGUL_SHARE * east:
            return "ko"
        if kana >= KANA_SHARE * east:
            return "ja"
        return "zh"
    if not letters:
        return "und"
    best, code = max(others, default=(0, "und"))
    if best > latin:
        return code
    return "en" if _looks_english(sample) else "und"


def _looks_english(sample: str) -> bool:
    words = _LATIN_WORD.findall(sample)
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
