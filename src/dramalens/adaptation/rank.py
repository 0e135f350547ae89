"""The adaptation zone: score every novel of a library for adaptation, with the reasons.

Per novel (:func:`novel_profile`, a pure function of the file, so it runs the same in this
process or on a Dask worker): conflict density (event weight per 1,000 units, the events of
:mod:`.events`), the protagonist's agency (the scripts' formula), cast size, tropes, and the
premise (the opening). Across the library (:func:`rank_library`): conflict as a percentile of
the library, and, given a catalog, how far the premise is from what the catalog holds
(``novelty_of_text``: 1 = nothing like it). Both paths map :func:`novel_profile` through a
:class:`~dramalens.catalog.distributed.Mapper`, so a LocalCluster gives the same ranking.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..analysis.agency import agency_score
from ..analysis.tropes import load_vocabulary, tag_tropes
from ..catalog.distributed import LocalMapper, Mapper, mapper_for
from ..catalog.novelty import novelty_of_text
from ..catalog.store import Catalog
from ..errors import DramalensError
from ..i18n import Translator, translator
from ..parsing.novel import read_novel
from ..serial import JSON, json_field, jsonable_dict
from .characters import find_names
from .events import find_events, mentions
from .reading import read_paragraphs
from .tension import agency_counts

__all__ = ["LibraryRanking", "NovelProfile", "RankedNovel", "library_files", "novel_profile", "novel_reasons", "rank_library", "rank_paths", "ranking_language"]

_PREMISE_CHARS = 1500
_CAST_BAND = (4, 15)
_WEIGHTS = (("conflict", 0.4), ("agency", 0.3), ("cast", 0.1), ("novelty", 0.2))


@dataclass(frozen=True, slots=True)
class NovelProfile:
    """What one novel offers an adaptation (see the module docstring); ``error`` when unreadable."""

    path: str
    title: str
    language: str
    chapters: int
    units: int
    conflict_density: float = field(metadata=json_field(digits=3))
    protagonist: str | None
    protagonist_agency: float = field(metadata=json_field(digits=3))
    cast_size: int
    tropes: tuple[str, ...]
    premise: str = field(metadata=json_field(omit=True))
    error: str | None = None


@dataclass(frozen=True, slots=True)
class RankedNovel:
    """A novel's place in the ranking, its score (0-1), parts and reasons."""

    rank: int
    score: float = field(metadata=json_field(digits=3))
    profile: NovelProfile
    parts: tuple[tuple[str, float], ...] = field(metadata=json_field(digits=3, convert=dict))
    novelty: float | None = field(metadata=json_field(digits=3))
    nearest: str | None
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LibraryRanking:
    """Every novel of a library, best candidate first."""

    novels: tuple[RankedNovel, ...]
    weights: tuple[tuple[str, float], ...] = field(metadata=json_field(convert=dict))

    def to_dict(self) -> dict[str, JSON]:
        """JSON-ready data."""
        return jsonable_dict(self)


def novel_profile(path: str, min_mentions: int = 3) -> NovelProfile:
    """Read and measure one novel; a file that cannot be read gives a profile with ``error``."""
    try:
        novel = read_novel(path)
    except DramalensError as exc:
        return NovelProfile(path, Path(path).name, "", 0, 0, 0.0, None, 0.0, 0, (), "", exc.one_line())
    paragraphs = read_paragraphs(novel)
    text = "\n".join(p.text for p in paragraphs)
    names = find_names(text, novel.language, min_count=min_mentions)
    alias_map = names.alias_map()
    found = mentions(paragraphs, alias_map, novel.language)
    events = find_events(paragraphs, found, alias_map, novel.language)
    units = sum(p.units for p in paragraphs)
    hero = found.counts[0][0] if found.counts else None
    acts, undergoes = agency_counts(text, {a: c for a, c in alias_map.items() if c == hero}, novel.language).get(hero or "", (0, 0))
    cast = sum(1 for _, n in found.counts if n >= max(min_mentions, units // 20000))
    tropes = tuple(h.trope for h in tag_tropes(text[:20000], language=novel.language)[:3]) if text else ()
    return NovelProfile(
        path=path, title=novel.title or Path(path).stem, language=novel.language, chapters=len(novel.chapters), units=units,
        conflict_density=1000.0 * sum(e.weight for e in events) / max(units, 1), protagonist=hero,
        protagonist_agency=agency_score(acts, undergoes), cast_size=cast, tropes=tropes, premise=text[:_PREMISE_CHARS],
    )


def library_files(paths: Sequence[str | Path]) -> list[str]:
    """The novels named by ``paths``: files as given, folders searched for .txt and .epub.

    >>> library_files([])
    []
    """
    out: list[str] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(str(f) for f in p.rglob("*") if f.suffix.lower() in (".txt", ".epub") and f.is_file())
        else:
            out.append(str(p))
    return out


def rank_paths(paths: Sequence[str | Path], *, catalog_url: str | None = None, dask: str | None = None) -> LibraryRanking:
    """:func:`rank_library` over the files and folders ``paths``, against the catalog at
    ``catalog_url`` if given, here or on the Dask cluster ``dask`` (``local`` or ``tcp://…``)."""
    catalog = Catalog(catalog_url) if catalog_url else None
    with mapper_for(dask) as mapper:
        return rank_library(library_files(paths), catalog=catalog, mapper=mapper)


def _percentiles(values: list[float]) -> list[float]:
    order = sorted(values)
    n = len(values)
    return [(sum(1 for v in order if v < x) + 0.5 * sum(1 for v in order if v == x)) / n for x in values] if n else []


def rank_library(
    paths: Sequence[str | Path],
    *,
    catalog: Catalog | None = None,
    mapper: Mapper | None = None,
) -> LibraryRanking:
    """Score every novel in ``paths`` for adaptation, best first (ties by path).

    ``mapper`` runs :func:`novel_profile` here (default) or on a Dask cluster
    (:func:`dramalens.catalog.distributed.mapper_for`); the ranking is the same either way.
    """
    files = sorted(str(p) for p in paths)
    profiles: list[NovelProfile] = (mapper or LocalMapper()).map(novel_profile, files, [3] * len(files))
    ok = [p for p in profiles if p.error is None]
    conflict = dict(zip((p.path for p in ok), _percentiles([p.conflict_density for p in ok])))
    ranked: list[tuple[float, str, RankedNovel]] = []
    for p in profiles:
        if p.error is not None:
            broken = RankedNovel(0, 0.0, p, (), None, None, ())
            ranked.append((-1.0, p.path, replace(broken, reasons=novel_reasons(broken, translator("en")))))
            continue
        lo, hi = _CAST_BAND
        parts = {
            "conflict": conflict[p.path],
            "agency": (p.protagonist_agency + 1.0) / 2.0,
            "cast": 1.0 if lo <= p.cast_size <= hi else 0.5 if p.cast_size > 0 else 0.0,
        }
        novelty: float | None = None
        nearest: str | None = None
        if catalog is not None and p.premise:
            result = novelty_of_text(catalog, p.premise, p.language)
            novelty = result.score
            nearest = result.nearest[0].title if result.nearest else None
            parts["novelty"] = novelty
        weights = {k: w for k, w in _WEIGHTS if k in parts}
        score = sum(parts[k] * w for k, w in weights.items()) / sum(weights.values())
        placed = RankedNovel(0, score, p, tuple(parts.items()), novelty, nearest, ())
        ranked.append((score, p.path, replace(placed, reasons=novel_reasons(placed, translator("en")))))
    ranked.sort(key=lambda t: (-t[0], t[1]))
    novels = tuple(RankedNovel(i, r.score, r.profile, r.parts, r.novelty, r.nearest, r.reasons)
                   for i, (_, _, r) in enumerate(ranked, start=1))
    return LibraryRanking(novels, _WEIGHTS)


def _trope_labels(ids: Sequence[str], t: Translator) -> str:
    """Trope ids as the vocabulary's Chinese labels for a Chinese reader; the ids in English
    (the JSON contract's reasons name them so)."""
    if t.lang != "zh":
        return ", ".join(ids)
    vocabulary = {v.id: v.label_zh for v in load_vocabulary().tropes}  # cached; ~40 entries
    return t("list_sep").join(vocabulary.get(i) or i for i in ids)


def novel_reasons(r: RankedNovel, t: Translator) -> tuple[str, ...]:
    """Why a novel ranks where it does, said by ``t`` (the English ones are the JSON's
    ``reasons``; the terminal table and pages say them in their reader's language).

    >>> p = NovelProfile("a.txt", "A", "zh", 8, 9000, 1.5, "林晚", 0.4, 6, ("rebirth",), "")
    >>> r = RankedNovel(1, 0.7, p, (("conflict", 0.75),), None, None, ())
    >>> novel_reasons(r, translator("zh"))
    ('冲突密度 每千字 1.50（高于书库中 75% 的小说）', '主角林晚：主动性 +0.40（推动事件）', '主要人物 6 个', '套路：重生')
    >>> novel_reasons(r, translator("en"))[:2]
    ('conflict 1.50 a thousand units (above 75% of the library)', 'lead 林晚: agency +0.40 (drives events)')
    """
    p = r.profile
    if p.error is not None:  # the reader's own reason (English: novel read errors carry no key yet)
        return (t("ar.unreadable", error=p.error),)
    lo, hi = _CAST_BAND
    per = "ar.per_k_chars" if p.language == "zh" else "ar.per_k_words"
    lead = "ar.lead.active" if p.protagonist_agency > 0 else "ar.lead.passive" if p.protagonist_agency < 0 else "ar.lead.neutral"
    name = (("name", p.protagonist),) if p.protagonist else (("name_key", "ar.no_lead"),)
    out = [t.say("ar.conflict", (("density", p.conflict_density), ("per_key", per), ("pct", dict(r.parts).get("conflict", 0.0)))),
           t.say(lead, (*name, ("agency", p.protagonist_agency))),
           t("ar.cast", n=p.cast_size) if lo <= p.cast_size <= hi else t("ar.cast_outside", n=p.cast_size, lo=lo, hi=hi)]
    if p.tropes:
        out.append(t("ar.tropes", tropes=_trope_labels(p.tropes, t)))
    if r.novelty is not None:
        out.append(t("ar.novelty_nearest", novelty=r.novelty, nearest=r.nearest) if r.nearest else t("ar.novelty", novelty=r.novelty))
    return tuple(out)


def ranking_language(ranking: LibraryRanking) -> str:
    """The language a ranking is shown in by default: the one most of its readable novels are
    in ('zh' on a tie or for an empty library; English for any other language).

    >>> ranking_language(LibraryRanking((), ()))
    'zh'
    """
    langs = [r.profile.language for r in ranking.novels if r.profile.error is None]
    return "en" if langs.count("en") > langs.count("zh") else "zh"
