"""Reading .epub novels: container.xml → OPF → spine order → XHTML → text → chapters.

The zip is opened by parsing/archive.py (zip bombs, traversal and encrypted members are
refused before anything is inflated); the XML parts are read with defusedxml (no entity
expansion, no DTD tricks, no network). Chapter titles come from the book's own table of
contents (EPUB 3 nav or EPUB 2 NCX) when it has one, else from each document's h1-h3, else
from the text rules of :mod:`.chapters`. Cover, copyright and table-of-contents pages are
dropped: they are not the story.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import unquote

from xml.etree.ElementTree import Element as XmlElement

from ...errors import InputError
from ...model.elements import ParseWarning
from ...model.novel import Chapter, Novel
from ...text import identify_language
from ...text.language import LANGUAGES
from ...text.normalise import clean_line
from ..archive import SafeZip, ZipLimits, open_zip
from ..safexml import parse_xml
from .chapters import split_chapters, split_notes
from .headings import classify_heading, en_number, is_toc_header
from .noise import strip_noise
from .sections import heading_sections

__all__ = ["EPUB_LIMITS", "read_epub"]

_MiB = 1024 * 1024
#: An e-book is text and a few images: far below these, so anything above is refused as hostile.
EPUB_LIMITS = ZipLimits(max_members=5_000, max_member_size=64 * _MiB, max_total_size=256 * _MiB, max_ratio=200.0)

_HTML_TYPES = ("application/xhtml+xml", "text/html", "application/html", "text/x-oeb1-document")
_DROP_NAMES = re.compile(r"cover|copyright|colophon|imprint|legal|titlepage|title_page|title-page|^toc|[_-]toc|toc[_.-]|contents|^nav|版权|目录|封面")
_COPYRIGHT = re.compile(r"copyright|©|all rights reserved|版权所有|版权信息|ISBN|出版发行", re.IGNORECASE)
_HINT = "the .epub may be damaged; re-export it (e.g. with Calibre) or convert it to .txt"


@dataclass
class _Doc:
    path: str
    item_id: str
    lines: list[str]
    anchors: dict[str, int]
    headings: list[tuple[int, str, int]]  # (level, text, line index)
    start: int = 0  # index of its first line in the book's text


@dataclass
class _Target:
    label: str
    path: str
    fragment: str
    volume: str | None
    is_volume: bool = False


# A table-of-contents entry: (label, href, children).
_TocNode = tuple[str, str, list["_TocNode"]]


@dataclass
class _NavNode:
    """An entry of a nav document's list while it is being read."""

    label: str = ""
    href: str = ""
    children: list[_NavNode] = field(default_factory=list)


@dataclass
class _Draft:
    heading: str
    title: str
    kind: str
    number: int | None
    line: int
    volume: tuple[str, int] | None
    lines: list[str] = field(default_factory=list)


def read_epub(data: bytes, *, source: str = "<input>") -> Novel:
    """Read an .epub's bytes into a Novel, one chapter per TOC entry (or heading).

    >>> import io, zipfile
    >>> buf = io.BytesIO(); z = zipfile.ZipFile(buf, "w")
    >>> z.writestr("META-INF/container.xml", '<container><rootfiles><rootfile full-path="b.opf"/></rootfiles></container>')
    >>> z.writestr("b.opf", '<package><manifest><item id="c" href="c.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="c"/></spine></package>')
    >>> z.writestr("c.xhtml", "<html><body><h1>第一章 风起</h1><p>夜深了。</p></body></html>"); z.close()
    >>> [(c.title, c.text) for c in read_epub(buf.getvalue()).chapters]
    [('风起', '夜深了。')]
    """
    with open_zip(data, source=source, limits=EPUB_LIMITS, what=".epub file") as zf:
        if not zf.has("META-INF/container.xml"):
            raise InputError("not an EPUB: META-INF/container.xml is missing", source=source, hint=_HINT, key="err.epub_container")
        container = parse_xml(zf.read("META-INF/container.xml"), member="META-INF/container.xml", source=source, error=InputError, hint=_HINT)
        opf_path = next((el.get("full-path") for el in container.iter() if _local(el.tag) == "rootfile" and el.get("full-path")), None)
        if not opf_path:
            raise InputError("not an EPUB: container.xml names no package document (OPF)", source=source, hint=_HINT,
                             key="err.epub_no_opf")
        opf_path = unquote(opf_path)
        if not zf.has(opf_path):
            raise InputError(f"not an EPUB: the package document {opf_path!r} is missing", source=source, hint=_HINT,
                             key="err.epub_opf_missing", params=(("path", opf_path[:200]),))
        try:
            return _Book(zf, opf_path, source).novel()
        except RecursionError as exc:
            raise InputError("the book's table of contents or markup is nested too deeply to read", source=source, hint=_HINT,
                             key="err.epub_too_deep") from exc


class _Book:
    def __init__(self, zf: SafeZip, opf_path: str, source: str):
        self.zf, self.source = zf, source
        self.warnings: list[ParseWarning] = []
        self.base = posixpath.dirname(opf_path)
        opf = parse_xml(zf.read(opf_path), member=opf_path, source=source, error=InputError, hint=_HINT)
        self.meta: dict[str, str] = {}
        self.manifest: dict[str, tuple[str, str, str]] = {}  # id → (path, media type, properties)
        self.spine: list[str] = []
        self.ncx_id = ""
        for el in opf.iter():
            tag = _local(el.tag)
            item_id, href, idref = el.get("id"), el.get("href"), el.get("idref")
            if tag in ("title", "creator", "language") and el.text and el.text.strip() and tag not in self.meta:
                self.meta[tag] = " ".join(el.text.split())
            elif tag == "item" and item_id and href:
                path = posixpath.normpath(posixpath.join(self.base, unquote(href.split("#")[0])))
                self.manifest[item_id] = (path, (el.get("media-type") or "").lower(), el.get("properties") or "")
            elif tag == "spine":
                self.ncx_id = el.get("toc") or ""
            elif tag == "itemref" and idref and (el.get("linear") or "yes").lower() != "no":
                self.spine.append(idref)
        if not self.spine:
            raise InputError(f"the package document {opf_path!r} lists no documents in its spine", source=source, hint=_HINT,
                             key="err.epub_empty_spine", params=(("path", opf_path[:200]),))

    def novel(self) -> Novel:
        targets = self._toc()
        nav_paths = {p for p, _, props in self.manifest.values() if "nav" in props.split()}
        by_path: dict[str, list[_Target]] = {}
        for t in targets:
            by_path.setdefault(t.path, []).append(t)
        docs: list[_Doc] = []
        for idref in self.spine:
            if idref not in self.manifest:
                self.warnings.append(ParseWarning(0, f"the spine names {idref!r}, which the manifest lacks; skipped"))
                continue
            path, media, _ = self.manifest[idref]
            if media not in _HTML_TYPES and not path.lower().endswith((".xhtml", ".html", ".htm")):
                continue
            if path in nav_paths or not self.zf.has(path):
                if not self.zf.has(path):
                    self.warnings.append(ParseWarning(0, f"the spine names {path!r}, which the archive lacks; skipped"))
                continue
            doc = _read_doc(self.zf.read(path), path, idref, self.source)
            if not _is_front_page(doc, by_path.get(path, [])):
                docs.append(doc)
        total = 0
        for doc in docs:
            doc.start = total
            total += len(doc.lines)
        front, drafts = self._assemble(docs, by_path)
        bodies, removed = strip_noise([d.lines for d in drafts], [d.line + 1 for d in drafts])
        if removed:
            kinds = ", ".join(f"{r.count} {r.kind.replace('_', ' ')}" for r in removed)
            self.warnings.append(ParseWarning(0, f"dropped {sum(r.count for r in removed)} lines that are not story ({kinds})"))
        chapters = []
        for n, (d, body) in enumerate(zip(drafts, bodies, strict=True), 1):
            text, notes = split_notes(body)
            chapters.append(Chapter(n, d.title, text, line=d.line, volume=d.volume[0] if d.volume else None, kind=d.kind,
                                    source_number=d.number, heading=d.heading, volume_line=d.volume[1] if d.volume else 0, notes=notes))
        sample = "\n".join(c.text for c in chapters[:50])[:200_000]
        lang = self.meta.get("language", "").lower()
        # The package's own dc:language when it names one we know (zh-TW → zh), else the text's.
        declared = lang[:2]
        language = declared if declared in LANGUAGES and declared != "und" else identify_language(sample)
        if not chapters:
            self.warnings.append(ParseWarning(0, "the book has no readable text (only images or empty pages?)"))
        return Novel(
            title=self.meta.get("title", ""),
            author=self.meta.get("creator", ""),
            language=language,
            source=self.source,
            encoding="utf-8",
            chapters=tuple(chapters),
            warnings=tuple(self.warnings),
            front_matter="\n".join(front),
            source_format="epub",
            removed=removed,
        )

    # -- table of contents ---------------------------------------------------------------------

    def _toc(self) -> list[_Target]:
        """Flattened TOC entries in order; entries with children that are not chapters are volumes."""
        tree: list[_TocNode] = []
        nav = next((p for p, _, props in self.manifest.values() if "nav" in props.split()), None)
        if nav and self.zf.has(nav):
            tree = _nav_tree(self.zf.read(nav), nav, self.source)
        if not tree:
            ncx = self.manifest.get(self.ncx_id, ("", "", ""))[0] or next(
                (p for p, media, _ in self.manifest.values() if media == "application/x-dtbncx+xml"), "")
            if ncx and self.zf.has(ncx):
                tree = _ncx_tree(parse_xml(self.zf.read(ncx), member=ncx, source=self.source, error=InputError, hint=_HINT), ncx)
        out: list[_Target] = []

        def walk(nodes: list[_TocNode], volume: str | None) -> None:
            for label, href, children in nodes:
                head = classify_heading(clean_line(label))
                path, _, fragment = href.partition("#")
                container = bool(children) and not (head and head.level == "chapter")
                flat_volume = head is not None and head.level == "volume"
                if container or flat_volume:
                    if path:
                        out.append(_Target(label, path, fragment, label, is_volume=True))
                    walk(children, label)
                    if flat_volume and not children:
                        volume = label  # a flat TOC: chapters after a volume entry belong to it
                    continue
                if path:
                    out.append(_Target(label, path, fragment, volume))

        walk(tree, None)
        return out

    # -- documents → chapters ------------------------------------------------------------------

    def _assemble(self, docs: list[_Doc], by_path: dict[str, list[_Target]]) -> tuple[list[str], list[_Draft]]:
        self.front: list[str] = []
        self.drafts: list[_Draft] = []
        self.volume: tuple[str, int] | None = None
        pending: list[str] = []  # a volume page's text (卷首语): it opens the volume's first chapter
        for doc in docs:
            before = len(self.drafts)
            intro = self._place(doc, by_path.get(doc.path, []))
            if pending and len(self.drafts) > before:
                self.drafts[before].lines[:0] = pending
                pending = []
            pending.extend(intro)
        self._sink().extend(pending)
        return self.front, self.drafts

    def _sink(self) -> list[str]:
        """Where text outside any chapter goes: the chapter before, or the front matter."""
        return self.drafts[-1].lines if self.drafts else self.front

    def _short_front(self, label: str, doc: _Doc) -> bool:
        # Before the first chapter, a short page under a title that is no chapter heading
        # (Dedication, Epigraph, 题记) is front matter.
        return not self.drafts and classify_heading(clean_line(label)) is None and sum(map(len, doc.lines)) < 500

    def _place(self, doc: _Doc, targets: list[_Target]) -> list[str]:
        """Turn one document into chapters (or front matter); returns a volume page's text."""
        chapter_targets = [t for t in targets if not t.is_volume]
        volume_targets = [t for t in targets if t.is_volume]
        if volume_targets:
            self.volume = (volume_targets[0].label, doc.start + 1)
        text_heads = sum(1 for s in doc.lines if (h := classify_heading(s)) is not None and h.level == "chapter")
        if len(chapter_targets) <= 1 and text_heads >= 2:
            # One document holding many chapters: its own headings split it.
            self.drafts.extend(self._split_by_text(doc, self.volume, self._sink()))
            return []
        sections = heading_sections(doc.headings, len(doc.lines)) if len(chapter_targets) <= 1 and not text_heads else []
        if sections:  # many chapters in one document, its headings unnumbered: they split it
            self._sink().extend(doc.lines[: sections[0][1]])
            self.drafts.extend(_draft(t, doc.lines[a:b], doc.start + a + 1, self.volume) for t, a, b in sections)
            return []
        if chapter_targets:
            cuts: list[tuple[int, _Target]] = []
            for t in chapter_targets:
                at = doc.anchors.get(t.fragment, 0 if not t.fragment else None)
                if at is None:
                    self.warnings.append(ParseWarning(0, f"the TOC points at {t.path}#{t.fragment}, an anchor the document lacks; it starts at the document's top"))
                    at = 0
                if not cuts or at > cuts[-1][0]:
                    cuts.append((at, t))
            if len(cuts) == 1 and self._short_front(cuts[0][1].label, doc):
                self.front.extend(doc.lines)
                return []
            self._sink().extend(doc.lines[: cuts[0][0]])
            for k, (at, t) in enumerate(cuts):
                if t.volume is None:
                    self.volume = None
                elif self.volume is None or self.volume[0] != t.volume:
                    self.volume = (t.volume, doc.start + at + 1)
                stop = cuts[k + 1][0] if k + 1 < len(cuts) else len(doc.lines)
                self.drafts.append(_draft(t.label, doc.lines[at:stop], doc.start + at + 1, self.volume))
            return []
        if volume_targets:
            # A volume's title page; one with a lot of text is a chapter of its own.
            _, rest = _without_title(doc.lines, volume_targets[0].label)
            if sum(map(len, rest)) > 300:
                self.drafts.append(_draft(volume_targets[0].label, doc.lines, doc.start + 1, self.volume))
                return []
            return rest
        if doc.headings:
            _, text, at = doc.headings[0]
            if self._short_front(text, doc):
                self.front.extend(doc.lines)
                return []
            head = classify_heading(clean_line(text))
            self._sink().extend(doc.lines[:at])
            if head is not None and head.level == "volume":
                self.volume = (text, doc.start + at + 1)
                _, rest = _without_title(doc.lines[at:], text)
                if sum(map(len, rest)) <= 300:
                    return rest
            self.drafts.append(_draft(text, doc.lines[at:], doc.start + at + 1, self.volume))
            return []
        if text_heads:
            self.drafts.extend(self._split_by_text(doc, self.volume, self._sink()))
            return []
        self._sink().extend(doc.lines)  # a chapter split over two files, or front matter
        return []

    def _split_by_text(self, doc: _Doc, volume: tuple[str, int] | None, before: list[str]) -> list[_Draft]:
        result = split_chapters("\n".join(doc.lines), line_offset=doc.start)
        if result.front_matter:
            before.extend(result.front_matter.split("\n"))
        out = []
        for c in result.chapters:
            vol = (c.volume, c.volume_line) if c.volume else volume
            d = _Draft(c.heading, c.title, c.kind, c.source_number, c.line, vol, c.text.split("\n") if c.text else [])
            if c.notes:
                d.lines.extend(c.notes.split("\n"))
            out.append(d)
        self.warnings.extend(w for w in result.warnings if "table of contents" not in w.message)
        return out


def _draft(label: str, lines: list[str], line: int, volume: tuple[str, int] | None) -> _Draft:
    label = " ".join(label.split())
    removed, rest = _without_title(lines, label)
    head = classify_heading(label)
    if head is None and removed:
        head = classify_heading(removed[0])
    numbered = _NUMBERED_LABEL.match(label)
    if head is not None:
        title, kind, number = head.title, head.kind, head.number
    elif numbered and _label_number(numbered.group(1)) is not None:
        # A TOC entry is a heading by position, so "XII. The End" and "3. Home" count too.
        title, kind, number = numbered.group(2), "chapter", _label_number(numbered.group(1))
    else:
        title, kind, number = label, "chapter", None
    return _Draft("\n".join(removed) or label, title, kind, number, line, volume, rest)


_NUMBERED_LABEL = re.compile(r"^([IVXLCDM]{1,8}|\d{1,4})[.:、．]\s*(.+)$")


def _label_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    return en_number(text)


def _without_title(lines: list[str], label: str) -> tuple[list[str], list[str]]:
    """Split off the document's leading heading lines (those the TOC label already says)."""
    squeezed = "".join(label.split()).lower()
    removed: list[str] = []
    k = 0
    while k < len(lines) and len(removed) < 3:
        s = "".join(lines[k].split()).lower()
        if s and (s == squeezed or (len(s) >= 1 and s in squeezed) or (not removed and classify_heading(lines[k]) is not None)):
            removed.append(lines[k])
            k += 1
            continue
        break
    return removed, lines[k:]


def _is_front_page(doc: _Doc, targets: list[_Target]) -> bool:
    """Cover, copyright, title and contents pages: no story in them."""
    text_len = sum(map(len, doc.lines))
    if text_len == 0:
        return True
    if any(not t.is_volume and (h := classify_heading(clean_line(t.label))) is not None and h.level == "chapter" for t in targets):
        return False
    name = (doc.item_id + " " + posixpath.basename(doc.path)).lower()
    if _DROP_NAMES.search(name) and text_len < 3000:
        return True
    if text_len < 1500 and _COPYRIGHT.search("\n".join(doc.lines)):
        return True
    lines = [s for s in doc.lines if s]
    if len(lines) >= 3:
        heads = sum(1 for s in lines if classify_heading(s) is not None or is_toc_header(s))
        if heads >= 0.8 * len(lines) and len(lines) - heads <= 2:
            return True  # a table of contents: nothing but chapter titles
    return False


# -- XML and XHTML -----------------------------------------------------------------------------


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _ncx_tree(root: XmlElement, ncx_path: str) -> list[_TocNode]:
    base = posixpath.dirname(ncx_path)

    def points(parent: XmlElement) -> list[_TocNode]:
        out: list[_TocNode] = []
        for el in parent:
            if _local(el.tag) != "navPoint":
                continue
            label = " ".join("".join(t.text or "" for t in el.iter() if _local(t.tag) == "text" and _in_label(el, t)).split())
            content = next((c for c in el if _local(c.tag) == "content"), None)
            href = _resolve(base, content.get("src", "") if content is not None else "")
            out.append((label, href, points(el)))
        return out

    nav_map = next((el for el in root.iter() if _local(el.tag) == "navMap"), None)
    return points(nav_map) if nav_map is not None else []


def _in_label(point: XmlElement, text_el: XmlElement) -> bool:
    label = next((c for c in point if _local(c.tag) == "navLabel"), None)
    return label is not None and any(t is text_el for t in label.iter())


def _resolve(base: str, href: str) -> str:
    if not href or re.match(r"^[a-z][a-z0-9+.-]*:", href, re.IGNORECASE):
        return ""  # empty or an external link
    path, _, fragment = unquote(href).partition("#")
    full = posixpath.normpath(posixpath.join(base, path)) if path else ""
    return f"{full}#{fragment}" if fragment else full


class _NavParser(HTMLParser):
    """Collects the nested <ol><li><a> of an EPUB 3 nav document's toc."""

    def __init__(self, base: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.navs: list[tuple[str, list[_NavNode]]] = []  # (epub:type, tree)
        self.stack: list[list[_NavNode]] = []
        self.in_nav = 0
        self.link: tuple[list[str], str] | None = None  # (label parts, href)
        self.nav_type = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "nav":
            self.in_nav += 1
            if self.in_nav == 1:
                self.nav_type = a.get("epub:type") or a.get("role") or ""
                self.navs.append((self.nav_type, []))
                self.stack = [self.navs[-1][1]]
        elif not self.in_nav:
            return
        elif tag == "li":
            node = _NavNode()
            self.stack[-1].append(node)
            self.stack.append(node.children)
        elif tag in ("a", "span") and self.link is None:
            self.link = ([], _resolve(self.base, a.get("href") or "") if tag == "a" else "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self.in_nav:
            self.in_nav -= 1
        elif not self.in_nav:
            return
        elif tag == "li" and len(self.stack) > 1:
            self.stack.pop()
        elif tag in ("a", "span") and self.link is not None:
            parent = self.stack[-2] if len(self.stack) > 1 else None
            if parent:
                node = parent[-1]
                node.label = " ".join("".join(self.link[0]).split())
                node.href = self.link[1]
            self.link = None

    def handle_data(self, data: str) -> None:
        if self.link is not None:
            self.link[0].append(data)


def _nav_tree(data: bytes, path: str, source: str) -> list[_TocNode]:
    parser = _NavParser(posixpath.dirname(path))
    try:
        parser.feed(_decode_markup(data, path, source))
        parser.close()
    except Exception:  # noqa: BLE001 - a broken nav falls back to the NCX or to headings
        return []
    navs = parser.navs
    chosen = next((tree for kind, tree in navs if "toc" in kind), navs[0][1] if navs else [])

    def convert(nodes: list[_NavNode]) -> list[_TocNode]:
        return [(n.label, n.href, convert(n.children)) for n in nodes if n.label or n.children]

    return convert(chosen)


_BLOCK = frozenset("p div br h1 h2 h3 h4 h5 h6 li tr section article blockquote pre hr dt dd table ul ol header footer "
                   "aside figure figcaption body nav address center td th".split())
_SKIP = frozenset(("head", "script", "style", "title", "svg", "math", "template"))
_CHARSET = re.compile(rb"""<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)|<meta[^>]*charset\s*=\s*["']?([A-Za-z0-9._-]+)""", re.IGNORECASE)


class _TextParser(HTMLParser):
    """XHTML to lines of text: one line per block element, anchors and h1-h3 noted."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.buf: list[str] = []
        self.skip = 0
        self.anchors: dict[str, int] = {}
        self.headings: list[tuple[int, str, int]] = []
        self.heading: tuple[int, list[str], int] | None = None

    def flush(self) -> None:
        """End the line being read."""
        line = clean_line(" ".join("".join(self.buf).split()))
        self.buf.clear()
        if line:
            self.lines.append(line)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
            return
        if tag in _BLOCK:
            self.flush()
        for key, value in attrs:
            if key in ("id", "name") and value:
                self.anchors.setdefault(value, len(self.lines))
        if tag in ("h1", "h2", "h3") and self.heading is None:
            self.heading = (int(tag[1]), [], len(self.lines))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            return
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if tag in _BLOCK:
            self.flush()
        if self.heading is not None and tag == f"h{self.heading[0]}":
            text = " ".join("".join(self.heading[1]).split())
            if text:
                self.headings.append((self.heading[0], text, self.heading[2]))
            self.heading = None

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        self.buf.append(data)
        if self.heading is not None:
            self.heading[1].append(data)


def _decode_markup(data: bytes, member: str, source: str) -> str:
    for marker in ("<!ENTITY", "<!entity"):
        if marker.encode() in data or marker.encode("utf-16-le") in data or marker.encode("utf-16-be") in data:
            raise InputError(f"refused: {member} declares XML entities", source=source,
                             hint="an e-book never needs these; the file may be hostile (an entity-expansion bomb)")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    m = _CHARSET.search(data[:2048])
    encoding = (m.group(1) or m.group(2)).decode("ascii") if m else "utf-8"
    try:
        return data.decode(encoding, errors="replace").lstrip("\ufeff")
    except LookupError:
        return data.decode("utf-8", errors="replace").lstrip("\ufeff")


def _read_doc(data: bytes, path: str, item_id: str, source: str) -> _Doc:
    markup = _decode_markup(data, path, source)
    parser = _TextParser()
    try:
        parser.feed(markup)
        parser.close()
        parser.flush()
    except Exception:  # noqa: BLE001 - html.parser gives up on some broken markup: keep the text
        text = re.sub(r"<[^>]*>", "\n", markup)
        return _Doc(path, item_id, [s for s in (clean_line(x) for x in text.split("\n")) if s], {}, [])
    return _Doc(path, item_id, parser.lines, parser.anchors, parser.headings)
