"""The typed records of an episode plan (what :func:`dramalens.adaptation.adapt` returns).

Frozen dataclasses only; the JSON contract of ``dramalens adapt --json`` is what
:func:`dramalens.serial.to_jsonable` makes of :class:`AdaptationPlan` (``from``/``to`` are
Python keywords, so those two fields carry ``json_field(name=...)``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..i18n import Message, Param, translator
from ..serial import JSON, json_field, jsonable_dict

__all__ = [
    "AdaptationPlan",
    "Arc",
    "Beat",
    "Check",
    "CharacterCluster",
    "Cliffhanger",
    "EpisodePlan",
    "Hook",
    "Paywall",
    "PlanScore",
    "Position",
    "check",
]


@dataclass(frozen=True, slots=True, order=True)
class Position:
    """A place in the novel: chapter (1-based, as ``dramalens chapters`` numbers it) and
    paragraph (1-based non-blank line of the chapter's text)."""

    chapter: int
    paragraph: int


@dataclass(frozen=True, slots=True)
class Beat:
    """An extracted event: the sentence as written, where it is, and what kind of turn it is
    (conflict, reversal, reveal, decision, death, union)."""

    text: str
    chapter: int
    paragraph: int
    kind: str
    characters: tuple[str, ...] = ()
    weight: float = field(default=0.0, metadata=json_field(digits=3))


@dataclass(frozen=True, slots=True)
class Hook:
    """The sentence an episode opens on."""

    text: str
    chapter: int
    paragraph: int


@dataclass(frozen=True, slots=True)
class Cliffhanger:
    """The sentence an episode ends on and its strength (the hooks analysis' scale, 0-1)."""

    text: str
    strength: float = field(metadata=json_field(digits=3))
    chapter: int
    paragraph: int


@dataclass(frozen=True, slots=True)
class EpisodePlan:
    """One planned episode: its source span and what it carries."""

    number: int
    chapters: tuple[int, ...]
    start: Position = field(metadata=json_field(name="from"))
    end: Position = field(metadata=json_field(name="to"))
    beats: tuple[Beat, ...]
    characters: tuple[str, ...]
    runtime_s: float = field(metadata=json_field(digits=1))
    hook: Hook
    cliffhanger: Cliffhanger
    location: str = ""
    source_units: int = 0


@dataclass(frozen=True, slots=True)
class CharacterCluster:
    """One person of the book: canonical name, the other names used for them, the chapters
    they appear in, and their agency over the book ((acts − undergoes)/(acts + undergoes + 4))."""

    name: str
    aliases: tuple[str, ...]
    chapters: tuple[int, ...]
    mentions: int = 0
    agency: float = field(default=0.0, metadata=json_field(digits=3))
    first_chapter: int = 0


@dataclass(frozen=True, slots=True)
class Arc:
    """A stretch of chapters held together by one conflict: its chapters, peak and antagonist."""

    first: int
    last: int
    peak_chapter: int
    antagonist: str | None


@dataclass(frozen=True, slots=True)
class Paywall:
    """The episode after which viewers pay, and why it is that one.

    ``reason`` is the English sentence of the JSON contract; ``note`` says it in the message
    catalogue and ``kinds`` are the turns (beat kinds) it names, so a page says both in its
    reader's language. Neither is in the JSON.
    """

    episode: int
    reason: str
    strength: float = field(default=0.0, metadata=json_field(digits=3))
    note: Message = field(default=Message(""), metadata=json_field(omit=True))
    kinds: tuple[str, ...] = field(default=(), metadata=json_field(omit=True))


@dataclass(frozen=True, slots=True)
class Check:
    """A finding a producer reads: the rule, the episodes it concerns, and what it means.

    ``message`` is the English sentence of the JSON contract; ``note`` is the same finding as a
    catalogue key and its fields (not in the JSON), which a page renders in its reader's language.
    """

    rule: str
    episodes: tuple[int, ...]
    message: str
    note: Message = field(default=Message(""), metadata=json_field(omit=True))


def check(rule: str, episodes: tuple[int, ...], key: str, *params: tuple[str, Param], english: str | None = None) -> Check:
    """A :class:`Check` saying catalogue ``key`` with ``params``; its English ``message`` is the
    catalogue's English unless ``english`` gives the contract's own sentence.

    >>> c = check("no_conflict", (2, 3), "ap.check.no_conflict", ("n", 2))
    >>> c.message, translator("zh").say(c.note.key, c.note.params)
    ('2 episode(s) carry no conflict, reversal or reveal in their source', '2集的原文没有冲突、反转或揭秘')
    """
    note = Message(key, params)
    return Check(rule, episodes, note.render(translator("en")) if english is None else english, note)


@dataclass(frozen=True, slots=True)
class PlanScore:
    """The plan measured by the hooks and paywall analyses that ``analyze`` applies to a script
    (run on the plan's outline, so plan and finished script share one scale)."""

    mean_ending_strength: float = field(metadata=json_field(digits=3))
    weak_endings: tuple[int, ...]
    hooks_per_minute: float = field(metadata=json_field(digits=3))
    reversals_per_minute: float = field(metadata=json_field(digits=3))
    paywall_recommended: int | None
    paywall_strength: float | None = field(metadata=json_field(digits=3))


@dataclass(frozen=True, slots=True)
class AdaptationPlan:
    """An episode plan of a novel for one format (the JSON contract of ``dramalens adapt``)."""

    title: str
    format: str
    chapters: int
    span: tuple[int, int]
    characters: tuple[CharacterCluster, ...]
    episodes: tuple[EpisodePlan, ...]
    paywall: Paywall
    left_for_later: tuple[int, ...]
    checks: tuple[Check, ...]
    language: str = "zh"
    protagonist: str | None = None
    tension: tuple[float, ...] = field(default=(), metadata=json_field(digits=3))
    arcs: tuple[Arc, ...] = ()
    keep_ratio: float = field(default=0.0, metadata=json_field(digits=4))
    band_s: tuple[float, float] = (0.0, 0.0)
    score: PlanScore | None = None

    def to_dict(self) -> dict[str, JSON]:
        """The plan as JSON-ready data (the contract of ``dramalens adapt --json``)."""
        return jsonable_dict(self)
