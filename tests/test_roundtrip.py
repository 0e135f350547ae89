"""Round trips through FDX: Script → .fdx → Script keeps the element stream, and
.fdx → Script → .fountain → Script keeps every element."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dramalens import parse
from dramalens.model import Element, ElementType, Episode, Scene, Script
from dramalens.parsing.chinese import parse_chinese
from dramalens.parsing.fdx import parse_fdx
from dramalens.parsing.fountain import parse_fountain
from dramalens.parsing.screenplay_text import parse_screenplay_text
from dramalens.parsing.headings import parse_heading
from dramalens.writers.fdx import write_fdx
from dramalens.writers.fountain import write_fountain

GOLDEN = Path(__file__).parent / "golden"
FDX_CASES = sorted((GOLDEN / "fdx").glob("*.fdx"))
ALL_CASES = FDX_CASES + sorted((GOLDEN / "docx").glob("*.docx"))


def shape(script: Script):
    """What a round trip must keep: the element stream, episodes, scenes and the title page."""
    return {
        "stream": script.element_stream(),
        "episodes": [(e.number, e.title, len(e.scenes)) for e in script.episodes],
        "scenes": [(s.number, s.heading, s.cast, s.int_ext, s.time, s.location) for s in script.scenes],
        "title_page": script.title_page,
        "dual": [e.dual for _, _, e in script.iter_elements() if e.type is ElementType.CHARACTER],
    }


@pytest.mark.parametrize("path", ALL_CASES, ids=[p.name for p in ALL_CASES])
def test_fixture_survives_fdx_round_trip(path):
    original = parse(path)
    xml = write_fdx(original)
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"')
    assert '<FinalDraft DocumentType="Script" Template="No" Version="5">' in xml
    again = parse_fdx(xml.encode("utf-8"))
    assert shape(again) == shape(original)
    # and the writer is stable: writing the re-read script gives the same XML
    assert write_fdx(again) == xml


def test_writer_output_for_chinese_dialogue_has_cues_and_escapes():
    scene = Scene(number="1-1", heading="1-1 日 内 客厅", elements=[
        Element(ElementType.HEADING, "1-1 日 内 客厅"),
        Element(ElementType.DIALOGUE, "A & B <C>", character="林晚"),
        Element(ElementType.PARENTHETICAL, "冷笑", character="顾城"),
        Element(ElementType.DIALOGUE, "走。", character="顾城"),
        Element(ElementType.SUBTITLE, "三年后"),
    ])
    xml = write_fdx(Script(language="zh", episodes=[Episode(1, scenes=[scene])]))
    assert '<Paragraph Type="Character" DramalensImplied="Yes"><Text>林晚</Text></Paragraph>' in xml
    assert "<Text>A &amp; B &lt;C&gt;</Text>" in xml
    assert "<Text>（冷笑）</Text>" in xml
    assert '<Paragraph Number="1-1" Type="Scene Heading">' in xml
    assert 'DramalensType="subtitle"' in xml
    assert xml.count('Type="Character"') == 2  # one cue per speaker change, none repeated


CHINESE_SAMPLE = """第1集 重生
1-1 日 内 总裁办公室
人物：林晚、顾城
△林晚推门而入。他写下两个字：军宣。
顾城（冷笑）：你以为你走得了？
林晚（OS）：三年了。
林晚：试试看。
【字幕：三年后】
【闪回】
△雨夜。
【闪回结束】
【卡点】
第2集
2-1 夜 外 江边
顾城（VO）：别走。
"""


def test_chinese_parsed_script_survives_fdx_round_trip():
    original = parse_chinese(CHINESE_SAMPLE)
    xml = write_fdx(original)
    assert "林晚（OS）" in xml  # an implied cue for a voice-over says so
    assert shape(parse_fdx(xml.encode())) == shape(original)


def test_dual_pair_written_as_dual_dialogue_block():
    script = parse_fdx((GOLDEN / "fdx" / "dual_dialogue.fdx").read_bytes())
    xml = write_fdx(script)
    assert xml.count("<DualDialogue>") == 1
    block = xml[xml.index("<DualDialogue>") : xml.index("</DualDialogue>")]
    assert "ANNA" in block and "BELLA" in block and "CHAIRMAN" not in block


def test_dual_run_of_three_speakers_written_as_one_block_and_read_back():
    def speaker(name, line):
        return [Element(ElementType.CHARACTER, name, character=name, dual=True),
                Element(ElementType.DIALOGUE, line, character=name)]
    body = [*speaker("ANNA", "Now!"), *speaker("BELLA", "Never!"), *speaker("CARL", "Maybe."),
            Element(ElementType.CHARACTER, "DAN", character="DAN"), Element(ElementType.DIALOGUE, "Stop.", character="DAN")]
    int_ext, time, location, _ = parse_heading("INT. HALL - DAY")
    scene = Scene(heading="INT. HALL - DAY", int_ext=int_ext, time=time, location=location,
                  elements=[Element(ElementType.HEADING, "INT. HALL - DAY"), *body])
    script = Script(language="en", episodes=[Episode(1, scenes=[scene])])
    xml = write_fdx(script)
    assert xml.count("<DualDialogue>") == 1
    block = xml[xml.index("<DualDialogue>") : xml.index("</DualDialogue>")]
    assert all(name in block for name in ("ANNA", "BELLA", "CARL")) and "DAN" not in block
    again = parse_fdx(xml.encode())
    assert shape(again) == shape(script)
    assert [(e.character, e.dual) for _, _, e in again.iter_elements() if e.type is ElementType.CHARACTER] == [
        ("ANNA", True), ("BELLA", True), ("CARL", True), ("DAN", False)]
    assert write_fdx(again) == xml


def test_title_page_written():
    script = Script(title_page=[("Title", "T & T"), ("Author", "Ann")], episodes=[])
    xml = write_fdx(script)
    assert "<TitlePage>" in xml and 'DramalensKey="Title"' in xml and "T &amp; T" in xml
    assert parse_fdx(xml.encode()).title_page == [("Title", "T & T"), ("Author", "Ann")]


def test_write_fdx_validates_argument():
    with pytest.raises(TypeError, match="takes a Script"):
        write_fdx("not a script")  # type: ignore[arg-type]


# -- Hypothesis: scripts built directly with the model -----------------------------------------
_PIECES = list("abcXYZ 0123:.-()（）&<>\"'\n\t#第集林晚说你好EPISODE\u3000") + ["&amp;", "]]>", "EPISODE 2", "第3集"]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=12).map(lambda parts: "".join(parts).strip())
_NAME = st.sampled_from(["BOB", "ANNA", "林晚", "DR. NO", "A (B)", "JO^", "EPISODE 3"])
_BODY_TYPES = [t for t in ElementType if t is not ElementType.HEADING]
_SPEAKING = {ElementType.PARENTHETICAL, ElementType.DIALOGUE, ElementType.VOICE_OVER, ElementType.INNER_VOICE, ElementType.LYRICS}


@st.composite
def elements(draw):
    etype = draw(st.sampled_from(_BODY_TYPES))
    if etype is ElementType.CHARACTER:
        name = draw(_NAME)
        ext = draw(st.sampled_from(["", " (V.O.)", " (CONT'D)", "（OS）"]))
        return Element(etype, name + ext, character=name, dual=draw(st.booleans()))
    text = draw(_TEXT)
    if etype in _SPEAKING:
        return Element(etype, text, character=draw(st.one_of(_NAME, st.none())))
    character = draw(st.one_of(st.none(), _NAME)) if draw(st.integers(0, 9)) == 0 else None
    level = draw(st.integers(0, 3)) if etype is ElementType.SECTION else 0
    return Element(etype, text, character=character, level=level)


@st.composite
def scripts(draw):
    numbers = sorted(draw(st.sets(st.integers(1, 120), min_size=1, max_size=3)))
    episodes = []
    for number in numbers:
        scenes = []
        if draw(st.booleans()):
            scenes.append(Scene(elements=draw(st.lists(elements(), min_size=1, max_size=5))))
        for _ in range(draw(st.integers(0 if scenes else 1, 3))):
            heading = draw(st.sampled_from(["INT. HALL - DAY", "EXT. ROOF - NIGHT #4#", "1-2 日 内 客厅", "场景：夜 内 堂屋", "x", "第5集"]))
            explicit = draw(st.sampled_from([None, "7B", "3-1"]))
            int_ext, time, location, parsed = parse_heading(heading)
            cast = tuple(draw(st.lists(st.sampled_from(["林晚", "顾城", "BOB"]), max_size=2, unique=True)))
            body = draw(st.lists(elements(), max_size=6))
            scenes.append(Scene(number=explicit or parsed, heading=heading, int_ext=int_ext, time=time, location=location,
                                cast=cast, elements=[Element(ElementType.HEADING, heading), *body]))
        episodes.append(Episode(number, draw(st.sampled_from(["", "重逢", "The Deal"])), scenes))
    title_page = draw(st.lists(st.tuples(st.sampled_from(["Title", "Author", "Contact", "Notes"]), _TEXT), max_size=3))
    return Script(language=draw(st.sampled_from(["zh", "en"])), episodes=episodes, title_page=title_page)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scripts())
def test_generated_scripts_survive_fdx_round_trip(script):
    again = parse_fdx(write_fdx(script).encode("utf-8"))
    assert again.element_stream() == script.element_stream()
    with_markers = len(script.episodes) > 1 or any(e.number != 1 or e.title for e in script.episodes)
    if with_markers:
        assert [(e.number, e.title) for e in again.episodes] == [(e.number, e.title) for e in script.episodes]
    assert [(s.number, s.heading, s.cast) for s in again.scenes] == [(s.number, s.heading, s.cast) for s in script.scenes]
    assert again.title_page == script.title_page


# -- .fdx → Script → .fountain → Script --------------------------------------------------------
@pytest.mark.parametrize("path", FDX_CASES, ids=[p.name for p in FDX_CASES])
def test_fdx_to_fountain_keeps_every_element(path):
    original = parse_fdx(path.read_bytes())
    text = write_fountain(original)
    again = parse_screenplay_text(text)  # as dramalens.parse reads a .fountain file
    before, after = original.element_stream(), again.element_stream()
    # Fountain has no dialogue without a cue and merges two speeches under one cue, so the
    # writer may add cues (for Chinese-style cue-less dialogue): every original element must
    # come back in order, and anything added must be a character cue.
    added = _added_elements(before, after)
    assert added is not None, f"elements lost or changed:\n{before}\n{after}"
    assert all(kind == "character" for kind, _, _ in added), added
    if not any(kind == "character" for kind, _, _ in added):
        assert before == after


def _added_elements(before, after):
    """The elements of ``after`` that are not matched, in order, by ``before`` (None when
    ``before`` is not a subsequence of ``after``)."""
    added, i = [], 0
    for item in after:
        if i < len(before) and item == before[i]:
            i += 1
        else:
            added.append(item)
    return added if i == len(before) else None


# -- .fountain (the peers' conformance files) → Script → .fdx → Script ---------------------------
CONFORMANCE = Path(__file__).resolve().parents[1].parent / "shared" / "conformance" / "fountain"
FOUNTAIN_FILES = sorted(CONFORMANCE.glob("*/*.fountain")) if CONFORMANCE.is_dir() else []


@pytest.mark.skipif(not FOUNTAIN_FILES, reason="conformance folder ../shared/conformance/fountain is absent")
@pytest.mark.parametrize("path", FOUNTAIN_FILES, ids=[f"{p.parent.name}/{p.name}" for p in FOUNTAIN_FILES])
def test_fountain_conformance_file_survives_fdx(path):
    original = parse_fountain(path.read_text(encoding="utf-8", errors="replace"))
    again = parse_fdx(write_fdx(original).encode("utf-8"))
    assert again.element_stream() == original.element_stream()
    assert [(s.number, s.heading) for s in again.scenes] == [(s.number, s.heading) for s in original.scenes]
    assert again.title_page == original.title_page
