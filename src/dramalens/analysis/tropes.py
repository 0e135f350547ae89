"""Trope tagging: which micro-drama tropes (霸道总裁, 重生, 赘婿, werewolf alpha …) a text shows.

The vocabulary lives in ``data/tropes.toml`` (a platform can pass its own file or extend it).
Each trope has weighted cue words per language. Chinese text is converted to simplified
first (OpenCC ``t2s``), so traditional text matches the same cues.

Confidence, per trope (documented in docs/synth-tropes-skeleton.md):

* ``L = sqrt(max(1, units / 400))`` where units are Han characters (zh) or words (en): a long
  script needs more mentions than a synopsis for the same evidence, but not proportionally
  more (a trope is mentioned in bursts, not evenly).
* each distinct cue ``c`` found ``n`` times adds ``w_c · g(n / L)`` with ``g(x) = x`` below 1
  and ``min(1 + log2 x, 3)`` above: repetition helps, with diminishing returns;
* a work tag naming the trope (its id, a label or an alias) adds 2.0;
* ``confidence = 1 − exp(−evidence / 1.5)``: one outright cue (weight 1.5) in a synopsis
  gives 0.63, a tag alone 0.74, a tag plus a cue 0.90. Hits under ``min_confidence``
  (default 0.3: a single suggestive cue) are dropped.
"""

from __future__ import annotations

import math
import re
import string
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

from ..errors import ConfigError, InputError
from ..text import count_han, to_simplified
from ..text.han import han_table
from ..model import Script
from ..serial import json_field, pairs_to_dict

__all__ = [
    "TRACKS",
    "ScriptTropes",
    "TropeDef",
    "TropeHit",
    "TropeVocabulary",
    "cue_matches",
    "infer_track",
    "load_vocabulary",
    "script_tropes",
    "tag_script",
    "tag_tropes",
    "tropes_named_by",
]

#: The coarse genres ``infer_track`` answers with, per language (the first is the default).
TRACKS: dict[str, tuple[str, ...]] = {
    "zh": ("都市", "古装", "玄幻", "年代", "校园", "悬疑", "家庭"),
    "en": ("romance", "revenge", "werewolf", "mafia", "family", "fantasy", "thriller"),
}

_TAG_WEIGHT = 2.0
_SETTING_VOTE = 3.0
_SCALE = 1.5
_UNIT_SPAN = 400
_WORD = re.compile(r"[A-Za-z0-9]+")


@dataclass(frozen=True, slots=True)
class TropeDef:
    """One trope of the vocabulary: id, labels, tag aliases, the track it points to and cues."""

    id: str
    label_zh: str
    label_en: str
    aliases: tuple[str, ...] = ()
    track_zh: str = "都市"
    track_en: str = "romance"
    cues_zh: tuple[tuple[str, float], ...] = field(default=(), metadata=json_field(convert=pairs_to_dict))
    cues_en: tuple[tuple[str, float], ...] = field(default=(), metadata=json_field(convert=pairs_to_dict))
    setting: bool = False


@dataclass(frozen=True, slots=True)
class TropeHit:
    """A trope found in a text, with its confidence (0..1) and the cue words that were found."""

    trope: str
    label_zh: str
    label_en: str
    confidence: float
    cues: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ScriptTropes:
    """What :func:`script_tropes` found in a script: the tropes (most confident first) and the
    track (coarse genre) they and the setting words point to."""

    hits: tuple[TropeHit, ...]
    track: str


@dataclass(frozen=True, slots=True)
class _Compiled:
    pattern: re.Pattern[str]
    cue_map: dict[str, tuple[tuple[int, float], ...]]
    track_pattern: re.Pattern[str] | None
    track_map: dict[str, tuple[tuple[str, float], ...]]


@dataclass(frozen=True, slots=True)
class TropeVocabulary:
    """The tropes and track cue words dramalens tags with.

    >>> v = load_vocabulary()
    >>> v.get("ceo").label_zh
    '霸道总裁'
    """

    tropes: tuple[TropeDef, ...]
    track_cues: Mapping[str, Mapping[str, Mapping[str, float]]] = field(
        default_factory=dict, metadata=json_field(name="tracks"))
    _compiled: dict[str, _Compiled] = field(
        default_factory=dict, init=False, repr=False, compare=False, metadata=json_field(omit=True))

    def get(self, trope_id: str) -> TropeDef:
        for t in self.tropes:
            if t.id == trope_id:
                return t
        raise ConfigError(f"unknown trope {trope_id!r}; known: {', '.join(t.id for t in self.tropes)}")

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.tropes)

    def merged(self, other: TropeVocabulary) -> TropeVocabulary:
        """This vocabulary with ``other``'s tropes added (a trope with the same id is replaced)."""
        mine = {t.id: t for t in self.tropes}
        for t in other.tropes:
            mine[t.id] = t
        tracks = {lang: {k: dict(v) for k, v in cues.items()} for lang, cues in self.track_cues.items()}
        for lang, cues in other.track_cues.items():
            for track, words in cues.items():
                tracks.setdefault(lang, {}).setdefault(track, {}).update(words)
        return TropeVocabulary(tuple(mine.values()), tracks)

    def compiled(self, language: str) -> _Compiled:
        if language not in self._compiled:
            self._compiled[language] = _compile(self, language)
        return self._compiled[language]


#: A prefix tree of cue characters ("" marks where a cue ends).
_Trie: TypeAlias = "dict[str, _Trie]"


def cue_alternation(cues: Iterable[str]) -> str:
    """A regex body matching any of ``cues``, longest first, as a prefix tree.

    The plain alternation ``longest|…|shortest`` makes the regex engine try every cue at every
    position (hundreds of them for English); the tree tries only the cues that share the text's
    first characters. Both choose the same match: cues that match at one position are prefixes
    of one another, so they lie on one path of the tree, where a greedy ``(?:…)?`` tries the
    longer ones first, as the sorted alternation does (also when what follows the cue fails and
    the engine backtracks to a shorter one). That holds when no two different cue characters are
    equal under IGNORECASE, so cues with upper-case or non-ASCII cased characters get the plain
    alternation.

    >>> cue_alternation(["ab", "abc", "b"])
    '(?=[ab])(?:ab(?:c)?|b)'
    >>> re.findall(cue_alternation(["离婚", "离婚协议"]), "签了离婚协议就离婚")
    ['离婚协议', '离婚']
    """
    unique = set(cues)
    if not unique or "" in unique or any(c != c.lower() or any(not ch.isascii() and ch.lower() != ch.upper() for ch in c) for c in unique):
        return "|".join(re.escape(c) for c in sorted(unique, key=len, reverse=True))
    tree: _Trie = {}
    for cue in unique:
        node = tree
        for ch in cue:
            node = node.setdefault(ch, {})
        node[""] = {}  # a cue ends here

    def body(node: _Trie) -> str:
        alternatives = [re.escape(ch) + body(child) for ch, child in sorted(node.items()) if ch]
        if not alternatives:
            return ""
        group = alternatives[0] if len(alternatives) == 1 and "" not in node else "(?:" + "|".join(alternatives) + ")"
        return group + "?" if "" in node else group

    if not tree:
        return "(?!x)x"
    # The lookahead on the cues' first characters lets the engine pass over a position in one
    # set test: without it, under IGNORECASE, it enters every branch of the tree at every
    # position (a 190 KB script's cue scan took ~5× as long). Under IGNORECASE the set and the
    # branches' literals fold case alike, so the matches are the same.
    first = "".join(re.escape(ch) for ch in sorted(tree) if ch)
    return f"(?=[{first}])(?:" + "|".join(re.escape(ch) + body(child) for ch, child in sorted(tree.items()) if ch) + ")"


# The characters IGNORECASE matches to an ASCII letter that ``str.lower`` does not turn into
# that letter (İ ı ſ; the Kelvin sign lowers to k and matches k alike), found by trying every
# code point against every ASCII character.
_ODD_FOLDS = re.compile("[\u0130\u0131\u017f]")


@lru_cache(maxsize=64)
def _case_sensitive(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """``pattern`` without IGNORECASE, when its text is ASCII (’ aside) and has no upper case."""
    body = pattern.pattern.replace("’", "")
    if not pattern.flags & re.IGNORECASE or not body.isascii() or any(c.isupper() for c in body):
        return None
    return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)


def cue_matches(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` for a cue pattern: the same spans, and the same cues up to case.

    For English cues (ASCII) on a long text, the pattern without IGNORECASE runs over the
    lower-cased text, 1.6-2.7× faster: where lower-casing keeps every character one character and
    the text holds none of :data:`_ODD_FOLDS`, a character matches a lower-case ASCII one
    under IGNORECASE exactly when its lower case is that one.

    >>> [m.span() for m in cue_matches(_cue_regex(["wolf"], "en"), "The WOLF howls. " * 100)][:2]
    [(4, 8), (20, 24)]
    """
    twin = _case_sensitive(pattern) if len(text) >= 1000 else None
    if twin is not None:
        low = _lowered(text)
        if low is not None:
            return twin.finditer(low)
    return pattern.finditer(text)


def _lowered(text: str) -> str | None:
    """``text.lower()`` where lower-casing keeps every character one character and ``text``
    holds none of :data:`_ODD_FOLDS`, else None. A script's text is scanned for trope cues, track
    words and story functions in turn: the last large text's answer is kept (by reference, so
    ``is`` cannot see a new text)."""
    global _RECENT_LOWER
    recent = _RECENT_LOWER
    if recent is not None and recent[0] is text:
        return recent[1]
    low = text.lower()
    out = low if len(low) == len(text) and _ODD_FOLDS.search(text) is None else None
    if len(text) >= 10_000:
        _RECENT_LOWER = (text, out)
    return out


_RECENT_LOWER: tuple[str, str | None] | None = None


def _cue_regex(cues: Iterable[str], language: str) -> re.Pattern[str]:
    body = cue_alternation(cues)
    if language == "zh":
        return re.compile(body, re.IGNORECASE)
    # Whole words only; a plural s/es and a possessive 's are allowed. Any other apostrophe or
    # a hyphen after a cue means it is part of a longer word ("don't", "pack-leader").
    return re.compile(rf"(?<![a-z0-9])(?:{body})(?:es|s)?(?![a-z0-9-])(?!['’](?!s(?![a-z])))", re.IGNORECASE)


def _compile(vocab: TropeVocabulary, language: str) -> _Compiled:
    cue_map: dict[str, list[tuple[int, float]]] = {}
    for index, t in enumerate(vocab.tropes):
        for cue, weight in t.cues_zh if language == "zh" else t.cues_en:
            cue_map.setdefault(cue.lower(), []).append((index, weight))
    track_map: dict[str, list[tuple[str, float]]] = {}
    for track, words in vocab.track_cues.get(language, {}).items():
        for word, weight in words.items():
            track_map.setdefault(word.lower(), []).append((track, float(weight)))
    return _Compiled(
        _cue_regex(cue_map, language) if cue_map else re.compile(r"(?!x)x"),
        {k: tuple(v) for k, v in cue_map.items()},
        _cue_regex(track_map, language) if track_map else None,
        {k: tuple(v) for k, v in track_map.items()},
    )


def _parse_vocabulary(data: dict[str, Any], source: str) -> TropeVocabulary:  # the TOML as tomllib reads it
    tropes = []
    seen: set[str] = set()
    for i, entry in enumerate(data.get("trope", [])):
        try:
            tid = str(entry["id"])
            t = TropeDef(
                id=tid,
                label_zh=str(entry.get("zh", tid)),
                label_en=str(entry.get("en", tid)),
                aliases=tuple(str(a) for a in entry.get("aliases", ())),
                track_zh=str(entry.get("track_zh", TRACKS["zh"][0])),
                track_en=str(entry.get("track_en", TRACKS["en"][0])),
                cues_zh=tuple((to_simplified(str(k)), float(v)) for k, v in entry.get("cues_zh", {}).items()),
                cues_en=tuple((str(k).lower(), float(v)) for k, v in entry.get("cues_en", {}).items()),
                setting=bool(entry.get("setting", False)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"trope #{i + 1} is malformed: {exc}", source=source, hint="each [[trope]] needs id and cue tables of word = weight") from exc
        if tid in seen:
            raise ConfigError(f"trope id {tid!r} appears twice", source=source)
        seen.add(tid)
        tropes.append(t)
    tracks = {lang: {track: {str(k): float(v) for k, v in words.items()} for track, words in cues.items()} for lang, cues in data.get("tracks", {}).items()}
    return TropeVocabulary(tuple(tropes), tracks)


@lru_cache(maxsize=1)
def _default_vocabulary() -> TropeVocabulary:
    text = resources.files("dramalens").joinpath("data/tropes.toml").read_text(encoding="utf-8")
    return _parse_vocabulary(tomllib.loads(text), "data/tropes.toml")


def load_vocabulary(path: str | Path | None = None, *, extend: bool = False) -> TropeVocabulary:
    """The trope vocabulary: the bundled one, the one in ``path``, or (``extend=True``) both.

    >>> len(load_vocabulary().tropes) >= 21
    True
    """
    if path is None:
        return _default_vocabulary()
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError("trope vocabulary not found", source=str(p), hint="give a .toml file with [[trope]] entries") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", source=str(p)) from exc
    vocab = _parse_vocabulary(data, str(p))
    return _default_vocabulary().merged(vocab) if extend else vocab


def _units(text: str, language: str) -> int:
    global _RECENT_UNITS
    recent = _RECENT_UNITS
    if recent is not None and recent[0] is text and recent[1] == language:  # tag_tropes then infer_track
        return recent[2]
    if len(text) < 10_000:
        return count_han(text) if language == "zh" else len(_WORD.findall(text))
    units = _count_units(text, language)
    _RECENT_UNITS = (text, language, units)
    return units


def _count_units(text: str, language: str) -> int:
    """``count_han(text)`` (zh) or ``len(_WORD.findall(text))`` (en: runs of ASCII letters and
    digits), counted over the text's code points with NumPy (a whole script's regex pass cost
    1-2 ms)."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype="<u4")
    if language == "zh":
        return int(np.count_nonzero(han_table()[codes]))
    word = _ASCII_WORD[np.minimum(codes, 128)]
    return int(np.count_nonzero(word[1:] & ~word[:-1])) + int(word[:1].sum())


_ASCII_WORD = np.zeros(129, dtype=bool)  # what _WORD matches, by code point (128: all above)
_ASCII_WORD[[ord(c) for c in string.ascii_letters + string.digits]] = True


# The last large text measured (held by reference, so ``is`` cannot see a new text): a
# whole script is tagged and then given its track, and both count its units.
_RECENT_UNITS: tuple[str, str, int] | None = None


def _gain(count: int, span: float) -> float:
    x = count / span
    return x if x < 1 else min(1.0 + math.log2(x), 3.0)


@lru_cache(maxsize=4096)
def _norm_tag(tag: str) -> str:
    return re.sub(r"[\s#＃_]+", " ", to_simplified(tag)).strip().lower()


@lru_cache(maxsize=1024)
def _tag_names(t: TropeDef) -> frozenset[str]:
    names = {t.id.lower(), t.id.replace("_", " "), _norm_tag(t.label_en)}
    names.update(_norm_tag(p) for p in t.label_zh.split("/"))
    names.update(_norm_tag(a) for a in t.aliases)
    return frozenset(names)


# The tag names of each trope of a vocabulary, by vocabulary identity: hashing a TropeDef (a
# frozen dataclass of tuples) for the _tag_names cache on every work cost more than the lookup.
_TAG_NAMES: dict[int, tuple[object, tuple[frozenset[str], ...]]] = {}


def _vocabulary_tag_names(vocab: "TropeVocabulary") -> tuple[frozenset[str], ...]:
    entry = _TAG_NAMES.get(id(vocab))
    if entry is None or entry[0] is not vocab:  # the vocabulary object is kept, so its id is not reused
        if len(_TAG_NAMES) > 64:
            _TAG_NAMES.clear()
        entry = _TAG_NAMES[id(vocab)] = (vocab, tuple(_tag_names(t) for t in vocab.tropes))
    return entry[1]


def tropes_named_by(tags: Sequence[str], vocabulary: TropeVocabulary | None = None) -> tuple[str, ...]:
    """The trope ids a work's platform tags name (its id, a label or an alias), in vocabulary order:
    the labels a per-catalog tagger learns from.

    >>> tropes_named_by(["Billionaire", "Second Chance", "Female"])
    ('ceo', 'second_chance')
    """
    vocab = vocabulary or _default_vocabulary()
    wanted = {_norm_tag(t) for t in tags if t and t.strip()}
    return tuple(t.id for t, names in zip(vocab.tropes, _vocabulary_tag_names(vocab)) if wanted & names)


def _count_cues(pattern: re.Pattern[str], cues: Mapping[str, object], text: str) -> dict[str, int]:
    """How often each cue of ``cues`` occurs in ``text`` (keys are the cues, in first-seen order).

    ``pattern`` (from :func:`_cue_regex`) also matches an English cue with a plural "s"/"es" or
    a possessive "'s" after it; the match is mapped back to its cue here, so trope cues and
    track words are counted the same way.

    >>> _count_cues(_cue_regex(["wolf", "alpha"], "en"), {"wolf": 1, "alpha": 1}, "Alphas and a wolf's den")
    {'alpha': 1, 'wolf': 1}
    """
    counts: dict[str, int] = {}
    for m in cue_matches(pattern, text):
        word = m.group(0).lower()
        if word not in cues:
            word = word[:-2] if word[:-2] in cues else word[:-1]
        counts[word] = counts.get(word, 0) + 1
    return counts


def _check_language(language: str) -> None:
    if language not in ("zh", "en"):
        raise ConfigError(f"unknown language {language!r}; allowed: zh, en")


def tag_tropes(
    text: str,
    *,
    language: str,
    tags: Sequence[str] = (),
    vocabulary: TropeVocabulary | None = None,
    min_confidence: float = 0.3,
) -> list[TropeHit]:
    """The tropes ``text`` shows, most confident first.

    >>> [h.trope for h in tag_tropes("重生回到十八岁，她发誓这一世要让渣男付出代价，复仇！", language="zh")][:2]
    ['rebirth', 'revenge']
    """
    _check_language(language)
    if not 0.0 <= min_confidence <= 1.0:
        raise ConfigError(f"min_confidence must be within 0..1, got {min_confidence}")
    vocab = vocabulary or _default_vocabulary()
    if language == "zh":
        text = to_simplified(text)
    comp = vocab.compiled(language)
    span = math.sqrt(max(1.0, _units(text, language) / _UNIT_SPAN))
    counts = _count_cues(comp.pattern, comp.cue_map, text)
    evidence: dict[int, float] = {}
    found: dict[int, list[str]] = {}
    for word, n in counts.items():
        for index, weight in comp.cue_map.get(word, ()):
            evidence[index] = evidence.get(index, 0.0) + weight * _gain(n, span)
            found.setdefault(index, []).append(word)
    if tags:
        wanted = {_norm_tag(t) for t in tags if t and t.strip()}
        for index, names in enumerate(_vocabulary_tag_names(vocab)):
            if wanted & names:
                evidence[index] = evidence.get(index, 0.0) + _TAG_WEIGHT
    hits = []
    for index, ev in evidence.items():
        confidence = round(1.0 - math.exp(-ev / _SCALE), 4)
        if confidence < min_confidence:
            continue
        t = vocab.tropes[index]
        cues = tuple(sorted(found.get(index, ()), key=lambda w: (-counts[w], w)))
        hits.append(TropeHit(t.id, t.label_zh, t.label_en, confidence, cues))
    hits.sort(key=lambda h: (-h.confidence, h.trope))
    return hits


def _script_text(script: Script) -> str:
    parts = [script.title or ""]
    parts.extend(value for _, value in script.title_page)
    parts.extend(e.text for _, _, e in script.iter_elements())
    return "\n".join(parts)


def tag_script(script: Script, *, tags: Sequence[str] = (), vocabulary: TropeVocabulary | None = None, min_confidence: float = 0.3) -> list[TropeHit]:
    """The tropes of a parsed :class:`~dramalens.model.Script`, from its title and all its text.

    >>> from dramalens.model import Element, ElementType, Episode, Scene, Script
    >>> s = Script(title="闪婚总裁", language="zh", episodes=[Episode(1, scenes=[Scene(elements=[
    ...     Element(ElementType.ACTION, "总裁拿出契约：我们闪婚吧。")])])])
    >>> [h.trope for h in tag_script(s)][:2]
    ['contract_marriage', 'ceo']
    """
    language = script.language if script.language in ("zh", "en") else "en"
    return tag_tropes(_script_text(script), language=language, tags=tags, vocabulary=vocabulary, min_confidence=min_confidence)


def infer_track(hits: Sequence[TropeHit], text: str, language: str, *, vocabulary: TropeVocabulary | None = None) -> str:
    """The coarse genre (track) of a work from its trope hits and setting words.

    Each hit votes its confidence for its trope's track (three times over for a trope that
    defines the story world: 年代, 修仙, werewolf …); setting words (王爷, 知青, alpha …) add
    half their weight, scaled like trope cues. With no evidence: 都市 / romance.

    >>> infer_track(tag_tropes("知青下乡，七十年代的爱情。", language="zh"), "知青下乡，七十年代的爱情。", "zh")
    '年代'
    """
    _check_language(language)
    vocab = vocabulary or _default_vocabulary()
    tracks = TRACKS[language]
    score: dict[str, float] = {}
    by_id = {t.id: t for t in vocab.tropes}
    for hit in hits:
        t = by_id.get(hit.trope)
        if t is None:
            continue
        track = t.track_zh if language == "zh" else t.track_en
        score[track] = score.get(track, 0.0) + hit.confidence * (_SETTING_VOTE if t.setting else 1.0)
    comp = vocab.compiled(language)
    if comp.track_pattern is not None and text:
        if language == "zh":
            text = to_simplified(text)
        span = math.sqrt(max(1.0, _units(text, language) / _UNIT_SPAN))
        counts = _count_cues(comp.track_pattern, comp.track_map, text)
        for word, n in counts.items():
            for track, weight in comp.track_map.get(word, ()):
                score[track] = score.get(track, 0.0) + 0.5 * weight * _gain(n, span)
    if not score:
        return tracks[0]
    order = {t: i for i, t in enumerate(tracks)}
    return max(score, key=lambda t: (score[t], -order.get(t, len(order))))


def script_tropes(
    script: Script, *, vocabulary: TropeVocabulary | None = None, min_confidence: float = 0.3
) -> ScriptTropes:
    """The tropes of a parsed script (as :func:`tag_script` finds them) and its track.

    >>> from dramalens.model import Element, ElementType, Episode, Scene, Script
    >>> s = Script(title="重生之复仇", language="zh", episodes=[Episode(1, scenes=[Scene(elements=[
    ...     Element(ElementType.ACTION, "她重生回到十八岁，发誓复仇，让仇人付出代价。")])])])
    >>> found = script_tropes(s)
    >>> [h.trope for h in found.hits][:2], found.track
    (['revenge', 'rebirth'], '都市')
    """
    language = script.language if script.language in ("zh", "en") else "en"
    text = _script_text(script)
    hits = tag_tropes(text, language=language, vocabulary=vocabulary, min_confidence=min_confidence)
    return ScriptTropes(tuple(hits), infer_track(hits, text, language, vocabulary=vocabulary))
