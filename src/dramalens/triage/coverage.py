"""Coverage: the one-page reader's report every coverage service writes, made from a
submission's stored score and its own text.

- logline and synopsis are *extractive*: lines of the script itself (no model, nothing
  downloaded), each with its line number so the reader can open it. The logline is the lead's
  first substantial line; the synopsis is the line each of up to eight evenly spaced episodes
  ends on (a micro drama's episode ends on its turn, so its last line carries the story);
- grades per dimension (originality, craft, risk) come from the stored score, with its evidence;
- the suggested verdict is Recommend (total ≥ 70 and risk < 40), Consider (total ≥ 50) or Pass.

Labels are the caller's (the web layer passes its message catalogue), so the same coverage is
written in Chinese or English; :func:`coverage_docx` writes it as a Word file.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from docx import Document
from sqlalchemy import select
from sqlalchemy.engine import Engine

from ..errors import InputError
from ..i18n import translator
from ..model import Element, ElementType, Script
from ..parsing import parse_bytes
from .models import contents, scores
from .review import User, get_visible

__all__ = ["Coverage", "CoverageLine", "Grade", "coverage_docx", "coverage_for", "grade_letter", "verdict_for"]

_SPOKEN = {ElementType.DIALOGUE, ElementType.ACTION}
SYNOPSIS_EPISODES = 8


@dataclass(frozen=True, slots=True)
class CoverageLine:
    """A line quoted from the script: where it is (episode, line) and what it says."""

    episode: int
    line: int
    text: str


@dataclass(frozen=True, slots=True)
class Grade:
    """One dimension's grade: the score (0-100; risk: 100 is the riskiest), a letter, the evidence."""

    dimension: str
    score: float | None
    letter: str
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Coverage:
    """A submission's coverage (see the module's docstring)."""

    submission_id: int
    title: str
    logline: CoverageLine | None
    synopsis: tuple[CoverageLine, ...]
    grades: tuple[Grade, ...]
    total: float
    verdict: str  # recommend, consider or pass


def grade_letter(score: float | None, *, inverse: bool = False) -> str:
    """A-D for a 0-100 score (``inverse`` for risk, where less is better); '—' when unknown.

    >>> grade_letter(82), grade_letter(55), grade_letter(10, inverse=True), grade_letter(None)
    ('A', 'C', 'A', '—')
    """
    if score is None:
        return "—"
    s = 100 - score if inverse else score
    return "A" if s >= 80 else "B" if s >= 65 else "C" if s >= 50 else "D"


def verdict_for(total: float, risk: float) -> str:
    """The suggested verdict: ``recommend``, ``consider`` or ``pass`` (the reviewer decides).

    >>> verdict_for(75, 20), verdict_for(75, 60), verdict_for(40, 0)
    ('recommend', 'consider', 'pass')
    """
    if total >= 70 and risk < 40:
        return "recommend"
    return "consider" if total >= 50 else "pass"


def coverage_for(engine: Engine, submission_id: int, user: User, lang: str = "en") -> Coverage:
    """The coverage of an analysed submission ``user`` may see (InputError while not analysed),
    its evidence said in ``lang`` (from the message catalogue).

    >>> # coverage_for(engine, 7, reviewer).verdict
    """
    with engine.connect() as conn:
        row = get_visible(conn, submission_id, user)
        stored = conn.execute(select(scores).where(scores.c.submission_id == submission_id)).first()
        data = conn.execute(select(contents.c.content).where(contents.c.submission_id == submission_id)).scalar()
    if stored is None or data is None:
        raise InputError(f"submission {submission_id} is not analysed yet", hint="coverage follows the analysis",
                         key="err.not_analysed", params=(("id", submission_id),))
    evidence = json.loads(stored.evidence)
    say = translator(lang).say
    by_dimension: dict[str, list[str]] = {"originality": [], "craft": [], "risk": []}
    for e in evidence if isinstance(evidence, list) else []:
        if isinstance(e, dict) and e.get("criterion") in by_dimension:
            by_dimension[str(e["criterion"])].append(say(e.get("key"), e.get("params", ()), e.get("text", "")))
    grades = (
        Grade("originality", stored.originality, grade_letter(stored.originality), tuple(by_dimension["originality"][:6])),
        Grade("craft", stored.craft, grade_letter(stored.craft), tuple(by_dimension["craft"][:6])),
        Grade("risk", stored.risk, grade_letter(stored.risk, inverse=True), tuple(by_dimension["risk"][:6])),
    )
    name = str(row.filename)
    script = parse_bytes(bytes(data), source=name, extension=PurePosixPath(name).suffix.lower())
    logline, synopsis = _extract(script)
    return Coverage(submission_id, str(row.title), logline, synopsis, grades, float(stored.total),
                    verdict_for(float(stored.total), float(stored.risk)))


def _extract(script: Script) -> tuple[CoverageLine | None, tuple[CoverageLine, ...]]:
    lines: list[list[tuple[int, Element]]] = [[(ep.number, el) for sc in ep.scenes for el in sc.elements
                                               if el.type in _SPOKEN and len(el.text.strip()) >= 4]
                                              for ep in script.episodes]
    speakers = Counter(el.character for ep in lines for _, el in ep if el.character)
    lead = speakers.most_common(1)[0][0] if speakers else None
    logline = next((CoverageLine(number, el.line, _said(el)) for ep in lines for number, el in ep
                    if lead is None or el.character == lead or lead in el.text), None)
    filled = [ep for ep in lines if ep]
    step = max(1, -(-len(filled) // SYNOPSIS_EPISODES))
    synopsis = tuple(CoverageLine(ep[-1][0], ep[-1][1].line, _said(ep[-1][1])) for ep in filled[::step])
    return logline, synopsis


def _said(el: Element) -> str:
    text = el.text.strip()
    return f"{el.character}：{text}" if el.character and el.type == ElementType.DIALOGUE else text


def coverage_docx(cov: Coverage, labels: Mapping[str, str]) -> bytes:
    """``cov`` as a Word document, headings and labels from ``labels`` (the message catalogue).

    >>> cov = Coverage(1, "T", None, (), (Grade("craft", 70.0, "B", ("x",)),), 70.0, "consider")
    >>> coverage_docx(cov, {})[:2]
    b'PK'
    """
    def t(key: str) -> str:
        return labels.get(key, key)

    doc = Document()
    doc.add_heading(f"{t('coverage')}{t('colon')}{cov.title}", level=1)
    doc.add_paragraph(f"{t('verdict')}{t('colon')}{t('verdict.' + cov.verdict)} · {t('score')} {cov.total:.1f}")
    doc.add_heading(t("logline"), level=2)
    doc.add_paragraph(cov.logline.text if cov.logline else "—")
    doc.add_heading(t("synopsis"), level=2)
    for item in cov.synopsis:
        doc.add_paragraph(f"[{t('ep_n').format(n=item.episode)}] {item.text}", style="List Bullet")
    doc.add_heading(t("grades"), level=2)
    table = doc.add_table(rows=1, cols=3)
    head = table.rows[0].cells
    head[0].text, head[1].text, head[2].text = t("dimension"), t("grade"), t("evidence")
    for g in cov.grades:
        cells = table.add_row().cells
        cells[0].text = t(g.dimension)
        cells[1].text = f"{g.letter} ({g.score:.1f})" if g.score is not None else g.letter
        cells[2].text = "\n".join(g.evidence)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
