"""Parse once: every parser keeps the decoded text its line numbers point into (Script.text)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dramalens import parse
from dramalens.parsing import parse_bytes
from dramalens.parsing.docx import parse_docx
from dramalens.parsing.fdx import parse_fdx
from dramalens.text import identify_language

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p for p in GOLDEN.rglob("*") if p.suffix.lower() in {".fountain", ".txt", ".fdx", ".docx", ".fadein"})


@pytest.mark.parametrize("path", CASES, ids=[str(p.relative_to(GOLDEN)) for p in CASES])
def test_every_element_line_points_at_a_non_blank_line_of_the_text(path: Path) -> None:
    script = parse(path)
    assert script.text
    for _, _, element in script.iter_elements():
        if element.line > 0 and element.text.strip():
            assert script.line_text(element.line).strip(), (element, path.name)


def test_plain_text_keeps_the_decoded_source_less_bom_and_carriage_returns():
    raw = "\ufeff第1集\r\n1-1 日 内 客厅\r\n△林晚推门而入。\r\n林晚：你来了？".encode("utf-8")
    script = parse_bytes(raw)
    assert script.text == "第1集\n1-1 日 内 客厅\n△林晚推门而入。\n林晚：你来了？"
    dialogue = [e for _, _, e in script.iter_elements() if e.type.value == "dialogue"][0]
    assert script.line_text(dialogue.line) == "林晚：你来了？"
    assert script.language == identify_language(script.text) == "zh"


def test_fountain_line_numbers_index_the_text():
    script = parse("Title: T\n\nINT. HOUSE - DAY\n\nBOB\nHi.\n")
    heading = next(e for _, _, e in script.iter_elements() if e.type.value == "heading")
    assert script.line_text(heading.line) == "INT. HOUSE - DAY"


def test_fdx_text_is_one_paragraph_a_line():
    xml = (
        b'<FinalDraft DocumentType="Script"><Content>'
        b'<Paragraph Type="Scene Heading"><Text>INT. HALL - DAY</Text></Paragraph>'
        b'<Paragraph Type="Action"><Text>Bob waits.\nAnd waits.</Text></Paragraph>'
        b'<Paragraph Type="Character"><Text>BOB</Text></Paragraph>'
        b'<Paragraph Type="Dialogue"><Text>Hi.</Text></Paragraph>'
        b"</Content></FinalDraft>"
    )
    script = parse_fdx(xml)
    assert script.text.split("\n") == ["INT. HALL - DAY", "Bob waits.\u2028And waits.", "BOB", "Hi."]
    for _, _, e in script.iter_elements():
        assert script.line_text(e.line).replace("\u2028", "\n").strip() == e.text.strip() or e.type.value == "character"


def test_docx_text_is_one_paragraph_a_line():
    import io

    import docx

    d = docx.Document()
    for line in ("第1集", "1-1 日 内 客厅", "△林晚推门而入。", "林晚：你来了？"):
        d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    script = parse_docx(buf.getvalue())
    assert script.text == "第1集\n1-1 日 内 客厅\n△林晚推门而入。\n林晚：你来了？"
    action = next(e for _, _, e in script.iter_elements() if e.type.value == "action")
    assert script.line_text(action.line) == "△林晚推门而入。"


def test_japanese_script_is_not_called_chinese():
    script = parse("第1話\n1-1 昼 内 リビング\n△田中がドアを開ける。\n田中：どうして来たの？\n佐藤：君に会いたかったから。")
    assert script.language == "ja"
