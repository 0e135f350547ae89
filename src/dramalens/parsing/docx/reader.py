"""Word .docx → Script: screenplay paragraph styles when the document has them, otherwise the
plain-text parsers (Chinese or Fountain) over the paragraphs' text.

The bytes pass :mod:`dramalens.parsing.archive`'s zip checks, and every XML part is refused
if it declares a DTD or entities, before python-docx opens anything. ``Element.line`` is the
1-based index of the body paragraph the element came from.
"""

from __future__ import annotations

import dataclasses
import io
import re
from typing import TYPE_CHECKING, Any

from ...errors import InputError, ParseError
from ...model import ParseWarning, Script
from ..archive import open_zip
from ..builder import join_paragraphs
from ..dispatch import parse_text
from ..fdx import parse_fdx
from ..paragraphs import RawParagraph, build_from_paragraphs, title_page_pairs

if TYPE_CHECKING:  # python-docx is imported when a .docx is read, not with dramalens
    from docx.document import Document as DocxDocument

__all__ = ["SCREENPLAY_STYLES", "parse_docx"]

#: Paragraph style names (lower case) that mark a screenplay template (Final Draft's and
#: Word's screenplay templates export these), mapped to the FDX paragraph type they mean.
SCREENPLAY_STYLES = {
    "scene heading": "Scene Heading",
    "slugline": "Scene Heading",
    "action": "Action",
    "character": "Character",
    "parenthetical": "Parenthetical",
    "dialogue": "Dialogue",
    "transition": "Transition",
    "shot": "Shot",
    "general": "General",
    "lyrics": "Lyrics",
    "new act": "New Act",
    "end of act": "End of Act",
    "cast list": "Cast List",
}
# Styles that only a screenplay template uses; two of them (with a heading or a cue) decide.
_DECISIVE = {"Scene Heading", "Character", "Dialogue", "Parenthetical", "Transition"}
# Ordinary Word styles taken as action without a warning in a styled document.
_PLAIN_STYLES = re.compile(r"^(normal|body text.*|default.*|no spacing|plain text|list paragraph|正文.*)$", re.IGNORECASE)
_TITLE_STYLES = re.compile(r"^(title|subtitle|标题)$", re.IGNORECASE)


def parse_docx(data: bytes, *, source: str | None = None) -> Script:
    """Parse a .docx file's bytes.

    >>> import io, docx
    >>> d = docx.Document(); _ = d.add_paragraph("第1集"); _ = d.add_paragraph("1-1 日 内 客厅")
    >>> _ = d.add_paragraph("△林晚推门而入。"); buf = io.BytesIO(); d.save(buf)
    >>> [e.type.value for _, _, e in parse_docx(buf.getvalue()).iter_elements()]
    ['heading', 'action']
    """
    name = source or "<input>"
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"parse_docx takes bytes, got {type(data).__name__}")
    data = bytes(data)
    with open_zip(data, source=name, what=".docx file") as zf:
        if not zf.has("word/document.xml"):
            if zf.has("document.xml"):  # Fade In's .fadein is a zip too
                return parse_fdx(data, source=name)
            raise InputError(
                "not a .docx file: the zip archive has no word/document.xml",
                source=name,
                hint="save the document from Word or WPS as .docx (not .doc, .odt or .pages)",
            )
        for member in zf.names():
            if member.endswith((".xml", ".rels")):
                _refuse_dtd(zf.read(member), member, name)
    paragraphs = _read_paragraphs(data, name)
    if not any(text.strip() for _, text in paragraphs):
        raise InputError("the document has no text", source=name, hint="give a .docx with a script in it")
    styled = _screenplay_styles(paragraphs)
    if styled:
        script = _parse_styled(paragraphs, name)
    else:
        script = _parse_plain(paragraphs, name)
    script.source_format = "docx"
    script.source = name
    return script


def _refuse_dtd(part: bytes, member: str, name: str) -> None:
    # python-docx does not expand entities, but a part with a DTD has no business in a .docx
    # and is the shape of entity-expansion and external-entity attacks: refuse it outright.
    for marker in ("<!DOCTYPE", "<!ENTITY"):
        if marker.encode("utf-8") in part or marker.encode("utf-16-le") in part or marker.encode("utf-16-be") in part:
            raise ParseError(
                f"refused: the part {member} declares a DTD or entities",
                source=name,
                hint="a Word document never needs these; the file may be hostile",
            )


def _read_paragraphs(data: bytes, name: str) -> list[tuple[str, str]]:
    """(style name, text) for each body paragraph, in order."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
        # One id → name table instead of python-docx's per-paragraph style lookup (a linear
        # search of styles.xml each time: 1.5 s for 10,000 paragraphs, ~10x faster this way).
        names = {}
        default = ""
        for style in document.styles:
            try:
                names[style.style_id] = style.name or ""
                if style.type == WD_STYLE_TYPE.PARAGRAPH and style._element.default:
                    default = style.name or ""
            except (AttributeError, ValueError, KeyError):
                continue
        return _body_paragraphs(document, names, default)
    except PackageNotFoundError as exc:
        raise InputError("not a .docx file: no Word document inside the archive", source=name) from exc
    except ValueError as exc:  # python-docx: "file is not a Word file, content type is ..."
        raise InputError(f"not a .docx file: {exc}", source=name, hint="save it from Word as a .docx document") from exc
    except (KeyError, AttributeError, TypeError, IndexError) as exc:
        raise ParseError(f"the .docx file is damaged: {exc!r}", source=name, hint="open and re-save it in Word") from exc
    except Exception as exc:  # lxml.etree.XMLSyntaxError and other damage inside the parts
        raise ParseError(f"the .docx file is damaged: {exc}", source=name, hint="open and re-save it in Word") from exc


_SPEAKER_CELL = re.compile(r"^[^\s。！？!?，,；;“”\"]{1,12}$")


def _body_paragraphs(document: DocxDocument, names: dict[str, str], default: str) -> list[tuple[str, str]]:
    """(style name, text) for the body's paragraphs and table cells, in document order.

    Chinese writers often type a script into Word tables: a two-column row ``speaker | line``
    becomes one ``speaker：line`` paragraph; any other row gives one paragraph per paragraph of
    each of its cells (one cell per scene works the same way). Merged cells are read once.
    """
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    tag_p, tag_tbl, tag_tr, tag_tc, tag_sdt = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:sdt")
    out: list[tuple[str, str]] = []

    # python-docx's oxml elements (lxml) carry no annotations: Any is what they are typed as.
    def para(el: Any) -> tuple[str, str]:
        style_id = el.style
        return (names.get(style_id, "") if style_id else default, Paragraph(el, document).text)

    def cell_paragraphs(tc: Any) -> list[tuple[str, str]]:
        got: list[tuple[str, str]] = []
        walk(tc, got)
        return got

    def walk(parent: Any, sink: list[tuple[str, str]]) -> None:
        for child in parent.iterchildren():
            tag = child.tag
            if tag == tag_p:
                sink.append(para(child))
            elif tag == tag_tbl:
                for row in child.iterchildren(tag_tr):
                    cells = [cell_paragraphs(tc) for tc in row.iterchildren(tag_tc)]
                    texts = ["\n".join(t for _, t in c if t.strip()).strip() for c in cells]
                    filled = [i for i, t in enumerate(texts) if t]
                    if len(cells) == 2 and filled == [0, 1] and _SPEAKER_CELL.match(texts[0]):
                        speaker = texts[0].rstrip(":：")
                        first, *more = [t for _, t in cells[1] if t.strip()]
                        sink.append((cells[1][0][0], f"{speaker}：{first.strip()}"))
                        sink.extend((default, t) for t in more)
                    else:
                        for c in cells:
                            sink.extend(c)
            elif tag == tag_sdt:  # content controls wrap ordinary paragraphs and tables
                for content in child.iterchildren(qn("w:sdtContent")):
                    walk(content, sink)

    walk(document.element.body, out)
    return out


def _screenplay_styles(paragraphs: list[tuple[str, str]]) -> bool:
    kinds = {SCREENPLAY_STYLES.get(style.strip().lower()) for style, text in paragraphs if text.strip()}
    decisive = kinds & _DECISIVE
    return len(decisive) >= 2 and bool(decisive & {"Scene Heading", "Character"})


def _parse_styled(paragraphs: list[tuple[str, str]], name: str) -> Script:
    raws: list[RawParagraph] = []
    titles: list[tuple[str | None, str]] = []
    unknown: list[tuple[int, str]] = []
    for index, (style, text) in enumerate(paragraphs, start=1):
        key = style.strip().lower()
        kind = SCREENPLAY_STYLES.get(key)
        if kind is None:
            if _TITLE_STYLES.match(style.strip()) and not any(r.text.strip() for r in raws):
                if text.strip():
                    titles.append((None, text.strip()))
                continue
            if text.strip() and not _PLAIN_STYLES.match(style.strip()):
                unknown.append((index, style))
            kind = "General"
        raws.append(RawParagraph(kind, text, index))
    script = build_from_paragraphs(raws, source_format="docx", source=name, title_page=title_page_pairs(titles),
                                   text=join_paragraphs(text for _, text in paragraphs))
    script.warnings.extend(ParseWarning(i, f"paragraph style {s!r} is not a screenplay style, taken as action") for i, s in unknown)
    script.warnings.sort(key=lambda w: w.line)
    return script


def _parse_plain(paragraphs: list[tuple[str, str]], name: str) -> Script:
    # A paragraph may hold soft line breaks (\n): each text line remembers its paragraph so
    # the elements point at paragraphs, as for styled documents.
    lines: list[str] = []
    owner: list[int] = []
    for index, (_, text) in enumerate(paragraphs, start=1):
        for line in text.replace("\r", "\n").split("\n"):
            lines.append(line)
            owner.append(index)
    script = parse_text("\n".join(lines), source=name)

    def remap(line: int) -> int:
        return owner[line - 1] if 1 <= line <= len(owner) else line

    for episode in script.episodes:
        episode.line = remap(episode.line)
        for scene in episode.scenes:
            scene.line = remap(scene.line)
            scene.elements = [dataclasses.replace(e, line=remap(e.line)) for e in scene.elements]
    script.warnings = [dataclasses.replace(w, line=remap(w.line)) for w in script.warnings]
    script.text = join_paragraphs(text for _, text in paragraphs)
    return script
