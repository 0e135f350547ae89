"""Plain-text screenplay layouts (PDF/Word exports, micro-drama colon scripts) read through Fountain."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dramalens import parse
from dramalens.model import ElementType
from dramalens.parsing.builder import ScriptBuilder
from dramalens.parsing.detect import sniff_text_format
from dramalens.parsing.screenplay_text import detect_layout, is_layout_line, normalise_layout, parse_screenplay_text
from dramalens.writers.fountain import write_fountain

T = ElementType
GOLDEN = Path(__file__).parent / "golden" / "fountain"
LAYOUT_CASES = sorted(GOLDEN.glob("*.txt"))

INDENTED = "\n".join(
    [
        "INT. KITCHEN - DAY",
        "",
        "     Steam rises from a pot.",
        "",
        "                         MOM",
        "               Dinner is ready. Wash your",
        "               hands first.",
        "",
        "                         KID",
        "               Five more minutes!",
    ]
)


def test_detects_each_layout_and_leaves_fountain_alone():
    assert detect_layout(INDENTED) == (True, False, False)
    assert detect_layout("LILY: Hi.\nMARK: Hello.\nLILY: Bye.") == (False, True, False)
    assert detect_layout("EPISODE 3\nINT. HOUSE - DAY\nBob waits.") == (False, False, True)
    fountain = "Title: X\nAuthor: Y\n\nINT. HOUSE - DAY\n\nBOB\nHi: there.\n\nALICE\nNo: you.\n"
    assert detect_layout(fountain) == (False, False, False)
    assert normalise_layout(fountain) is None


def test_indented_cues_and_wrapped_dialogue_make_one_speech():
    s = parse_screenplay_text(INDENTED)
    els = [(e.type, e.text, e.character) for e in s.episodes[0].scenes[0].elements]
    assert (T.DIALOGUE, "Dinner is ready. Wash your hands first.", "MOM") in els
    assert (T.DIALOGUE, "Five more minutes!", "KID") in els
    assert [e.line for e in s.episodes[0].scenes[0].elements if e.type is T.CHARACTER] == [5, 9]


def test_centred_title_page_becomes_title_page_keys():
    s = parse(GOLDEN / "55_pdf_title_page_centred.txt")
    assert s.title == "THE LONG NIGHT"
    assert ("Author", "Jane Doe") in s.title_page and ("Contact", "jane@example.com") in s.title_page


def test_flattened_dual_dialogue_is_flagged_dual_on_both_sides():
    s = parse(GOLDEN / "56_pdf_dual_dialogue_flattened.txt")
    dual = [(e.type.value, e.character) for _, _, e in s.iter_elements() if e.dual]
    assert ("dialogue", "MOM") in dual and ("dialogue", "DAD") in dual
    assert not any(e.dual for _, _, e in s.iter_elements() if e.character == "KID")


def test_page_furniture_is_removed_and_a_broken_speech_joined():
    s = parse(GOLDEN / "51_pdf_more_contd_page_break.txt")
    texts = [e.text for _, _, e in s.iter_elements()]
    assert not any("MORE" in t or "CONTINUED" in t or t.strip().rstrip(".").isdigit() for t in texts)
    ruiz = [e for _, _, e in s.iter_elements() if e.type is T.DIALOGUE and e.character == "RUIZ"]
    assert len(ruiz) == 1 and ruiz[0].text.endswith("Because I have all night.")


def test_front_matter_before_episode_one_is_not_an_episode():
    s = parse(GOLDEN / "67_micro_front_matter_cast.txt")
    assert [ep.number for ep in s.episodes] == [1]
    assert any(k == "Notes" and "LILY (24)" in v for k, v in s.title_page)


def test_english_scripts_with_chinese_shaped_markers_go_to_fountain():
    assert sniff_text_format((GOLDEN / "66_english_ep_not_chinese.txt").read_text()) == "fountain"
    assert sniff_text_format("第1集\n1-1 日 内 客厅\n△林晚推门而入。") == "chinese"


@pytest.mark.parametrize("path", LAYOUT_CASES, ids=lambda p: p.name)
def test_layout_scripts_round_trip_through_the_writer(path):
    original = parse(path)
    again = parse_screenplay_text(write_fountain(original))
    assert again.element_stream() == original.element_stream()
    assert [(ep.number, ep.title) for ep in again.episodes] == [(ep.number, ep.title) for ep in original.episodes]


def test_writer_forces_action_that_layout_would_rewrite():
    b = ScriptBuilder(source_format="fdx")
    for k, text in enumerate(["EPISODE 2", "LILY: not a speech", "SUPER: not a caption", "MARK: no", "ANN: no"]):
        b.add_new(T.ACTION, text, k + 1)
    s = b.build()
    assert all(is_layout_line(e.text) for _, _, e in s.iter_elements())
    assert parse_screenplay_text(write_fountain(s)).element_stream() == s.element_stream()


_LINE = st.one_of(
    st.sampled_from(
        [
            "",
            "   ",
            "\f",
            "(MORE)",
            "                         (MORE)",
            "CONTINUED:",
            "(CONTINUED)",
            "12.",
            "12   INT. HOUSE - DAY   12",
            "12A  OMITTED  12A",
            "                         BOB (CONT'D)",
            "                    BOB            ANN",
            "               Hi there.",
            "                    (beat",
            "     Action goes on.   *",
            "                                        CUT TO:",
            "EPISODE 1",
            "Episode 2: Title",
            "SCENE 3",
            "Scene 4 - INT. X - DAY",
            "LILY: Hi.",
            "LILY (V.O.): (sad) Bye.",
            "[FLASHBACK]",
            "[END FLASHBACK]",
            "SUPER: Later",
            "written by",
            "INTERCUT WITH:",
            "MONTAGE",
            "Title: X",
            "[[note",
            "/*",
        ]
    ),
    st.text(alphabet=" \t\fabcXYZ:()*.-0123456789^@!#[]\n", max_size=40),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LINE, max_size=30))
def test_never_raises_and_line_numbers_stay_in_the_source(lines):
    text = "\n".join(lines)
    out = normalise_layout(text)
    if out is not None:
        rewritten, numbers = out
        assert len(numbers) == rewritten.count("\n") + 1
        assert all(1 <= n <= text.count("\n") + 1 for n in numbers)
    s = parse_screenplay_text(text)
    assert all(0 <= e.line <= text.count("\n") + 1 for _, _, e in s.iter_elements())


_TEXT = st.one_of(_LINE.filter(lambda x: x.strip() and "\f" not in x), st.sampled_from(["Hello.", "BOB", "LILY: one\nMARK: two\nANN: three"]))
_KIND = st.sampled_from([T.ACTION, T.DIALOGUE, T.PARENTHETICAL, T.TRANSITION, T.HEADING])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_KIND, _TEXT), min_size=1, max_size=15))
def test_writer_output_reads_back_even_when_it_looks_like_plain_text(items):
    b = ScriptBuilder(source_format="fdx")
    for k, (kind, text) in enumerate(items):
        text = "\n".join(x.strip() or "x" for x in text.split("\n")) if kind is not T.ACTION else text
        if kind in (T.DIALOGUE, T.PARENTHETICAL):
            b.add_new(kind, " ".join(text.split()) if kind is T.PARENTHETICAL else text, k + 1, character="BOB")
        else:
            b.add_new(kind, " ".join(text.split()) if kind is not T.ACTION else text, k + 1)
    s = b.build()
    s2 = parse_screenplay_text(write_fountain(s))
    assert s2.element_stream() == parse_screenplay_text(write_fountain(s2)).element_stream()
