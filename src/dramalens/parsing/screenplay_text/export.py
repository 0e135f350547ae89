"""Formatted screenplay text (a PDF or word processor saved as .txt) rewritten into Fountain.

Called by :func:`dramalens.parsing.screenplay_text.layout.normalise_layout` once the file as a whole looks like
an export: cues and dialogue placed by indentation, page furniture, scene numbers on both
sides, revision marks, flattened dual dialogue, a centred title page. See docs/fountain.md.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from itertools import islice

from ..headings import is_time_of_day
from .lines import (
    CREDIT,
    CUE,
    DRAFT,
    EXTENSIONS,
    FURNITURE,
    FURNITURE_STARTS,
    HEADING,
    HEADING_FIRST,
    HEADING_SECOND,
    MORE,
    PAGE_NUMBER_TAIL,
    REVISION_HEADER,
    REVISION_TAIL,
    TRANSITION,
    TRANSITION_ENDS,
    dual_cues,
    is_cue,
    is_heading,
    strip_scene_numbers,
)
from .writer import (
    MARKER_FIRST,
    MARKER_SECOND,
    MARKER_START,
    FountainLines,
    copy_title_page,
    cue_line,
    write_heading,
    write_marker,
)

__all__ = ["format_export", "undouble"]


def format_export(lines: list[str], w: FountainLines, undoubled: tuple[list[str], list[int]] | None = None) -> None:
    """Write the Fountain for an export's ``lines`` into ``w`` (``undoubled``: single-spaced lines and their numbers).

    >>> from dramalens.parsing.screenplay_text.writer import FountainLines
    >>> w = FountainLines()
    >>> format_export(["INT. A - DAY", "", "                    BOB", "          Hi, how", "          are you?"], w)
    >>> w.out
    ['INT. A - DAY', '', 'BOB', 'Hi, how are you?']
    """
    if undoubled is not None:
        _formatted(undoubled[0], w, undoubled[1])
    else:
        _formatted(lines, w)


def undouble(lines: list[str]) -> tuple[list[str], list[int]] | None:
    """Lines with single empty lines dropped (longer runs kept as one), when the text is double-spaced."""
    filled = [bool(x.strip()) for x in lines]
    nonblank = sum(filled)
    pairs = sum(1 for a, b in zip(filled, filled[1:]) if a and b)
    if nonblank < 8 or pairs * 20 > nonblank:
        return None
    out: list[str] = []
    numbers: list[int] = []
    k = 0
    while k < len(lines):
        if filled[k]:
            out.append(lines[k])
            numbers.append(k + 1)
            k += 1
            continue
        run = k
        while k < len(lines) and not filled[k]:
            k += 1
        if k - run >= 2:
            out.append("")
            numbers.append(run + 1)
    return out, numbers


def _clean(
    lines: list[str], numbers: list[int] | None = None, held: dict[int, str] | None = None
) -> list[tuple[str, int, int]]:
    """``(stripped text, indent, source line)`` with page furniture gone; ``("", 0, n)`` for blanks.

    A speech broken by a page (``(MORE)``, furniture, ``NAME (CONT'D)``) is joined again. The
    lines taken out are recorded in ``held`` (source line → why), so none is dropped unsaid.
    """
    held = {} if held is None else held
    out: list[tuple[str, int, int]] = []
    append = out.append
    last_cue: str | None = None
    scanned = 0  # rows of out before this one were looked at for last_cue
    pending_more: str | None = None
    # Form feeds out and tabs expanded for the whole text in one pass: expandtabs restarts its
    # columns at every line break, so this is what the same calls line by line would give.
    joined = "\n".join(lines)
    if "\f" in joined:
        joined = joined.replace("\f", "")
    if "\t" in joined:
        joined = joined.expandtabs(8)
    prepared = joined.split("\n")
    if len(prepared) != len(lines):  # a line holding a line break: line by line after all
        prepared = [raw.replace("\f", "").expandtabs(8) for raw in lines]
    for line, n in zip(prepared, range(1, len(prepared) + 1) if numbers is None else numbers):
        line = line.rstrip()
        if not line:
            if pending_more is None:
                append(("", 0, n))
            continue
        end = line[-1]
        if end == "*" or (end == "." and line[-2:-1].isdigit()):
            # The cheap end-of-line tests first: the regexes would scan every indented line.
            paged = PAGE_NUMBER_TAIL.search(line) if end == "." else None
            if paged:
                line = line[: paged.start()]
                if REVISION_HEADER.search(line) or not line.strip():
                    held[n] = "page furniture"
                    continue  # a page number alone, or a header: "THE LONG NIGHT - Pink Rev. 11/20/26      23."
            if line.endswith("*"):
                line = REVISION_TAIL.sub("", line)
            s = line.strip()
            if not s:
                if pending_more is None:
                    append(("", 0, n))
                continue
            indent = len(line) - len(line.lstrip())
        else:
            s = line.lstrip()  # the line ends in a non-space: no strip needed on the right
            indent = len(line) - len(s)
        c = s[0]
        if c == "(" and MORE.match(s):  # the cheap test first: every line gets here
            held[n] = "page furniture"
            # The last cue kept so far (indented 12 or more), looked for only here, from the
            # end back to the rows already looked at: the rows between are nearly all speech.
            for j in range(len(out) - 1, scanned - 1, -1):
                cs, ci, _ = out[j]
                if ci >= 12 and is_cue(cs):
                    last_cue = _cue_name(cs)
                    break
            pending_more = last_cue
            while out and out[-1][0] == "":
                out.pop()  # empty rows only: never a cue, so what was looked at stays looked at
            scanned = len(out)
            continue
        if ((c in FURNITURE_STARTS or c.isdecimal()) and FURNITURE.match(s)) or (
            indent >= 30 and _may_be_revision_header(s) and REVISION_HEADER.search(s)
        ):
            held[n] = "page furniture"
            continue
        if pending_more is not None:
            m = CUE.match(s)
            if m and m.group("name").strip() == pending_more and indent >= 12:
                pending_more = None
                held[n] = "page furniture"
                continue  # the repeated cue at the page top: the speech goes on
            pending_more = None
            append(("", 0, n))
        append((s, indent, n))
    return out


def _formatted(lines: list[str], w: FountainLines, numbers: list[int] | None = None) -> None:
    skip = 0 if numbers is not None else copy_title_page(lines, w)
    if skip:
        w.line("", skip)
    rows = _clean(lines, numbers, w.held)
    if skip:
        rows = [("", 0, r[2]) if r[2] <= skip else r for r in rows]
    # The action column: where most lines with lowercase letters start.
    # The action column: the leftmost column where a fair share of the prose lines start (prose
    # also fills dialogue, and a stray title-page line may stand further left).
    lower = Counter(ind for s, ind, _ in rows if len(s) > 20 and any(map(str.islower, s)))
    if lower:
        top = max(lower.values())
        action_col = min(c for c, k in lower.items() if k * 12 >= top or k >= 50)
    else:
        action_col = min((ind for s, ind, _ in rows if s), default=0)
    cue_min = action_col + 12
    _title_page(rows, w)
    texts = [r[0] for r in rows]
    # Some exports put an empty line between every cue and its speech: read that only when the
    # file does it more often than not, so a centred title over a paragraph stays what it is.
    kinds, gapped = _cue_kinds(rows, action_col, cue_min)
    placed = [k for k, kind in enumerate(kinds) if kind]
    gaps = sum(gapped) > len(placed)
    # Names the file gives as cues where the layout leaves no doubt: some exports flatten a
    # cue now and then onto the action column, where only its name (or extension) tells it.
    known = {_cue_name(rows[k][0]) for k in placed}
    state = "none"  # none | action | speech | paren
    floor = action_col + 4  # speech lines stand at or right of this column
    total = len(rows)
    out = w.out  # the hot loop below appends to w's lists directly (w.line, w.blank inlined)
    nums = w.numbers
    i = 0
    while i < total:
        s, ind, n = rows[i]
        if not s:
            if state != "none" and out and out[-1] != "":
                out.append("")
                nums.append(n)
            state = "none"
            i += 1
            continue
        if s == "\x00":  # consumed by the title page
            i += 1
            continue
        # Each test below is guarded by a cheaper one it implies (first characters, a length, a
        # wide gap): most rows are plain speech or action and fail them all.
        c = s[0]
        c2 = s[1:2]
        if c in MARKER_FIRST and (c == "[" or c == "(" or c2 in MARKER_SECOND) and MARKER_START.match(s):
            used = write_marker(s, n, w, texts, i)
            if used:
                i += used
                state = "none"
                continue
        if len(s) <= 9 and _BARE_IE.match(s):
            nxt = rows[i + 1] if i + 1 < total else ("", 0, n)
            if nxt[0] and nxt[0] == nxt[0].upper() and any(ch.isalpha() for ch in nxt[0]):
                # ``EXT`` alone with the place on the next line (a two-column PDF turned into text).
                after = rows[i + 2] if i + 2 < total else ("", 0, n)
                if after[0] and is_time_of_day(after[0]):
                    w.paragraph([f"{s} {nxt[0]} - {after[0]}"], n)  # and the time on the line after
                    i += 1
                else:
                    w.paragraph([f"{s} {nxt[0]}"], n)
                state = "none"
                i += 2
                continue
        # write_heading takes a forced heading, a numbered line or a heading, nothing else.
        if (
            c == "." or c.isdecimal() or c2.isdecimal() or (c in HEADING_FIRST and c2 in HEADING_SECOND)
        ) and write_heading(s, n, w):
            state = "none"
            i += 1
            continue
        if (
            "A" <= c <= "Z" and ("A" <= c2 <= "Z" or c2 == " ") and s[-1] in TRANSITION_ENDS and TRANSITION.match(s)
        ) or (
            s[-1] == ":" and s == s.upper() and ind >= cue_min + 10
        ):
            w.paragraph([f"> {s}"], n)
            state = "none"
            i += 1
            continue
        dual = dual_cues(s, ind) if "   " in s else None
        if dual is not None and i + 1 < total and rows[i + 1][0]:
            i = _dual(rows, i, dual, w)
            state = "none"
            continue
        kind = kinds[i]
        if kind == _CUE or (kind == _CUE_OUTSIDE_SPEECH and state != "speech" and state != "paren"):
            first = i + 1
        elif gaps and state != "speech" and gapped[i]:
            first = i + 2
        elif state == "none" and ind == action_col and _flat_cue(rows, i, known):
            first = i + 1
        else:
            first = 0
        if first:
            w.blank(n)
            w.line(cue_line(s), n)
            state = "speech"
            # Speech sits right of the action column, or at it (or one column off) under a
            # centred cue; then only an empty line ends it.
            floor = min(action_col + 4, rows[first][1])
            if rows[first][0].startswith("(") and first + 1 < total and rows[first + 1][0]:
                floor = min(floor, rows[first + 1][1])  # the speech under a parenthetical
            i = first
            continue
        if (state == "speech" or state == "paren") and ind >= floor:
            if state == "paren" or (c == "(" and not s.startswith("((")):
                if state == "paren":
                    out[-1] += " " + s
                else:
                    out.append(s)
                    nums.append(n)
                state = "speech" if ")" in s else "paren"
            else:
                last = out[-1]
                if last and last[0] != "(" and nums[-1] != n and last[0] != "@" and not is_cue(last):
                    out[-1] = last + " " + s  # a wrapped dialogue line
                else:
                    out.append(s)
                    nums.append(n)
            i += 1
            continue
        if ind >= cue_min and s == s.upper() and len(s) < 40 and not (i + 1 < total and rows[i + 1][0]):
            w.paragraph([f"> {s} <"], n)  # centred: THE END
            state = "none"
            i += 1
            continue
        if state == "action":
            out[-1] += " " + s  # a wrapped action line
        else:
            w.blank(n)
            caps = is_cue(s)
            w.line(("!" + s) if caps or s.startswith(("!", "@", ".", ">", "#", "=", "~")) else s, n)
            if caps:
                w.fallback[n] = "an upper-case line with no speech under it, taken as action"
            elif ind >= action_col + 4:
                w.fallback[n] = "indented text with no cue above it, taken as action"
            state = "action"
        i += 1


def _may_be_revision_header(s: str) -> bool:
    """Whether ``s`` holds REV or DRAFT in some case, which every REVISION_HEADER match does (its
    letters fold to no other character): the words are found without the pattern's scan."""
    low = s.lower()
    return "rev" in low or "draft" in low


_BARE_IE = re.compile(r"^(?:INT|EXT|INT\./EXT|INT/EXT|I/E|EST)\.?$")


def _speech_line(row: tuple[str, int, int]) -> bool:
    """Whether ``row`` can open a speech: text that is not a heading, a transition or another cue."""
    s = row[0]
    if not s or s == "\x00" or is_heading(strip_scene_numbers(s)[0]) or TRANSITION.match(s):
        return False
    return not (s == s.upper() and is_cue(s) and not s.startswith("("))


_CUE = 1  # a cue whatever came before it
_CUE_OUTSIDE_SPEECH = 2  # a cue unless a speech is running


def _cue_kinds(rows: list[tuple[str, int, int]], action_col: int, cue_min: int) -> tuple[list[int], list[bool]]:
    """For every row: whether it is a cue with its speech on the next row (no empty line between;
    0, :data:`_CUE` or :data:`_CUE_OUTSIDE_SPEECH`), and whether it is a centred cue with one
    empty line and then its speech further left (even at column 0).

    A cue is known by what follows it, a speech or a parenthetical, not by one column: it may be
    centred (its start or its middle past ``cue_min``, so long names starting further left
    count) with the speech anywhere from the action column to its left, or, after an empty line
    or action, stand right of the action column over a speech indented as far. Worked out once
    for the whole file: the layout pass and the writing pass both ask.
    """
    total = len(rows)
    kinds = [0] * total
    gapped = [False] * total
    # Both kinds stand right of the action column (cue_min is past it): most rows leave here.
    for i in [k for k in range(total - 1) if rows[k][1] > action_col]:
        s, ind, _ = rows[i]
        nxt = rows[i + 1]
        # What the row after must be for either kind (text right of the action column, or an
        # empty row under a centred line): the last line of every speech leaves here.
        if nxt[0]:
            if nxt[1] < action_col:
                continue
        elif ind < cue_min or i + 2 >= total:
            continue
        if not is_cue(s):
            continue
        if nxt[1] >= action_col and _speech_line(nxt):
            if ind >= cue_min or (ind >= action_col + 6 and ind + len(s) // 2 >= cue_min + 2):
                if nxt[1] < ind or nxt[0].startswith("("):
                    kinds[i] = _CUE
            elif action_col < nxt[1] <= ind + 2 or nxt[0].startswith("("):
                kinds[i] = _CUE_OUTSIDE_SPEECH
        if ind >= cue_min and i + 2 < total and not nxt[0]:
            after = rows[i + 2]
            gapped[i] = after[1] < ind and _speech_line(after)
    return kinds, gapped


@lru_cache(maxsize=4096)
def _cue_name(s: str) -> str:
    # Asked for every cue line, and a script cues the same few names again and again.
    m = CUE.match(s)
    return m.group("name").strip() if m else s


def _flat_cue(rows: list[tuple[str, int, int]], i: int, known: set[str]) -> bool:
    """A cue at the action column: a name the file cues elsewhere, or a cue extension
    (``(CONT'D)``, ``(V.O.)``), over a speech."""
    s = rows[i][0]
    if i + 1 >= len(rows) or not is_cue(s) or not _speech_line(rows[i + 1]) or rows[i + 1][1] < rows[i][1]:
        return False
    m = CUE.match(s)
    if m is None:
        return False
    ext = re.sub(r"[\s.'’()]", "", m.group("ext") or "").upper()
    return m.group("name").strip() in known or ext in EXTENSIONS


def _dual(rows: list[tuple[str, int, int]], i: int, dual: tuple[str, str, int], w: FountainLines) -> int:
    """Write a flattened dual-dialogue block as two Fountain speeches; the index after it."""
    left_cue, right_cue, right_col = dual
    first_ind = rows[i + 1][1]
    left_col = rows[i][1]
    split = right_col - (left_col - first_ind) - 2
    left: list[str] = []
    right: list[str] = []
    n = rows[i][2]
    j = i + 1
    starts = [0, 0]
    while j < len(rows) and rows[j][0]:
        s, ind, at = rows[j]
        line = " " * ind + s
        cut = split
        # Move the cut to the gap nearest the expected column so no word is split.
        gaps = [m.start() for m in re.finditer(r"\s{2,}", line) if m.start() > ind]
        if ind >= split:
            cut = 0
        elif gaps:
            cut = min(gaps, key=lambda g: abs(g - split))
        elif len(line) < split:
            cut = len(line)
        for k, side, part in ((0, left, line[:cut].strip()), (1, right, line[cut:].strip())):
            if part:
                starts[k] = starts[k] or at
                if side and not part.startswith("(") and not side[-1].startswith("("):
                    side[-1] += " " + part
                else:
                    side.append(part)
        j += 1
    for cue, speech, at in ((cue_line(left_cue), left, starts[0]), (cue_line(right_cue) + " ^", right, starts[1])):
        w.blank(n)
        w.line(cue, n)
        for text in speech:
            w.line(text, at or n)
        w.line("", n)
    return j


def _title_page(rows: list[tuple[str, int, int]], w: FountainLines) -> None:
    """A centred title page (title, ``written by``, author) before the first heading → Fountain keys."""
    first = list(islice((k for k, (s, _, _) in enumerate(rows) if s), 12))  # not a list of every row
    credit = next((k for k in first if CREDIT.match(rows[k][0])), None)
    if credit is None or any(HEADING.match(rows[k][0]) for k in first if k < credit):
        return
    title = [rows[k] for k in first if k < credit]
    authors: list[int] = []
    k = credit + 1
    while k < len(rows) and not rows[k][0]:
        k += 1
    while k < len(rows) and rows[k][0] and len(authors) < 4:
        authors.append(k)
        k += 1
    if not title or not authors:
        return
    w.line("Title: " + title[0][0], title[0][2])
    for s, _, n in title[1:]:
        w.line("    " + s, n)
    w.line("Credit: " + rows[credit][0], rows[credit][2])
    w.line("Author: " + rows[authors[0]][0], rows[authors[0]][2])
    for a in authors[1:]:
        w.line("    " + rows[a][0], rows[a][2])
    used = [*(k for k in first if k < credit), credit, *authors]
    # What else stands on the page before the script starts: draft and contact lines.
    k = authors[-1] + 1
    while k < len(rows) and not (HEADING.match(rows[k][0]) or TRANSITION.match(rows[k][0])):
        s, _, n = rows[k]
        if s and len(used) < 30:
            for part in re.split(r"\s{3,}", s):
                key = "Draft date" if DRAFT.search(part) else "Contact"
                w.line(f"{key}: {part}", n)
            used.append(k)
        k += 1
    w.line("", rows[authors[-1]][2])
    for k2 in used:
        rows[k2] = ("\x00", 0, rows[k2][2])
