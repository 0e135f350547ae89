"""The import's post-parse fast paths (shingles, lexical counts, tropes, skeleton) against the
plain rules they replaced.

Each fast path must give exactly what the plain rule gives: a stored catalog's fingerprints
would otherwise change under it, and queries (computed the same way) would stop matching them.
The plain rules are written out here as references.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dramalens.analysis import skeleton, tropes
from dramalens.analysis.skeleton import FUNCTION_CUES
from dramalens.catalog.lexical import BUCKETS, LEXICAL_CHARS, lexical_row
from dramalens.catalog import shingles
from dramalens.catalog.shingles import MASK, mask_names
from dramalens.text import count_han, fold_width, to_simplified
from dramalens.text.han import HAN_CLASS
from dramalens.text.sentences import SENTENCE_BREAK, sentence_unit_ends

# Names built from few characters, so that they overlap, nest and repeat in the text.
NAME_CHARS = "林晚晴苏ab"


def _replace_one_by_one(text: str, names: tuple[str, ...]) -> str:
    for name in names:
        text = text.replace(name, MASK)
    return text


@settings(max_examples=400, deadline=None)
@given(st.sampled_from([NAME_CHARS, NAME_CHARS + "王浩李雪陈默cdef"]).flatmap(lambda chars: st.tuples(
    st.lists(st.text(alphabet=chars, min_size=1, max_size=4), max_size=8, unique=True),
    st.text(alphabet=chars + "，\n" + MASK, max_size=80))))
def test_masking_names_in_one_scan_equals_replacing_them_one_after_the_other(case):
    # few characters: names overlap, nest and repeat; more: many names overlap none (one regex)
    names, text = case
    for order in (sorted(names, key=lambda n: (-len(n), n)), names):  # the shingler's order, and any
        assert mask_names(text, tuple(order)) == _replace_one_by_one(text, tuple(order))


# ------------------------------------------------------------------------- lexical counts


def _counted_token_by_token(text: str, language: str) -> tuple[list[int], list[float]]:
    """lexical_row's rule, token by token: crc32 buckets of the words and word bigrams (en), or
    of the Han characters, their adjacent pairs and the Latin words (zh)."""
    text = text[:LEXICAL_CHARS].lower()
    if language == "zh":
        text = to_simplified(text)
        tokens = [run[i : i + n] for run in re.findall(f"[{HAN_CLASS}]+", text) for n in (1, 2) for i in range(len(run) - n + 1)]
        tokens += re.findall(r"[a-z0-9]+", text)
    else:
        words = re.findall(r"\b\w\w+\b", text)
        tokens = words + [f"{a} {b}" for a, b in zip(words, words[1:])]
    counted = Counter(zlib.crc32(t.encode("utf-8")) & (BUCKETS - 1) for t in tokens)
    cols = sorted(counted)
    return cols, [float(counted[c]) for c in cols]


LEXICAL_ALPHABET = "林晚重生復仇a Bé1\n，。\U00020000\U0002a6d6\u3400\uf900\u9fff\u4dbf's"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=LEXICAL_ALPHABET, max_size=60), st.sampled_from(["zh", "en"]))
def test_lexical_counts_computed_at_once_equal_counting_token_by_token(text, language):
    row = lexical_row(text, language)
    assert row.cols.dtype == np.int32 and row.counts.dtype == np.float32
    assert (row.cols.tolist(), row.counts.tolist()) == _counted_token_by_token(text, language)


def test_lexical_counts_of_a_long_text_equal_counting_token_by_token():
    text = ("林晚推門而入，看見滿屋的人。Anna's wolf-pack howls at the CEO, 𠀋雨 again and again. " * 400)
    for language in ("zh", "en"):
        row = lexical_row(text, language)
        assert (row.cols.tolist(), row.counts.tolist()) == _counted_token_by_token(text, language)


# ------------------------------------------------------------------------- sentence units


def _unit_ends_from_the_rule(text: str) -> list[int]:
    """Where each non-blank piece of SENTENCE_BREAK.split(text) ends."""
    out, prev = [], 0
    for m in SENTENCE_BREAK.finditer(text):
        if text[prev : m.start()].strip():
            out.append(m.start())
        prev = m.end()
    if text[prev:].strip():
        out.append(len(text))
    return out


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="。！？!?；;.\n \t\r\x0b\x0c\x1c\u3000\u2028\u0085\u00a0ab林\U00020000", max_size=40))
def test_sentence_units_found_with_arrays_are_the_rules_pieces(text):
    assert sentence_unit_ends(text).tolist() == _unit_ends_from_the_rule(text)
    assert [piece for piece in SENTENCE_BREAK.split(text) if piece and piece.strip()] == [
        piece for piece in SENTENCE_BREAK.split(text) if piece and not piece.isspace()
    ]


# ------------------------------------------------------------------------- skeleton units

SK_CUES = {lang: sorted({cue for cues in FUNCTION_CUES.values() for cue in cues[i]})[:40] for i, lang in enumerate(("zh", "en"))}


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["zh", "en"]), st.data())
def test_skeleton_units_from_one_scan_equal_scanning_each_sentence(language, data):
    pieces = data.draw(st.lists(st.one_of(st.sampled_from(SK_CUES[language]), st.sampled_from(["。", ". ", ".", "\n", "\n\n", " ", "！", "x", "她", "B超", "Mr."])), max_size=30))
    text = "".join(pieces)
    units = [u for u in SENTENCE_BREAK.split(text) if u and u.strip()]
    expected = [(i, f) for i, u in enumerate(units, start=1) if (f := skeleton._unit_functions(u, language))]
    assert skeleton._functions_by_unit(text, language) == expected


# ------------------------------------------------------------------------- trope units


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="林晚a Z09_é，\n\U00020000\u3400\uf900々〇\u212a", min_size=1, max_size=40))
def test_unit_counts_of_long_texts_equal_the_regex_counts(text):
    long = text * (10_000 // len(text) + 1)
    assert tropes._units(long, "zh") == count_han(long)
    assert tropes._units(long, "en") == len(re.findall("[A-Za-z0-9]+", long))
    assert tropes._units(long[1:], "en") == len(re.findall("[A-Za-z0-9]+", long[1:]))  # another object


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="林晚蘇晴ＡＢab２ \n\t\u200b", max_size=5), max_size=8))
def test_chinese_names_prepared_at_once_equal_one_by_one(names):
    expected = set()
    for name in names:
        name = name.strip()
        if len(name) >= 2:
            expected.add(fold_width(to_simplified(name)))
    assert shingles._prepare_names(names, "zh") == tuple(sorted(expected, key=lambda n: (-len(n), n)))
