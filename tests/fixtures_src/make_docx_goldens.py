"""Generate the .docx inputs of tests/golden/docx/ with python-docx.

Run from the repository root, then regenerate the expected .jsonl twins (after reading the diff):

    .venv/bin/python tests/fixtures_src/make_docx_goldens.py
    DRAMALENS_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py -k docx/

The builders are also imported by tests/test_docx.py, so tests and goldens share one source.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE

OUT = Path(__file__).resolve().parent.parent / "golden" / "docx"
SCREENPLAY_STYLES = ("Scene Heading", "Action", "Character", "Parenthetical", "Dialogue", "Transition", "Shot", "General")


def new_document(styles: tuple[str, ...] = ()) -> docx.Document:
    document = docx.Document()
    # Fixed metadata so regenerating a file changes nothing but the zip timestamps.
    props = document.core_properties
    props.author = "dramalens tests"
    props.created = props.modified = dt.datetime(2026, 1, 1)
    props.last_modified_by = "dramalens tests"
    props.revision = 1
    for name in styles:
        document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    return document


def styled(paragraphs: list[tuple[str, str]], extra_styles: tuple[str, ...] = ()) -> bytes:
    """A .docx whose paragraphs carry the given style names; ``\\n`` in a text is a soft break."""
    document = new_document(SCREENPLAY_STYLES + extra_styles)
    for style, text in paragraphs:
        p = document.add_paragraph(style=style)
        for i, part in enumerate(text.split("\n")):
            run = p.add_run(part)
            if i < len(text.split("\n")) - 1:
                run.add_break()
    return save(document)


def plain(lines: list[str]) -> bytes:
    """A .docx of Normal paragraphs, one per line (as a script typed in Word without a template)."""
    document = new_document()
    for line in lines:
        document.add_paragraph(line)
    return save(document)


def with_tables(blocks: list) -> bytes:
    """A .docx mixing Normal paragraphs (a ``str``) and tables (a list of rows, each a list of
    cell texts; ``\n`` in a cell text starts a new paragraph in that cell), in the given order."""
    document = new_document()
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        table = document.add_table(rows=len(block), cols=max(len(row) for row in block))
        for r, row in enumerate(block):
            for c, text in enumerate(row):
                cell = table.cell(r, c)
                first, *more = text.split("\n")
                cell.paragraphs[0].text = first
                for part in more:
                    cell.add_paragraph(part)
    return save(document)


def save(document: docx.Document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def cases() -> dict[str, bytes]:
    return {
        "en_styled.docx": styled(
            [
                ("Title", "MIDNIGHT OFFER"),
                ("Scene Heading", "INT. PENTHOUSE - NIGHT"),
                ("Action", "City lights. KAI pours two glasses and sets one down untouched."),
                ("Character", "KAI"),
                ("Parenthetical", "(to the window)"),
                ("Dialogue", "You're late."),
                ("Character", "ROSE (O.S.)"),
                ("Dialogue", "I'm exactly on time."),
                ("Transition", "CUT TO:"),
                ("Scene Heading", "EXT. BALCONY - CONTINUOUS"),
                ("Action", "Wind.\nRose steps into the light."),
                ("Character", "KAI (CONT'D)"),
                ("Dialogue", "Then sign."),
            ]
        ),
        "zh_styled.docx": styled(
            [
                ("General", "第1集"),
                ("Scene Heading", "1-1 日 内 总裁办公室"),
                ("Action", "△林晚把辞职信放在桌上。"),
                ("Character", "顾城"),
                ("Parenthetical", "（冷笑）"),
                ("Dialogue", "你以为你走得了？"),
                ("Character", "林晚"),
                ("Dialogue", "试试看。"),
                ("General", "第2集 反转"),
                ("Scene Heading", "2-1 夜 外 江边"),
                ("Action", "△江风很大。"),
                ("Character", "林晚（OS）"),
                ("Dialogue", "这一次，我不会再回头。"),
            ]
        ),
        "en_unknown_style.docx": styled(
            [
                ("Heading 1", "ACT ONE"),
                ("Scene Heading", "int. garage - day"),
                ("Shot", "CLOSE ON THE ENGINE"),
                ("Normal", "A Normal paragraph in a screenplay template."),
                ("Character", "MECHANIC"),
                ("Dialogue", "She'll run."),
                ("Normal", ""),
                ("Quote", "A style no screenplay uses."),
            ]
        ),
        "en_plain_fountain.docx": plain(
            [
                "INT. DINER - NIGHT",
                "",
                "A waitress wipes the counter.",
                "",
                "WAITRESS",
                "Coffee?",
                "",
                "CUT TO:",
                "",
                "EXT. PARKING LOT - NIGHT",
                "",
                "Headlights sweep across the lot.",
            ]
        ),
        # A script typed into Word tables: speaker | line rows, a one-cell-per-scene table and
        # paragraphs between them, read in document order.
        "zh_tables.docx": with_tables(
            [
                "《契约新娘》",
                "第1集",
                "1-1 日 内 民政局",
                "人物：林晚、顾沉",
                "△林晚攥着户口本，手心全是汗。",
                [
                    ["顾沉", "签了它，你弟弟的医药费我来出。"],
                    ["林晚：", "（咬牙）\n好，我签。"],
                    ["", "△顾沉把笔递过去。"],
                ],
                "1-2 夜 外 民政局门口",
                [["△大雨。林晚站在台阶上。\n林晚（OS）：从今天起，我是顾太太了。\n【卡点】"]],
                "第2集",
                [["2-1 日 内 顾家客厅\n△顾母打量着林晚。\n顾母：就是你？"]],
            ]
        ),
        "zh_styled_title.docx": styled(
            [
                ("Title", "逆袭千金"),
                ("Scene Heading", "1-1 夜 内 宴会厅"),
                ("Action", "△灯光骤暗。\n△众人惊呼。"),
                ("Character", "管家"),
                ("Dialogue", "小姐回来了！"),
                ("Transition", "切至："),
                ("Scene Heading", "1-2 夜 外 停车场"),
                ("Character", "苏念"),
                ("Dialogue", "这场戏，该我来唱了。"),
            ]
        ),
    }


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in cases().items():
        (OUT / name).write_bytes(data)
        print(f"wrote {OUT / name} ({len(data):,} bytes)")


if __name__ == "__main__":
    main()
