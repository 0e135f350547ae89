"""Reading novels (.txt in any encoding parsing.source detects, and .epub) split into chapters.

The text rules: a line is a chapter heading (``第十二章 标题``, ``【第001章】``, ``Chapter XII``,
``CHAPTER 1.``, ``楔子``, ``Epilogue``), a volume heading (``第一卷``, ``卷一``, ``BOOK II``,
``PART ONE``) or text (:mod:`.headings`). What a run of headings means is decided
here: a table of contents (a ``目录`` header, dot leaders, or a run of headings with almost no
text between them whose numbering then starts again) is front matter, not chapters. Nothing
is lost: every line that is not a heading lands in the front matter, a chapter's text or its
author's notes, except separators and site boilerplate, which are dropped and counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from ...model.elements import ParseWarning
from ...model.novel import Chapter, Removed
from ...text.normalise import ZERO_WIDTH, clean_line
from .headings import (
    Heading,
    classify_bare,
    classify_heading,
    couplet_like,
    is_note_start,
    is_toc_header,
    noise_kind,
    title_like,
)
from .noise import repeated_lines

__all__ = ["SplitResult", "split_chapters", "split_notes"]


# Text between two headings at most this long (characters) still reads as a table of
# contents: a TOC entry may carry a page number, a date or a one-line teaser.
_TOC_GAP = 60
# A table of contents starts within this share of the file (or the first lines below).
_TOC_ZONE_SHARE = 0.3
_TOC_ZONE_MIN_LINES = 400
_MAX_NUMBER_WARNINGS = 20


# A heading's identity (Heading.key): two headings with equal keys name the same chapter.
_Key = tuple[str, str, int | None, str, int | None]


@dataclass(slots=True)
class _Draft:
    """A chapter being built: its heading, where it starts, its volume and lines so far, and
    lines of a table of contents found at its end."""

    head: Heading
    heading: str
    line: int
    volume: tuple[str, int] | None
    lines: list[str]
    toc: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SplitResult:
    """What :func:`split_chapters` found: the front matter, the chapters and the warnings."""

    front_matter: str
    chapters: tuple[Chapter, ...]
    warnings: tuple[ParseWarning, ...]
    dropped_lines: int = 0
    removed: tuple[Removed, ...] = ()


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
    if any(mark in text for mark in ZERO_WIDTH):
        text = text.translate(dict.fromkeys(map(ord, ZERO_WIDTH)))
    lines = [raw.strip() for raw in text.split("\n")]
    return _Splitter(lines, line_offset).run()


class _Splitter:
    def __init__(self, lines: list[str], offset: int):
        self.lines = lines
        self.offset = offset
        self.warnings: list[ParseWarning] = []
        self.heads: dict[int, Heading] = {}
        self.noise: dict[int, str] = {}  # line index → the kind of no-story line it is
        self.title_lines: dict[int, int] = {}  # heading line → the line its title was taken from
        self.toc_lines: set[int] = set()  # a table of contents after the first chapter: kept as notes
        for i, s in enumerate(lines):
            if not s:
                continue
            head = classify_heading(s)
            if head is not None:
                self.heads[i] = head
            elif (kind := noise_kind(s)) is not None:
                self.noise[i] = kind

    def run(self) -> SplitResult:
        self._demote_sections()
        if not any(h.level == "chapter" for h in self.heads.values()):
            self._bare_numbers()
        self._english_title_lines()
        self._couplet_titles()
        self._merge_echoes()
        self._drop_tables_of_contents()
        self._drop_later_tables_of_contents()
        self._promote_volumes()
        self._check_numbering()
        self._repeated_lines()
        return self._assemble()

    def _repeated_lines(self) -> None:
        """A line that recurs, word for word, in many chapters is a site's footer or header, not
        story (the rule is :func:`.noise.repeated_lines`, which the .epub reader applies too)."""
        chapters: list[list[str]] = []
        where: dict[str, list[int]] = {}
        for i, s in enumerate(self.lines):
            head = self.heads.get(i)
            if head is not None:
                if head.level == "chapter":
                    chapters.append([])
                continue
            if chapters and s and i not in self.noise and i not in self.toc_lines:
                chapters[-1].append(s)
                where.setdefault(s, []).append(i)
        for s in repeated_lines(chapters):
            for i in where[s]:
                self.noise[i] = "repeated"

    # -- deciding what the headings mean ---------------------------------------------------

    def _demote_sections(self) -> None:
        # 节/幕 under 章/回 are sections inside a chapter, not chapters of their own.
        units = {h.unit for h in self.heads.values() if h.level == "chapter"}
        if units & {"章", "回", "话"}:
            for i in [i for i, h in self.heads.items() if h.unit in ("节", "幕")]:
                del self.heads[i]

    def _bare_numbers(self) -> None:
        # A book with no 第N章/Chapter headings may number its chapters bare ("1.", "一、",
        # "（一）", "001", "I."). Such a line is a heading only when its style runs through the
        # book as 1, 2, 3… with real text between: a numbered list has next to none.
        by_style: dict[str, list[tuple[int, int, str]]] = {}
        for i, s in enumerate(self.lines):
            if s and i not in self.heads and i not in self.noise:
                bare = classify_bare(s)
                if bare is not None:
                    by_style.setdefault(bare[0], []).append((i, bare[1], bare[2]))
        best: list[tuple[int, int, str]] = []
        volumes = sorted(i for i, h in self.heads.items() if h.level == "volume")
        for found in by_style.values():
            run: list[tuple[int, int, str]] = []
            nested: int | None = None  # a numbered list inside a chapter: 1, 2, 3 again
            for entry in found:
                last = run[-1] if run else None
                restart = last is not None and entry[1] == 1 and any(last[0] < v < entry[0] for v in volumes)
                if last is None:
                    if entry[1] in (0, 1):
                        run.append(entry)
                elif nested is not None and entry[1] == nested + 1:
                    nested += 1
                elif entry[1] == last[1] + 1 or restart:
                    run.append(entry)
                    nested = None
                elif entry[1] <= last[1]:
                    nested = entry[1]
            if len(run) >= 3 and len(run) > len(best) and self._bare_gaps_ok([i for i, _, _ in run]):
                best = run
        for i, number, title in best:
            self.heads[i] = Heading("chapter", "chapter", "number", number, title)

    def _bare_gaps_ok(self, starts: list[int]) -> bool:
        gaps = []
        for a, b in zip(starts, starts[1:] + [len(self.lines)]):
            gaps.append(sum(len(self.lines[i]) for i in range(a + 1, b) if i not in self.noise))
        # Every chapter has text, and the typical one more than a TOC entry's worth.
        return min(gaps) > 0 and sorted(gaps)[len(gaps) // 2] > _TOC_GAP

    def _couplet_titles(self) -> None:
        # Classics title a 回 with a couplet, sometimes on the lines under the number
        # ("第一回" / "灵根育孕源流出　心性修持大道生", or its second half alone).
        for i, head in list(self.heads.items()):
            if head.unit != "回" or i in self.title_lines:
                continue
            j = i + 1
            while j < len(self.lines) and not self.lines[j] and j - i <= 2:
                j += 1
            if j >= len(self.lines) or j in self.heads or j in self.noise or not couplet_like(self.lines[j]):
                continue
            nxt = self.lines[j]
            if not head.title:
                title = nxt
            elif len(head.title.split()) == 1 and len(nxt) == len(head.title):
                title = f"{head.title}\u3000{nxt}"
            else:
                continue
            self.heads[i] = Heading(head.level, head.kind, head.unit, head.number, title, head.toc_like, head.part)
            self.title_lines[i] = j

    def _english_title_lines(self) -> None:
        # "CHAPTER I." with its title on the next line ("Down the Rabbit-Hole").
        for i, head in list(self.heads.items()):
            if head.title or head.unit not in ("chapter", "stave", "book", "part", "volume"):
                continue
            j, blanks = i + 1, 0
            while j < len(self.lines) and not self.lines[j] and blanks < 2:
                j, blanks = j + 1, blanks + 1
            if j < len(self.lines) and self.lines[j] and j not in self.heads and j not in self.noise and title_like(self.lines[j]):
                self.heads[i] = Heading(head.level, head.kind, head.unit, head.number, self.lines[j], head.toc_like, head.part)
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

    def _drop_later_tables_of_contents(self) -> None:
        # A table of contents at the end of the file, or mid-file without a 目录 header: a run
        # of headings with next to no text between them that repeats chapters found elsewhere.
        order = sorted(self.heads)
        if len(order) < 3:
            return
        gaps = [self._gap(order, k) for k in range(len(order))]
        context: _Key | None = None
        keys: list[tuple[_Key | None, _Key]] = []
        for i in order:
            head = self.heads[i]
            keys.append((None if head.level == "volume" else context, head.key))
            if head.level == "volume":
                context = head.key
        counts = Counter(keys)
        k = 0
        while k < len(order):
            if gaps[k] > _TOC_GAP:
                k += 1
                continue
            end = k
            while end + 1 < len(order) and gaps[end + 1] <= _TOC_GAP:
                end += 1
            # Short chapters and the TOC that lists them can form one run: split it where the
            # numbering restarts, and judge each piece.
            segments: list[range] = []
            seen: set[tuple[_Key | None, _Key]] = set()
            first = k
            for m in range(k, end + 1):
                if keys[m] in seen:
                    segments.append(range(first, m))
                    seen, first = set(), m
                seen.add(keys[m])
            segments.append(range(first, end + 1))
            for seg in segments:
                if len(seg) < 2:
                    continue
                inside = Counter(keys[m] for m in seg)
                repeated = sum(counts[keys[m]] > inside[keys[m]] for m in seg)
                if len(seg) < 2 or repeated < 2 or repeated * 2 < len(seg):
                    continue
                # A TOC piece has (next to) nothing between its entries; a whole run counts
                # unless it opens the book (the front-matter rule has judged that one).
                bare_list = sum(gaps[m] for m in seg) <= 10 * len(seg)
                if bare_list or (len(segments) == 1 and k > 0):
                    stop = order[seg[-1] + 1] if seg[-1] + 1 < len(order) else len(self.lines)
                    self._demote_run([order[m] for m in seg], stop)
            k = end + 1

    def _demote_run(self, entries: list[int], stop: int) -> None:
        start = entries[0]
        j = start - 1
        while j >= 0 and not self.lines[j]:
            j -= 1
        if j >= 0 and j not in self.heads and is_toc_header(self.lines[j]):
            start = j
        for i in entries:
            self.heads.pop(i, None)
            self.title_lines.pop(i, None)
        self.toc_lines.update(range(start, stop))
        off = self.offset
        self.warnings.append(ParseWarning(start + 1 + off, f"a table of contents (lines {start + 1 + off}-{stop + off}) was kept in the notes of the chapter before it, not as chapters"))

    def _toc_after(self, order: list[int], header: int, *, need_restart: bool) -> set[int]:
        """The TOC entries among the headings after line ``header``: a run with little text
        between entries that ends where a heading repeats an entry (the numbering restarts).
        With a 目录 header, the run may also end where the text of the body begins."""
        position = {i: k for k, i in enumerate(order)}
        run = [i for i in order if i > header]
        seen: set[tuple[_Key | None, _Key]] = set()
        context: _Key | None = None
        entries: list[int] = []

        def key(i: int) -> tuple[_Key | None, _Key]:
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
                if head.number == last and head.part is not None:
                    pass  # one chapter posted in parts: "(1/2)", "(2/2)"
                elif head.number == last:
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
        built: list[_Draft] = []
        current = front
        volume: tuple[str, int] | None = None
        pending: list[str] | None = None  # text after a volume heading, before its first chapter
        dangling: list[str] = []  # a volume heading no chapter followed yet
        dropped = 0
        removed: dict[str, list[int]] = {}
        for i, s in enumerate(lines):
            if i in consumed:
                continue
            if i in self.noise:
                dropped += 1
                removed.setdefault(self.noise[i], []).append(i)
                continue
            head = self.heads.get(i)
            if head is None:
                if i in self.toc_lines and built and pending is None:
                    built[-1].toc.append(s)
                    continue
                if pending is None:
                    _untoc(built, current)
                (pending if pending is not None else current).append(s)
                continue
            heading = s if i not in self.title_lines else f"{s}\n{lines[self.title_lines[i]]}"
            if head.level == "volume":
                if pending is not None:  # two volume headings in a row: the first one is text
                    _untoc(built, current)
                    current.extend(dangling + pending)
                volume = (heading, i + 1 + off)
                dangling, pending = [heading], []
                continue
            chapter = _Draft(head, heading, i + 1 + off, volume, pending or [])
            built.append(chapter)
            current, pending, dangling = chapter.lines, None, []
        if pending is not None:
            _untoc(built, current)
            current.extend(dangling + pending)
        report = tuple(Removed(kind, len(at), tuple(dict.fromkeys(lines[i] for i in at))[:3], tuple(i + 1 + off for i in at[:10]))
                       for kind, at in removed.items())
        if dropped:
            kinds = ", ".join(f"{r.count} {r.kind.replace('_', ' ')}" for r in report)
            self.warnings.append(ParseWarning(0, f"dropped {dropped} line{'s' if dropped != 1 else ''} that are not story ({kinds})"))
        if not built:
            body = _tidy(front)
            first = next((i for i, s in enumerate(lines) if s and i not in self.noise), 0)
            if body:
                self.warnings.append(ParseWarning(0, "no chapter headings found: the whole text is one chapter"))
                return SplitResult("", (Chapter(1, "", body, line=first + 1 + off),), tuple(self.warnings), dropped, report)
            return SplitResult("", (), tuple(self.warnings), dropped, report)
        chapters = []
        for n, c in enumerate(built, 1):
            text, notes = split_notes(c.lines)
            if c.toc:
                notes = _tidy([notes, "", *c.toc] if notes else c.toc)
            vol = c.volume
            chapters.append(
                Chapter(
                    n,
                    c.head.title,
                    text,
                    line=c.line,
                    volume=vol[0] if vol else None,
                    kind=c.head.kind,
                    source_number=c.head.number,
                    heading=c.heading,
                    volume_line=vol[1] if vol else 0,
                    notes=notes,
                )
            )
        return SplitResult(_tidy(front), tuple(chapters), tuple(self.warnings), dropped, report)


def _untoc(built: list[_Draft], current: list[str]) -> None:
    # Text after a table of contents in the same chapter: the TOC was not its tail after
    # all, so it goes back into the text, keeping the order of the lines.
    if built and built[-1].toc and current is built[-1].lines:
        current.extend(built[-1].toc)
        built[-1].toc.clear()


def _tidy(lines: Sequence[str]) -> str:
    """Lines joined, runs of blank lines collapsed to one, no blank lines at either end."""
    out: list[str] = []
    for s in lines:
        if s or (out and out[-1]):
            out.append(s)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def split_notes(lines: list[str]) -> tuple[str, str]:
    """(text, author's notes) of a chapter's lines: the notes start at the first note line
    (``作者有话说``, ``PS:``…).

    >>> split_notes(["夜深了。", "作者有话说：求收藏"])
    ('夜深了。', '作者有话说：求收藏')
    """
    for k, s in enumerate(lines):
        if s and is_note_start(s):
            return _tidy(lines[:k]), _tidy(lines[k:])
    return _tidy(lines), ""

