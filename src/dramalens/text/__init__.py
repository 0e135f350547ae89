"""Text primitives shared by every stage: language identification, Han characters,
simplified/traditional conversion, Chinese words, sentences, numerals, normalisation and counts.

One definition of each, so the parser, the analyses and the catalog never disagree about a
script's language or what a Han character is. Modules: :mod:`.language`, :mod:`.han`,
:mod:`.convert`, :mod:`.segment`, :mod:`.sentences`, :mod:`.numerals`, :mod:`.normalise`,
:mod:`.counts`.

>>> from dramalens.text import identify_language, to_simplified
>>> identify_language("霸道總裁愛上我"), to_simplified("霸道總裁")
('zh', '霸道总裁')
"""

from __future__ import annotations

from .convert import to_simplified, to_traditional
from .counts import count_words, speech_units
from .han import HAN, HAN_CLASS, count_han, has_han
from .language import identify_language, rules_language
from .normalise import clean_line, fold_width, strip_emphasis, strip_markup
from .numerals import parse_numeral
from .segment import words
from .sentences import split_sentences

__all__ = [
    "HAN",
    "HAN_CLASS",
    "clean_line",
    "count_han",
    "count_words",
    "fold_width",
    "has_han",
    "identify_language",
    "parse_numeral",
    "rules_language",
    "speech_units",
    "split_sentences",
    "strip_emphasis",
    "strip_markup",
    "to_simplified",
    "to_traditional",
    "words",
]
