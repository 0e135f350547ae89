"""How well a parse read its file: :class:`ReadQuality`, a score in [0, 1] with its reasons.

A parser knows when it guessed. It tells the builder (``evidence="fallback"`` on
:meth:`~dramalens.parsing.builder.ScriptBuilder.add`), and the builder keeps what it holds back
from the body (title page, cast list, page furniture) as counted, line-numbered records instead
of dropping it. :func:`dramalens.parsing.quality.assess` turns that evidence and the shape of the
text into a :class:`ReadQuality`; a desk never ranks a script whose score is under its threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..serial import json_field

__all__ = ["Evidence", "HeldLine", "QualityReason", "ReadQuality"]

#: How a parser classified a line: on strong evidence (a marker, a cue, a heading, a syntax the
#: format defines) or by fallback (nothing matched, so it took the default, usually action).
Evidence = Literal["strong", "fallback"]


@dataclass(frozen=True, slots=True)
class HeldLine:
    """A source line kept out of the body, and why (``"front matter"``, ``"page furniture"``,
    ``"boneyard"``): its text stays in :attr:`Script.text <dramalens.model.Script.text>`.

    >>> HeldLine(3, "front matter").line
    3
    """

    line: int
    why: str


@dataclass(frozen=True, slots=True)
class QualityReason:
    """One thing that lowered (or would lower) the read quality.

    ``code`` is stable (``fallback``, ``unplaced``, ``front_matter``, ``long_lines``,
    ``no_line_breaks``, ``no_speaker``, ``low_dialogue``, ``speech_as_action``); ``message``
    says it in words; ``count`` is how many lines (or speakers) it concerns; ``lines`` are up to
    ten example line numbers (1-based, in the decoded text); ``penalty`` is what it took off the
    score (0 for a reason that is only reported).

    >>> str(QualityReason("no_speaker", "no speaker found in 40 lines", 40, (), 0.35))
    'no speaker found in 40 lines (-0.35)'
    """

    code: str
    message: str
    count: int = 0
    lines: tuple[int, ...] = ()
    penalty: float = 0.0
    #: The fields of ``message`` for the catalogue key ``quality.<code>`` (a page says the reason
    #: in its reader's language); not in the JSON, which keeps the English ``message``.
    params: tuple[tuple[str, str | int | float], ...] = field(default=(), metadata=json_field(omit=True))

    def __str__(self) -> str:
        where = f" (e.g. lines {', '.join(map(str, self.lines))})" if self.lines else ""
        return f"{self.message}{where} (-{self.penalty:.2f})"


@dataclass(frozen=True, slots=True)
class ReadQuality:
    """How well a script was read: ``score`` in [0, 1] (1 = every line classified on strong
    evidence, nothing suspicious) and the ``reasons`` that lowered it, largest penalty first.

    The counts are over the non-blank lines of the decoded text: ``strong_lines`` and
    ``fallback_lines`` were classified into elements (on strong evidence / by fallback),
    ``held_lines`` were kept out of the body (front matter, page furniture: ``front_matter_lines``
    of them before the body starts), ``unplaced_lines`` landed in no element and no record.
    ``dialogue_share`` is the share of body characters in spoken elements; ``speakers`` the
    number of characters who speak; ``long_lines`` lines over the long-line limit.
    ``measured`` is False for a script assembled in code with no source text to measure.

    >>> q = ReadQuality(score=0.4, lines=10, strong_lines=4, fallback_lines=6)
    >>> q.needs_human(0.5), q.classified_share
    (True, 1.0)
    """

    score: float = 1.0
    reasons: tuple[QualityReason, ...] = ()
    lines: int = 0
    strong_lines: int = 0
    fallback_lines: int = 0
    held_lines: int = 0
    front_matter_lines: int = 0
    unplaced_lines: int = 0
    long_lines: int = 0
    speakers: int = 0
    dialogue_share: float = 0.0
    measured: bool = True

    @property
    def strong_share(self) -> float:
        """Share of the non-blank lines classified on strong evidence."""
        return self.strong_lines / self.lines if self.lines else 1.0

    @property
    def classified_share(self) -> float:
        """Share of the non-blank lines that landed in an element (strong or fallback)."""
        return (self.strong_lines + self.fallback_lines) / self.lines if self.lines else 1.0

    def needs_human(self, threshold: float) -> bool:
        """Whether a person should read the file before anyone trusts figures from it."""
        return self.measured and self.score < threshold

    def summary(self) -> str:
        """One line: the score and the main reasons.

        >>> ReadQuality(0.9, lines=3, strong_lines=3).summary()
        'read quality 0.90 (3/3 lines on strong evidence)'
        """
        if not self.measured:
            return "read quality not measured (no source text)"
        head = f"read quality {self.score:.2f} ({self.strong_lines}/{self.lines} lines on strong evidence)"
        top = [r.message for r in self.reasons if r.penalty > 0][:3]
        return head + (": " + "; ".join(top) if top else "")
