"""The triage rubric: originality, craft and risk, combined with weights an admin can edit.

- originality (0-100) = catalog novelty × 100; with no catalog to compare against it is
  unknown (None) and its weight is spread over the other two, never guessed;
- craft (0-100) = mean of the available measures: share of episodes that end on a hook,
  episode length inside the range of its format, and how much the lead characters drive events;
- risk (0-100) = sum of the compliance flags' severities (high 40, medium 20, low 5), capped.

``total = (w_o·originality + w_c·craft + w_r·(100 − risk)) / (w_o + w_c + w_r)``.
Every sub-score carries its evidence: source lines, episodes, similar works.

Weights come from, in order: the ``weights`` settings row (admins edit it on /settings), a
TOML file (``[weights]`` table; ``Settings.triage_settings``, default ``triage.toml``), the defaults.
"""

from __future__ import annotations

import json
import math
import os
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import Connection, delete, insert, select

from ..catalog import Match
from ..errors import ConfigError
from ..i18n import Message, Param, translator
from ..settings import DEFAULT_TRIAGE_SETTINGS
from .models import now
from .models import settings as settings_table

__all__ = [
    "DEFAULT_WEIGHTS",
    "Evidence",
    "Features",
    "Flag",
    "Score",
    "Weights",
    "evidence",
    "combine",
    "load_weights",
    "rescore",
    "save_weights",
    "score",
]

SEVERITY_POINTS = {"high": 40.0, "medium": 20.0, "low": 5.0, "info": 0.0}


@dataclass(frozen=True, slots=True)
class Weights:
    """Weights of the three criteria; non-negative, finite, not all zero.

    >>> Weights(originality=2, craft=1, risk=1).normalised()["originality"]
    0.5
    """

    originality: float = 0.45
    craft: float = 0.40
    risk: float = 0.15

    def __post_init__(self) -> None:
        for name in ("originality", "craft", "risk"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value) or value < 0:
                raise ConfigError(f"weight {name!r} must be a finite number >= 0, got {value!r}")
        if max(self.originality, self.craft, self.risk) <= 0:
            raise ConfigError("at least one weight must be > 0; allowed: originality, craft, risk >= 0")

    def normalised(self) -> dict[str, float]:
        # Scaled by the largest first: 1e308 + 1e308 overflows to inf, and x / inf is 0.
        top = max(self.originality, self.craft, self.risk)
        scaled = {k: v / top for k, v in self.to_dict().items()}
        total = sum(scaled.values())
        return {k: v / total for k, v in scaled.items()}

    def to_dict(self) -> dict[str, float]:
        return {"originality": self.originality, "craft": self.craft, "risk": self.risk}

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> Weights:
        """Weights from a dict; unknown keys are refused so a typo is not silently ignored."""
        unknown = set(data) - {"originality", "craft", "risk"}
        if unknown:
            raise ConfigError(f"unknown weight(s) {sorted(unknown)}; allowed: originality, craft, risk")
        try:
            return cls(**{k: _number(v) for k, v in data.items()})
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"weights must be numbers: {exc}") from exc


def _number(value: object) -> float:
    # What float() takes from a form or a TOML/JSON file; anything else is a TypeError as before.
    if not isinstance(value, (int, float, str)):
        raise TypeError(f"float() argument must be a string or a real number, not {type(value).__name__!r}")
    return float(value)


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a sub-score is what it is: a sentence, and where to look.

    ``key`` and ``params`` say the sentence in the message catalogue, so a page renders it in
    its reader's language (``Translator.say``); ``text`` is the same sentence in English, for the
    JSON and CSV outputs and for rows stored before evidence had keys.
    """

    criterion: str
    text: str
    episode: int | None = None
    line: int | None = None
    work: str | None = None
    key: str = ""
    params: tuple[tuple[str, Param], ...] = ()

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def evidence(criterion: str, message: Message, *, episode: int | None = None, line: int | None = None,
             work: str | None = None) -> Evidence:
    """Evidence saying ``message``, with its English text filled in from the catalogue.

    >>> e = evidence("craft", Message("ev.weak_ending", (("episode", 4),)), episode=4)
    >>> e.text, e.key, translator("zh").say(e.key, e.params)
    ('episode 4 ends without a hook', 'ev.weak_ending', '第4集结尾没有钩子')
    """
    return Evidence(criterion, message.render(translator("en")), episode, line, work, message.key, message.params)


@dataclass(frozen=True, slots=True)
class Flag:
    """A risk the rubric counts: a compliance finding or the budget tier, with where it is.

    >>> Flag("title.badao_zongcai", "high", "霸总 in the title").severity
    'high'
    """

    rule: str
    severity: str  # high, medium, low or info (anything else counts as medium)
    text: str = ""
    episode: int | None = None
    line: int | None = None
    detail: str = ""  # the script's own words that raised it (shown after the rule's label)


@dataclass(frozen=True, slots=True)
class Features:
    """What the pipeline measured, in the rubric's terms (all ratios 0..1; None = unknown).

    >>> Features(episodes=60, hook_endings=45).hook_rate
    0.75
    """

    episodes: int = 0
    hook_endings: int = 0
    novelty: float | None = None
    pacing_fit: float | None = None
    agency: float | None = None
    flags: tuple[Flag, ...] = ()
    weak_endings: tuple[tuple[int, int], ...] = ()  # (episode, line) of endings without a hook
    similar: tuple[Match, ...] = ()  # the catalog's most similar works, best first
    pacing_note: Message | None = None
    agency_note: Message | None = None

    @property
    def hook_rate(self) -> float | None:
        return self.hook_endings / self.episodes if self.episodes else None


@dataclass(frozen=True, slots=True)
class Score:
    """A submission's score with its parts and evidence."""

    total: float
    originality: float | None
    craft: float
    risk: float
    weights: Weights
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, object]:
        return {
            "total": self.total,
            "originality": self.originality,
            "craft": self.craft,
            "risk": self.risk,
            "weights": self.weights.to_dict(),
            "evidence": [e.to_dict() for e in self.evidence],
        }


def _clip(x: float) -> float:
    return max(0.0, min(1.0, float(x)))


def score(features: Features, weights: Weights = DEFAULT_WEIGHTS) -> Score:
    """Apply the rubric to ``features``.

    >>> s = score(Features(episodes=10, hook_endings=10, novelty=1.0, pacing_fit=1.0, agency=1.0))
    >>> s.total, s.risk
    (100.0, 0.0)
    """
    found: list[Evidence] = []
    originality = None
    if features.novelty is not None:
        originality = round(100 * _clip(features.novelty), 1)
        found.append(evidence("originality", Message("ev.novelty", (("novelty", features.novelty),))))
        for work in features.similar[:5]:
            found.append(evidence("originality", Message("ev.resembles", (("title", work.title), ("score", work.score))),
                                  work=work.title))
    else:
        found.append(evidence("originality", Message("ev.no_catalog")))

    parts: list[float] = []
    if features.hook_rate is not None:
        parts.append(_clip(features.hook_rate))
        found.append(evidence("craft", Message("ev.hook_rate", (("hooks", features.hook_endings),
                                                                ("episodes", features.episodes)))))
        for ep, line in features.weak_endings[:5]:
            found.append(evidence("craft", Message("ev.weak_ending", (("episode", ep),)), episode=ep, line=line))
    if features.pacing_fit is not None:
        parts.append(_clip(features.pacing_fit))
        found.append(evidence("craft", features.pacing_note or Message("ev.pacing_fit", (("share", features.pacing_fit),))))
    if features.agency is not None:
        parts.append(_clip(features.agency))
        found.append(evidence("craft", features.agency_note or Message("ev.agency_raw", (("agency", features.agency),))))
    craft = round(100 * sum(parts) / len(parts), 1) if parts else 0.0

    risk_points = 0.0
    for flag in features.flags:
        sev = flag.severity.lower()
        risk_points += SEVERITY_POINTS.get(sev, SEVERITY_POINTS["medium"])
        found.append(evidence("risk", flag_message(flag, sev), episode=flag.episode, line=flag.line))
    risk = round(min(100.0, risk_points), 1)

    return Score(combine(originality, craft, risk, weights), originality, craft, risk, weights, tuple(found))


def flag_message(flag: Flag, severity: str) -> Message:
    """A flag as a sentence: the rule's label in the reader's language and the script's own
    words; a rule the catalogue has no label for (a platform's own rules file) keeps its id and
    its English text.

    >>> flag_message(Flag("title.badao_zongcai", "high", "No 霸总 in a title: 霸总归来", detail="霸总归来"), "high").render(translator("zh"))
    '标题含“霸总”（高）：霸总归来'
    """
    known = translator("en").has(f"rule.{flag.rule}")
    detail = (flag.detail or flag.text) if known else flag.text
    return Message("ev.flag", (("rule_key", f"rule.{flag.rule}"), ("severity_key", f"sev.{severity}"),
                               ("detail", detail[:300])))


def combine(originality: float | None, craft: float, risk: float, weights: Weights) -> float:
    """The total of three sub-scores under ``weights`` (rounded to 0.1): the one formula, used
    when a script is scored and when the desk re-scores after the weights change.

    >>> combine(None, 80.0, 0.0, Weights(0.5, 0.25, 0.25))
    90.0
    """
    w = weights.normalised()  # any finite weights, however large, combine without overflow
    if originality is None:  # unknown originality: its weight goes to the others, never a guess
        w["originality"] = 0.0
        if w["craft"] + w["risk"] == 0:
            w["craft"] = 1.0
    denom = w["originality"] + w["craft"] + w["risk"]
    total = (w["originality"] * (originality or 0.0) + w["craft"] * craft + w["risk"] * (100.0 - risk)) / denom
    return round(total, 1)


def rescore(s: Score, weights: Weights) -> Score:
    """``s`` with its total recomputed under ``weights`` from the stored sub-scores: weights
    apply at query time, so changing them re-ranks at once without analysing again.

    >>> s = score(Features(episodes=10, hook_endings=10, novelty=0.0, pacing_fit=1.0, agency=1.0))
    >>> s.total, rescore(s, Weights(originality=0, craft=1, risk=0)).total
    (55.0, 100.0)
    """
    return Score(combine(s.originality, s.craft, s.risk, weights), s.originality, s.craft, s.risk, weights, s.evidence)


def load_weights(conn: Connection | None = None, *, path: str | os.PathLike[str] | None = None) -> Weights:
    """The weights in force: settings row, else TOML file, else defaults.

    >>> load_weights(path="/nonexistent.toml") == DEFAULT_WEIGHTS
    True
    """
    if conn is not None:
        row = conn.execute(select(settings_table.c.value).where(settings_table.c.key == "weights")).first()
        if row is not None:
            return Weights.from_mapping(json.loads(row.value))
    file = Path(path if path is not None else DEFAULT_TRIAGE_SETTINGS)
    if file.is_file():
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read settings: {exc}", source=str(file), hint="fix the TOML syntax") from exc
        if "weights" in data:
            if not isinstance(data["weights"], dict):
                raise ConfigError("[weights] must be a table", source=str(file))
            return Weights.from_mapping(data["weights"])
    return DEFAULT_WEIGHTS


def save_weights(conn: Connection, weights: Weights) -> None:
    """Store ``weights`` in the settings row inside the caller's transaction.

    Only admins may call this: the web layer checks, and audits the change.

    >>> # save_weights(conn, Weights(0.5, 0.4, 0.1))
    """
    conn.execute(delete(settings_table).where(settings_table.c.key == "weights"))
    conn.execute(insert(settings_table).values(key="weights", value=json.dumps(weights.to_dict()), updated_at=now()))
