"""One track (genre) vocabulary for both languages: canonical ids, their synonyms, their labels.

The trope tagger answers in the script's language (都市, family), a sender types whatever they
call it (家庭, Family, 家庭伦理) and a catalog's metadata uses its own words: without one
vocabulary a Chinese 家庭 script and an English family script sit in two tracks of the queue
filter, the desk supply and the saturation page. Every such value goes through
:func:`canonical_track`; pages show :func:`track_label` in the reader's language (labels are the
``track.<id>`` entries of the message catalogue). Stored values stay as they were written, so
rows saved before this vocabulary existed still group and filter with the new ones.
"""

from __future__ import annotations

from ..i18n import translator
from ..text import to_simplified

__all__ = ["TRACK_IDS", "TRACK_SYNONYMS", "canonical_track", "track_label", "track_variants"]

#: Canonical id → the words that mean it (both languages, lower case, simplified Chinese). The
#: first seven Chinese and seven English words are the tracks ``infer_track`` answers with.
TRACK_SYNONYMS: dict[str, tuple[str, ...]] = {
    "urban": ("都市", "城市", "现代", "都市情感", "urban", "city", "modern"),
    "costume": ("古装", "古代", "古风", "宫廷", "costume", "historical", "ancient"),
    "fantasy": ("玄幻", "奇幻", "仙侠", "修仙", "fantasy", "xianxia"),
    "period": ("年代", "年代剧", "period", "era"),
    "campus": ("校园", "青春", "campus", "school", "youth"),
    "suspense": ("悬疑", "惊悚", "推理", "suspense", "thriller", "mystery"),
    "family": ("家庭", "家族", "家庭伦理", "伦理", "family"),
    "romance": ("言情", "爱情", "甜宠", "恋爱", "romance", "love", "romantic"),
    "revenge": ("复仇", "revenge", "vengeance"),
    "werewolf": ("狼人", "werewolf", "werewolves", "shifter"),
    "mafia": ("黑帮", "黑道", "mafia", "gangster", "mob"),
}
TRACK_IDS = tuple(TRACK_SYNONYMS)

_BY_WORD = {word: track for track, words in TRACK_SYNONYMS.items() for word in (track, *words)}


def _fold(value: str) -> str:
    return to_simplified(value.strip()).casefold()


def canonical_track(value: str | None) -> str:
    """The canonical id of a track as anyone wrote it; an unknown track comes back trimmed (a
    desk's own genre is kept, not guessed), a missing one as ''.

    >>> canonical_track("家庭"), canonical_track(" Family "), canonical_track("家庭"), canonical_track("霸总")
    ('family', 'family', 'family', '霸总')
    """
    if not value:
        return ""
    return _BY_WORD.get(_fold(value), value.strip())


def track_label(value: str | None, lang: str) -> str:
    """The label of ``value``'s track in ``lang``; an unknown track as written.

    >>> track_label("family", "zh"), track_label("家庭", "en"), track_label("都市", "en"), track_label("", "zh")
    ('家庭', 'family', 'urban', '')
    """
    track = canonical_track(value)
    return translator(lang)(f"track.{track}") if track else ""


def track_variants(value: str | None) -> tuple[str, ...]:
    """Every stored spelling that means ``value``'s track (for a filter over rows written in
    either language), lower case; an unknown track matches only itself.

    >>> track_variants("家庭")[:3]
    ('family', '家庭', '家族')
    """
    track = canonical_track(value)
    if not track:
        return ()
    if track not in TRACK_SYNONYMS:
        return (_fold(track),)
    labels = (translator("en")(f"track.{track}"), translator("zh")(f"track.{track}"))
    return tuple(dict.fromkeys((track, *TRACK_SYNONYMS[track], *(_fold(x) for x in labels))))
