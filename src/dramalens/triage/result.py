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

__all__ = ["NEEDS_HUMAN", "Detected", "TriageResult", "Unread"]

#: The analysis state of a submission read too poorly to score: "needs a human read".
NEEDS_HUMAN = "needs_human"


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
class Unread:
    """The script was read too poorly to score (its read quality is under the desk's
    threshold): the queue shows it as "needs a human read", with the reasons, and no score.

    >>> Unread(0.3, 0.5, ("nobody speaks in 40 body lines",)).quality
    0.3
    """

    quality: float
    threshold: float
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TriageResult:
    """One submission analysed and scored: what a worker hands :func:`~dramalens.triage.jobs.complete`.

    ``analysis`` is None only for test doubles that score without analysing. ``unread`` is set
    when the script could not be read well enough to score: ``score`` then holds no marks,
    only the read-quality reasons as evidence, and the queue keeps the submission unscored.

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
    unread: Unread | None = None

