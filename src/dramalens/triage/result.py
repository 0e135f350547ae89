"""What a pipeline function hands back for one submission: :class:`TriageResult`.

A worker loads a :class:`~dramalens.triage.intake.SubmissionInput`, calls a pipeline function
(:class:`~dramalens.triage.pipeline.PipelineFn`; the real one is
:func:`~dramalens.triage.pipeline.analyse_submission`) and hands the result to
:func:`dramalens.triage.jobs.complete`, the only place it becomes JSON (the ``triage_scores``
columns and the submission's denormalised columns).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..analysis import Analysis
from ..catalog import Match
from .gates import Gate
from .scoring import Score

__all__ = ["Detected", "TriageResult"]


@dataclass(frozen=True, slots=True)
class Detected:
    """What the pipeline found out that the sender may not have declared: episodes parsed,
    the format the analysis classified (or used when declared), the track the trope tagger
    inferred ('' when it could not).

    >>> Detected(episodes=60, format="vertical").track
    ''
    """

    episodes: int | None = None
    format: str = ""
    track: str = ""


@dataclass(frozen=True, slots=True)
class TriageResult:
    """One submission analysed and scored: what a worker hands :func:`~dramalens.triage.jobs.complete`.

    ``analysis`` is None only for test doubles that score without analysing.

    >>> from dramalens.triage.scoring import Features, score
    >>> TriageResult(score(Features())).detected
    Detected(episodes=None, format='', track='')
    """

    score: Score
    analysis: Analysis | None = None
    similar: tuple[Match, ...] = ()
    report_html: str = ""
    language: str = ""
    script_title: str = ""
    tropes: tuple[str, ...] = ()
    detected: Detected = field(default_factory=Detected)
    gates: tuple[Gate, ...] = ()  # reasons not to rank it (a feature film, a near-copy…): see .gates

    @property
    def gated(self) -> bool:
        return bool(self.gates)

