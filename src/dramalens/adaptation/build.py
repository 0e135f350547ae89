"""From a novel to an episode plan: read, find persons and events, choose the span, cut,
and describe each episode with its source span, beats, hook and cliffhanger."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from ..analysis.agency import agency_score
from ..analysis.runtime import DEFAULT_PARAMS, RuntimeParams
from ..errors import ConfigError, InputError
from ..i18n import Message
from ..model.novel import Novel
from ..text import split_sentences
from .breaks import lexical_breaks
from .characters import NameIndex, find_names
from .checks import plan_checks
from .events import Mentions, find_events, mentions
from .outline import score_plan
from .plan import AdaptationPlan, Beat, CharacterCluster, Cliffhanger, EpisodePlan, Hook, Paywall, Position
from .planner import CutParams, plan_cuts
from .reading import Paragraph, read_paragraphs
from .span import budget, choose_span, parse_span
from .tension import agency_counts, book_shape, story_breaks

__all__ = ["AdaptParams", "BookReading", "adapt", "read_book"]

_BEATS_PER_EPISODE = 6
_ZH_PLACE = re.compile(r"(?:来到|走进|回到|进了|到了|在)([\u4e00-\u9fff]{2,4}?)(?:里|中|内|外|前|上|门口)")
_EN_PLACE = re.compile(r"\b(?:at|in|into|to) (?:the )?([A-Z][a-z]+(?: [A-Z][a-z]+)?)")


@dataclass(frozen=True, slots=True)
class AdaptParams:
    """Settings of the planner: ``keep`` is the share of the source's screen time a micro drama
    keeps (the density ``--span auto`` fills the budget at), ``paywall_window`` the default
    free window, ``min_mentions`` how often a name must occur to count as a person."""

    keep: float = 0.16
    paywall_window: tuple[int, int] = (8, 16)
    min_mentions: int = 3
    max_characters: int = 30
    runtime: RuntimeParams = DEFAULT_PARAMS
    cuts: CutParams = CutParams()

    def __post_init__(self) -> None:
        if not 0 < self.keep <= 1:
            raise ConfigError(f"keep must be in (0, 1], got {self.keep!r}")


@dataclass(frozen=True, slots=True)
class BookReading:
    """What :func:`adapt` reads off the whole book before it plans: paragraphs, persons,
    mentions and events. It depends on the book and the reading settings only, so one reading
    serves every format, span and cut weighting (the evaluation plans a book many times)."""

    paragraphs: tuple[Paragraph, ...]
    names: NameIndex
    found: Mentions
    events: tuple[Beat, ...]
    protagonist: str | None


def read_book(novel: Novel, params: AdaptParams = AdaptParams()) -> BookReading:
    """Read ``novel`` for planning (see :class:`BookReading`)."""
    paragraphs = read_paragraphs(novel, params.runtime)
    if not paragraphs:
        raise InputError("the novel has no text to adapt", source=novel.source)
    names = find_names("\n".join(c.text for c in novel.chapters), novel.language, min_count=params.min_mentions)
    found = mentions(paragraphs, names.alias_map(), novel.language)
    events = find_events(paragraphs, found, names.alias_map(), novel.language)
    protagonist = found.counts[0][0] if found.counts else None
    return BookReading(tuple(paragraphs), names, found, tuple(events), protagonist)


def _first_sentence(text: str) -> str:
    parts = split_sentences(text)
    return parts[0] if parts else text


def _last_strong_sentence(p: Paragraph, language: str) -> str:
    parts = split_sentences(p.text) or [p.text]
    return " ".join(parts[-2:]) if len(parts) > 1 and len(parts[-1]) < 12 else parts[-1]


def _location(paragraphs: list[Paragraph], language: str) -> str:
    rx = _ZH_PLACE if language == "zh" else _EN_PLACE
    found = Counter(m.group(1) for p in paragraphs for m in rx.finditer(p.text))
    return found.most_common(1)[0][0] if found else ""


def adapt(
    novel: Novel,
    format: str = "vertical",
    *,
    episodes: int | None = None,
    minutes: float | None = None,
    free_episodes: int | None = None,
    span: str = "auto",
    params: AdaptParams = AdaptParams(),
    reading: BookReading | None = None,
) -> AdaptationPlan:
    """Plan ``novel`` as episodes of ``format`` (see the module docstring and docs/adaptation.md).

    >>> from dramalens.model.novel import Chapter
    >>> n = Novel("t", "", "zh", "t.txt", "utf-8", tuple(Chapter(i, "", "林晚道：“走。”\\n原来他竟然是凶手？") for i in (1, 2, 3, 4)))
    >>> [e.chapters for e in adapt(n, episodes=2, span="all").episodes]
    [(1, 2), (3, 4)]

    ``reading`` is :func:`read_book` of the same novel with the same ``params``, when the caller
    plans one book several times; by default the book is read here.
    """
    language = novel.language
    plan_budget = budget(format, episodes, minutes)
    first_last = parse_span(span, len(novel.chapters))
    if reading is None:
        reading = read_book(novel, params)
    paragraphs, names, found, protagonist = list(reading.paragraphs), reading.names, reading.found, reading.protagonist
    events = list(reading.events)
    alias_map = names.alias_map()
    counts = dict(found.counts)
    raw = [p.seconds for p in paragraphs]
    n_episodes = plan_budget.episodes
    if first_last is None:
        first_last = choose_span(paragraphs, raw, params.keep, n_episodes * plan_budget.target_s, len(novel.chapters))
    first, last = first_last
    inside = [i for i, p in enumerate(paragraphs) if first <= p.chapter <= last]
    if not inside:
        raise ConfigError(f"chapters {first}-{last} hold no text to adapt", source=novel.source)
    span_pars = [paragraphs[i] for i in inside]
    raw_total = sum(raw[i] for i in inside)
    if not plan_budget.episodes_given:
        lo_n, hi_n = plan_budget.count_range
        n_episodes = max(lo_n, min(hi_n, round(raw_total * params.keep / plan_budget.target_s)))
    n_episodes = min(n_episodes, len(span_pars)) if not plan_budget.episodes_given else n_episodes
    keep = n_episodes * plan_budget.target_s / raw_total if raw_total > 0 else params.keep
    seconds = [raw[i] * keep for i in inside]
    breaks = story_breaks(span_pars, [found.per_paragraph[i] for i in inside], protagonist)
    lexical = lexical_breaks(span_pars, language) if params.cuts.lexical_weight else None
    cuts = plan_cuts(span_pars, seconds, n_episodes, plan_budget.band_s, plan_budget.target_s, params.cuts, breaks, lexical)
    bounds = [*cuts.starts, len(span_pars)]
    plans: list[EpisodePlan] = []
    for number, (a, b) in enumerate(zip(bounds, bounds[1:]), start=1):
        pars = span_pars[a:b]
        chs = _chapters_of(number, bounds, span_pars, first, last)
        keys = {(p.chapter, p.index) for p in pars}
        inner = [e for e in events if (e.chapter, e.paragraph) in keys]
        beats = sorted(sorted(inner, key=lambda e: -e.weight)[:_BEATS_PER_EPISODE], key=lambda e: (e.chapter, e.paragraph))
        who = Counter(n for i in range(a, b) for n in found.per_paragraph[inside[i]])
        opener = next((p for p in pars[:3] if p.opening > 0), pars[0])
        closer = pars[-1]
        plans.append(EpisodePlan(
            number=number,
            chapters=chs,
            start=Position(pars[0].chapter, pars[0].index),
            end=Position(closer.chapter, closer.index),
            beats=tuple(beats),
            characters=tuple(n for n, _ in who.most_common()),
            runtime_s=sum(seconds[a:b]),
            hook=Hook(_first_sentence(opener.text), opener.chapter, opener.index),
            cliffhanger=Cliffhanger(_last_strong_sentence(closer, language), closer.ending, closer.chapter, closer.index),
            location=_location(pars, language),
            source_units=sum(p.units for p in pars),
        ))
    paywall = _paywall(plans, free_episodes, params.paywall_window)
    chapter_sets: dict[str, list[int]] = {}
    for p, persons in zip(paragraphs, found.per_paragraph):
        for n in persons:
            lst = chapter_sets.setdefault(n, [])
            if not lst or lst[-1] != p.chapter:
                lst.append(p.chapter)
    text = "\n".join(p.text for p in paragraphs)
    agency = agency_counts(text, alias_map, language)
    cast = tuple(
        CharacterCluster(canon, aliases, tuple(chapter_sets.get(canon, ())), counts.get(canon, 0),
                         agency_score(*agency.get(canon, (0, 0))), (chapter_sets.get(canon) or [0])[0])
        for canon, aliases in names.clusters[: params.max_characters]
        if counts.get(canon, 0) > 0
    )
    shape = book_shape(paragraphs, events, protagonist)
    left = tuple(c.number for c in novel.chapters if not first <= c.number <= last)
    plan = AdaptationPlan(
        title=novel.title, format=format, chapters=len(novel.chapters), span=(first, last), characters=cast,
        episodes=tuple(plans), paywall=paywall, left_for_later=left, checks=(), language=language,
        protagonist=protagonist, tension=shape.tension, arcs=shape.arcs, keep_ratio=keep, band_s=plan_budget.band_s,
    )
    checks = plan_checks(plan, found_band=cuts.band_held, episodes_given=plan_budget.episodes_given,
                         count_range=plan_budget.count_range, novel=novel)
    return replace(plan, checks=checks, score=score_plan(plan))


def _chapters_of(number: int, bounds: list[int], pars: list[Paragraph], first: int, last: int) -> tuple[int, ...]:
    """The chapters episode ``number`` covers: those its paragraphs sit in, plus the empty
    chapters (a volume page, a heading without text) before the next episode starts, so that
    every chapter of the span belongs to an episode."""
    a, b = bounds[number - 1], bounds[number]
    lo = first if number == 1 else pars[a].chapter
    if b >= len(pars):
        hi = last
    else:
        nxt = pars[b]
        hi = nxt.chapter - 1 if nxt.index == 1 else nxt.chapter
    return tuple(range(lo, max(hi, pars[b - 1].chapter) + 1))


def _paywall(plans: list[EpisodePlan], free_episodes: int | None, window: tuple[int, int]) -> Paywall:
    if len(plans) < 2:
        return Paywall(len(plans), "too few episodes for a paywall: everything is free", 0.0, Message("ap.paywall.too_few"))
    lo, hi = window
    if free_episodes is not None:
        if free_episodes < 1:
            raise ConfigError(f"--free-episodes must be >= 1, got {free_episodes}")
        hi = free_episodes
        lo = min(lo, hi)
    hi = min(hi, len(plans) - 1)
    lo = min(lo, hi)
    pool = plans[lo - 1 : hi]
    best = max(pool, key=lambda e: (e.cliffhanger.strength, -e.number))
    kinds = sorted({b.kind for b in best.beats if (b.chapter, b.paragraph) == (best.end.chapter, best.end.paragraph)}
                   or {b.kind for b in best.beats[-2:]})
    reason = (f"strongest ending in the free window {lo}-{hi}: strength {best.cliffhanger.strength:.2f}"
              + (f" ({', '.join(kinds)})" if kinds else ""))
    note = Message("ap.paywall.strongest", (("lo", lo), ("hi", hi), ("strength", best.cliffhanger.strength)))
    return Paywall(best.number, reason, best.cliffhanger.strength, note, tuple(kinds))
