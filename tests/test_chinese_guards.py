"""The Chinese parser's cheap pre-tests never turn away a line the full rule would take.

The parser tries a line against a regex only when the line's first (or last) character is one
the regex's match can begin (or end) with, looks for a colon before the speaker patterns, and
so on. Each guard here is checked against the regex itself: the characters a pattern can start
or end with are read off its parsed form (``re._parser``, the tree ``re`` compiles), so a
pattern edited without its guard fails this file rather than silently losing lines. Where a
rule was rewritten for speed (the known-name lookups), the old loop is kept here as the
reference and both are compared on generated input.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Collection
from functools import cache
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as P  # type: ignore[attr-defined]

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dramalens.model import ElementType as T
from dramalens.parsing.chinese import layout, lexicon, patterns, stage
from dramalens.parsing.chinese.parser import _CUE_LAST, _Parser
from dramalens.parsing.chinese.speakers import action_speaker
from dramalens.parsing.chinese.structure import FRAME_FIRST, NOT_BARE

ANY = None  # "any character": the analysis could not bound the set


@cache
def _space() -> frozenset[str]:
    return frozenset(chr(i) for i in range(sys.maxunicode + 1) if re.match(r"\s", chr(i)))


@cache
def _digit() -> frozenset[str]:
    return frozenset(chr(i) for i in range(sys.maxunicode + 1) if re.match(r"\d", chr(i)))


@cache
def _cased() -> tuple[str, ...]:
    return tuple(c for c in map(chr, range(sys.maxunicode + 1)) if c.lower() != c or c.upper() != c or c.casefold() != c)


def _fold(chars: set[str]) -> set[str]:
    """``chars`` with every character that matches one of them when case is ignored."""
    out = set(chars)
    for ch in chars:
        pattern = re.compile(re.escape(ch), re.I)
        out.update(c for c in _cased() if pattern.fullmatch(c))
    return out


def _union(a: set[str] | None, b: set[str] | None) -> set[str] | None:
    return ANY if a is ANY or b is ANY else a | b


def _category(code: object) -> set[str] | None:
    if code in (C.CATEGORY_SPACE, C.CATEGORY_UNI_SPACE):
        return set(_space())
    if code in (C.CATEGORY_DIGIT, C.CATEGORY_UNI_DIGIT):
        return set(_digit())
    return ANY


def _item(op: object, av: object, icase: bool, reverse: bool) -> tuple[set[str] | None, bool]:
    """(the characters the item's match can begin with, or end with when ``reverse``; whether
    it can match nothing)."""
    if op is C.LITERAL:
        chars = {chr(av)}  # type: ignore[arg-type]
        return (_fold(chars) if icase else chars), False
    if op in (C.AT, C.ASSERT, C.ASSERT_NOT):  # zero width: a lookaround only narrows, so skip it
        return set(), True
    if op is C.IN:
        chars: set[str] = set()
        for o, a in av:  # type: ignore[attr-defined]
            if o is C.LITERAL:
                chars.add(chr(a))
            elif o is C.RANGE:
                chars.update(chr(x) for x in range(a[0], a[1] + 1))
            elif o is C.CATEGORY and _category(a) is not ANY:
                chars |= _category(a)  # type: ignore[operator]
            else:  # a negated class, \w …
                return ANY, False
        return (_fold(chars) if icase else chars), False
    if op is C.CATEGORY:
        return _category(av), False
    if op is C.BRANCH:
        out: set[str] | None = set()
        empty = False
        for alternative in av[1]:  # type: ignore[index]
            chars_, e = _sequence(alternative, icase, reverse)
            out, empty = _union(out, chars_), empty or e
        return out, empty
    if op is C.SUBPATTERN:
        _, add, drop, body = av  # type: ignore[misc]
        return _sequence(body, (icase or bool(add & C.SRE_FLAG_IGNORECASE)) and not drop & C.SRE_FLAG_IGNORECASE, reverse)
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        low, _, body = av  # type: ignore[misc]
        chars_, e = _sequence(body, icase, reverse)
        return chars_, e or low == 0
    return ANY, True  # anything else (back references, any character): unbounded


def _sequence(seq: object, icase: bool, reverse: bool = False) -> tuple[set[str] | None, bool]:
    items = list(seq)  # type: ignore[call-overload]
    out: set[str] | None = set()
    for op, av in reversed(items) if reverse else items:
        chars, empty = _item(op, av, icase, reverse)
        out = _union(out, chars)
        if out is ANY or not empty:
            return out, False
    return out, True


def first_chars(pattern: re.Pattern[str]) -> set[str] | None:
    """Every character a ``pattern.match`` can begin with (None: any)."""
    chars, empty = _sequence(P.parse(pattern.pattern, pattern.flags).data, bool(pattern.flags & re.I))
    return ANY if empty else chars


def last_chars(pattern: re.Pattern[str]) -> set[str] | None:
    """Every character a string ``pattern`` matches to its end ($) can end with, the string
    holding no newline (a parser's line never does) (None: any)."""
    chars, empty = _sequence(P.parse(pattern.pattern, pattern.flags).data, bool(pattern.flags & re.I), reverse=True)
    return ANY if empty else chars


def required_sets(pattern: re.Pattern[str]) -> list[set[str]]:
    """Character classes every match passes through (top-level, not optional): a match holds
    a character of each."""
    out: list[set[str]] = []

    def walk(seq: object) -> None:
        for op, av in seq:  # type: ignore[attr-defined]
            if op is C.LITERAL:
                out.append({chr(av)})
            elif op is C.IN and all(o in (C.LITERAL, C.RANGE) for o, _ in av):
                out.append(_item(op, av, False, False)[0])  # type: ignore[arg-type]
            elif op is C.SUBPATTERN:
                walk(av[3])
            elif op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[0] >= 1:
                walk(av[2])

    walk(P.parse(pattern.pattern, pattern.flags).data)
    return out


def test_the_analysis_reads_what_it_should():
    assert first_chars(re.compile(r"^[【\[]?(?:结语|后记)")) == set("【[结后")
    assert first_chars(re.compile(r"^\s*(?i:cut)")) == set(_space()) | _fold({"c"})
    assert first_chars(re.compile(r"^(?:a|b?)c")) == set("abc")
    assert first_chars(re.compile(r"^x*")) is ANY
    assert last_chars(re.compile(r"(?:完|END)\s*$")) == {"完", "D"} | set(_space())
    assert {"：", ":"} in required_sets(re.compile(r"^(\w+)\s*[：:](.*)$"))


def test_spaces_is_what_backslash_s_matches_and_backslash_d_is_isdecimal():
    assert frozenset(patterns.SPACES) == _space()
    assert all(c.isdecimal() for c in _digit())
    assert sum(1 for i in range(sys.maxunicode + 1) if chr(i).isdecimal()) == len(_digit())


FIRST = [
    (patterns.EPISODE, patterns.EPISODE_FIRST),
    (patterns.BACK_MATTER, patterns.BACK_MATTER_FIRST),
    (patterns.RULE_LINE, patterns.RULE_FIRST),
    (patterns.CAST, patterns.CAST_FIRST),
    (patterns.ACTION_MARK, patterns.ACTION_FIRST),
    (patterns.WHOLE_BRACKET, patterns.BRACKET_FIRST),
    (patterns.LEAD_BRACKET, patterns.BRACKET_FIRST),
    (patterns.WHOLE_PAREN, patterns.PAREN_FIRST),
    (patterns.LEAD_PAREN, patterns.PAREN_FIRST),
    (patterns.FLASH_END, patterns.BARE_MARK_FIRST),
    (patterns.SUBTITLE, patterns.BARE_MARK_FIRST),
    (patterns.TRANSITION_WORD, patterns.BARE_MARK_FIRST),
    (patterns.TRANSITION_TO, patterns.BARE_MARK_FIRST),
    (patterns.FLASH_BARE, patterns.BARE_MARK_FIRST),
    (patterns.VOICE_PREFIX, patterns.VOICE_FIRST),
    (patterns.SUBTITLED_VO, patterns.VOICE_FIRST),
    (stage.FOOTNOTE, stage.FOOTNOTE_FIRST),
    (layout.NUMBERED, _digit()),  # guarded with str.isdecimal
    # The head forms structure() reads, which the parser skips for a line starting otherwise.
    (patterns.SCENE_NUM, None),
    (patterns.SCENE_WORD, None),
    (patterns.SCENE_SINGLE, None),
    (patterns.PLACE_LINE, None),
]


@pytest.mark.parametrize("pattern, guard", FIRST, ids=[p.pattern[:24] for p, _ in FIRST])
def test_each_first_character_guard_holds_its_pattern(pattern, guard):
    chars = first_chars(pattern)
    assert chars is not ANY
    if guard is None:  # a head form: FRAME_FIRST holds it, less the non-ASCII digits the
        # scene head's own guards (ASCII digits only) already turn away
        chars = {c for c in chars if not (c.isdecimal() and not c.isascii())}
        guard = FRAME_FIRST
    assert chars <= set(guard), sorted(chars - set(guard))


LAST = [
    (patterns.TRAIL_MARKS, patterns.TRAIL_LAST),
    (patterns.NAME_SUFFIX, patterns.NAME_SUFFIX_LAST),
    (patterns.END_MARK, patterns.END_LAST),
    (stage.TITLE_AGAIN, {"本"}),
]


@pytest.mark.parametrize("pattern, guard", LAST, ids=[p.pattern[-24:] for p, _ in LAST])
def test_each_last_character_guard_holds_its_pattern(pattern, guard):
    chars = last_chars(pattern)
    assert chars is not ANY
    assert chars <= set(guard), sorted(chars - set(guard))


@pytest.mark.parametrize("pattern", [patterns.SPEAKER, patterns.SPEAKER_WIDE, patterns.SPEAKER_INNER])
def test_every_speaker_pattern_needs_a_colon(pattern):
    assert any(s <= {"：", ":"} for s in required_sets(pattern))


def test_folded_is_every_character_the_table_changes():
    changed = {chr(k) for k, v in lexicon.MATCH_TABLE.items() if k != v}
    assert {c for c in map(chr, range(0x3000, 0xA000)) if lexicon.FOLDED.match(c)} == changed


# Lines built from the characters the rules turn on, so generated lines hit them often.
ALPHABET = st.sampled_from(list("林晚顾沉（）()【】[]：:，。、 日夜内外客厅△第集场1-2OSos字幕闪回本剧完的了上下"))
LINES = st.text(ALPHABET, min_size=1, max_size=40)


@settings(max_examples=400, deadline=None)
@given(LINES)
def test_cue_and_no_colon_guards_never_turn_a_match_away(m_line):
    if patterns.CUE.match(m_line):
        assert len(m_line) <= 12 or m_line[-1] in _CUE_LAST
    if patterns.NO_COLON.match(m_line):
        assert "（" in m_line[1:7] or "(" in m_line[1:7]
    if any(p.match(m_line) for p in (patterns.SPEAKER, patterns.SPEAKER_WIDE, patterns.SPEAKER_INNER)):
        assert "：" in m_line or ":" in m_line


def _parser_in_a_scene() -> _Parser:
    parser = _Parser("第1集\n1-1 日 内 客厅\n林晚：你好。", None, None)
    for number, line in enumerate(["第1集", "1-1 日 内 客厅", "林晚：你好。"], start=1):
        parser.line(number, line)
    return parser


@settings(max_examples=300, deadline=None)
@given(LINES)
def test_a_line_the_head_pretest_turns_away_is_no_head(m_line):
    """line() calls structure() only for a line starting with a head form's character or
    passing the bare-head pre-test: any other line, structure() refuses and changes nothing."""
    m_line = m_line.strip() or "林"
    first = m_line[0]
    bare = (len(m_line) <= 30 and first not in NOT_BARE and "：" not in m_line and ":" not in m_line
            and patterns.HEAD_HINT.search(m_line) is not None)
    if first in FRAME_FIRST or bare:
        return
    parser = _parser_in_a_scene()
    before = [(e.type, e.text) for e in parser.b.scene.elements]
    assert parser.structure(9, m_line, m_line) is False
    assert [(e.type, e.text) for e in parser.b.scene.elements] == before
    assert parser.b.scene.elements[0].type is T.HEADING


def _action_speaker_by_loop(name_m: str, names: Collection[str]) -> tuple[int, int] | None:
    """action_speaker as first written, every name tried in turn: the reference."""
    if len(name_m) > 40 or name_m[0] in lexicon.PRONOUNS or re.search(
            r"写|字|显示|屏幕|短信|消息|信息|内容|上面|标题|牌|纸|念出|读出|标语|横幅|问题|答案", name_m):
        return None
    best = ""
    for name in names:
        if len(name) >= 2 and len(name) > len(best) and name_m.startswith(name) and len(name_m) > len(name):
            best = name
    if best:
        rest = name_m[len(best):]
        last = re.split(r"[，,、；;]", rest)[-1]
        if rest[0] not in "的之等和与跟同及" and last and len(last) <= 10 and "的" not in last:
            return 0, len(best)
    best = ""
    for name in names:
        if len(name) >= 2 and len(name) > len(best) and name_m.endswith(name) and len(name_m) - len(name) >= 2:
            best = name
    if best and name_m[len(name_m) - len(best) - 1] not in "的之和与跟同及给对向":
        return len(name_m) - len(best), len(name_m)
    return None


NAMES = st.sets(st.text(st.sampled_from(list("林晚顾沉小李女1")), min_size=1, max_size=4), max_size=8)


@settings(max_examples=400, deadline=None)
@given(st.text(st.sampled_from(list("林晚顾沉小李女1看着，的在时")), min_size=1, max_size=14), NAMES)
def test_action_speaker_finds_what_trying_every_name_finds(name_m, names):
    assert action_speaker(name_m, names) == _action_speaker_by_loop(name_m, names)


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from(list("林晚顾沉小李妈总看他")), min_size=1, max_size=12), NAMES)
def test_plausible_refuses_a_known_name_doing_something_as_the_loop_did(name_m, names):
    parser = _Parser("", None, None)
    parser.known = set(names)
    by_loop = not any(len(k) >= 2 and name_m.startswith(k) and not name_m[len(k):].endswith(lexicon.ROLE_ENDINGS)
                      for k in names)
    if not by_loop:  # the loop refused it: so must plausible (whatever its other tests say)
        assert parser.plausible(name_m, strict=True) is False


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(st.sampled_from(list("卖菜的取电 \t（）()：:，\u3000\u2028x")), max_size=14), max_size=5))
def test_role_cue_prescan_never_misses_a_cue(lines):
    text = "\n".join(lines)
    if stage._ROLE_CUE.search(text):
        assert stage._ROLE_END.search(text)
    if stage._DIRECTION.search(text):
        assert "〔" in text
