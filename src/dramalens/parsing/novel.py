"""Reading novels (.txt in any encoding parsing.source detects, and .epub) split into chapters.

The text rules: a line is a chapter heading (``第十二章 标题``, ``【第001章】``, ``Chapter XII``,
``CHAPTER 1.``, ``楔子``, ``Epilogue``), a volume heading (``第一卷``, ``卷一``, ``BOOK II``,
``PART ONE``) or text (parsing/novel_headings.py). What a run of headings means is decided
here: a table of contents (a ``目录`` header, dot leaders, or a run of headings with almost no
text between them whose numbering then starts again) is front matter, not chapters. Nothing
is lost: every line that is not a heading lands in the front matter, a chapter's text or its
author's notes, except separators and site boilerplate, which are dropped and counted.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError, InputError
from ..model.elements import ParseWarning
from ..model.novel import Chapter, Novel
from ..textutil import count_han, count_words
from .novel_headings import Heading, classify_heading, clean_line, is_noise_line, is_note_start, is_toc_header
from .source import decode_bytes, read_bytes

__all__ = ["SplitResult", "read_novel", "split_chapters"]

# Text between two headings at most this long (characters) still reads as a table of
# contents: a TOC entry may carry a page number, a date or a one-line teaser.
_TOC_GAP = 60
# A table of contents starts within this share of the file (or the first lines below).
_TOC_ZONE_SHARE = 0.3
_TOC_ZONE_MIN_LINES = 400
_MAX_NUMBER_WARNINGS = 20
_ZERO_WIDTH_MARKS = "\u200b\u200c\u200d\u2060\ufeff"


@dataclass(frozen=True, slots=True)
class SplitResult:
    """What :func:`split_chapters` found: the front matter, the chapters and the warnings."""

    front_matter: str
    chapters: tuple[Chapter, ...]
    warnings: tuple[ParseWarning, ...]
    dropped_lines: int = 0


def split_chapters(text: str, *, line_offset: int = 0) -> SplitResult:
    """Split a novel's decoded text into chapters by its headings.

    ``line_offset`` is added to every line number (for text that starts mid-file).

    >>> r = split_chapters("目录\\n第一章 风起\\n第二章 云涌\\n\\n第一章 风起\\n夜。\\n第二章 云涌\\n雨。")
    >>> [(c.number, c.title, c.text) for c in r.chapters], r.front_matter
    ([(1, '风起', '夜。'), (2, '云涌', '雨。')], '目录\\n第一章 风起\\n第二章 云涌')
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    # clean_line on every line, done faster: zero-width marks are rare, so look first.
    if any(mark in text for mark in _ZERO_WIDTH_MARKS):
        text = text.translate(dict.fromkeys(map(ord, _ZERO_WIDTH_MARKS)))
    lines = [raw.strip() for raw in text.split("\n")]
    return _Splitter(lines, line_offset).run()


class _Splitter:
    def __init__(self, lines: list[str], offset: int):
        self.lines = lines
        self.offset = offset
        self.warnings: list[ParseWarning] = []
        self.heads: dict[int, Heading] = {}
        self.noise: set[int] = set()
        self.title_lines: dict[int, int] = {}  # heading line → the line its title was taken from
        for i, s in enumerate(lines):
            if not s:
                continue
            head = classify_heading(s)
            if head is not None:
                self.heads[i] = head
            elif is_noise_line(s):
                self.noise.add(i)

    def run(self) -> SplitResult:
        self._demote_sections()
        self._english_title_lines()
        self._merge_echoes()
        self._drop_tables_of_contents()
        self._promote_volumes()
        self._check_numbering()
        return self._assemble()

    # -- deciding what the headings mean ---------------------------------------------------

    def _demote_sections(self) -> None:
        # 节/幕 under 章/回 are sections inside a chapter, not chapters of their own.
        units = {h.unit for h in self.heads.values() if h.level == "chapter"}
        if units & {"章", "回", "话"}:
            for i in [i for i, h in self.heads.items() if h.unit in ("节", "幕")]:
                del self.heads[i]

    def _english_title_lines(self) -> None:
        # "CHAPTER I." with its title on the next line ("Down the Rabbit-Hole").
        for i, head in list(self.heads.items()):
            if head.title or head.unit not in ("chapter", "book", "part", "volume"):
                continue
            j, blanks = i + 1, 0
            while j < len(self.lines) and not self.lines[j] and blanks < 2:
                j, blanks = j + 1, blanks + 1
            if j < len(self.lines) and self.lines[j] and j not in self.heads and j not in self.noise and _title_like(self.lines[j]):
                self.heads[i] = Heading(head.level, head.kind, head.unit, head.number, self.lines[j], head.toc_like)
                self.title_lines[i] = j

    def _merge_echoes(self) -> None:
        # Web novels often repeat the heading right under itself ("第一章 风起" twice, or
        # "第一章" then "第一章 风起"): one chapter whose heading spans both lines.
        order = sorted(self.heads)
        for a, b in zip(order, order[1:]):
            first, second = self.heads.get(a), self.heads[b]
            if first is None or a in self.title_lines or b in self.title_lines or first.level != "chapter" or first.key[:3] != second.key[:3]:
                continue
            if first.number is None and first.title != second.title:
                continue
            if all(not self.lines[i] or i in self.noise for i in range(a + 1, b)):
                self.heads[a] = second if second.title else first
                del self.heads[b]
                self.title_lines[a] = b

    def _gap(self, order: list[int], k: int) -> int:
        """Characters of text between heading order[k] and the next heading (or the end)."""
        start = self.title_lines.get(order[k], order[k]) + 1
        stop = order[k + 1] if k + 1 < len(order) else len(self.lines)
        total = 0
        for i in range(start, stop):
            if self.lines[i] and i not in self.noise:
                total += len(self.lines[i])
                if total > _TOC_GAP:
                    break
        return total

    def _drop_tables_of_contents(self) -> None:
        order = sorted(self.heads)
        if not order:
            return
        demoted: set[int] = {i for i in order if self.heads[i].toc_like}
        zone = max(_TOC_ZONE_MIN_LINES, int(len(self.lines) * _TOC_ZONE_SHARE))
        header = next((i for i, s in enumerate(self.lines[:zone]) if s and is_toc_header(s)), None)
        order = [i for i in order if i not in demoted]
        if header is not None:
            demoted |= self._toc_after(order, header, need_restart=False)
        elif order and order[0] < zone:
            demoted |= self._toc_after(order, -1, need_restart=True)
        if demoted:
            for i in demoted:
                self.heads.pop(i, None)
                self.title_lines.pop(i, None)
            first, last = min(demoted), max(demoted)
            self.warnings.append(
                ParseWarning(first + 1 + self.offset, f"a table of contents (lines {first + 1 + self.offset}-{last + 1 + self.offset}) was kept as front matter, not chapters")
            )

    def _toc_after(self, order: list[int], header: int, *, need_restart: bool) -> set[int]:
        """The TOC entries among the headings after line ``header``: a run with little text
        between entries that ends where a heading repeats an entry (the numbering restarts).
        With a 目录 header, the run may also end where the text of the body begins."""
        position = {i: k for k, i in enumerate(order)}
        run = [i for i in order if i > header]
        seen: set[tuple] = set()
        context: tuple | None = None
        entries: list[int] = []

        def key(i: int) -> tuple:
            head = self.heads[i]
            return (None if head.level == "volume" else context, head.key)

        for k, i in enumerate(run):
            if key(i) in seen:  # the numbering restarts: what came before was the TOC
                return set(entries) if len(entries) >= 2 or not need_restart else set()
            seen.add(key(i))
            if self.heads[i].level == "volume":
                context = self.heads[i].key
            entries.append(i)
            if self._gap(order, position[i]) > _TOC_GAP:
                # Text follows this heading: it is the TOC's last entry when the next heading
                # restarts the numbering (a blurb sat between TOC and body), else the body's
                # first chapter.
                nxt = run[k + 1] if k + 1 < len(run) else None
                if nxt is not None and key(nxt) in seen and (len(entries) >= 2 or not need_restart):
                    return set(entries)
                return set() if need_restart else set(entries[:-1])
        return set()

    def _promote_volumes(self) -> None:
        # A novel divided only into 部/卷/Books: those are its chapters.
        if self.heads and all(h.level == "volume" for h in self.heads.values()):
            for i, h in self.heads.items():
                self.heads[i] = Heading("chapter", h.kind, h.unit, h.number, h.title, h.toc_like)

    def _check_numbering(self) -> None:
        found: list[ParseWarning] = []
        previous: dict[str, int] = {}
        for i in sorted(self.heads):
            head = self.heads[i]
            if head.level == "volume":
                previous.clear()  # numbering restarts with each volume
                continue
            if head.kind != "chapter" or head.number is None:
                continue
            last = previous.get(head.unit)
            line = i + 1 + self.offset
            if last is not None:
                if head.number == last:
                    found.append(ParseWarning(line, f"chapter {head.number} appears twice in a row"))
                elif head.number < last:
                    found.append(ParseWarning(line, f"chapter numbering restarts ({head.number} after {last}) without a new volume"))
                elif head.number > last + 1:
                    missing = f"{last + 1}" if head.number == last + 2 else f"{last + 1}-{head.number - 1}"
                    found.append(ParseWarning(line, f"chapter {missing} missing (jumps from {last} to {head.number})"))
            previous[head.unit] = head.number
        self.warnings.extend(found[:_MAX_NUMBER_WARNINGS])
        if len(found) > _MAX_NUMBER_WARNINGS:
            self.warnings.append(ParseWarning(0, f"{len(found) - _MAX_NUMBER_WARNINGS} more chapter numbering warnings not shown"))

    # -- building the chapters ---------------------------------------------------------------

    def _assemble(self) -> SplitResult:
        lines, off = self.lines, self.offset
        consumed = set(self.title_lines.values())
        front: list[str] = []
        built: list[dict] = []
        current = front
        volume: tuple[str, int] | None = None
        pending: list[str] | None = None  # text after a volume heading, before its first chapter
        dangling: list[str] = []  # a volume heading no chapter followed yet
        dropped = 0
        for i, s in enumerate(lines):
            if i in consumed:
                continue
            if i in self.noise:
                dropped += 1
                continue
            head = self.heads.get(i)
            if head is None:
                (pending if pending is not None else current).append(s)
                continue
            heading = s if i not in self.title_lines else f"{s}\n{lines[self.title_lines[i]]}"
            if head.level == "volume":
                if pending is not None:  # two volume headings in a row: the first one is text
                    current.extend(dangling + pending)
                volume = (heading, i + 1 + off)
                dangling, pending = [heading], []
                continue
            chapter = {"head": head, "heading": heading, "line": i + 1 + off, "volume": volume, "lines": pending or []}
            built.append(chapter)
            current, pending, dangling = chapter["lines"], None, []
        if pending is not None:
            current.extend(dangling + pending)
        if dropped:
            self.warnings.append(ParseWarning(0, f"dropped {dropped} separator or site boilerplate line{'s' if dropped != 1 else ''}"))
        if not built:
            body = _tidy(front)
            first = next((i for i, s in enumerate(lines) if s and i not in self.noise), 0)
            if body:
                self.warnings.append(ParseWarning(0, "no chapter headings found: the whole text is one chapter"))
                return SplitResult("", (Chapter(1, "", body, line=first + 1 + off),), tuple(self.warnings), dropped)
            return SplitResult("", (), tuple(self.warnings), dropped)
        chapters = []
        for n, c in enumerate(built, 1):
            text, notes = _split_notes(c["lines"])
            head: Heading = c["head"]
            vol = c["volume"]
            chapters.append(
                Chapter(
                    n,
                    head.title,
                    text,
                    line=c["line"],
                    volume=vol[0] if vol else None,
                    kind=head.kind,
                    source_number=head.number,
                    heading=c["heading"],
                    volume_line=vol[1] if vol else 0,
                    notes=notes,
                )
            )
        return SplitResult(_tidy(front), tuple(chapters), tuple(self.warnings), dropped)


def _title_like(s: str) -> bool:
    """A line that can be the title under ``CHAPTER I.``: short, no sentence end, capitalised."""
    if len(s) > 60 or not s[0].isalpha() or not s[0].isupper() or s[-1] in ",;:!?\"'”’":
        return False
    words = s.split()
    if len(words) > 10 or not s.isascii():
        return False
    if s.isupper():
        return True
    if s.endswith("."):
        return False
    long_words = [w for w in words if len(w) > 3]
    return not long_words or sum(w[0].isupper() for w in long_words) / len(long_words) >= 0.6


def _tidy(lines: Sequence[str]) -> str:
    """Lines joined, runs of blank lines collapsed to one, no blank lines at either end."""
    out: list[str] = []
    for s in lines:
        if s or (out and out[-1]):
            out.append(s)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def _split_notes(lines: list[str]) -> tuple[str, str]:
    for k, s in enumerate(lines):
        if s and is_note_start(s):
            return _tidy(lines[:k]), _tidy(lines[k:])
    return _tidy(lines), ""


# -- whole files -----------------------------------------------------------------------------


def read_novel(
    path_or_bytes: str | os.PathLike | bytes,
    *,
    encoding: str | None = None,
    max_bytes: int | None = None,
) -> Novel:
    """Read a novel from a .txt or .epub file (a path), raw bytes, or its text, split into chapters.

    A ``str`` with a line break (or that names no file and does not end in .txt/.epub) is
    the novel's text itself. The encoding of a .txt is detected unless ``encoding`` is given.

    >>> novel = read_novel("第一章 风起\\n夜深了。\\n第二章 云涌\\n雨停了。")
    >>> [(c.source_number, c.title) for c in novel.chapters], novel.language
    ([(1, '风起'), (2, '云涌')], 'zh')
    """
    if max_bytes is not None and (not isinstance(max_bytes, int) or isinstance(max_bytes, bool) or max_bytes <= 0):
        raise ConfigError(f"max_bytes must be a positive number of bytes, got {max_bytes!r}")
    if isinstance(path_or_bytes, bytes):
        return _from_bytes(path_or_bytes, "<input>", "", encoding, max_bytes)
    if isinstance(path_or_bytes, os.PathLike) or (isinstance(path_or_bytes, str) and _names_a_file(path_or_bytes)):
        path = Path(path_or_bytes)
        data = read_bytes(path, max_bytes=max_bytes)
        return _from_bytes(data, str(path), path.suffix.lower(), encoding, max_bytes)
    if not isinstance(path_or_bytes, str):
        raise ConfigError(f"read_novel takes a path, bytes or text, got {type(path_or_bytes).__name__}")
    if not path_or_bytes.strip():
        raise InputError("the novel is empty", source="<text>", hint="give a file with a novel in it")
    return novel_from_text(path_or_bytes, source="<text>", encoding="")


def _names_a_file(text: str) -> bool:
    if "\n" in text or len(text) >= 4096:
        return False
    if text.lower().endswith((".txt", ".epub")):
        return True
    try:
        return os.path.isfile(text)
    except (OSError, ValueError):
        return False


def _from_bytes(data: bytes, name: str, suffix: str, encoding: str | None, max_bytes: int | None) -> Novel:
    if max_bytes is not None and len(data) > max_bytes:
        raise InputError(f"the input is {len(data):,} bytes, over the limit of {max_bytes:,}", source=name, hint="raise --max-bytes")
    if not data.strip():
        raise InputError("the file is empty", source=name, hint="give a file with a novel in it")
    if suffix == ".epub" or data[:4] == b"PK\x03\x04":
        from .novel_epub import read_epub

        return read_epub(data, source=name)
    text, used, notes = decode_bytes(data, encoding=encoding, name=name)
    novel = novel_from_text(text, source=name, encoding=used)
    if notes:
        extra = tuple(ParseWarning(0, n) for n in notes)
        return Novel(**{**_fields(novel), "warnings": extra + novel.warnings})
    return novel


def _fields(novel: Novel) -> dict:
    return {name: getattr(novel, name) for name in Novel.__dataclass_fields__}


def novel_from_text(text: str, *, source: str = "<text>", encoding: str = "") -> Novel:
    """A Novel from decoded text: chapters split, title and author read from the front matter.

    >>> novel_from_text("书名：西游记\\n作者：吴承恩\\n第一回 灵根育孕源流出\\n诗曰。").author
    '吴承恩'
    """
    result = split_chapters(text)
    sample = text[:200_000]
    language = detect_language(sample)
    if result.front_matter:
        title, author = front_matter_metadata(result.front_matter)
    else:  # no title page: only "书名：…"/"Title: …" lines count, not the story's first line
        title, author = front_matter_metadata("\n".join(text.split("\n", 40)[:40]), title_page=False)
    if not title and source not in ("<text>", "<input>"):
        title = Path(source).stem
    return Novel(
        title=title,
        author=author,
        language=language,
        source=source,
        encoding=encoding,
        chapters=result.chapters,
        warnings=result.warnings,
        front_matter=result.front_matter,
        source_format="txt",
    )


def detect_language(text: str) -> str:
    """``zh`` when Han characters outnumber Latin words, else ``en``.

    >>> detect_language("话说天下大势"), detect_language("It was a dark night.")
    ('zh', 'en')
    """
    han = count_han(text)
    return "zh" if han and han >= count_words(text) else "en"


# Web-novel site labels that sit where a title page would: never the book's title.
_NOT_TITLES = frozenset({"正文", "正文卷", "正文 卷", "作品相关", "VIP卷", "VIP章节", "免费章节", "序", "简介", "内容简介", "Contents"})
_TITLE_KEYS = ("书名", "書名", "作品名", "作品名称", "标题", "標題", "小说名", "title")
_AUTHOR_KEYS = ("作者", "著者", "author", "by")


def front_matter_metadata(front: str, *, title_page: bool = True) -> tuple[str, str]:
    """(title, author) read from the lines before the first chapter ("" where absent).

    With ``title_page`` the first short line counts as the title when nothing says so.

    >>> front_matter_metadata("《斗破苍穹》\\n作者：天蚕土豆"), front_matter_metadata("Title: Emma\\nAuthor: Jane Austen")
    (('斗破苍穹', '天蚕土豆'), ('Emma', 'Jane Austen'))
    """
    title = author = ""
    first = ""
    for raw in front.split("\n")[:40]:
        s = clean_line(raw)
        if not s or len(s) > 80:
            continue
        first = first or s
        if not author and 2 < len(s) <= 30 and s.endswith(("著", "著作", "撰")) and s != first:
            author = s.rstrip("著作撰").strip()
            continue
        key, sep, value = s.replace("：", ":", 1).partition(":")
        key_l, value = key.strip().lower(), value.strip()
        if sep and value:
            if not title and key_l in _TITLE_KEYS:
                title = value.strip("《》")
                continue
            if not author and key_l in _AUTHOR_KEYS:
                author = value
                continue
        if not author and s.lower().startswith("by ") and 3 < len(s) <= 50:
            author = s[3:].strip()
        elif not title and s.startswith("《") and "》" in s and s.index("》") > 1:
            title = s[1 : s.index("》")]
            rest = s[s.index("》") + 1 :].strip()
            if not author and rest.startswith("作者") and len(rest) > 3:
                author = rest[2:].strip(" :：")
    # Otherwise the first short line is the title, as on a title page ("西游记", "EMMA").
    if title_page and not title and first and len(first) <= 30 and first not in _NOT_TITLES and ":" not in first and "：" not in first and classify_heading(first) is None \
            and not is_toc_header(first) and first[-1] not in "。，！？.,!?\"”":
        title = first.strip("《》")
    return title, author
