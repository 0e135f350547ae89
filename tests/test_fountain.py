"""The Fountain parser: structure the golden files cannot show, and never raising on any text."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dramalens import parse
from dramalens.model import ElementType
from dramalens.parsing.fountain import parse_fountain, read_cue, starts_title_page

T = ElementType


def types(script):
    return [(e.type.value, e.text) for _, _, e in script.iter_elements()]


def test_scene_fields_from_heading():
    s = parse_fountain("INT./EXT. TAXI - MOVING - NIGHT #4B#\n\nTraffic.\n\nEST. CITY - DAWN\n\nSky.")
    first, second = s.episodes[0].scenes
    assert (first.number, first.int_ext, first.time, first.location) == ("4B", "INT/EXT", "NIGHT", "TAXI - MOVING")
    assert first.heading == "INT./EXT. TAXI - MOVING - NIGHT"
    assert first.elements[0].type is T.HEADING and first.elements[0].text == first.heading
    assert (second.int_ext, second.time, second.location, second.number) == ("EXT", "DAWN", "CITY", None)


def test_cue_fields_extension_dual_and_aliases():
    s = parse_fountain("GIRL\nHey!\n\nGUY (V.O.) (CONT'D) ^\nHello!\n")
    els = list(s.episodes[0].elements)
    girl_cue, girl_line, guy_cue, guy_line = els
    assert guy_cue.text == "GUY (V.O.) (CONT'D)" and guy_cue.character == "GUY"
    assert guy_cue.extension == "V.O. CONT'D"
    # fountain.io marks the second speaker; both speeches of the pair are dual.
    assert all(e.dual for e in els)
    assert s.characters["GUY"].aliases == ("GUY (V.O.) (CONT'D)",)
    assert girl_line.character == "GIRL" and guy_line.character == "GUY"


def test_section_levels_and_synopsis():
    s = parse_fountain("# Act\n\n## Sequence\n\n### Scene\n\n= What happens.")
    levels = [(e.type, e.level, e.text) for e in s.episodes[0].elements]
    assert levels == [(T.SECTION, 1, "Act"), (T.SECTION, 2, "Sequence"), (T.SECTION, 3, "Scene"), (T.SYNOPSIS, 0, "What happens.")]


@pytest.mark.parametrize(
    "marker, number, title",
    [("# Episode 3", 3, ""), ("# EP 7 - The Deal", 7, "The Deal"), ("# 第十二集 重逢", 12, "重逢"), ("# Ep.2: Storm", 2, "Storm")],
)
def test_level_one_episode_sections_start_episodes(marker, number, title):
    s = parse_fountain(f"INT. A - DAY\n\nBefore.\n\n{marker}\n\nINT. B - NIGHT\n\nAfter.")
    assert [ep.number for ep in s.episodes] == [1, number]
    assert s.episodes[1].title == title
    assert s.episodes[1].line == 5
    assert all(e.type is not T.SECTION for _, _, e in s.iter_elements())


def test_deeper_episode_like_section_stays_a_section():
    s = parse_fountain("## Episode 4\n\nText.")
    assert len(s.episodes) == 1
    assert types(s)[0] == ("section", "Episode 4")


def test_title_page_multiline_values_and_title():
    s = parse_fountain("Title:\n    _**BRICK & STEEL**_\n    _**FULL RETIRED**_\nAuthor: Stu\n\nAction.")
    assert s.title_page == [("Title", "_**BRICK & STEEL**_\n_**FULL RETIRED**_"), ("Author", "Stu")]
    assert s.title == "BRICK & STEEL FULL RETIRED"
    assert types(s) == [("action", "Action.")]


def test_first_line_with_colon_is_not_always_a_title_page():
    assert not starts_title_page("He whispers: run")
    assert starts_title_page("Network: HBO", ["Network: HBO", "Season: 1"])
    s = parse_fountain("He whispers: run\n\nShe runs.")
    assert s.title_page == [] and types(s)[0] == ("action", "He whispers: run")


def test_notes_become_elements_and_leave_text():
    s = parse_fountain("Mia paints[[or sculpts?]] in silence.\n\n[[Whole paragraph note]]\n\nEnd.")
    assert types(s) == [
        ("action", "Mia paints in silence."),
        ("note", "or sculpts?"),
        ("note", "Whole paragraph note"),
        ("action", "End."),
    ]


def test_boneyard_removed_and_line_numbers_kept():
    s = parse_fountain("A.\n/*\nGONE\nGone too.\n*/\n\nB.")
    assert types(s) == [("action", "A."), ("action", "B.")]
    assert [e.line for e in s.episodes[0].elements] == [1, 7]


def test_multiline_note_keeps_later_line_numbers():
    s = parse_fountain("Start [[one\ntwo\nthree]] end.\n\nBOB\nHi.")
    lines = {e.type.value: e.line for e in s.episodes[0].elements}
    assert lines == {"action": 1, "note": 1, "character": 5, "dialogue": 6}


def test_unclosed_boneyard_warns_and_keeps_text():
    s = parse_fountain("A. /* never closed\n\nB.")
    assert s.warnings and "boneyard" in s.warnings[0].message
    assert types(s)[0] == ("action", "A. /* never closed")


@pytest.mark.parametrize(
    "line, name",
    [
        ("林晚", "林晚"),
        ("顾沉（冷笑）", "顾沉"),
        ("さくら", "さくら"),
        ("НАТАША", "НАТАША"),
        ("ИВАН (ЗК)", "ИВАН"),
        ("@Наташа", "Наташа"),
        ("@林晚说了一句很长很长的话", "林晚说了一句很长很长的话"),
        ("R2D2", "R2D2"),
    ],
)
def test_non_latin_and_edge_cues(line, name):
    cue = read_cue(line, True)
    assert cue is not None and cue[1] == name


@pytest.mark.parametrize(
    "line",
    ["他转身离开了房间。", "林晚说了一句很长很长的话", "Наташа", "1984", "AND ^ (Dual)", "CUT TO:", "Bob"],
)
def test_not_cues(line):
    assert read_cue(line, True) is None


def test_cue_needs_a_following_line_unless_forced():
    assert read_cue("BOB", False) is None
    assert read_cue("@BOB", False) is not None
    assert types(parse_fountain("@BOB")) == [("character", "BOB")]


def test_language_detection():
    assert parse_fountain("INT. 客厅 - DAY\n\n林晚\n你好，好久不见。我等了你很久。").language == "zh"
    assert parse_fountain("INT. HOUSE - DAY\n\nBOB\nHi.").language == "en"


def test_source_and_encoding_recorded():
    s = parse_fountain("Hi.", source="x.fountain", encoding="utf-8")
    assert (s.source, s.encoding, s.source_format) == ("x.fountain", "utf-8", "fountain")


def test_parse_dispatches_fountain_files(tmp_path):
    path = tmp_path / "pilot.fountain"
    path.write_text("EXT. PIER - NIGHT\n\nMIA\nGo.\n", encoding="utf-8")
    s = parse(path)
    assert s.source_format == "fountain" and s.characters["MIA"].name == "MIA"


def test_rejects_non_str():
    with pytest.raises(TypeError):
        parse_fountain(b"INT. HOUSE - DAY")  # type: ignore[arg-type]


_PIECES = list("ABCabc 林晚Ж#=~>!@.()[]/*^:_\t\n\r-") + ["INT. ", "TO:", "[[", "]]", "/*", "*/", "\n\n", "  \n", "\ufeff"]
_FOUNTAINISH = st.lists(st.sampled_from(_PIECES), max_size=150).map("".join)
_LINES = st.lists(
    st.sampled_from(
        ["INT. A", "BOB", "BOB ^", "  ", "", "?", "(x)", "~x", "> y <", ">z", "===", "# Episode 2", "# 第3集", "= s",
         "[[n", "]]", "[[n]]", "/*", "*/", "@林晚", "林晚", "Title: X", "    v", "CUT TO:", "!A", ".B", "\t"]
    ),
    max_size=40,
).map("\n".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=300), _FOUNTAINISH, _LINES))
def test_never_raises_and_lines_point_into_the_text(text):
    s = parse_fountain(text)
    n_lines = text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
    for _, _, e in s.iter_elements():
        assert 0 <= e.line <= n_lines
        if e.type in (T.DIALOGUE, T.PARENTHETICAL, T.CHARACTER):
            assert e.character
    assert all(ep.number >= 0 for ep in s.episodes)
