"""write_fountain: whatever the parser read, the written text reads back to the same elements."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dramalens.model import Element, ElementType
from dramalens.parsing.builder import ScriptBuilder
from dramalens.parsing.chinese import parse_chinese
from dramalens.parsing.screenplay_text import parse_screenplay_text as parse_fountain  # the reader of .fountain files
from dramalens.writers.fountain import write_fountain

T = ElementType
GOLDEN = Path(__file__).parent / "golden" / "fountain"
CONFORMANCE = Path(__file__).resolve().parents[1].parent / "shared" / "conformance" / "fountain"
SAMPLES = Path(__file__).resolve().parents[1] / "src" / "dramalens" / "samples" / "en"


def round_trip(script):
    return parse_fountain(write_fountain(script))


def fountain_files():
    files = sorted(GOLDEN.glob("*.fountain")) + sorted(SAMPLES.glob("*.fountain"))
    if CONFORMANCE.is_dir():
        files += sorted(CONFORMANCE.rglob("*.fountain"))
    return files


@pytest.mark.parametrize("path", fountain_files(), ids=lambda p: p.name)
def test_round_trip_of_every_fountain_file(path):
    original = parse_fountain(path.read_text(encoding="utf-8-sig"))
    again = round_trip(original)
    assert again.element_stream() == original.element_stream()
    assert [(ep.number, ep.title) for ep in again.episodes] == [(ep.number, ep.title) for ep in original.episodes]
    assert [sc.number for sc in again.scenes] == [sc.number for sc in original.scenes]
    assert again.title_page == original.title_page


def test_forces_types_that_would_read_otherwise():
    b = ScriptBuilder(source_format="fdx")
    b.add_new(T.ACTION, "INT. NOT A HEADING", 1)
    b.add_new(T.ACTION, "BOB\nwalks in.", 2)
    b.add_new(T.HEADING, "THE PIER", 3)
    b.add_new(T.TRANSITION, "Fade out.", 4)
    b.add_new(T.CHARACTER, "the captain", 5, character="the captain")
    b.add_new(T.DIALOGUE, "Hold on!", 6, character="the captain")
    s = b.build()
    text = write_fountain(s)
    assert "!INT. NOT A HEADING" in text and "!BOB" in text
    assert ".THE PIER" in text and "> Fade out." in text and "@the captain" in text
    assert round_trip(s).element_stream() == s.element_stream()


def test_chinese_style_dialogue_without_cues_gets_cues():
    # The Chinese parser puts the speaker on the dialogue element and emits no cue element.
    b = ScriptBuilder(source_format="chinese")
    b.start_episode(1, "重逢", line=1)
    b.start_scene(heading="1-1 日 内 客厅", line=2, number="1-1")
    b.add_new(T.HEADING, "1-1 日 内 客厅", 2)
    b.add_new(T.ACTION, "林晚推门而入。", 3)
    b.add_new(T.DIALOGUE, "你终于来了？", 4, character="林晚")
    b.add_new(T.PARENTHETICAL, "冷笑", 5, character="顾沉")
    b.add_new(T.DIALOGUE, "我一直都在。", 5, character="顾沉")
    b.add_new(T.DIALOGUE, "只是你没看见。", 6, character="顾沉")
    b.add_new(T.VOICE_OVER, "我不会再相信他。", 7, character="林晚")
    b.add_new(T.INNER_VOICE, "心跳好快。", 8, character="林晚")
    b.add_new(T.SUBTITLE, "三年前", 9)
    b.add_new(T.FLASHBACK_START, "", 10)
    b.add_new(T.FLASHBACK_END, "", 11)
    b.add_new(T.CLIFFHANGER_MARK, "门开了。", 12)
    b.start_episode(2, "", line=13)
    b.add_new(T.DIALOGUE, "第二集。", 14, character="林晚")
    s = b.build()
    again = round_trip(s)

    def without_cues(script):
        return [x for x in script.element_stream() if x[0] != "character"]

    assert without_cues(again) == without_cues(s)
    assert [ep.number for ep in again.episodes] == [1, 2] and again.episodes[0].title == "重逢"
    assert "\n林晚\n你终于来了？" in write_fountain(s)
    cue_names = [e.character for _, _, e in again.iter_elements() if e.type is T.CHARACTER]
    assert cue_names == ["林晚", "顾沉", "顾沉", "林晚"]  # two speeches in a row need two cues


def test_chinese_parser_scripts_round_trip():
    text = "第1集 重逢\n1-1 日 内 客厅\n人物：林晚、顾沉\n△林晚推门而入。\n林晚：你终于来了？\n顾沉（冷笑）：我一直都在。\n"
    s = parse_chinese(text)
    again = round_trip(s)

    def without_cues(script):
        return [x for x in script.element_stream() if x[0] != "character"]

    assert without_cues(again) == without_cues(s)


# -- generated scripts ---------------------------------------------------------------------
_WORD = st.text(alphabet="abcdefgh林晚ЖжQRS,.?!'-", min_size=1, max_size=8)
_UPPER_WORD = st.text(alphabet="ABCDEFGHЖЯ", min_size=1, max_size=8)
_PREFIX = st.sampled_from(["", "", "", "!", "#", "=", "~", ">", "@", ".", "INT. ", "   ", "EXT ", "==="])


@st.composite
def _line(draw, upper=False):
    words = draw(st.lists(_UPPER_WORD if upper else st.one_of(_WORD, _UPPER_WORD), min_size=1, max_size=5))
    return (draw(_PREFIX) + " ".join(words)).rstrip()


@st.composite
def _text(draw, max_lines=3, allow_empty_lines=True):
    lines = draw(st.lists(st.one_of(_line(), _line(upper=True)), min_size=1, max_size=max_lines))
    if allow_empty_lines and len(lines) > 1 and draw(st.booleans()):
        lines.insert(draw(st.integers(0, len(lines) - 1)), "")
    return "\n".join(lines)


_PLAIN = st.lists(st.one_of(_WORD, _UPPER_WORD), min_size=1, max_size=5).map(" ".join)
_NAME = st.one_of(
    st.lists(_UPPER_WORD, min_size=1, max_size=2).map(" ".join),
    st.sampled_from(["林晚", "顾沉", "Наташа", "the bartender", "McCLANE", "R2D2"]),
)


@st.composite
def _speech_line(draw):
    line = draw(_PLAIN)
    return line if not (line.startswith("(") or line.startswith("~")) else "x" + line


@st.composite
def scripts(draw):
    b = ScriptBuilder(source_format="generated")
    if draw(st.booleans()):
        b.script.title_page.append(("Title", draw(_PLAIN)))
    for episode in range(1, draw(st.integers(1, 3)) + 1):
        if episode > 1 or draw(st.booleans()):
            b.start_episode(episode * draw(st.integers(1, 3)), draw(st.sampled_from(["", "The Deal", "重逢"])), line=episode)
        for _ in range(draw(st.integers(0, 8))):
            kind = draw(st.sampled_from(["heading", "action", "group", "transition", "centered", "lyrics",
                                         "section", "synopsis", "note", "page_break", "extra"]))
            if kind == "heading":
                # A heading cannot start with "." in Fountain (".." is action): see docs/fountain.md.
                text = draw(st.one_of(_PLAIN.map(lambda t: "INT. " + t + " - DAY"), _PLAIN.filter(lambda t: t[0] != ".")))
                number = draw(st.one_of(st.none(), st.sampled_from(["1", "12A", "3-B", "1.2"])))
                b.start_scene(heading=text, line=1, number=number)
                b.add(Element(T.HEADING, text, 1))
            elif kind == "action":
                b.add(Element(T.ACTION, draw(_text()), 1))
            elif kind == "group":
                name = draw(_NAME)
                ext = draw(st.sampled_from(["", " (V.O.)", " (CONT'D)"]))
                b.add(Element(T.CHARACTER, name + ext, 1, name, dual=draw(st.booleans())))
                previous = T.CHARACTER
                for _ in range(draw(st.integers(0, 4))):
                    t = draw(st.sampled_from([T.DIALOGUE, T.PARENTHETICAL, T.LYRICS]))
                    if t is T.DIALOGUE:
                        if previous is T.DIALOGUE:
                            continue
                        lines = draw(st.lists(_speech_line(), min_size=1, max_size=3))
                        if len(lines) > 1 and draw(st.booleans()):
                            lines.insert(1, "")
                        b.add(Element(T.DIALOGUE, "\n".join(lines), 1, name))
                    else:
                        b.add(Element(t, draw(_PLAIN), 1, name))
                    previous = t
            elif kind == "transition":
                b.add(Element(T.TRANSITION, draw(st.one_of(_PLAIN, _PLAIN.map(lambda t: t.upper() + " TO:"))), 1))
            elif kind == "centered":
                b.add(Element(T.CENTERED, draw(_PLAIN), 1))
            elif kind == "lyrics":
                b.add(Element(T.LYRICS, draw(_PLAIN), 1))
            elif kind == "section":
                b.add(Element(T.SECTION, draw(_PLAIN), 1, level=draw(st.integers(2, 4))))
            elif kind == "synopsis":
                b.add(Element(T.SYNOPSIS, draw(_PLAIN), 1))
            elif kind == "note":
                b.add(Element(T.NOTE, "\n".join(draw(st.lists(_PLAIN, min_size=1, max_size=2))), 1))
            elif kind == "page_break":
                b.add(Element(T.PAGE_BREAK, "", 1))
            else:
                t = draw(st.sampled_from([T.SUBTITLE, T.VOICE_OVER, T.FLASHBACK_START, T.CLIFFHANGER_MARK]))
                who = draw(_NAME) if t is T.VOICE_OVER else None
                b.add(Element(t, "" if t is T.FLASHBACK_START else draw(_PLAIN), 1, who))
    return b.build()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(scripts())
def test_generated_scripts_round_trip(script):
    again = round_trip(script)
    assert again.element_stream() == script.element_stream()
    assert [ep.number for ep in again.episodes if any(True for _ in ep.elements)] == [
        ep.number for ep in script.episodes if any(True for _ in ep.elements)
    ]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_line(), _line(upper=True), st.just(""), st.just("  ")), max_size=30).map("\n".join))
def test_parsed_generated_text_round_trips(text):
    original = parse_fountain(text)
    assert round_trip(original).element_stream() == original.element_stream()
