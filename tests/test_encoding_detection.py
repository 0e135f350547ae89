"""Encoding detection over benchmarks/bench_encoding.py's cases: charset-normalizer first, the
project's overrides only where it is wrong. A regression in either shows here as a group below
what was measured when the overrides were written (see parsing/source.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import bench_encoding  # noqa: E402

#: Cases dramalens may get wrong per group (all others must come back as the original text):
#: two 5-character UTF-16 LE samples of Han only (10 bytes, no BOM, no NUL byte: the byte order
#: and GB18030 all decode them to Han), a 5-character English UTF-16 LE one, a 20-character
#: cp1252 one that charset-normalizer reads as Big5-HKSCS, and △片场灯火 in UTF-16 BE (10 bytes of
#: which 9 are below 0x80, so it is not "mostly non-ASCII" and goes to charset-normalizer, which
#: reads a single-byte page). The samples are windows of the golden texts, so adding golden cases
#: moves them.
ALLOWED_MISSES = {"utf-16-le": 2, "utf-16-be": 1, "en utf-16-le": 1, "en cp1252": 1}


@pytest.fixture(scope="module")
def table():
    return bench_encoding.measure({"dramalens": bench_encoding.dramalens_decode,
                                   "charset-normalizer": bench_encoding.charset_normalizer_alone})


def test_every_group_decodes_to_the_original_text(table):
    misses = {g: row["dramalens"][1] - row["dramalens"][0] for g, row in table.items()}
    assert {g: n for g, n in misses.items() if n > ALLOWED_MISSES.get(g, 0)} == {}


def test_each_override_is_still_needed(table):
    """If charset-normalizer alone gets a group right, the override for it can go."""
    for group in ("utf-8 BOM", "utf-8 cut", "gb18030", "gbk", "big5", "en cp1252"):
        right, cases = table[group]["charset-normalizer"]
        assert right < cases - ALLOWED_MISSES.get(group, 0), f"charset-normalizer now reads {group}: drop its override"


@pytest.mark.parametrize("codec, bom, named", [("utf-8", b"\xef\xbb\xbf", "utf-8-sig"), ("utf-16-le", b"\xff\xfe", "utf-16"),
                                                ("utf-16-be", b"\xfe\xff", "utf-16")])
@pytest.mark.parametrize("text", ["第1集", "第一章 开始\n　　他说：“你好。”\n", "△“抖音短"])
def test_a_bom_names_the_encoding_even_in_a_short_input(codec, bom, named, text):
    from dramalens.parsing.source import decode_bytes

    assert decode_bytes(bom + text.encode(codec))[:2] == (text, named)


@pytest.mark.parametrize("text", [
    "he’s in the garage.", "Go on ahead. I’ll catch up.", "It’s not fair to her.",
    "HARRY\n\tYou go along. I’ll find the car.",
    "INT. DINER - NIGHT\n\nIt’s late. The cook doesn’t look up.\n\nJONAH\nI’ll take the check.\n",
])
def test_english_in_cp1252_is_not_read_as_cjk_glued_into_words(text):
    """The curly apostrophe (0x92) and the letter after it make one Big5/GBK/Shift-JIS character
    ("he’s" → "he抯"): such a decoding, CJK only inside Latin words, is cp1252."""
    from dramalens.parsing.source import decode_bytes

    assert decode_bytes(text.encode("cp1252"))[:2] == (text, "cp1252")


@pytest.mark.parametrize("codec", ["gbk", "big5", "gb18030"])
def test_chinese_with_english_words_keeps_its_cjk_encoding(codec):
    """The cp1252 rule above leaves real CJK text alone, English names and all."""
    from dramalens.parsing.source import decode_bytes

    text = ("第3集\n△咖啡馆，夜。\nTom：你先走吧，我跟Lisa还有话要说。\nLisa：OK，明天见。\n"
            "陈默站在门口，看着他们的背影，半天没有说话。\n") * 3
    if codec == "big5":
        text = ("第3集\n△咖啡館，夜。\nTom：你先走吧，我跟Lisa還有話要說。\nLisa：OK，明天見。\n"
                "陳默站在門口，望向他們的背影，半天沒有說話。\n") * 3
    assert decode_bytes(text.encode(codec))[0] == text
