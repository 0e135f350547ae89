"""The parsers' fallback reasons as message-catalogue keys, in one table.

A parser that classifies a line only because nothing else matched says why in English
(``why="colon line taken as action"``): that sentence is the read quality's JSON text and the
log's. A reader of the desk or the report sees it inside a read-quality sentence in their own
language, so each known ``why`` maps here to a ``why.*`` key; the read quality passes the key
(``why_key``) and the page translates it. A reason missing from the table is still shown, in
English (``tests/test_read_quality.py`` checks that every literal reason in ``parsing/`` is here).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["FALLBACK_KEYS", "fallback_params"]

#: English ``why`` → catalogue key.
FALLBACK_KEYS: Mapping[str, str] = MappingProxyType({
    "classified by fallback": "why.fallback",
    "colon line taken as action": "why.colon_action",
    "very long line taken as action": "why.long_line",
    "untagged line taken as action in a script that marks action with △": "why.untagged_triangle",
    "untagged line taken as more of the speech above": "why.speech_continued",
    "untagged line of a play that marks its directions with 〔: read as speech": "why.play_speech",
    "undecodable characters": "why.undecodable",
    "unknown paragraph style taken as action": "why.unknown_style",
    "no scene heading or cue anywhere: taken as action": "why.no_structure",
    "an upper-case line with no speech under it, taken as action": "why.caps_no_speech",
    "indented text with no cue above it, taken as action": "why.indented_no_cue",
})


def fallback_params(why: str) -> dict[str, str]:
    """The message field of ``why``: ``why_key`` (translated by the page) when the table knows
    it, else ``why`` itself (English, still readable).

    >>> fallback_params("colon line taken as action"), fallback_params("something new")
    ({'why_key': 'why.colon_action'}, {'why': 'something new'})
    """
    key = FALLBACK_KEYS.get(why)
    return {"why_key": key} if key else {"why": why}
