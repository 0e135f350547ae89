"""A similar work's own page: what a submission shares with one catalog work, passage by passage,
this script's lines beside the work's lines.

The catalog aligns passages on *content lines* (the script's speech and action, one line per
line, empty ones left out: :func:`dramalens.catalog.documents.content_lines`), numbered from 1.
Here each content line is traced back to its line in the script's decoded text, so the reader
can open it; the work's lines are its stored text's lines.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from sqlalchemy import select
from sqlalchemy.engine import Engine

from ..catalog.documents import CONTENT_TYPES
from ..errors import DramalensError, NotFoundError
from ..model import Script
from ..parsing import parse_bytes
from .catalogs import opened_catalog
from .models import contents, scores
from .review import User, get_visible

__all__ = ["MAX_SIDE_LINES", "SharedPair", "SideLine", "SimilarWork", "content_line_numbers", "similar_work"]

#: Lines shown on each side of one shared passage (a long run is cut, with the count said).
MAX_SIDE_LINES = 40


@dataclass(frozen=True, slots=True)
class SideLine:
    """One line of a side: its number in its own text (for this script: the reader's line, 0
    when the script could not be traced) and its text."""

    number: int
    text: str


@dataclass(frozen=True, slots=True)
class SharedPair:
    """One shared passage: this script's lines and the work's lines, and how many word shingles
    the two have in common."""

    ours: tuple[SideLine, ...]
    theirs: tuple[SideLine, ...]
    shingles: int


@dataclass(frozen=True, slots=True)
class SimilarWork:
    """The page of one similar work of a submission: the stored match (scores, shared tropes,
    aligned plot functions: ``match``) and the shared passages side by side."""

    submission_id: int
    title: str
    work_id: str
    work_title: str
    score: float
    match: Mapping[str, object]
    pairs: tuple[SharedPair, ...]


def content_line_numbers(script: Script) -> tuple[tuple[str, int], ...]:
    """Each content line (as the catalog numbers them) with its line in ``script.text``.

    >>> from dramalens.parsing import parse_text
    >>> content_line_numbers(parse_text("第1集\\n1-1 日 内 客厅\\n△林晚推门而入。\\n林晚（冷笑）：你来了。"))[-1]
    ('你来了。', 4)
    """
    out: list[tuple[str, int]] = []
    for _, _, element in script.iter_elements():
        if element.type in CONTENT_TYPES:
            for i, part in enumerate(element.text.split("\n")):
                if part.strip():
                    out.append((part, element.line + i if element.line > 0 else 0))
    return tuple(out)


def _span(value: object) -> tuple[int, int] | None:
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value) and 1 <= value[0] <= value[1]:
        return int(value[0]), int(value[1])
    return None


def _side(lines: tuple[tuple[str, int], ...] | None, span: tuple[int, int] | None, snippet: str) -> tuple[SideLine, ...]:
    """The span's lines, else the stored snippet (the text changed, or no text is kept)."""
    if lines is not None and span is not None and span[1] <= len(lines):
        first, last = span[0], min(span[1], span[0] + MAX_SIDE_LINES - 1)
        return tuple(SideLine(number, text) for text, number in lines[first - 1 : last])
    return tuple(SideLine(0, text) for text in snippet.split("\n") if text.strip())


def similar_work(engine: Engine, db_url: str | None, submission_id: int, user: User, work_id: str) -> SimilarWork:
    """The page of work ``work_id`` among the similar works stored for ``submission_id``
    (NotFoundError when it is not one of them, or across a desk wall)."""
    with engine.connect() as conn:
        row = get_visible(conn, submission_id, user)
        stored = conn.execute(select(scores.c.similar).where(scores.c.submission_id == submission_id)).scalar()
        data = conn.execute(select(contents.c.content).where(contents.c.submission_id == submission_id)).scalar()
    matches = [m for m in json.loads(stored or "[]") if isinstance(m, dict) and m.get("work_id") == work_id]
    if not matches:
        raise NotFoundError(f"no similar work {work_id[:100]!r} for submission {submission_id}",
                            key="err.no_similar", params=(("work", work_id[:100]), ("id", submission_id)),
                            hint="open a similar work from the submission's page")
    match = matches[0]
    ours = None
    if data is not None:
        script = parse_bytes(bytes(data), source=str(row.filename), extension=PurePosixPath(str(row.filename)).suffix.lower())
        ours = content_line_numbers(script)
    theirs = None
    with opened_catalog(db_url) as catalog:
        if catalog is not None:
            try:
                text = catalog.get(work_id).text
            except DramalensError:  # removed from the catalog since: the stored snippets still show
                text = None
            if text is not None:
                theirs = tuple((line, i) for i, line in enumerate(text.split("\n"), start=1))
    pairs = []
    for p in match.get("shared_passages") or []:
        if isinstance(p, dict):
            pairs.append(SharedPair(_side(ours, _span(p.get("lines_a")), str(p.get("text_a") or "")),
                                    _side(theirs, _span(p.get("lines_b")), str(p.get("text_b") or "")),
                                    int(p["shingles"]) if isinstance(p.get("shingles"), int) else 0))
    return SimilarWork(submission_id, str(row.title), work_id, str(match.get("title") or work_id),
                       float(match["score"]) if isinstance(match.get("score"), int | float) else 0.0, match, tuple(pairs))
