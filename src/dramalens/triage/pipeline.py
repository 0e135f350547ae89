"""The real pipeline function of the desk: one submission parsed, analysed, compared and scored.

parse → :func:`~dramalens.analysis.analyze` → catalog similar works and novelty → the rubric
(:mod:`.scoring`) → a :class:`~.result.TriageResult`. The rubric's inputs are read from the
typed :class:`~dramalens.analysis.Analysis` (:func:`features_from_analysis`), so a renamed field
fails the type checker instead of scoring as "not measured".
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Protocol

from ..analysis import Analysis, analyze
from ..analysis.compliance import ComplianceReport
from ..analysis.tropes import ScriptTropes, TropeHit, load_vocabulary
from ..catalog import Catalog, Match, novelty_of_script, similar_to_script
from ..catalog.tagger_catalog import script_tropes_in
from ..i18n import Message, translator
from ..model import Script
from ..parsing import parse_bytes
from ..report.html import render_html
from ..settings import DEFAULT_READ_QUALITY_THRESHOLD
from .catalogs import CatalogRef
from .gates import Gate, gate, gates_for
from .intake import SubmissionInput
from .result import Detected, TriageResult, Unread
from .scoring import DEFAULT_WEIGHTS, Evidence, Features, Flag, Score, Weights, evidence, score

__all__ = ["PipelineFn", "analyse_submission", "analysis_notes", "compliance_flags", "detected_metadata", "features_from_analysis",
           "gate_evidence", "pipeline_for", "report_in", "read_gate", "trope_label", "unreadable_gate"]

#: Similar works kept with a result (and shown on the submission's page).
SIMILAR_K = 5
#: Trope labels kept on the submission row (the queue filters on them).
MAX_TROPES = 20
# The catalog caches its index in memory and is shared by a worker's threads: one query at a time.
_CATALOG_LOCK = threading.Lock()


class PipelineFn(Protocol):
    """What a worker calls for each job: analyse and score ``sub`` with ``weights``, comparing
    against ``catalog`` (a lazily opened handle; None where there is no database to open).
    :func:`analyse_submission` is the real one; tests pass doubles."""

    def __call__(self, sub: SubmissionInput, *, weights: Weights, catalog: CatalogRef | None) -> TriageResult: ...


def analyse_submission(sub: SubmissionInput, *, weights: Weights = DEFAULT_WEIGHTS, catalog: CatalogRef | None = None,
                       compliance_rules: str | Path | None = None,
                       read_quality_threshold: float = DEFAULT_READ_QUALITY_THRESHOLD) -> TriageResult:
    """Analyse and score one submission (the real pipeline function of the worker).

    ``compliance_rules``: a platform's TOML rules file (``Settings.compliance_rules``); the
    command line and the web app bind it with :func:`functools.partial` when one is configured.
    A script read with a quality under ``read_quality_threshold`` (``Settings.read_quality_threshold``)
    is analysed (for its report) but not scored: the result carries :class:`~.result.Unread`.

    >>> from dramalens.triage.intake import SubmissionMeta
    >>> text = "第1集\\n1-1 日 内 客厅\\n林晚：你终于来了？\\n【卡点】\\n".encode()
    >>> r = analyse_submission(SubmissionInput(1, "a.txt", text, SubmissionMeta(title="T")))
    >>> r.language, r.detected.episodes, r.score.originality is None
    ('zh', 1, True)
    """
    script, analysis = _read_and_analyse(sub, compliance_rules)
    unread = read_gate(script, read_quality_threshold)
    matches: tuple[Match, ...] = ()
    gates: tuple[Gate, ...] = ()
    hits = analysis.tropes.hits
    if unread is None:
        opened = catalog.get() if catalog is not None else None
        with _CATALOG_LOCK:
            matches, novel = _compare(opened, script)
            hits = script_tropes_in(opened, script, hits)  # the catalog's learned tagger, once trained
        features = features_from_analysis(analysis, novelty=novel, similar=matches)
        gates = gates_for(script, analysis, matches)
        marks = score(features, weights)
        # The format's and the paywall's notes go first among the craft evidence, so the coverage
        # (which shows a dimension's first few) and the page say them in the reader's language.
        marks = replace(marks, evidence=analysis_notes(analysis) + marks.evidence)
        if gates:  # shown first among the evidence, so the page says why it is not ranked
            marks = replace(marks, evidence=tuple(gate_evidence(g) for g in gates) + marks.evidence)
    else:  # what was misread is not scored: the evidence is why a person must read it
        marks = Score(0.0, None, 0.0, 0.0, weights, tuple(
            Evidence("read_quality", r.message, line=r.lines[0] if r.lines else None,
                     key=f"quality.{r.code}" if r.params else "", params=r.params) for r in script.quality.reasons))
        # The read-quality verdict is the "unreadable" gate, so a ranking (triage rank) never
        # orders a misread script by a total recomputed from its placeholder sub-scores.
        gates = (unreadable_gate(unread),) + tuple(g for g in gates_for(script, analysis) if g.code != "unreadable")
    return TriageResult(
        score=marks,
        unread=unread,
        analysis=analysis,
        similar=matches,
        report_html=render_html(analysis),
        language=script.language,
        script_title=script.title,
        tropes=_trope_labels(hits, script.language),
        detected=detected_metadata(analysis.episode_count, analysis.format.format, _track(analysis.tropes, script.language)),
        gates=gates,
    )


def _read_and_analyse(sub: SubmissionInput, compliance_rules: str | Path | None) -> tuple[Script, Analysis]:
    meta = sub.meta
    suffix = PurePosixPath(sub.filename).suffix.lower()
    script = parse_bytes(sub.content, source=sub.filename, extension=suffix)
    if meta.title and not script.title:
        script.title = meta.title
    return script, analyze(script, format=meta.format or None, budget_yuan=meta.budget, compliance_rules=compliance_rules)


def report_in(sub: SubmissionInput, lang: str, compliance_rules: str | Path | None = None) -> str:
    """The HTML report of ``sub`` in ``lang``: the stored one is in the script's language, a
    reader who works in the other language gets it re-rendered from the same analysis inputs.

    >>> from dramalens.triage.intake import SubmissionMeta
    >>> page = report_in(SubmissionInput(1, "a.txt", "第1集\\n1-1 日 内 客厅\\n林晚：你好。".encode(), SubmissionMeta()), "en")
    >>> "Emotional arc" in page
    True
    """
    return render_html(_read_and_analyse(sub, compliance_rules)[1], lang)


def pipeline_for(compliance_rules: str | Path | None = None,
                 read_quality_threshold: float = DEFAULT_READ_QUALITY_THRESHOLD) -> PipelineFn:
    """The real pipeline function, with a platform's compliance rules (``Settings.compliance_rules``)
    and read-quality threshold (``Settings.read_quality_threshold``) bound when not the defaults.

    >>> pipeline_for() is analyse_submission
    True
    """
    if compliance_rules is None and read_quality_threshold == DEFAULT_READ_QUALITY_THRESHOLD:
        return analyse_submission
    return partial(analyse_submission, compliance_rules=compliance_rules, read_quality_threshold=read_quality_threshold)


def gate_evidence(gate: Gate) -> Evidence:
    """A gate as evidence: its label and its detail in the reader's language (a gate made
    without a catalogue key keeps its English detail).

    >>> from dramalens.triage.gates import gate
    >>> g = gate("too_short", "gate.why.too_short", ("units", 120), ("unit_key", "unit.characters"), ("min", 300))
    >>> translator("zh").say(*(lambda e: (e.key, e.params))(gate_evidence(g)))
    '篇幅过短：正文只有 120 字，不足 300，无从判断'
    >>> translator("zh").say(*(lambda e: (e.key, e.params))(gate_evidence(Gate("too_short", "12 words"))))
    '篇幅过短：12 words'
    """
    said = (*gate.params, ("detail_key", gate.key)) if gate.key else (("detail", gate.text),)
    return evidence("gate", Message("ev.gate", (("gate_key", f"gate.{gate.code}"), *said)), work=gate.work_id)


def unreadable_gate(unread: Unread) -> Gate:
    """The ``unreadable`` gate for a script read under the desk's quality threshold: its English
    text names the first read-quality reasons; its catalogue sentence says that they follow
    (the desk and ``triage rank`` list them, each in the reader's language).

    >>> g = unreadable_gate(Unread(0.3, 0.5, ("no line breaks",)))
    >>> str(g), translator("zh").say(g.key, g.params)
    ('unreadable: read quality 0.30 under 0.50: no line breaks', '读取质量 0.30，低于阈值 0.50，需人工通读（原因见下）')
    """
    why = "; ".join(unread.reasons[:3]) or "see the read-quality reasons"
    return gate("unreadable", "gate.why.read_quality", ("quality", unread.quality), ("threshold", unread.threshold),
                english=f"read quality {unread.quality:.2f} under {unread.threshold:.2f}: {why}")


def read_gate(script: Script, threshold: float) -> Unread | None:
    """:class:`~.result.Unread` when ``script`` was read with a quality under ``threshold``
    (a desk never ranks what it could not read), else None.

    >>> from dramalens import parse
    >>> read_gate(parse("INT. HALL - DAY\\n\\nBOB\\nHi."), 0.5) is None
    True
    """
    q = script.quality
    if not q.needs_human(threshold):
        return None
    return Unread(q.score, threshold, tuple(str(r) for r in q.reasons if r.penalty > 0))


def _compare(catalog: Catalog | None, script: Script) -> tuple[tuple[Match, ...], float | None]:
    """Similar works (with shared passages) and novelty; ((), None) when there is no catalog."""
    if catalog is None:
        return (), None
    return tuple(similar_to_script(catalog, script, k=SIMILAR_K)), float(novelty_of_script(catalog, script).score)


def detected_metadata(episodes: int, format: str, track: str = "") -> Detected:
    """What the pipeline found out that the sender may not have declared: the episodes parsed
    (None for none), the format the analysis classified or used ('' unless vertical or
    horizontal), and the track the trope tagger inferred.

    >>> detected_metadata(60, "vertical")
    Detected(episodes=60, format='vertical', track='')
    """
    return Detected(episodes=episodes if episodes > 0 else None,
                    format=format if format in ("vertical", "horizontal") else "", track=track)


def _track(tropes: ScriptTropes, language: str) -> str:
    """The track the trope tagger inferred ('' for a language it has no tracks for)."""
    return tropes.track if language in ("zh", "en") else ""


def _trope_labels(hits: Sequence[TropeHit], language: str) -> tuple[str, ...]:
    """Trope labels in the script's language (the queue filters on them)."""
    return tuple((h.label_zh if language == "zh" else h.label_en) or h.trope for h in hits)[:MAX_TROPES]


def features_from_analysis(analysis: Analysis, *, novelty: float | None = None,
                           similar: Sequence[Match] = ()) -> Features:
    """The rubric's :class:`~.scoring.Features` of an analysis (and the catalog's findings).

    An episode ends on a hook unless the analysis lists it among its weak endings; the pacing
    fit is the share of episodes inside the format's length band; the lead characters' agency
    in [-1, 1] becomes [0, 1]; compliance findings and the budget tier become flags. A part the
    analysis could not measure stays None, so the rubric scores only what was measured.

    >>> from dramalens import parse
    >>> f = features_from_analysis(analyze(parse("第1集\\n1-1 日 内 客厅\\n林晚：你好。\\n")))
    >>> f.episodes, f.hook_endings, f.pacing_fit  # one line is far shorter than a vertical episode
    (1, 0, 0.0)
    """
    episodes = analysis.hooks.episodes
    weak_numbers = set(analysis.hooks.weak_endings)
    weak = tuple((e.number, e.ending_cues[-1].line if e.ending_cues else 0) for e in episodes if e.number in weak_numbers)
    fmt = analysis.format
    pacing_fit, pacing_note = None, None
    if episodes:
        outside = len(fmt.outside)
        pacing_fit = max(0.0, 1.0 - outside / len(episodes))
        pacing_note = Message("ev.pacing", (("inside", len(episodes) - outside), ("episodes", len(episodes)),
                                            ("format_key", fmt.format or "format")))
    agency, agency_note = None, None
    if analysis.characters is not None:
        raw = float(analysis.characters.mean_primary_agency)  # in [-1, 1]
        agency = (raw + 1.0) / 2.0
        agency_note = Message("ev.agency", (("agency", raw), ("drive_key", f"drive.{analysis.characters.drive}")))
    return Features(
        episodes=len(episodes),
        hook_endings=len(episodes) - len(weak),
        novelty=novelty,
        pacing_fit=pacing_fit,
        agency=agency,
        flags=compliance_flags(analysis.compliance),
        weak_endings=weak,
        similar=tuple(similar),
        pacing_note=pacing_note,
        agency_note=agency_note,
    )


def analysis_notes(analysis: Analysis) -> tuple[Evidence, ...]:
    """The format's and the paywall's notes as craft evidence (each a catalogue key and fields).

    >>> from dramalens import parse
    >>> analysis_notes(analyze(parse("第1集\\n1-1 日 内 客厅\\n林晚：你好。\\n")))
    ()
    """
    pw = analysis.paywall
    out = []
    if analysis.format.note_message is not None:
        out.append(evidence("craft", analysis.format.note_message))
    if pw.message is not None:
        out.append(evidence("craft", pw.message, episode=pw.paywall_episode))
    return tuple(out)


def compliance_flags(report: ComplianceReport | None) -> tuple[Flag, ...]:
    """The compliance findings as the rubric's flags, then the NRTA budget tier as evidence
    (severity info: it decides who reviews, not the score).

    >>> compliance_flags(None)
    ()
    """
    if report is None:
        return ()
    flags = [Flag(rule=f.rule_id or "compliance", severity=(f.severity or "medium").lower(),
                  text=f"{f.rule_text}: {f.context or f.matched}".strip(": "), episode=f.episode, line=f.line,
                  detail=f.context or f.matched)
             for f in report.findings]
    if report.budget is not None:
        b = report.budget
        flags.append(Flag(rule=f"budget.{b.tier}", severity="info", text=f"{b.label}: {b.review}", detail=b.label))
    return tuple(flags)


def trope_label(trope_id: str, language: str = "en") -> str:
    """The vocabulary's label of a trope id (a shared trope of a similar work) in ``language``;
    the id itself when the trope is unknown.

    >>> trope_label("no_such_trope")
    'no_such_trope'
    """
    for t in load_vocabulary().tropes:  # cached; ~30 entries
        if t.id == trope_id:
            return (t.label_zh if language == "zh" else t.label_en) or trope_id
    return trope_id
