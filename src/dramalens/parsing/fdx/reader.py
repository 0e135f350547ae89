"""Final Draft .fdx (and Fade In's .fdx / .fadein) → Script, through a hardened XML parser.

The XML is read with defusedxml: a document that declares entities (billion laughs), points
at external resources or is not well-formed is refused with a
:class:`~dramalens.errors.ParseError` before anything is expanded or fetched.

``Element.line`` is the paragraph's 1-based index among the script body's paragraphs in
document order (paragraphs inside a ``DualDialogue`` block count, the block's wrapper does
not). See docs/fdx-docx.md for the mapping and the episode rule.
"""

from __future__ import annotations

import xml.etree.ElementTree as stdlib_et
from collections.abc import Iterator

from ...errors import InputError, ParseError
from ...model import Script
from ..archive import open_zip
from ..paragraphs import RawParagraph, build_from_paragraphs, title_page_pairs
from ..safexml import parse_xml, to_expat_encoding

__all__ = ["parse_fdx"]


def parse_fdx(data: bytes, *, source: str | None = None) -> Script:
    """Parse a Final Draft .fdx (or Fade In .fdx / zipped .fadein) file's bytes.

    >>> xml = b'<FinalDraft DocumentType="Script"><Content><Paragraph Type="Character"><Text>BOB</Text></Paragraph>'
    >>> xml += b'<Paragraph Type="Dialogue"><Text>Hi.</Text></Paragraph></Content></FinalDraft>'
    >>> [(e.type.value, e.text, e.character) for _, _, e in parse_fdx(xml).iter_elements()]
    [('character', 'BOB', 'BOB'), ('dialogue', 'Hi.', 'BOB')]
    """
    name = source or "<input>"
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"parse_fdx takes bytes, got {type(data).__name__}")
    if not bytes(data).strip():
        raise InputError("the input is empty", source=name, hint="give a .fdx file with a script in it")
    if data[:2] == b"PK":  # Fade In's native .fadein: a zip holding document.xml
        with open_zip(bytes(data), source=name, what=".fadein file") as zf:
            if not zf.has("document.xml"):
                raise ParseError("zip archive without document.xml: not a Fade In .fadein file", source=name)
            data = zf.read("document.xml")
    root = parse_xml(to_expat_encoding(bytes(data), name), source=name)
    tag = _local(root.tag)
    if tag == "FinalDraft":
        return _parse_final_draft(root, name)
    if tag == "document" and root.find("paragraphs") is not None:
        return _parse_osf(root, name)
    raise ParseError(
        f"this is XML but not a Final Draft document: the root element is <{tag}>, not <FinalDraft>",
        source=name,
        hint="export the script from Final Draft or Fade In as .fdx",
    )


def _local(tag: object) -> str:
    text = tag if isinstance(tag, str) else ""
    return text.rsplit("}", 1)[-1]


# -- Final Draft ------------------------------------------------------------------------------
def _parse_final_draft(root: stdlib_et.Element, name: str) -> Script:
    content = root.find("Content")
    if content is None:
        raise ParseError("Final Draft file without a <Content> element", source=name, hint="the file holds no script body")
    caps = _all_caps_types(root)
    paragraphs = list(_fd_paragraphs(content, caps))
    title_page = _fd_title_page(root)
    extra_notes = [_plain(n) for n in root.findall("ScriptNotes/ScriptNote")]
    return build_from_paragraphs(
        paragraphs,
        source_format="fdx",
        source=name,
        title_page=title_page,
        trailing_notes=[n for n in extra_notes if n],
    )


def _all_caps_types(root: stdlib_et.Element) -> frozenset[str]:
    """Paragraph types the document displays in capitals (ElementSettings FontSpec AllCaps)."""
    caps = set()
    for settings in root.findall("ElementSettings"):
        spec = settings.find("FontSpec")
        if spec is not None and "allcaps" in (spec.get("Style") or "").lower():
            caps.add((settings.get("Type") or "").lower())
    return frozenset(caps)


def _text_of(paragraph: stdlib_et.Element, upper: bool = False) -> str:
    runs = []
    for run in paragraph.findall("Text"):
        text = run.text or ""
        if upper or "allcaps" in (run.get("Style") or "").lower():
            text = text.upper()
        runs.append(text)
    return "".join(runs)


def _plain(node: stdlib_et.Element) -> str:
    """The text of every ``Text`` below ``node`` (a note's paragraphs), one line each."""
    return "\n".join(t for t in (_text_of(p) for p in node.iter("Paragraph")) if t.strip()).strip()


def _fd_paragraphs(content: stdlib_et.Element, caps: frozenset[str]) -> Iterator[RawParagraph]:
    index = 0

    def make(p: stdlib_et.Element, dual: bool) -> RawParagraph:
        kind = p.get("Type") or "General"
        attrs = {k: v for k, v in p.attrib.items() if k.startswith("Dramalens")}
        props = p.find("SceneProperties")
        number = p.get("Number") or (props.get("Number") if props is not None else None) or None
        notes = tuple(n for n in (_plain(sn) for sn in p.findall("ScriptNote")) if n)
        return RawParagraph(kind, _text_of(p, kind.lower() in caps), index, number, dual, attrs, notes)

    for child in content:
        block: stdlib_et.Element | None
        if _local(child.tag) == "DualDialogue":  # tolerate a block not wrapped in a Paragraph
            block = child
        elif _local(child.tag) == "Paragraph":
            block = child.find("DualDialogue")
            if block is None:
                index += 1
                yield make(child, False)
                continue
        else:
            continue
        # As the Fountain parser does: every element of both sides is marked dual.
        for p in block.findall("Paragraph"):
            index += 1
            yield make(p, True)


def _fd_title_page(root: stdlib_et.Element) -> list[tuple[str, str]]:
    content = root.find("TitlePage/Content")
    if content is None:
        return []
    items = []
    for p in content.iter("Paragraph"):
        text = _text_of(p).strip()
        if text or p.get("DramalensKey"):
            items.append((p.get("DramalensKey"), text))
    return title_page_pairs(items)


# -- Fade In (Open Screenplay Format, the document.xml inside a .fadein) ---------------------
_OSF_KEYS = {"title": "Title", "author": "Author", "copyright": "Copyright", "draft": "Draft date", "contact": "Contact",
             "credit": "Credit", "source": "Source", "notes": "Notes"}


def _parse_osf(root: stdlib_et.Element, name: str) -> Script:
    caps = frozenset(
        (s.get("name") or "").lower() for s in root.findall("styles/style") if s.get("allcaps") in ("1", "true")
    )

    def text_of(para: stdlib_et.Element, upper: bool) -> str:
        text = "".join(t.text or "" for t in para.findall("text"))
        return text.upper() if upper else text

    paragraphs = []
    for index, para in enumerate(root.findall("paragraphs/para"), start=1):
        style = para.find("style")
        kind = "General"
        if style is not None:
            kind = style.get("basestyle") or style.get("basestylename") or style.get("name") or "General"
        number = para.get("number") or (style.get("number") if style is not None else None)
        paragraphs.append(RawParagraph(kind, text_of(para, kind.lower() in caps), index, number or None))
    items = []
    for para in root.findall("titlepage/para"):
        text = text_of(para, False).strip()
        if text:
            bookmark = (para.get("bookmark") or "").lower()
            items.append((_OSF_KEYS.get(bookmark), text))
    return build_from_paragraphs(paragraphs, source_format="fdx", source=name, title_page=title_page_pairs(items))

