"""Small readers of a Chinese script's parts: a scene head's fields (内/外, time, place, cast),
cast lists, voice marks, quotes and brackets."""

from __future__ import annotations

from functools import lru_cache

from ...model import Episode
from ...model import ElementType as T
from .lexicon import IE, INNER_KEYS, TIMES, VO_KEYS
from .patterns import DOTS, DOT_PART, HEAD_NOTE, HEAD_TOKEN, INLINE_CAST, NAME_SPLIT, OPEN_CLOSE, PARENS, QUOTES

__all__ = ["comma_head", "ext_kind", "has_content", "heading_fields", "split_names", "time_ie", "unquote", "unwrap"]


def unwrap(title: str) -> str:
    """Drop one layer of matching brackets and an unbalanced closer left by ``（第1集完）``.

    >>> unwrap("【重逢】"), unwrap("（第1集完）")
    ('重逢', '第1集完')
    """
    if len(title) >= 2 and OPEN_CLOSE.get(title[0]) == title[-1]:
        title = title[1:-1].strip()
    if title and title[-1] in "】])）》」":
        opener = next(o for o, c in OPEN_CLOSE.items() if c == title[-1])
        if title.count(opener) < title.count(title[-1]):
            title = title[:-1].strip()
    return title


@lru_cache(maxsize=8192)  # heads repeat their words (日, 内, 客厅): each is read once
def time_ie(token: str) -> tuple[str | None, str | None] | None:
    """(time, int_ext) when ``token`` is a time word, 内/外 word or one of each glued (日内, 内日).

    >>> time_ie("日内"), time_ie("夜"), time_ie("客厅")
    (('DAY', 'INT'), ('NIGHT', None), None)
    """
    if token in TIMES:
        return TIMES[token], None
    if token in IE:
        return None, IE[token]
    if len(token) <= 5:
        for k in range(1, len(token)):
            a, b = token[:k], token[k:]
            if a in TIMES and b in IE:
                return TIMES[a], IE[b]
            if a in IE and b in TIMES:
                return TIMES[b], IE[a]
    return None




def comma_head(rest_m: str) -> bool:
    """Is a line split by commas a scene head (``门前土路,日,外``): short parts, one of them a
    time word and one a 内/外 word, nothing else that ends a sentence?

    >>> comma_head("门前土路,日,外"), comma_head("他走了，日子还长，外面下雨")
    (True, False)
    """
    parts = [p.strip() for p in rest_m.replace("，", ",").split(",")]
    if len(parts) < 2 or any(not p or len(p) > 12 or any(c in p for c in "。！？!?；;“”\"…") for p in parts):
        return False
    hits = [time_ie(p) for p in parts]
    return any(h and h[0] for h in hits) and any(h and h[1] for h in hits)


@lru_cache(maxsize=2048)  # a script comes back to its places: the same head text, read once
def heading_fields(rest_m: str, rest: str) -> tuple[str | None, str | None, str | None, tuple[str, ...], bool]:
    """Split a heading's text (after its number) into int_ext, time, location, cast and a flag
    saying whether any time/内外 word was found (which makes a doubtful line a heading).
    ``rest_m`` is the matching form of ``rest`` (same length, positions agree).

    >>> heading_fields("日 内 客厅", "日 内 客厅")
    ('INT', 'DAY', '客厅', (), True)
    """
    cast: tuple[str, ...] = ()
    m = INLINE_CAST.search(rest_m)
    if m:
        cast = split_names(rest[m.end():])
        rest_m, rest = rest_m[: m.start()], rest[: m.start()]
    for note in HEAD_NOTE.finditer(rest_m):  # blanked, same length: positions still agree
        blank = " " * (note.end() - note.start())
        rest_m = rest_m[: note.start()] + blank + rest_m[note.end():]
        rest = rest[: note.start()] + blank + rest[note.end():]
    time = ie = None
    found = False
    location: list[str] = []
    spans = []
    for tok in HEAD_TOKEN.finditer(rest_m):
        text, at = tok.group(0), tok.start()
        if DOTS.search(text):  # 内景·客厅·夜, 客厅-日-内 (but 顾家别墅·书房 stays whole)
            parts = [(p.group(0), at + p.start(), at + p.end()) for p in DOT_PART.finditer(text)]
            if any(time_ie(p[0]) for p in parts):
                spans.extend(parts)
                continue
        spans.append((text, at, tok.end()))
    for tok_m, start, end in spans:
        hit = time_ie(tok_m)
        if hit is None and len(tok_m) > 2:
            # glued to the location: 客厅日内 / 日内客厅
            for k in (2, 3, 4):
                if k >= len(tok_m):
                    break
                tail, head = time_ie(tok_m[-k:]), time_ie(tok_m[:k])
                if tail and tail[0] and tail[1]:
                    hit, end = tail, end - k
                    break
                if head and head[0] and head[1]:
                    hit, start = head, start + k
                    break
            else:
                hit = None
            if hit is not None:
                location.append(rest[start:end])
        if hit is None:
            location.append(rest[start:end])
            continue
        found = True
        t, i = hit
        time = time or t
        if i:
            ie = i if ie is None or ie == i else "INT/EXT"
    return ie, time, (" ".join(location) or None), cast, found


def split_names(text: str) -> tuple[str, ...]:
    """The names of a cast list, each once, in order.

    >>> split_names("林晚、顾沉（男主）/ 王妈")
    ('林晚', '顾沉', '王妈')
    """
    names = []
    for raw in NAME_SPLIT.split(PARENS.sub(" ", text)):
        name = raw.strip("：:。.；;)）(（")
        if name and name != "等" and len(name) <= 12 and name not in names:
            names.append(name)
    return tuple(names)


@lru_cache(maxsize=4096)  # the same few tones (冷笑, OS) come back on every page
def ext_kind(part: str) -> T | None:
    """The voice a cue's bracketed part marks, or None.

    >>> ext_kind("OS").value, ext_kind("内心").value, ext_kind("冷笑")
    ('voice_over', 'inner_voice', None)
    """
    key = part.upper().replace(".", "").replace(" ", "").replace("·", "")
    if key in INNER_KEYS:
        return T.INNER_VOICE
    if key in VO_KEYS:
        return T.VOICE_OVER
    return None


def unquote(text: str) -> str:
    """A speech without one layer of quotes around the whole of it (layout, not speech).

    >>> unquote("“你好。”"), unquote("他说“好”。")
    ('你好。', '他说“好”。')
    """
    close = QUOTES.get(text[:1])
    if close and len(text) > 2 and text.endswith(close) and text.count(text[0]) == (2 if close == text[0] else 1):
        return text[1:-1].strip()
    return text


def has_content(episode: Episode) -> bool:
    """Whether ``episode`` holds anything (an element, a heading or a cast line).

    >>> from dramalens.model import Episode
    >>> has_content(Episode(1))
    False
    """
    return any(scene.elements or scene.heading is not None or scene.cast for scene in episode.scenes)
