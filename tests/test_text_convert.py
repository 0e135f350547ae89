"""OpenCC t2s with the skip for text it would not change (text/convert.py)."""

from __future__ import annotations

from importlib.metadata import version

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import opencc

from dramalens.text import convert as t2s

_OPENCC = opencc.OpenCC("t2s")
# Simplified text, traditional characters, the phrase-only ones (坏 in 打坏 → 打坯), ASCII, ext. A/B.
_ALPHABET = "的一是不了人我在有他这为大来以个中上们到说国和總裁說這個們會來為開門麼么乾坏打覆答沈深瞭明藉甦醒衹得哩英abcAZ 09，。\n𠀀㐀丽"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=60))
def test_to_simplified_equals_opencc(text):
    assert t2s.to_simplified(text) == _OPENCC.convert(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x3400, max_codepoint=0x9FFF), max_size=30))
def test_text_without_listed_characters_is_left_as_opencc_leaves_it(text):
    if not t2s.needs_conversion(text):
        assert _OPENCC.convert(text) == text


def test_every_listed_character_or_phrase_is_one_opencc_changes_somewhere():
    # Each single character of the set either converts alone or is the changed part of a phrase.
    alone = sum(1 for ch in t2s.TRADITIONAL if _OPENCC.convert(ch) != ch)
    assert alone >= len(t2s.TRADITIONAL) - 16
    assert _OPENCC.convert("打坏") != "打坏" and "坏" in t2s.TRADITIONAL


def test_needs_conversion_answers_true_for_an_unknown_opencc(monkeypatch):
    monkeypatch.setattr(t2s, "BUILT_FOR", "0.0.0")
    t2s._table.cache_clear()
    try:
        assert t2s.needs_conversion("霸道总裁") is True
        assert t2s.to_simplified("霸道總裁") == "霸道总裁"
    finally:
        monkeypatch.undo()
        t2s._table.cache_clear()
    assert t2s.needs_conversion("霸道总裁") is False


def test_the_set_matches_the_installed_dictionaries():
    if version("OpenCC") != t2s.BUILT_FOR:
        pytest.skip(f"OpenCC {version('OpenCC')} installed; the set was read from {t2s.BUILT_FOR}")
    try:
        rebuilt = t2s.traditional_from_dictionaries()
    except (FileNotFoundError, OSError) as exc:
        pytest.skip(f"opencc_dict not available: {exc}")
    assert rebuilt == t2s.TRADITIONAL
