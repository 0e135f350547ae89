"""What a bracketed mark of a Chinese script is (``【闪回】``, ``【字幕：三年后】``, ``【卡点】``,
``（转场）``), and which unbracketed lines are marks too (``闪回``, ``黑场``), for :mod:`.parser`.

>>> classify_mark("闪回结束"), classify_mark("林晚推门", bare=True)
((<ElementType.FLASHBACK_END: 'flashback_end'>, '闪回结束'), None)
"""

from __future__ import annotations

from ...model import ElementType as T
from .patterns import BARE_MARK_FIRST, CLIFF, FLASH_BARE, FLASH_END, FLASH_START, SUBTITLE, TRANSITION_TO, TRANSITION_WORD

__all__ = ["classify_mark"]


def classify_mark(inner_m: str, *, bare: bool = False) -> tuple[T, str] | None:
    """What a bracketed mark is (a note when nothing more specific); for an unbracketed
    (``bare``) line, only the unmistakable forms count and anything else is None."""
    if bare and inner_m[:1] not in BARE_MARK_FIRST:  # no bare form can start so: most lines
        return None
    if FLASH_END.match(inner_m) and (not bare or len(inner_m) <= 10):
        return T.FLASHBACK_END, inner_m
    sub = SUBTITLE.match(inner_m)
    if sub and (not bare or sub.group(1)):
        return T.SUBTITLE, (sub.group(1) or "").strip()
    if TRANSITION_WORD.match(inner_m) or TRANSITION_TO.match(inner_m):
        return T.TRANSITION, inner_m
    if bare:
        return (T.FLASHBACK_START, inner_m) if FLASH_BARE.match(inner_m) else None
    if FLASH_START.match(inner_m):
        return T.FLASHBACK_START, inner_m
    if CLIFF.search(inner_m):
        return T.CLIFFHANGER_MARK, inner_m
    return T.NOTE, inner_m
