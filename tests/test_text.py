"""dramalens.text: one language rule, one Han range, one OpenCC, one jieba, one sentence splitter."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dramalens.text import (
    count_han,
    identify_language,
    parse_numeral,
    rules_language,
    split_sentences,
    to_simplified,
    to_traditional,
    words,
)
from dramalens.text.han import CJK, HAN, has_han, is_han
from dramalens.text.language import LANGUAGES
from dramalens.text.normalise import fold_width
from dramalens.text.segment import dictionary_words, jieba_module

_JAPANESE = [
    "彼女は静かに部屋を出た。",
    "「待って！」と彼は叫んだ。",
    "第1話 東京の夜\n田中：どうして来たの？\n佐藤：君に会いたかったから。",
    "吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。",
    # Kanji-heavy Japanese (a contract clause): kana well under half, still far above 5%.
    "本契約は、甲乙双方の署名捺印をもって発効し、有効期間満了まで存続するものとする。",
    "カフェ・ド・パリ",
]
_CHINESE = [
    "第1集\n1-1 日 内 客厅\n△林晚推门而入。\n林晚：你到底是谁？",
    "話說天下大勢，分久必合，合久必分。",
    "INT. 客厅 - DAY\n林晚走进来。",
    "陈・艾米丽：走吧。",  # the katakana middle dot between the parts of a name is not kana
]


@pytest.mark.parametrize("text", _JAPANESE)
def test_japanese_is_never_called_chinese(text):
    assert identify_language(text) == "ja"


@pytest.mark.parametrize("text", _CHINESE)
def test_chinese_is_zh(text):
    assert identify_language(text) == "zh"


@pytest.mark.parametrize(
    "text, code",
    [
        ("INT. HOUSE - DAY\n\nBOB\nHi.", "en"),
        ("The man walks into the room and he sees that the window is open. " * 5, "en"),
        ("안녕하세요. 저는 김민수입니다. 만나서 반갑습니다.", "ko"),
        ("Η ζωή είναι ωραία και ο ήλιος λάμπει.", "el"),
        ("Привет, как дела? Всё хорошо.", "und"),  # Cyrillic: Russian, Ukrainian, Bulgarian…
        ("שלום עולם, מה שלומך היום?", "he"),
        ("", "und"),
        ("12345 — !!! ...", "und"),
        # Long Latin text without English function words is not called English.
        ("Le chat noir mange une souris dans le jardin de la maison pendant que les enfants "
         "jouent avec leurs amis près du vieux puits couvert de mousse verte. " * 3, "und"),
        # An English script with a Chinese name stays English; a Chinese one with English stays Chinese.
        ("LIN WAN (林晚) enters the room. She looks at the letter and sits down.", "en"),
        ("第1集 林晚走进公司大楼，看到了 CEO 的办公室。", "zh"),
    ],
)
def test_language_codes(text, code):
    assert identify_language(text) == code


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_identify_language_never_raises_and_returns_a_known_code(text):
    assert identify_language(text) in LANGUAGES
    assert rules_language(identify_language(text)) in ("zh", "en")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをんアイウエオカキクケコ", min_size=1, max_size=20),
       st.text(alphabet="的一是不了人我在有他这为大来以个中上们到说国和", max_size=20))
def test_text_with_enough_kana_is_japanese(kana, han):
    # Kana make up at least a twentieth of the East Asian characters here.
    if len(kana) * 20 >= len(kana) + len(han):
        assert identify_language(kana + han) == "ja"


def test_han_ranges():
    assert all(is_han(ch) for ch in "一龥㐀䶵豈𠀀𪜀")
    assert not any(is_han(ch) for ch in "あアー・。，〇々Aa1한")
    assert count_han("你好，Bob！𠀋") == 3
    assert has_han("INT. 客厅") and not has_han("INT. HOUSE")
    assert HAN.findall("林晚：OK") == ["林", "晚"]
    assert CJK.findall("林あ한A") == ["林", "あ", "한"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="霸道总裁爱上我的一是不了人我在有他这为大来以个中上们到说国和开门么发现长风云", max_size=40))
def test_simplified_of_traditional_comes_back(text):
    # These characters have one traditional form each (no 后/後-style merges), so the round trip holds.
    assert to_simplified(to_traditional(text)) == text


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=80))
def test_conversion_keeps_text_without_han(text):
    if not has_han(text):
        assert to_simplified(text) == text


def test_segmenter_loads_once_across_threads():
    modules = []
    threads = [threading.Thread(target=lambda: modules.append(jieba_module())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(m) for m in modules}) == 1
    assert words("今天天气不错") == jieba_module().lcut("今天天气不错", HMM=False)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="他们今天去了北京林晚推门而入你好世界 ab1，。", max_size=40))
def test_dictionary_words_equal_jieba_filtered(text):
    expected = [w for w in jieba_module().lcut(text, HMM=False) if len(w.strip()) >= 2]
    assert dictionary_words(text) == expected


def test_sentences():
    assert split_sentences("她推门而入。你来了？\n\nHe waits. She runs!") == ["她推门而入。", "你来了？", "He waits.", "She runs!"]
    assert split_sentences("  \n") == []


def test_sentences_do_not_end_after_a_title_or_an_initial():
    assert split_sentences('"My dear Mr. Bennet," said his lady. Mrs. Long came.') == [
        '"My dear Mr. Bennet," said his lady.', "Mrs. Long came."]
    assert split_sentences("Dr. J. Watson left. Then came I. He stayed.") == ["Dr. J. Watson left.", "Then came I.", "He stayed."]
    assert split_sentences("It is on the 1st. Go.") == ["It is on the 1st.", "Go."]
    assert split_sentences("Call Mr.\nSmith answered.") == ["Call Mr.", "Smith answered."]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_sentences_keep_every_non_space_character(text):
    assert "".join("".join(split_sentences(text)).split()) == "".join(text.split())


def test_numerals_and_widths():
    assert [parse_numeral(x) for x in ("一百零八", "十二", "３", "一〇八", "廿三", "两万零五", "第")] == [108, 12, 3, 108, 23, 20005, None]
    assert fold_width("第１２集\u3000ＥＰ\u200b") == "第12集 EP"
    cases = ("一", "十", "十五", "二十", "一百零五", "两千", "42", "x", "", "²")
    assert [parse_numeral(t) for t in cases] == [1, 10, 15, 20, 105, 2000, 42, None, None, None]
