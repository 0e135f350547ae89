"""Word .docx reading: screenplay styles, the plain-text path, and hostile archives."""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dramalens import parse
from dramalens.errors import InputError, ParseError
from dramalens.model import ElementType
from dramalens.parsing import parse_text
from dramalens.parsing.docx import parse_docx

sys.path.insert(0, str(Path(__file__).parent / "fixtures_src"))
from make_docx_goldens import plain, styled, with_tables  # noqa: E402
from support import make_zip  # noqa: E402

GOLDEN = Path(__file__).parent / "golden" / "docx"


def stream(script):
    return [(e.type.value, e.text, e.character) for _, _, e in script.iter_elements()]


def test_styled_document_uses_the_styles():
    s = parse_docx((GOLDEN / "en_styled.docx").read_bytes(), source="en.docx")
    assert s.source_format == "docx" and s.source == "en.docx" and s.title == "MIDNIGHT OFFER"
    types = [e.type for _, _, e in s.iter_elements()]
    assert types.count(ElementType.CHARACTER) == 3 and ElementType.TRANSITION in types
    cue = [e for _, _, e in s.iter_elements() if e.type is ElementType.CHARACTER][1]
    assert (cue.text, cue.character, cue.extension, cue.line) == ("ROSE (O.S.)", "ROSE", "O.S.", 7)
    # a soft line break stays inside its paragraph's element
    assert ("action", "Wind.\nRose steps into the light.", None) in stream(s)


def test_line_numbers_are_paragraph_indexes():
    data = styled([("Scene Heading", "INT. A - DAY"), ("Normal", ""), ("Character", "BOB"), ("Dialogue", "Hi.")])
    assert [e.line for _, _, e in parse_docx(data).iter_elements()] == [1, 3, 4]


def test_unknown_style_is_action_with_warning_normal_is_silent():
    s = parse_docx((GOLDEN / "en_unknown_style.docx").read_bytes())
    assert [w.line for w in s.warnings] == [1, 8]
    assert all("not a screenplay style" in w.message for w in s.warnings)


def test_chinese_styled_with_episode_markers():
    s = parse_docx((GOLDEN / "zh_styled.docx").read_bytes())
    assert s.language == "zh"
    assert [(e.number, e.title) for e in s.episodes] == [(1, ""), (2, "反转")]
    assert [sc.number for sc in s.scenes] == ["1-1", "2-1"]


def test_one_screenplay_style_is_not_enough():
    # A single "Dialogue" style (someone's custom style) must not switch to the styled path.
    data = styled([("Dialogue", "INT. HOUSE - DAY"), ("Normal", ""), ("Normal", "He waits.")])
    s = parse_docx(data)
    assert stream(s)[0][0] == "heading"


def test_plain_english_goes_through_fountain_with_paragraph_lines():
    lines = ["INT. DINER - NIGHT", "", "WAITRESS", "Coffee?\nBlack?"]
    s = parse_docx(plain(lines))
    got = [(e.type.value, e.line) for _, _, e in s.iter_elements()]
    assert got[0] == ("heading", 1)
    assert ("character", 3) in got
    # "Black?" sits on a soft break inside paragraph 4: its line is still 4
    assert max(line for _, line in got) == 4


def test_chinese_typed_in_word_parses_like_the_txt():
    lines = ["第1集", "1-1 日 内 总裁办公室", "人物：林晚、顾城", "△林晚推门而入。", "顾城（冷笑）：你以为你走得了？", "林晚：试试看。", "【卡点】"]
    from_docx = parse_docx(plain(lines))
    from_txt = parse_text("\n".join(lines))
    assert stream(from_docx) == stream(from_txt)
    assert [e.line for _, _, e in from_docx.iter_elements()] == [e.line for _, _, e in from_txt.iter_elements()]


def test_parse_dispatches_docx(tmp_path):
    f = tmp_path / "x.docx"
    f.write_bytes((GOLDEN / "zh_styled_title.docx").read_bytes())
    s = parse(f)
    assert s.source_format == "docx" and s.title == "逆袭千金"


# -- hostile and broken input ------------------------------------------------------------------
def _replace_member(docx_bytes: bytes, name: str, data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(docx_bytes))
    return make_zip({n: (data if n == name else src.read(n)) for n in src.namelist()})


def test_not_a_zip():
    with pytest.raises(InputError, match="not a .docx file: it is not a zip"):
        parse_docx(b"just some text", source="x.docx")


def test_zip_without_word_document():
    with pytest.raises(InputError, match="no word/document.xml"):
        parse_docx(make_zip({"hello.txt": b"hi"}))


def test_zip_bomb_refused():
    bomb = make_zip({"word/document.xml": b"<w:document/>", "word/media/huge.bin": b"\0" * (40 * 1024 * 1024)})
    with pytest.raises(InputError, match="compresses"):
        parse_docx(bomb)


def test_entity_declaration_in_a_part_refused():
    good = (GOLDEN / "en_styled.docx").read_bytes()
    evil = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'
    with pytest.raises(ParseError, match="declares a DTD or entities"):
        parse_docx(_replace_member(good, "word/document.xml", evil))


def test_damaged_document_xml():
    good = (GOLDEN / "en_styled.docx").read_bytes()
    with pytest.raises(InputError, match="damaged"):
        parse_docx(_replace_member(good, "word/document.xml", b"<w:document><unclosed>"))


def test_document_without_text():
    with pytest.raises(InputError, match="no text"):
        parse_docx(plain(["", "  "]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=10**9), st.binary(min_size=1, max_size=8))
def test_corrupted_docx_raises_only_input_errors(position, junk):
    data = bytearray((GOLDEN / "en_styled.docx").read_bytes())
    at = position % len(data)
    data[at : at + len(junk)] = junk
    try:
        parse_docx(bytes(data))
    except InputError:
        pass


# -- tables ------------------------------------------------------------------------------------


def test_tables_are_read_in_document_order():
    data = with_tables(["第1集", "1-1 日 内 客厅", [["△甲。"]], "△乙。", [["△丙。\n△丁。"]], "△戊。"])
    assert [t for _, t, _ in stream(parse_docx(data))] == ["1-1 日 内 客厅", "甲。", "乙。", "丙。", "丁。", "戊。"]


def test_speaker_and_line_columns_become_dialogue():
    data = with_tables(["第1集", "1-1 日 内 客厅", [["林晚", "你好。"], ["顾沉：", "（冷笑）\n走。"], ["△他走了。", ""]]])
    assert stream(parse_docx(data))[1:] == [
        ("dialogue", "你好。", "林晚"),
        ("parenthetical", "冷笑", "顾沉"),
        ("dialogue", "走。", "顾沉"),
        ("action", "他走了。", None),
    ]


def test_long_first_cell_is_not_a_speaker():
    data = with_tables(["第1集", "1-1 日 内 客厅", [["△林晚推门进来，看了一眼。", "△顾沉没抬头。"]]])
    assert [t for t, _, _ in stream(parse_docx(data))[1:]] == ["action", "action"]


def test_merged_cells_are_read_once():
    import docx as python_docx

    document = python_docx.Document()
    document.add_paragraph("第1集")
    table = document.add_table(rows=1, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 2))
    merged.text = "△只读一次。"
    buf = io.BytesIO()
    document.save(buf)
    assert [t for _, t, _ in stream(parse_docx(buf.getvalue()))] == ["只读一次。"]
