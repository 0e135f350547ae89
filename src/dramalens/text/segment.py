"""Chinese words with jieba: one lazily loaded, quiet, thread-safe segmenter.

jieba reads its 5 MB dictionary on first use (about a second) and logs that at INFO; the
loader here imports it once, silences the log and builds the prefix dictionary under a lock,
so threads (the web app, Dask workers) never build it twice. :func:`new_tokenizer` gives a
private tokenizer for callers that add their own words (adding them to jieba's global one
would change how every other part of dramalens segments text).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["dictionary_words", "jieba_module", "new_tokenizer", "words"]

_LOCK = threading.Lock()
_STATE: dict[str, Any] = {}

# jieba's cut of one block (a run of its "Han" characters) depends on the block alone, so
# blocks seen before (stock lines, names, the same phrases across a catalog) are looked up.
_BLOCKS: dict[str, list[str]] = {}
_BLOCK_CACHE_MAX = 200_000


def jieba_module() -> Any:
    """The ``jieba`` module, imported once with its logging quiet and its default dictionary
    loaded (thread-safe).

    >>> jieba_module().lcut("今天天气不错")[0]
    '今天天气'
    """
    jieba = _STATE.get("jieba")
    if jieba is None:
        with _LOCK:
            jieba = _STATE.get("jieba")
            if jieba is None:
                import jieba as jb  # 5 MB dictionary: loaded on first use only

                jb.setLogLevel(logging.WARNING)  # "Building prefix dict…" otherwise
                jb.dt.check_initialized()
                jieba = _STATE["jieba"] = jb
    return jieba


def new_tokenizer(extra_words: Iterable[str] = (), *, freq: int = 200_000) -> Any:
    """A private ``jieba.Tokenizer`` with jieba's dictionary plus ``extra_words``.

    >>> "不怕死" in new_tokenizer(["不怕死"]).lcut("他不怕死")
    True
    """
    jieba = jieba_module()
    tokenizer = jieba.Tokenizer()
    with _LOCK:  # initialising reads the dictionary; one at a time keeps memory flat
        tokenizer.initialize()
    for word in extra_words:
        tokenizer.add_word(word, freq=freq)
    return tokenizer


def words(text: str, *, hmm: bool = False) -> list[str]:
    """jieba's words of ``text`` (every piece, punctuation and spaces included, in order).

    Without ``hmm`` only dictionary words are formed (twice as fast; names come out as single
    characters); with it jieba's HMM joins unknown words.

    >>> words("林晚推门而入")
    ['林', '晚', '推门而入']
    """
    return list(jieba_module().lcut(text, HMM=hmm))


def _cut_block() -> Callable[[str], list[str]]:
    """jieba's cut of one block without HMM. ``lcut(block, HMM=False)`` of a single block is
    exactly its DAG cut; calling that cut directly halves the per-block cost. Falls back to
    ``lcut`` if a jieba release renames it."""
    cut = _STATE.get("cut")
    if cut is None:
        jb = jieba_module()
        direct = getattr(jb.dt, "_Tokenizer__cut_DAG_NO_HMM", None)
        if direct is None:  # pragma: no cover - jieba 0.42 has it
            cut = _STATE["cut"] = lambda block: jb.lcut(block, HMM=False)
        else:
            cut = _STATE["cut"] = lambda block: list(direct(block))
    return cut


def dictionary_words(text: str, *, min_len: int = 2) -> list[str]:
    """``[w for w in jieba.lcut(text, HMM=False) if len(w.strip()) >= min_len]`` for
    ``min_len`` ≥ 2, computed one cached block at a time.

    jieba cuts the runs its ``re_han_default`` matches one by one and yields everything
    between them a character (or a whitespace) at a time, which the length filter drops; so
    the words are those of the runs, in order.

    >>> dictionary_words("他们 今天 去了北京")
    ['他们', '今天', '北京']
    """
    if min_len < 2:
        raise ValueError(f"min_len must be at least 2 (single characters between blocks are not kept); got {min_len}")
    jb = jieba_module()
    cut = _cut_block()
    cache = _BLOCKS
    out: list[str] = []
    for block in jb.re_han_default.findall(text):
        key = block if min_len == 2 else f"{min_len}\x00{block}"
        found = cache.get(key)
        if found is None:
            found = [w for w in cut(block) if len(w.strip()) >= min_len]
            if len(cache) >= _BLOCK_CACHE_MAX:
                cache.clear()
            cache[key] = found
        out.extend(found)
    return out
