"""Plot skeletons: the sequence of story functions a script runs through, names left out.

A skeleton is what stays when a story is retold with new names, places and sentences: *they
meet, she is humiliated, he betrays her, her identity is revealed, she takes revenge*. Each
scene (or, for plain text, each sentence) is scanned with one precompiled regex of cue words
per language; the story functions it shows (at most two a scene, in reading order) are
appended, and runs of the same function are collapsed. Characters are mapped to roles
(protagonist, love interest, antagonist, ally, minor) from their speaking share and from the
scenes they share, so no name ever enters a skeleton.

Two skeletons are compared by a global alignment (longest common subsequence, normalised to
``2·LCS / (len a + len b)``): symmetric, 1.0 for identical sequences, 0.0 when nothing aligns.
:func:`skeleton_shingles` gives k-function shingles for MinHash/LSH at catalog scale.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import ConfigError
from ..model import Script
from ..text import to_simplified
from ..text.sentences import SENTENCE_BREAK, sentence_unit_ends
from .tropes import cue_alternation, cue_matches

__all__ = [
    "FUNCTIONS",
    "FUNCTION_CUES",
    "RoleShare",
    "Skeleton",
    "SkeletonMatch",
    "SkeletonStep",
    "character_roles",
    "extract_skeleton",
    "functions_in",
    "skeleton_from_text",
    "skeleton_shingles",
    "skeleton_similarity",
]

# Cue words per story function: simplified Chinese (text is converted with OpenCC first) and
# English (matched case-insensitively on word boundaries). The synthetic corpus generator
# writes its scenes with these same functions, so the lists are the one place to extend.
FUNCTION_CUES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "meet": (
        ("初遇", "相遇", "偶遇", "邂逅", "撞见了", "第一次见", "一见钟情", "撞进了怀里"),
        ("first met", "first meet", "meet for the first time", "bumps into", "bumped into", "crosses paths",
         "crossed paths", "love at first sight", "meet-cute"),
    ),
    "contract": (
        ("契约", "协议结婚", "签下协议", "结婚协议", "领证", "闪婚", "假结婚"),
        ("contract marriage", "marriage contract", "prenup", "signs the contract", "signed the contract",
         "fake marriage", "marriage deal", "sham marriage"),
    ),
    "humiliation": (
        ("羞辱", "嘲笑", "看不起", "当众", "下跪", "废物", "窝囊", "扇了一耳光", "一巴掌", "瞧不起", "丢人现眼"),
        ("humiliate", "humiliated", "humiliates", "humiliation", "mocks", "mocked", "sneers", "sneered",
         "laughs at", "laughed at", "worthless", "loser", "on your knees", "slaps her", "slaps him"),
    ),
    "betrayal": (
        ("背叛", "出卖", "陷害", "算计", "出轨", "栽赃", "设计害", "联手骗"),
        ("betray", "betrayed", "betrays", "betrayal", "framed", "frames", "cheated on", "cheating on",
         "stabbed in the back", "set me up", "set her up", "set him up"),
    ),
    "misunderstanding": (
        ("误会", "误以为", "错怪", "不听解释", "听我解释"),
        ("misunderstanding", "misunderstood", "wrong idea", "let me explain", "it's not what it looks like",
         "won't listen"),
    ),
    "jealousy": (
        ("吃醋", "嫉妒", "眼红", "醋意"),
        ("jealous", "jealousy", "envious", "envy"),
    ),
    "rescue": (
        ("救下", "救了", "相救", "英雄救美", "挡在身前", "冲进火场", "救命", "及时赶到"),
        ("rescue", "rescues", "rescued", "saves her", "saves him", "saved her", "saved my life",
         "shields her", "shields him", "arrives just in time"),
    ),
    "reveal": (
        ("真实身份", "身份曝光", "揭穿", "真相", "亲子鉴定", "曝光", "马甲掉了", "原来你就是"),
        ("true identity", "real identity", "the truth", "reveals", "revealed", "unmasked", "dna test",
         "exposed", "so you are the"),
    ),
    "reversal": (
        ("打脸", "反转", "逆转", "傻眼", "震惊全场", "跪地求饶", "后悔莫及", "脸色大变"),
        ("turns the tables", "tables turn", "stunned silence", "jaws drop", "begs for mercy",
         "regret it", "goes pale", "went pale"),
    ),
    "revenge": (
        ("报仇", "复仇", "讨回", "以牙还牙", "付出代价", "报复", "血债血偿"),
        ("revenge", "avenge", "avenged", "pay for this", "pay for what", "get even", "payback"),
    ),
    "confession": (
        ("表白", "告白", "我喜欢你", "我爱你", "心意", "动心"),
        ("confess", "confesses", "confession", "i love you", "in love with", "feelings for"),
    ),
    "wedding": (
        ("婚礼", "求婚", "嫁给我", "新娘", "戒指戴上"),
        ("wedding", "proposes", "proposal", "marry me", "the bride", "walks down the aisle"),
    ),
    "pregnancy": (
        ("怀孕", "怀了", "孩子是你的", "B超", "孕检", "有了身孕", "孕吐"),
        ("pregnant", "pregnancy", "the baby is yours", "ultrasound", "expecting a baby", "morning sickness"),
    ),
    "separation": (
        ("离婚", "分手", "一刀两断", "诀别", "远走他乡", "永远离开", "离婚协议"),
        ("divorce", "divorced", "divorce papers", "break up", "breaks up", "broke up", "leaves town",
         "walks away forever", "goodbye forever"),
    ),
    "pursuit": (
        ("追回", "求原谅", "跪求", "再给我一次机会", "追妻", "挽回"),
        ("win her back", "win him back", "one more chance", "begs her to come back", "begs him to come back",
         "chases after her"),
    ),
    "reconciliation": (
        ("和好", "原谅你", "重归于好", "冰释前嫌", "破镜重圆"),
        ("forgive you", "forgives", "forgave", "reconcile", "reconciled", "back together", "make up"),
    ),
    "death": (
        ("去世", "身亡", "葬礼", "断气", "牺牲", "遗言", "咽气"),
        ("dies", "died", "death", "funeral", "killed", "last breath", "passed away"),
    ),
    "rebirth": (
        ("重生", "重活一世", "回到了十年前", "回到了三年前", "再活一次", "前世"),
        ("reborn", "rebirth", "second life", "years earlier", "past life", "second chance at life"),
    ),
    "transmigration": (
        ("穿越", "穿进", "魂穿", "穿书", "异世"),
        ("transported", "time travel", "another world", "wakes up in the body", "woke up in the body"),
    ),
    "kidnapping": (
        ("绑架", "绑走", "劫持", "人质", "掳走"),
        ("kidnap", "kidnapped", "kidnaps", "hostage", "abducted", "abducts"),
    ),
    "injury": (
        ("受伤", "昏迷", "病危", "住院", "晕倒", "吐血"),
        ("injured", "coma", "hospitalized", "critical condition", "collapses", "collapsed"),
    ),
    "contest": (
        ("比赛", "比试", "考核", "选拔", "竞标", "擂台"),
        ("competition", "contest", "bidding war", "tournament", "audition"),
    ),
    "triumph": (
        ("登顶", "加冕", "继承家业", "上市敲钟", "夺回公司", "荣归"),
        ("crowned", "takes over the company", "took over the company", "inherits", "ceo seat", "triumph"),
    ),
}

#: The story functions, in a fixed order (the order of :data:`FUNCTION_CUES`).
FUNCTIONS: tuple[str, ...] = tuple(FUNCTION_CUES)

# Functions that tie two characters romantically or in conflict: used to find who plays
# love interest and antagonist.
# Weighted: a confession or a wedding ties two people more surely than a first meeting.
_ROMANCE = {"confession": 2.0, "wedding": 2.0, "pregnancy": 2.0, "pursuit": 2.0, "reconciliation": 1.0,
            "contract": 1.0, "meet": 1.0, "jealousy": 0.5}
_CONFLICT = frozenset({"humiliation", "betrayal", "revenge", "reversal", "kidnapping", "contest"})
_MAX_PER_UNIT = 2
# A scene with content: (episode number, scene index, its text, the characters present).
_Unit = tuple[int, int, str, list[str]]
# A function found in a scene: (function, episode number, scene index, the characters present).
_Raw = tuple[str, int, int, frozenset[str]]


def _compile(language: str) -> tuple[re.Pattern[str], dict[str, str]]:
    index = 0 if language == "zh" else 1
    cue_to_function: dict[str, str] = {}
    for function, cues in FUNCTION_CUES.items():
        for cue in cues[index]:
            cue_to_function.setdefault(cue.lower(), function)
    body = cue_alternation(cue_to_function)  # longest first: 离婚协议 before 离婚
    if language == "zh":
        return re.compile(body, re.IGNORECASE), cue_to_function
    return re.compile(rf"(?<![a-z])(?:{body})(?![a-z])", re.IGNORECASE), cue_to_function


_PATTERNS = {lang: _compile(lang) for lang in ("zh", "en")}


@dataclass(frozen=True, slots=True)
class SkeletonStep:
    """One story function where it happens (episode and scene, 1-based) and the roles present."""

    function: str
    episode: int
    scene: int
    roles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RoleShare:
    """A role, its share of the spoken lines (0..1) and the number of scenes it appears in."""

    role: str
    share: float
    scenes: int


@dataclass(frozen=True, slots=True)
class Skeleton:
    """A plot skeleton: ``functions`` in story order, ``steps`` with where each happens, ``roles``.

    >>> skeleton_from_text("They first met in the rain. He betrayed her. She took revenge.", "en").functions
    ('meet', 'betrayal', 'revenge')
    """

    functions: tuple[str, ...]
    steps: tuple[SkeletonStep, ...] = ()
    roles: tuple[RoleShare, ...] = ()
    language: str = "zh"

    def __len__(self) -> int:
        return len(self.functions)


@dataclass(frozen=True, slots=True)
class SkeletonMatch:
    """How two skeletons align: ``score`` in 0..1 and the matched (i, j, function) triples."""

    score: float
    alignment: tuple[tuple[int, int, str], ...]
    length_a: int
    length_b: int


def _check_language(language: str) -> None:
    if language not in ("zh", "en"):
        raise ConfigError(f"unknown language {language!r}; allowed: zh, en")


def _normalise(text: str, language: str) -> str:
    if language == "zh":
        return to_simplified(text)
    return text


def _unit_functions(text: str, language: str) -> list[str]:
    """The story functions one scene or sentence shows: the most frequent two, in reading order."""
    pattern, cue_to_function = _PATTERNS[language]
    first: dict[str, int] = {}
    counts: Counter[str] = Counter()
    for m in pattern.finditer(text):
        function = cue_to_function[m.group(0).lower()]
        counts[function] += 1
        first.setdefault(function, m.start())
    if not counts:
        return []
    if len(counts) > _MAX_PER_UNIT:
        keep = sorted(counts, key=lambda f: (-counts[f], first[f]))[:_MAX_PER_UNIT]
    else:
        keep = list(counts)
    return sorted(keep, key=first.__getitem__)


def _collapse(steps: list[SkeletonStep]) -> list[SkeletonStep]:
    out: list[SkeletonStep] = []
    for step in steps:
        if out and out[-1].function == step.function:
            continue  # the same function told over two scenes is one step of the story
        out.append(step)
    return out


_SPLIT = SENTENCE_BREAK  # one sentence rule with the rest of dramalens (text/sentences.py)
# A cue match never crosses a unit boundary when no cue holds sentence punctuation, a period
# or a newline, or starts with whitespace (the only other separator is whitespace after a period).
_UNIT_SAFE = {
    lang: not any(any(ch in "。！？!?；;.\n" for ch in cue) or cue[:1].isspace() for cue in _PATTERNS[lang][1])
    for lang in ("zh", "en")
}


def _functions_by_unit(text: str, language: str) -> list[tuple[int, list[str]]]:
    """(1-based index among the non-blank sentence units, its :func:`_unit_functions`) for every
    unit that shows a function; the units are ``_SPLIT.split(text)`` without blank pieces.

    One scan of the whole text finds the cues, and only units holding a match are looked at:
    the same as scanning unit by unit, because no cue crosses a unit boundary (``_UNIT_SAFE``)
    and what borders a unit inside the text (punctuation, whitespace) is no letter, as the
    start and end of a lone unit string are not, for the English cue lookarounds.

    >>> _functions_by_unit("两人初遇。\\n\\n她被当众羞辱。", "zh")
    [(1, ['meet']), (2, ['humiliation'])]
    """
    pattern, cue_to_function = _PATTERNS[language]
    if not _UNIT_SAFE[language]:  # pragma: no cover - a cue vocabulary with punctuation in it
        units = (u for u in _SPLIT.split(text) if u and u.strip())
        return [(i, f) for i, u in enumerate(units, start=1) if (f := _unit_functions(u, language))]
    hits = [(m.start(), m.group(0)) for m in cue_matches(pattern, text)]
    if not hits:
        return []
    # A hit belongs to the first non-blank unit ending after it (what consuming the hits unit
    # by unit, in order, did); hits past the last one are in no unit.
    ends = sentence_unit_ends(text)
    units = np.searchsorted(ends, np.fromiter((pos for pos, _cue in hits), dtype=np.int64, count=len(hits)), side="right").tolist()
    out: list[tuple[int, list[str]]] = []
    current = -1
    first: dict[str, int] = {}
    counts: dict[str, int] = {}
    for (pos, cue), unit in zip(hits, units):
        if unit >= ends.size:
            break
        if unit != current:
            if counts:
                out.append((current + 1, _top_functions(counts, first)))
            current, first, counts = unit, {}, {}
        function = cue_to_function[cue.lower()]
        if function in counts:
            counts[function] += 1
        else:
            counts[function] = 1
            first[function] = pos
    if counts:
        out.append((current + 1, _top_functions(counts, first)))
    return out


def _top_functions(counts: dict[str, int], first: dict[str, int]) -> list[str]:
    """The most frequent :data:`_MAX_PER_UNIT` functions of a unit, in reading order."""
    if len(counts) > _MAX_PER_UNIT:
        keep = sorted(counts, key=lambda f: (-counts[f], first[f]))[:_MAX_PER_UNIT]
    else:
        keep = list(counts)
    return sorted(keep, key=first.__getitem__)


def skeleton_from_text(text: str, language: str) -> Skeleton:
    """The skeleton of plain text (a synopsis, an outline): each sentence is one unit.

    >>> skeleton_from_text("两人初遇。她被当众羞辱。她揭穿了他的真实身份，开始复仇。", "zh").functions
    ('meet', 'humiliation', 'reveal', 'revenge')
    """
    _check_language(language)
    text = _normalise(text, language)
    steps: list[SkeletonStep] = []
    for index, functions in _functions_by_unit(text, language):
        for function in functions:
            steps.append(SkeletonStep(function, 1, index))
    steps = _collapse(steps)
    return Skeleton(tuple(s.function for s in steps), tuple(steps), (), language)


def _scan(script: Script) -> tuple[str, list[_Unit], Counter[str], list[_Raw]]:
    """(language, scene units, spoken lines per character, raw function steps) of a script."""
    language = script.language if script.language in ("zh", "en") else "en"
    # (episode number, scene index, text, characters present) for every scene with content.
    units: list[tuple[int, int, str, list[str]]] = []
    lines: Counter[str] = Counter()
    for episode in script.episodes:
        for s_index, scene in enumerate(episode.scenes, start=1):
            parts: list[str] = []
            present: list[str] = [script.canonical(n) for n in scene.cast]
            for element in scene.elements:
                etype = element.type.value
                if etype in ("heading", "section", "note", "page_break", "transition"):
                    continue
                parts.append(element.text)
                if element.character and etype in ("dialogue", "voice_over", "inner_voice", "lyrics"):
                    name = script.canonical(element.character)
                    lines[name] += 1
                    present.append(name)
            if parts:
                units.append((episode.number, s_index, _normalise("\n".join(parts), language), present))
    raw: list[tuple[str, int, int, frozenset[str]]] = []
    for ep, sc, text, present in units:
        people = frozenset(present)
        for function in _unit_functions(text, language):
            raw.append((function, ep, sc, people))
    return language, units, lines, raw


def character_roles(script: Script) -> dict[str, str]:
    """Each speaking character's role (protagonist, love_interest, antagonist, ally, minor).

    The skeleton itself never holds names; this is the mapping it was built with, for
    reports that want to say who plays which part.

    >>> from dramalens.model import Element, ElementType, Episode, Scene, Script
    >>> scene = Scene(elements=[Element(ElementType.DIALOGUE, "废物！", character="王浩"),
    ...     Element(ElementType.DIALOGUE, "你会付出代价。", character="林晚"),
    ...     Element(ElementType.DIALOGUE, "我不会再忍。", character="林晚")])
    >>> character_roles(Script(language="zh", episodes=[Episode(1, scenes=[scene])]))
    {'林晚': 'protagonist', '王浩': 'antagonist'}
    """
    _, units, lines, raw = _scan(script)
    return _assign_roles(lines, units, raw)


def extract_skeleton(script: Script) -> Skeleton:
    """The skeleton of a parsed :class:`~dramalens.model.Script`, scene by scene, with roles.

    >>> from dramalens.model import Element, ElementType, Episode, Scene, Script
    >>> scene = Scene(heading="1-1 日 内 客厅", elements=[
    ...     Element(ElementType.DIALOGUE, "你这个废物，也配来这里？", character="王浩"),
    ...     Element(ElementType.DIALOGUE, "今天你羞辱我，明天我让你付出代价。", character="林晚")])
    >>> s = extract_skeleton(Script(language="zh", episodes=[Episode(1, scenes=[scene])]))
    >>> s.functions, sorted(r.role for r in s.roles)
    (('humiliation', 'revenge'), ['antagonist', 'protagonist'])
    """
    language, units, lines, raw = _scan(script)
    role_of = _assign_roles(lines, units, raw)
    steps = [
        SkeletonStep(f, ep, sc, tuple(sorted({role_of[p] for p in people if p in role_of}, key=_ROLE_ORDER.index)))
        for f, ep, sc, people in raw
    ]
    steps = _collapse(steps)
    total = sum(lines.values()) or 1
    scenes_of: Counter[str] = Counter()
    for _, _, _, present in units:
        for name in set(present):
            scenes_of[name] += 1
    by_role: dict[str, list[str]] = {}
    for name, role in role_of.items():
        by_role.setdefault(role, []).append(name)
    roles = tuple(
        RoleShare(role, round(sum(lines[n] for n in names) / total, 4), max(scenes_of[n] for n in names))
        for role, names in sorted(by_role.items(), key=lambda kv: _ROLE_ORDER.index(kv[0]))
    )
    return Skeleton(tuple(s.function for s in steps), tuple(steps), roles, language)


_ROLE_ORDER = ["protagonist", "love_interest", "antagonist", "ally", "minor"]


def _assign_roles(lines: Counter[str], units: list[_Unit], raw: list[_Raw]) -> dict[str, str]:
    """Protagonist = most lines; love interest = most romance scenes shared with the
    protagonist; antagonist = most conflict scenes among the rest; two next speakers are
    allies, everyone else minor."""
    if not lines:
        return {}
    ranked = sorted(lines, key=lambda n: (-lines[n], n))
    protagonist = ranked[0]
    roles = {protagonist: "protagonist"}
    romance: dict[str, float] = {}
    conflict: Counter[str] = Counter()
    together: Counter[str] = Counter()
    for function, _, _, people in raw:
        if protagonist not in people:
            continue
        for p in people:
            if p == protagonist:
                continue
            if function in _ROMANCE:
                romance[p] = romance.get(p, 0.0) + _ROMANCE[function]
            if function in _CONFLICT:
                conflict[p] += 1
    for _, _, _, present in units:
        if protagonist in present:
            for p in set(present):
                if p != protagonist:
                    together[p] += 1
    others = [n for n in ranked[1:]]
    if others:
        lover = max(others, key=lambda n: (romance.get(n, 0.0), together[n], -ranked.index(n)))
        if romance.get(lover, 0.0) and romance[lover] >= conflict[lover]:
            roles[lover] = "love_interest"
    rest = [n for n in others if n not in roles]
    if rest:
        enemy = max(rest, key=lambda n: (conflict[n], -ranked.index(n)))
        if conflict[enemy]:
            roles[enemy] = "antagonist"
    allies = 0
    for name in others:
        if name in roles:
            continue
        if allies < 2:
            roles[name] = "ally"
            allies += 1
        else:
            roles[name] = "minor"
    return roles


def _functions_of(s: Skeleton | Sequence[str]) -> tuple[str, ...]:
    return s.functions if isinstance(s, Skeleton) else tuple(s)


def skeleton_similarity(a: Skeleton | Sequence[str], b: Skeleton | Sequence[str], *, alignment: bool = True) -> SkeletonMatch:
    """Global alignment (LCS) of two skeletons: ``2·LCS / (len a + len b)``.

    Symmetric; 1.0 for identical sequences (two empty skeletons included); 0.0 when one is
    empty and the other is not. With ``alignment=False`` only the score is computed, with a
    bit-parallel LCS that is fast enough for many candidate pairs.

    >>> skeleton_similarity(["meet", "betrayal", "revenge"], ["meet", "rescue", "revenge"]).score
    0.6667
    """
    fa, fb = _functions_of(a), _functions_of(b)
    if not fa and not fb:
        return SkeletonMatch(1.0, (), 0, 0)
    if not fa or not fb:
        return SkeletonMatch(0.0, (), len(fa), len(fb))
    if not alignment:
        common = _lcs_length(fa, fb)
        return SkeletonMatch(round(2 * common / (len(fa) + len(fb)), 4), (), len(fa), len(fb))
    pairs = _lcs_alignment(fa, fb)
    return SkeletonMatch(round(2 * len(pairs) / (len(fa) + len(fb)), 4), tuple(pairs), len(fa), len(fb))


def _lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    # Bit-parallel LCS (Allison & Dix): one big-integer step per symbol of b.
    if len(a) < len(b):
        a, b = b, a
    masks: dict[str, int] = {}
    for i, x in enumerate(a):
        masks[x] = masks.get(x, 0) | (1 << i)
    full = (1 << len(a)) - 1
    v = full
    for y in b:
        u = v & masks.get(y, 0)
        v = ((v + u) | (v - u)) & full
    return len(a) - bin(v).count("1")


def _lcs_alignment(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int, str]]:
    n, m = len(a), len(b)
    table = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        row, below = table[i], table[i + 1]
        x = a[i]
        for j in range(m - 1, -1, -1):
            if x == b[j]:
                row[j] = below[j + 1] + 1
            else:
                r, d = row[j + 1], below[j]
                row[j] = r if r > d else d
    pairs: list[tuple[int, int, str]] = []
    i = j = 0
    while i < n and j < m:
        if a[i] == b[j]:
            pairs.append((i, j, a[i]))
            i += 1
            j += 1
        elif table[i + 1][j] >= table[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


def skeleton_shingles(s: Skeleton | Sequence[str], k: int = 3) -> set[str]:
    """The set of k consecutive functions joined by ``>``, for MinHash/LSH over skeletons.

    A skeleton shorter than ``k`` gives one shingle of all its functions (none when empty).

    >>> sorted(skeleton_shingles(["meet", "betrayal", "revenge", "wedding"], k=3))
    ['betrayal>revenge>wedding', 'meet>betrayal>revenge']
    """
    if k < 1:
        raise ConfigError(f"k must be at least 1, got {k}")
    f = _functions_of(s)
    if not f:
        return set()
    if len(f) < k:
        return {">".join(f)}
    return {">".join(f[i : i + k]) for i in range(len(f) - k + 1)}


def functions_in(text: str, language: str) -> list[str]:
    """The story functions a piece of text shows (used by the generator's self-checks).

    >>> functions_in("她被当众羞辱。", "zh")
    ['humiliation']
    """
    _check_language(language)
    return _unit_functions(_normalise(text, language), language)

