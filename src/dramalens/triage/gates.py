"""Gates a submission passes before it is scored: what a desk should not rank at all.

A script that is not a micro drama (a feature film, a stage play), one too short to judge, one
the reader could not read, or a near-copy of a catalog work must not compete with the rest on
the rubric: a feature film is "unlike the catalog" and earns originality, an 11-byte file gets
the rubric's neutral middle. Each gate is a :class:`Gate` with the evidence that raised it; a
gated submission keeps its measurements but has no rank score (:mod:`.rank` puts it after every
ungated one, and the desk shows the gates as flags).

Thresholds (:class:`GateParams`) are the formats' own bands: a micro-drama episode runs from
tens of seconds to about 15 minutes (NRTA), so a single "episode" of 40+ minutes, or a script
whose median episode is over 30 minutes, is long-form.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from ..analysis import Analysis
from ..catalog import Match
from ..errors import ConfigError
from ..i18n import Param, translator
from ..model import Script
from ..text.counts import speech_units

__all__ = ["DEFAULT_GATE_PARAMS", "GATES", "Gate", "GateParams", "gate", "gates_for"]

#: Every gate's code, in the order they are checked.
GATES = ("unreadable", "too_short", "not_micro_drama", "near_copy")


@dataclass(frozen=True, slots=True)
class GateParams:
    """Where each gate closes.

    ``min_units``: speech units (Han characters for Chinese, words for English) below which a
    script is too short to judge (a vertical episode alone is ~500-800 characters);
    ``max_single_episode_minutes``: a script with one episode longer than this is a feature;
    ``max_median_episode_minutes``: episodes far outside both formats' bands (horizontal tops out
    near 15-20 min); ``max_bad_chars``: share of replacement/control characters that makes a
    text unreadable; ``near_copy``: the text score (max(Jaccard, √containment) of the shared
    passages) from which a catalog work is a near-copy source.
    """

    min_units: int = 300
    max_single_episode_minutes: float = 40.0
    max_median_episode_minutes: float = 30.0
    max_bad_chars: float = 0.02
    near_copy: float = 0.5

    def __post_init__(self) -> None:
        if self.min_units < 0 or not 0 < self.near_copy <= 1 or not 0 < self.max_bad_chars < 1:
            raise ConfigError(f"gate parameters out of range: {self!r}")


DEFAULT_GATE_PARAMS = GateParams()


@dataclass(frozen=True, slots=True)
class Gate:
    """A reason not to rank a submission, with its evidence (a sentence, a catalog work).

    ``text`` is the English sentence (JSON, ``triage rank``); ``key`` and ``params`` say the same
    in the message catalogue (``gate.why.*``), so a page or a terminal says it in its reader's
    language ('' for a gate made without one: its English text is shown).
    """

    code: str
    text: str
    work_id: str | None = None
    key: str = ""
    params: tuple[tuple[str, Param], ...] = ()

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"


def gate(code: str, key: str, *params: tuple[str, Param], work_id: str | None = None, english: str | None = None) -> Gate:
    """A :class:`Gate` saying catalogue ``key`` with ``params``; its English ``text`` is the
    catalogue's English unless ``english`` gives the contract's own sentence.

    >>> g = gate("too_short", "gate.why.too_short", ("units", 12), ("unit_key", "unit.words"), ("min", 300))
    >>> g.text, translator("zh").say(g.key, g.params)
    ('12 words of text, fewer than 300: too short to judge', '正文只有 12 个词，不足 300，无从判断')
    """
    english = translator("en").say(key, params) if english is None else english
    return Gate(code, english, work_id, key, params)


_BAD = re.compile("[\ufffd\x00-\x08\x0b\x0c\x0e-\x1f]")


def gates_for(script: Script, analysis: Analysis, similar: Sequence[Match] = (),
              params: GateParams = DEFAULT_GATE_PARAMS) -> tuple[Gate, ...]:
    """The gates ``script`` does not pass (empty: rank it).

    >>> from dramalens import parse
    >>> from dramalens.analysis import analyze
    >>> s = parse("第1集\\n1-1 日 内 客厅\\n林晚：你好。\\n")
    >>> [g.code for g in gates_for(s, analyze(s))]
    ['too_short']
    """
    out: list[Gate] = []
    text = script.text or ""
    bad = len(_BAD.findall(text))
    if not text.strip() or bad > params.max_bad_chars * max(len(text), 1):
        out.append(gate("unreadable", "gate.why.undecodable", ("bad", bad), ("total", len(text))))
    units = speech_units(text, "zh" if script.language == "zh" else "en")
    if units < params.min_units:
        unit = "unit.characters" if script.language == "zh" else "unit.words"
        out.append(gate("too_short", "gate.why.too_short", ("units", units), ("unit_key", unit), ("min", params.min_units)))
    minutes = [e.minutes for e in analysis.runtime.episodes]
    if len(minutes) == 1 and minutes[0] > params.max_single_episode_minutes:
        out.append(gate("not_micro_drama", "gate.why.long_episode", ("minutes", minutes[0])))
    elif len(minutes) > 1 and statistics.median(minutes) > params.max_median_episode_minutes:
        out.append(gate("not_micro_drama", "gate.why.long_median", ("minutes", statistics.median(minutes))))
    for m in similar:
        if m.scores.text >= params.near_copy:
            out.append(gate("near_copy", "gate.why.near_copy", ("title", m.title or m.work_id), ("score", m.scores.text),
                            ("n", len(m.shared_passages)), work_id=m.work_id))
            break
    return tuple(out)
