"""Final Draft .fdx (and Fade In's .fdx / .fadein) → Script, through a hardened XML parser.

The XML is read with defusedxml: a document that declares entities (billion laughs), points
at external resources or is not well-formed is refused with a
:class:`~dramalens.errors.ParseError` before anything is expanded or fetched.

``Element.line`` is the paragraph's 1-based index among the script body's paragraphs in
document order (paragraphs inside a ``DualDialogue`` block count, the block's wrapper does
not). See docs/fdx-docx.md for the mapping and the episode rule.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as stdlib_et
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import defusedxml
import defusedxml.ElementTree as safe_et

from ..errors import InputError, ParseError
from ..model import ElementType, Script
from .builder import ScriptBuilder, join_paragraphs
from .headings import parse_episode_marker, parse_heading

__all__ = [
    "RawParagraph",
    "build_from_paragraphs",
    "paragraph_kind",
    "parse_fdx",
    "parse_xml",
    "split_cue",
    "strip_parens",
    "title_page_pairs",
]

#: FDX paragraph types (lower case) → element type; None = structure, not an element.
_KINDS: dict[str, ElementType | None] = {
    "scene heading": ElementType.HEADING,
    "action": ElementType.ACTION,
    "general": ElementType.ACTION,
    "shot": ElementType.ACTION,  # a camera direction inside a scene, not a new scene
    "cast list": ElementType.ACTION,
    "end of act": ElementType.ACTION,
    "character": ElementType.CHARACTER,
    "parenthetical": ElementType.PARENTHETICAL,
    "dialogue": ElementType.DIALOGUE,
    "transition": ElementType.TRANSITION,
    "lyrics": ElementType.LYRICS,
    "new act": None,
    # Final Draft 12's outline elements: planning structure, read as Fountain's sections and
    # synopses (level from the type's number), never as action in a scene.
    "outline": ElementType.SECTION,
    "outline 1": ElementType.SECTION,
    "outline 2": ElementType.SECTION,
    "outline 3": ElementType.SECTION,
    "outline 4": ElementType.SECTION,
    "outline body": ElementType.SYNOPSIS,
}
# Kinds an "EPISODE 3" / "第3集" line may be typed as and still count as an episode marker.
_MARKER_KINDS = {"action", "general", "scene heading", "new act", "outline", "outline 1"}
# Types that continue a speaker's block; anything else ends it.
_BLOCK_TYPES = frozenset(
    {ElementType.PARENTHETICAL, ElementType.DIALOGUE, ElementType.VOICE_OVER, ElementType.INNER_VOICE, ElementType.LYRICS}
)
_CUE = re.compile(r"^(?P<name>.*?)\s*(?P<ext>(?:[(（][^()（）]*[)）]\s*)+)$")
_EXT_PART = re.compile(r"[(（]([^()（）]*)[)）]")


@dataclass(frozen=True, slots=True)
class RawParagraph:
    """One script paragraph as a container format gives it: its type name, plain text and
    1-based index, before the screenplay logic turns it into elements.

    ``attrs`` holds the ``Dramalens*`` attributes our own writer adds (see docs/fdx-docx.md).

    >>> RawParagraph("Action", "He waits.", 3).kind
    'Action'
    """

    kind: str
    text: str
    index: int
    number: str | None = None
    dual: bool = False
    attrs: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


def split_cue(text: str) -> tuple[str, str | None]:
    """A character cue's canonical name and its extension(s).

    >>> split_cue("JIM (O.S.)"), split_cue("DAVE (V.O.) (CONT'D)"), split_cue("林晚（OS）")
    (('JIM', 'O.S.'), ('DAVE', "V.O. CONT'D"), ('林晚', 'OS'))
    """
    text = text.strip().rstrip("^").strip()
    m = _CUE.match(text)
    if not m or not m.group("name").strip():
        return text, None
    parts = [p.strip() for p in _EXT_PART.findall(m.group("ext")) if p.strip()]
    return m.group("name").strip(), (" ".join(parts) or None)


def strip_parens(text: str) -> str:
    """A parenthetical's text without its one pair of outer brackets (the model keeps it bare,
    as the Fountain and Chinese parsers do; writers add the brackets back).

    >>> strip_parens("(beat)"), strip_parens("（冷笑）"), strip_parens("beat")
    ('beat', '冷笑', 'beat')
    """
    text = text.strip()
    if len(text) >= 2 and text[0] in "(（" and text[-1] in ")）":
        return text[1:-1].strip()
    return text


def paragraph_kind(kind: str) -> ElementType | None:
    """The element type an FDX paragraph type maps to (``None`` for ``New Act``, which starts
    an episode); raises KeyError for types FDX does not define.

    >>> paragraph_kind("Scene Heading").value
    'heading'
    """
    return _KINDS[" ".join(kind.lower().split())]


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
        from .archive import open_zip

        with open_zip(bytes(data), source=name, what=".fadein file") as zf:
            if not zf.has("document.xml"):
                raise ParseError("zip archive without document.xml: not a Fade In .fadein file", source=name)
            data = zf.read("document.xml")
    root = parse_xml(_to_expat_encoding(bytes(data), name), source=name)
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


_DECLARATION = re.compile(rb"""^(\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
# Encodings expat reads itself; others (GBK, Big5, Shift_JIS...) are transcoded to UTF-8 first.
_EXPAT_NATIVE = {"utf8", "utf-8", "utf-16", "utf16", "iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"}


def _to_expat_encoding(data: bytes, name: str) -> bytes:
    m = _DECLARATION.match(data[:300])
    if not m:
        return data
    declared = m.group(2).decode("ascii").lower()
    if declared.startswith(("utf-16", "utf16")) and b"\x00" not in data[:200]:
        declared = "utf-8"  # text already decoded and re-encoded as UTF-8 (parse_text) keeps its old label
        text = data.decode("utf-8", errors="strict") if _is_utf8(data) else None
        if text is None:
            raise ParseError("the XML declares UTF-16 but is not", source=name, hint="re-export the file as UTF-8")
        return re.sub(r"""encoding\s*=\s*["'][^"']*["']""", 'encoding="UTF-8"', text, count=1).encode("utf-8")
    if declared in _EXPAT_NATIVE:
        return data
    try:
        text = data.decode(declared)
    except LookupError as exc:
        raise ParseError(f"the XML declares an unknown encoding {declared!r}", source=name, hint="re-export the file as UTF-8") from exc
    except UnicodeDecodeError as exc:
        if declared.replace("-", "").replace("_", "") in {"utf16le", "utf16be", "utf32"}:
            raise ParseError(f"the XML is not valid {declared}", source=name, hint="re-export the file as UTF-8") from exc
        try:  # a UTF-8 file with a wrong declaration (text passed through parse_text)
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ParseError(
                f"the XML declares {declared} but byte {exc.start} is not valid in it", source=name, hint="re-export the file as UTF-8"
            ) from exc
    start = text.find("encoding")
    head, rest = text[:start], text[start:]
    rest = re.sub(r"""^encoding\s*=\s*["'][^"']*["']""", 'encoding="UTF-8"', rest, count=1)
    return (head + rest).lstrip("\ufeff").encode("utf-8")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def parse_xml(data: bytes, *, source: str) -> stdlib_et.Element:
    """Parse XML with entity declarations and external references forbidden.

    >>> parse_xml(b"<a><b/></a>", source="x").tag
    'a'
    """
    try:
        return safe_et.fromstring(data)
    except defusedxml.DefusedXmlException as exc:
        raise ParseError(
            f"refused: the XML {_defused_reason(exc)}",
            source=source,
            hint="a script file never needs these; the file may be hostile. Re-export it from the screenwriting app",
        ) from exc
    except stdlib_et.ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        reason = str(exc).split(":")[0]
        raise ParseError(
            f"malformed XML at line {line}, column {column + 1}: {reason}",
            source=source,
            hint="the file is damaged or not finished; re-export it",
        ) from exc
    except (ValueError, LookupError, RecursionError, MemoryError) as exc:
        raise ParseError(f"cannot read the XML: {exc}", source=source, hint="re-export the file as UTF-8 .fdx") from exc


def _defused_reason(exc: Exception) -> str:
    kind = type(exc).__name__
    if kind == "EntitiesForbidden":
        return "declares entities (an entity-expansion / billion-laughs attack is possible)"
    if kind == "DTDForbidden":
        return "contains a DTD"
    if kind == "ExternalReferenceForbidden":
        return "references an external resource"
    return f"uses a forbidden XML feature ({kind})"


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


_TP_KEYS = ("Title", "Credit", "Author", "Source", "Draft date", "Contact", "Copyright", "Notes")
_CREDIT = re.compile(r"^(?:written\s+by|screenplay\s+by|story\s+by|teleplay\s+by|by|编剧|作者)\s*[:：]?$", re.IGNORECASE)
_DATE = re.compile(r"\b(?:19|20)\d\d\b|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|draft", re.IGNORECASE)


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


def title_page_pairs(items: Iterable[tuple[str | None, str]]) -> list[tuple[str, str]]:
    """Title-page (key, value) pairs from paragraphs that may carry their key (our writer's
    ``DramalensKey``, Fade In's bookmarks) or not (Final Draft): unkeyed ones are guessed —
    first line Title, a ``Written by`` line Credit and the next Author, a © line Copyright,
    a dated line Draft date, the rest Contact.

    >>> title_page_pairs([(None, "DUSK"), (None, "Written by"), (None, "Ann Lee"), (None, "(c) 2026 Ann")])
    [('Title', 'DUSK'), ('Credit', 'Written by'), ('Author', 'Ann Lee'), ('Copyright', '(c) 2026 Ann')]
    """
    pairs: list[tuple[str, str]] = []
    guessed_contact = False  # the previous pair is a guessed Contact line
    expect_author = False
    for key, text in items:
        if key:
            pairs.append((key, text))
            expect_author, guessed_contact = key == "Credit", False
            continue
        guess = "Contact"
        if not pairs:
            guess = "Title"
        elif _CREDIT.match(text):
            guess = "Credit"
        elif expect_author:
            guess = "Author"
        elif re.search(r"©|\(c\)|copyright|版权", text, re.IGNORECASE):
            guess = "Copyright"
        elif _DATE.search(text):
            guess = "Draft date"
        if guess == "Contact" and guessed_contact:
            # consecutive unkeyed lines of an address become one multi-line value
            pairs[-1] = ("Contact", pairs[-1][1] + "\n" + text)
        else:
            pairs.append((guess, text))
        expect_author, guessed_contact = guess == "Credit", guess == "Contact"
    return pairs


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


# -- screenplay logic shared by FDX, Fade In and styled .docx --------------------------------
def build_from_paragraphs(
    paragraphs: Iterable[RawParagraph],
    *,
    source_format: str,
    source: str | None,
    title_page: list[tuple[str, str]] | None = None,
    trailing_notes: list[str] | None = None,
    text: str | None = None,
) -> Script:
    """Turn typed paragraphs into a Script: scenes at headings, episodes at ``New Act`` or an
    ``EPISODE 3`` / ``第3集`` line, speakers carried from each cue to its dialogue block.

    >>> s = build_from_paragraphs([RawParagraph("Scene Heading", "INT. HALL - DAY", 1)], source_format="fdx", source=None)
    >>> next(s.scenes).time, s.text
    ('DAY', 'INT. HALL - DAY')

    ``text`` is the document's body, one paragraph a line (:func:`~.builder.join_paragraphs`);
    by default the paragraphs given, which must then be numbered 1, 2, 3… in order.
    """
    paragraphs = list(paragraphs)
    source_text = join_paragraphs(p.text for p in paragraphs) if text is None else text
    b = ScriptBuilder(source_format=source_format, source=source)
    b.script.title_page = list(title_page or [])
    speaker: str | None = None
    for p in paragraphs:
        attrs = p.attrs
        text = p.text.strip()
        kind = " ".join(p.kind.lower().split())
        dtype = attrs.get("DramalensType")
        etype: ElementType | None
        if dtype is not None:
            try:
                etype = ElementType(dtype)
            except ValueError:
                b.warn(p.index, f"unknown DramalensType {dtype!r}, taken as action")
                etype = ElementType.ACTION
        elif kind in _KINDS:
            etype = _KINDS[kind]
        else:
            b.warn(p.index, f"unknown paragraph type {p.kind!r}, taken as action")
            etype = ElementType.ACTION

        marker = parse_episode_marker(text) if dtype is None and kind in _MARKER_KINDS and text else None
        if etype is None or marker is not None:
            number, title = _episode_fields(attrs, marker, text)
            b.start_episode(number, title, line=p.index)
            speaker = None
            _add_notes(b, p)
            continue
        if not text and not attrs:
            _add_notes(b, p)
            continue
        if etype is ElementType.PAGE_BREAK:
            text = p.text
        elif etype is ElementType.ACTION:  # indentation is meaningful in action (as in Fountain)
            text = p.text.rstrip().lstrip("\r\n")
        if "DramalensCharacter" in attrs:
            explicit: str | None = attrs["DramalensCharacter"] or None
            has_explicit = True
        else:
            explicit, has_explicit = None, False

        if etype is ElementType.HEADING:
            int_ext, time, location, number = parse_heading(text)
            cast = tuple(c for c in attrs.get("DramalensCast", "").split("\u3001") if c)
            b.start_scene(
                heading=text, line=p.index, number=p.number or number, int_ext=int_ext, time=time, location=location, cast=cast
            )
            if attrs.get("DramalensImplied") != "Yes":
                b.add_new(ElementType.HEADING, text, p.index, character=explicit)
            speaker = None
        elif etype is ElementType.CHARACTER:
            name, extension = split_cue(text)
            speaker = explicit if has_explicit else name
            if speaker is not None:
                b.note_character(speaker, alias=text if text != speaker and not extension else None)
            if attrs.get("DramalensImplied") != "Yes":
                b.add_new(ElementType.CHARACTER, text, p.index, character=speaker, extension=extension, dual=p.dual)
        elif etype in _BLOCK_TYPES:
            character = explicit if has_explicit else speaker
            if etype is ElementType.PARENTHETICAL:
                text = strip_parens(text)
            b.add_new(etype, text, p.index, character=character, dual=p.dual)
        else:
            default = (_small_int(kind[-1:], 1) or 1) if etype is ElementType.SECTION else 0
            level = _small_int(attrs.get("DramalensLevel", ""), default)
            b.add_new(etype, text, p.index, character=explicit, level=level)
            speaker = None
        _add_notes(b, p)
    for note in trailing_notes or ():
        b.add_new(ElementType.NOTE, note, 0)
    if trailing_notes:
        b.warn(0, f"{len(trailing_notes)} script note(s) kept at the end: their place in the script is not recorded simply")
    return b.build(text=source_text)


def _episode_fields(attrs: Mapping[str, str], marker: tuple[int, str] | None, text: str) -> tuple[int | None, str]:
    number = _small_int(attrs.get("DramalensEpisode", ""), None)
    if number is not None:
        return number, attrs.get("DramalensTitle", "")
    if marker is not None:
        return marker
    return None, text


def _small_int(raw: str, default: int | None) -> int | None:
    # ASCII digits only: str.isdigit() accepts "²", which int() refuses.
    return int(raw) if re.fullmatch(r"[0-9]{1,9}", raw) else default


def _add_notes(b: ScriptBuilder, p: RawParagraph) -> None:
    for note in p.notes:
        b.add_new(ElementType.NOTE, note, p.index)
