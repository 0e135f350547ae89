"""Read quality: how well a parse read its file, in one number with its reasons.

:func:`assess` is the one place the score is computed. It starts at 1 and takes off a penalty
per reason; each penalty is a weight (below) times how much of the file the reason concerns:

============================  ======  =====================================================
reason (``code``)             weight  scaled by
============================  ======  =====================================================
``unplaced``                   1.0    share of non-blank lines in no element, no structure
                                      and no hold (text a parser lost)
``fallback``                   0.6    share of non-blank lines classified by fallback
``speech_as_action``           0.6    share of action paragraphs shaped like a speech
                                      (``名：…``, ``NAME: …``, a known speaker's name glued
                                      to its line) — dialogue the parser did not see
``no_line_breaks``             0.6    all or nothing: 2,000+ characters on under 5 lines
``long_lines``                 0.5    share of body characters on lines over the limit
                                      (300 characters of Chinese, 800 of other text)
``front_matter``               0.5    share of the lines held before the body beyond 30%
                                      (rescaled to [0, 1]: the body vanished into a title page)
``no_speaker``                 0.35   all or nothing: 20+ body lines and nobody speaks
``low_dialogue``               0.3    spoken share under 5% of the body (20+ body lines),
                                      linearly to 0 at 5%
============================  ======  =====================================================

The score is clamped to [0, 1]. The weights were set on real scripts (docs/read-quality.md):
a script under the default threshold of 0.5 (``Settings.read_quality_threshold``) was, in
the files measured, misread; one over 0.8 was read about as well as a person would.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

from ..model import SPOKEN_TYPES, Element, ElementType, HeldLine, QualityReason, ReadQuality, Scene, Script
from .fallbacks import fallback_params

__all__ = ["WEIGHTS", "assess"]

#: The weight of each reason's penalty (see the module docstring for what each is scaled by).
WEIGHTS: Mapping[str, float] = {
    "unplaced": 1.0,
    "fallback": 0.6,
    "speech_as_action": 0.6,
    "no_line_breaks": 0.6,
    "long_lines": 0.5,
    "front_matter": 0.5,
    "no_speaker": 0.35,
    "low_dialogue": 0.3,
}

_LONG_ZH = 300
_LONG_OTHER = 800
_FRONT_ALLOWED = 0.3
_LOW_DIALOGUE = 0.05
_MIN_BODY_LINES = 20
_MIN_ACTION = 10
_SPEECH_FULL = 0.3  # this share of action paragraphs shaped like speech costs the whole weight
_EXAMPLES = 10

# A speech line that ended up as action: `小弟1：`, `李元（痛呼）：`, `众人：走！`, `NAME: line`.
_ZH_SPEECH = re.compile(r"^\s*(?:[0-9]+[、.．]\s*)?([^\s：:，。！？（）()“”]{1,10}?)\s*(?:[（(][^）)]{0,16}[）)])?\s*[：:]\s*\S")
_EN_SPEECH = re.compile(r"^\s*([A-Z][A-Z0-9 .'\-]{0,30}?)\s*(?:\([^)]{0,20}\))?\s*:\s+\S")
# A cue glued to its speech: `STEEL Beer's ready!` (an upper-case name, then a capitalised line).
_EN_GLUED = re.compile(r"^\s*([A-Z][A-Z'.\-]+(?: [A-Z][A-Z'.\-]+)?)(?: ?\([^)]{0,20}\))? +[\"'A-Z¿¡][a-z']")
_EN_NOT_CUES = frozenset({"INT", "EXT", "INT.", "EXT.", "CUT TO", "FADE IN", "FADE OUT", "ANGLE ON", "CLOSE ON", "CLOSE UP", "POV", "THE END", "CONTINUED", "MORE", "INSERT", "SUPER", "TITLE", "BACK TO", "WE SEE", "ON"})
_EN_NOT_FIRST = frozenset({
    "A", "AN", "THE", "I", "OK", "NO", "YES", "OH", "SUPER", "TITLE", "CARD", "SIGN", "NOTE", "CLOSE", "ANGLE", "WIDE", "INSERT",
    "BACK", "CUT", "FADE", "DISSOLVE", "SMASH", "MATCH", "LATER", "MOMENTS", "CONTINUED", "SERIES", "MONTAGE", "END", "INTERCUT",
    "FLASHBACK", "POV", "INT", "EXT", "BLACK", "DARKNESS", "SILENCE", "MORE", "OMITTED", "THEN", "AND", "BUT",
})
_CAST_LABEL = re.compile(r"^\s*[^：:]{0,8}[：:]")
_NAME_SPLIT = re.compile(r"[\s、，,/；;。]+")
_ZH_MARKS = frozenset("△▲（(【[")
_ZH_LABELS = frozenset(
    "特写 场景 弹幕 字幕 画面 镜头 插入 提示 提示声 画外 音效 音乐 内容 备注 注 空镜 全景 近景 远景 中景 转场 背景 道具 时间 地点 "
    "人物 出场 字卡 屏幕 手机 短信 微信 信息 标题 片名 剧名 集名 简介 梗概 大纲 看点 卡点 钩子 台词 口播 歌词".split())
_BONEYARD = re.compile(r"/\*.*?(?:\*/|\Z)", re.DOTALL)
_EN_CUE_ALONE = re.compile(r"^\s*([A-Z][A-Z'.\-]+(?: [A-Z][A-Z'.\-]+){0,2})\s*(?:\([^)]{0,20}\))?\s*$")
_EN_SHOT_WORDS = frozenset(
    "ANGLE SHOT POV VIEW ON WITH CLOSE CLOSEUP WIDE INSERT BACK CU ECU MCU REVERSE OVER TRACKING AERIAL ESTABLISHING "
    "MONTAGE SERIES INTERCUT CONTINUED LATER DAY NIGHT MORNING EVENING ROOM HOUSE STREET CAR".split())
_ZH_SPEECH_VERBS = frozenset("说道问喊叫吼骂笑喃声答嚷斥叹语")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def assess(
    script: Script,
    *,
    fallback: Mapping[int, str] | None = None,
    read: set[int] | frozenset[int] = frozenset(),
    held: Mapping[int, str] | None = None,
) -> tuple[ReadQuality, tuple[HeldLine, ...]]:
    """The read quality of a parsed script, and every line held out of its body.

    ``fallback`` maps the start line of each element classified by fallback to why; ``read``
    holds lines read into the structure with no element of their own; ``held`` lines the
    parser kept out of the body on purpose. Lines before the body that nothing took are held
    as front matter here (returned with the parser's holds, in line order).

    >>> from dramalens.parsing import parse_text
    >>> s = parse_text("INT. HALL - DAY\\n\\nBOB\\nHi there.\\n")
    >>> q, held = assess(s)
    >>> q.score, q.lines, q.strong_lines, q.speakers
    (1.0, 3, 3, 1)
    """
    fallback = fallback or {}
    held_map = dict(held or {})
    lines = script.text.split("\n")
    n = len(lines)
    sizes = [len(ln.strip()) for ln in lines]
    blank = [not size for size in sizes]
    covered = [False] * (n + 2)
    fb_line: dict[int, str] = {}

    def cover(k: int) -> None:
        if 0 < k <= n:
            covered[k] = True

    cast_scenes: list[Scene] = []
    body_start = n + 1
    placed: list[Element] = []
    for episode in script.episodes:
        if 0 < episode.line <= n:
            covered[episode.line] = True
            body_start = min(body_start, episode.line)
        for scene in episode.scenes:
            if scene.line > 0:
                cover(scene.line)
                body_start = min(body_start, scene.line)
                if scene.cast:
                    cast_scenes.append(scene)
            placed.extend(scene.elements)
    starts = {e.line for e in placed}
    for e in placed:
        k = e.line
        if k <= 0 or k > n:
            continue
        if k < body_start:
            body_start = k
        why = fallback.get(k) if fallback else None
        # Most elements are one line with a blank line or another element after them.
        if "\n" not in e.text and (k == n or blank[k] or k + 1 in starts):
            covered[k] = True
            if why is not None:
                fb_line.setdefault(k, why)
            continue
        for j in _element_lines(k, e.text, lines, blank, starts, held_map):
            covered[j] = True
            if why is not None:
                fb_line.setdefault(j, why)
    for k in read:
        cover(k)
    _cover_cast(cast_scenes, lines, covered)
    if script.source_format == "fountain" and "/*" in script.text:
        for k in _boneyard_lines(script.text):
            if not covered[k]:
                held_map.setdefault(k, "boneyard")

    nonblank = [k for k in range(1, n + 1) if not blank[k - 1]]
    total = len(nonblank)
    front: list[int] = []
    unplaced: list[int] = []
    title_texts = _title_texts(script.title_page)
    for k in nonblank:
        if covered[k] or k in held_map:
            continue
        if title_texts and _squash(lines[k - 1]) in title_texts:
            held_map[k] = "title page"  # a title-page field the parser recorded wherever it stood
            continue
        if k < body_start:
            held_map[k] = "front matter"
            front.append(k)
        else:
            unplaced.append(k)
    front_total = sorted(k for k, why in held_map.items() if k < body_start and 0 < k <= n and not blank[k - 1])
    fallback_lines = sorted(k for k in fb_line if not blank[k - 1])
    classified = sum(1 for k in nonblank if covered[k])
    strong = classified - len(fallback_lines)

    reasons: list[QualityReason] = []
    def of_total(count: int) -> float:
        return count / total if total else 0.0

    if unplaced:
        reasons.append(_reason("unplaced", f"{len(unplaced)} non-blank lines landed in no element and were not held back", unplaced, of_total(len(unplaced)),
                               n=len(unplaced)))
    if fallback_lines:
        by_why = Counter(fb_line[k] for k in fallback_lines)
        for why, count in by_why.most_common():
            where = [k for k in fallback_lines if fb_line[k] == why]
            # The reason's field is its catalogue key when the table knows it, so a page says it in its language.
            reasons.append(_reason("fallback", f"{count} lines classified by fallback: {why}", where, of_total(count), n=count,
                                   **fallback_params(why)))

    body_chars, spoken_chars = 0, 0
    speakers: set[str] = set()
    action: list[Element] = []
    for e in placed:
        if e.type is ElementType.HEADING:
            continue
        size = len(e.text)
        body_chars += size
        if e.type in SPOKEN_TYPES:
            spoken_chars += size
            if e.character:
                speakers.add(e.character)
        elif e.type is ElementType.ACTION:
            action.append(e)
    dialogue_share = spoken_chars / body_chars if body_chars else 0.0
    body_lines = total - len(front_total)

    glued = _speech_as_action(action, script, lines)
    if glued:
        # Over at least ten paragraphs: two odd lines in a short script are not a pattern.
        share = len(glued) / max(len(action), _MIN_ACTION)
        reasons.append(_reason("speech_as_action", f"{len(glued)} of {len(action)} action paragraphs are shaped like a speech", glued, share / _SPEECH_FULL,
                               n=len(glued), of=len(action)))

    zh = script.language == "zh" or len(_HAN.findall(script.text[:4000])) > 400
    limit = _LONG_ZH if zh else _LONG_OTHER
    long_lines = [k for k in nonblank if sizes[k - 1] > limit]
    text_chars = sum(sizes)
    if total < 5 and text_chars >= 2000:
        reasons.append(_reason("no_line_breaks", f"{text_chars} characters on {total} lines: the line breaks are missing", nonblank, 1.0,
                               chars=text_chars, rows=total))
    elif long_lines:
        long_chars = sum(sizes[k - 1] for k in long_lines)
        reasons.append(_reason("long_lines", f"{len(long_lines)} lines over {limit} characters hold {long_chars} characters", long_lines, long_chars / text_chars,
                               n=len(long_lines), limit=limit, chars=long_chars))

    if total and len(front_total) / total > _FRONT_ALLOWED:
        over = (len(front_total) / total - _FRONT_ALLOWED) / (1 - _FRONT_ALLOWED)
        reasons.append(_reason("front_matter", f"{len(front_total)} of {total} lines held back as front matter before the body", front_total, over,
                               n=len(front_total), of=total))
    if body_lines >= _MIN_BODY_LINES and not speakers:
        reasons.append(_reason("no_speaker", f"nobody speaks in {body_lines} body lines", [], 1.0, n=body_lines))
    elif body_lines >= _MIN_BODY_LINES and dialogue_share < _LOW_DIALOGUE:
        reasons.append(_reason("low_dialogue", f"only {dialogue_share:.1%} of the body is speech", [], 1 - dialogue_share / _LOW_DIALOGUE,
                               share=dialogue_share))

    reasons.sort(key=lambda r: -r.penalty)
    score = max(0.0, min(1.0, 1.0 - sum(r.penalty for r in reasons)))
    quality = ReadQuality(
        score=round(score, 4),
        reasons=tuple(reasons),
        lines=total,
        strong_lines=strong,
        fallback_lines=len(fallback_lines),
        held_lines=sum(1 for k in held_map if 0 < k <= n and not blank[k - 1]),
        front_matter_lines=len(front_total),
        unplaced_lines=len(unplaced),
        long_lines=len(long_lines),
        speakers=len(speakers),
        dialogue_share=round(dialogue_share, 4),
    )
    return quality, tuple(HeldLine(k, why) for k, why in sorted(held_map.items()))


def _reason(code: str, message: str, lines: list[int], severity: float, **params: str | int | float) -> QualityReason:
    # ``params`` are the fields of ``message``, so a page can say it again in its reader's language.
    severity = max(0.0, min(1.0, severity))
    return QualityReason(code, message, len(lines), tuple(lines[:_EXAMPLES]), round(WEIGHTS[code] * severity, 4),
                         tuple(params.items()))


def _element_lines(
    start: int, text: str, lines: list[str], blank: list[bool], starts: set[int], held: Mapping[int, str]
) -> list[int]:
    """The source lines an element starting at ``start`` took: one per line of its text,
    stepping over blank source lines a parser joined across, then the following lines whose
    text the element holds (an export's wrapped lines, joined with spaces)."""
    n = len(lines)
    if start > n:
        return []
    out = [start]
    k = start
    if "\n" in text:
        for part in text.split("\n")[1:]:
            k += 1
            piece = part.strip()
            if piece:
                # Step over blank lines and lines a parser took out (a [[note]]): the next
                # line within a few that holds this part of the text.
                j = k
                while j <= n and j < k + 4 and (blank[j - 1] or piece not in lines[j - 1]):
                    j += 1
                if j <= n and j < k + 4:
                    k = j
                else:
                    while k <= n and blank[k - 1]:
                        k += 1
            if k > n:
                break
            out.append(k)
    if k < n and not blank[k] and k + 1 not in starts:
        flat = " ".join(text.split())
        while k < n and not blank[k] and k + 1 not in starts:
            if k + 1 in held:  # page furniture the reader took out from between wrapped lines
                k += 1
                continue
            piece = " ".join(lines[k].split())
            if piece not in flat:
                break
            k += 1
            out.append(k)
    return out


def _squash(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace() and ch not in ":：")


def _title_texts(pairs: list[tuple[str, str]]) -> set[str]:
    out: set[str] = set()
    for key, value in pairs:
        parts = [p for p in value.split("\n") if p.strip()]
        out.update(_squash(p) for p in parts)
        if parts:
            out.add(_squash(key + parts[0]))
        out.add(_squash(key))
    out.discard("")
    return out


def _cover_cast(scenes: list[Scene], lines: list[str], covered: list[bool]) -> None:
    # A cast line (人物：A、B) makes no element: it is an uncovered line in its scene whose names,
    # after a label and a colon, are all in the scene's cast.
    n = len(lines)
    for index, scene in enumerate(scenes):
        cast = set(scene.cast)
        end = scenes[index + 1].line if index + 1 < len(scenes) else n + 1
        for k in range(scene.line + 1, min(end, n + 1)):
            if covered[k]:
                continue
            text = lines[k - 1]
            names = [x for x in _NAME_SPLIT.split(_CAST_LABEL.sub("", text, count=1)) if x]
            if names and all(x in cast for x in names):
                covered[k] = True


def _boneyard_lines(text: str) -> list[int]:
    """Lines that hold part of a Fountain /* boneyard */ (the spec's comments, left out of the
    script on purpose); an unclosed one runs to the end."""
    out: list[int] = []
    line, pos = 1, 0
    for m in _BONEYARD.finditer(text):
        line += text.count("\n", pos, m.start())
        inner = text.count("\n", m.start(), m.end())
        out.extend(range(line, line + inner + 1))
        line, pos = line + inner, m.end()
    return out


def _speech_as_action(action: list[Element], script: Script, lines: list[str]) -> list[int]:
    known = set(script.characters)
    out: list[int] = []
    alone: dict[str, list[int]] = {}
    for e in action:
        first = e.text.split("\n", 1)[0]
        line = e.line
        colon = ":" in first or "：" in first
        if not colon and not first.lstrip()[:2].isupper():
            continue  # neither a 名：/NAME: line nor an upper-case name glued to its speech
        m = _ZH_SPEECH.match(first) if colon else None
        if m is not None and _HAN.search(first):
            name = m.group(1)
            # A line the writer marked as action (△), a bracketed direction or a screen label
            # (特写：, 弹幕：, 场景：) is action as written, whatever its colon.
            marked = 0 < line <= len(lines) and lines[line - 1].lstrip(" \t\u3000")[:1] in _ZH_MARKS
            if marked or name in _ZH_LABELS or name.isdigit() or name[:2] in _ZH_LABELS:
                continue
            if name in known or len(name) <= 4 or re.search(r"[0-9/、，,]", name) or _zh_speech_after_action(first, known):
                out.append(line)
            continue
        if colon and _HAN.match(first) and lines[line - 1].lstrip(" \t\u3000")[:1] not in _ZH_MARKS \
                and _zh_speech_after_action(first, known):
            out.append(line)
            continue
        m = (_EN_SPEECH.match(first) if colon else None) or _EN_GLUED.match(first)
        if m is not None and any(c.islower() for c in first):
            name = m.group(1).strip()
            if name not in _EN_NOT_CUES and name.split(" ", 1)[0] not in _EN_NOT_FIRST:
                out.append(line)
            continue
        # A cue alone (an export's indented CHLOE read as action), or a cue over its speech.
        m = _EN_CUE_ALONE.match(first)
        if m is not None and (e.text == first or any(c.islower() for c in e.text[len(first):len(first) + 80])):
            name = m.group(1).strip()
            words = name.split()
            if name not in _EN_NOT_CUES and words[0].rstrip(".:") not in _EN_NOT_FIRST and not _EN_SHOT_WORDS.intersection(words):
                alone.setdefault(name, []).append(line)
    # A speaker talks again and again; a shot label or a place read as a name comes once or twice.
    out.extend(k for at in alone.values() if len(at) >= 3 for k in at)
    return sorted(out)


def _zh_speech_after_action(first: str, known: set[str]) -> bool:
    """``林小龙冷声：离我远点`` or ``黄春花握住他的手，呢喃：小龙``: a known speaker, a few words of
    tone or action, then a colon and a speech (what the parser left as action)."""
    cut = min((i for i in (first.find("："), first.find(":")) if i > 0), default=-1)
    if cut < 0 or cut > 40 or cut + 1 >= len(first):
        return False
    head = first[:cut]
    name = next((k for k in known if head.startswith(k)), None)
    if name is None:
        return False
    rest = head[len(name):]
    return (len(rest) <= 6 and not any(ch in "，。,、" for ch in rest)) or head[-1] in _ZH_SPEECH_VERBS
