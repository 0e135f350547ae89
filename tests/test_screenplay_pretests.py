"""The cheap pre-tests of the plain-text screenplay reader and the Fountain parser never turn
away a line the full rule accepts.

Each pre-test (a first or last character, a length, a lower-case letter) stands in front of a
regular expression or a rule and answers "no" without running it; these properties check, on
strings built to match the patterns and on arbitrary text, that whenever the full rule says
"yes" the pre-test lets the line through, and that the rules with a pre-test inside them give
the same answer as their full versions.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dramalens.parsing.fountain.syntax import HEADING, HEADING_FIRST, HEADING_SECOND, cue_rule, read_cue
from dramalens.parsing.screenplay_text.lines import (
    EXPORT_HEADING,
    FURNITURE,
    FURNITURE_STARTS,
    GLUED_NUMBER,
    REVISION_HEADER,
    SCENE_NUMBERS,
    TRANSITION,
    TRANSITION_ENDS,
    is_cue,
    is_heading,
    numbered_shot,
    strip_scene_numbers,
)
from dramalens.parsing.screenplay_text.lines import cue_rule as screen_cue_rule
from dramalens.parsing.screenplay_text.writer import (
    MARKER_FIRST,
    MARKER_SECOND,
    MARKER_START,
    FountainLines,
    write_heading,
)

_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Letters that case-insensitive matching folds together (ſ/s, ı/İ/i, K/k), digits of other
# scripts (\d is any decimal digit), brackets, stars, carets, @ and wide spaces.
_TRICKY = "IiEeNnXxSsTtCcKk\u017f\u0131\u0130\u212a0123456789\u0663\uff11()（）[]*^@:.-/#'’ \t\u00a0\u3000McGaz"
_TEXT = st.text(alphabet=st.sampled_from(list(_TRICKY)), max_size=30) | st.text(max_size=30)


def _matching(pattern: re.Pattern[str]) -> st.SearchStrategy[str]:
    """Strings the pattern matches (at their start), plus arbitrary and tricky text."""
    return st.from_regex(pattern) | _TEXT


def _stripped(s: str) -> str:
    return s.strip()


@_SETTINGS
@given(_matching(FURNITURE).map(_stripped))
@example("CONTINUED:")
@example("\u0663\u0663.")
def test_furniture_starts_with_one_of_its_first_characters(s: str) -> None:
    if FURNITURE.match(s):
        assert s[0] in FURNITURE_STARTS or s[0].isdecimal()


@_SETTINGS
@given(_matching(HEADING) | _matching(EXPORT_HEADING))
@example("\u0131nt. kitchen")
@example("e\u017ft. field")
def test_headings_start_with_their_first_two_characters(s: str) -> None:
    for text in (s, s.strip()):
        if HEADING.match(text) or EXPORT_HEADING.match(text):
            assert text[:1] in HEADING_FIRST and text[1:2] in HEADING_SECOND
            assert is_heading(text)


@_SETTINGS
@given(_matching(TRANSITION).map(_stripped))
@example("CUT TO:")
@example("FADE IN")
@example("INTERCUT WITH")
def test_transitions_start_and_end_as_the_pre_test_says(s: str) -> None:
    if s and TRANSITION.match(s):
        assert "A" <= s[0] <= "Z" and s[-1] in TRANSITION_ENDS
        assert "A" <= s[1:2] <= "Z" or s[1:2] == " "


@_SETTINGS
@given(_matching(MARKER_START).map(_stripped))
@example("\u017fuper: later")
@example("[\u0131ntercut")
def test_markers_start_with_one_of_their_first_characters(s: str) -> None:
    if MARKER_START.match(s):
        assert s[0] in MARKER_FIRST
        assert s[0] in "[(" or s[1:2] in MARKER_SECOND


@_SETTINGS
@given(_matching(SCENE_NUMBERS).map(_stripped) | _matching(GLUED_NUMBER))
@example("\uff112 INT. HALL - DAY")
def test_scene_numbers_start_with_a_digit_or_a_capital_and_a_digit(s: str) -> None:
    c = s[:1]
    if SCENE_NUMBERS.match(s):
        assert c.isdecimal() or ("A" <= c <= "Z" and s[1:2].isdecimal())
    if GLUED_NUMBER.match(s):
        assert c.isdecimal()


_CUE_LIKE = st.from_regex(r"\A(?:Mc)?[A-Z0-9][A-Za-z0-9 .'’&/#-]{0,30}(?: ?\([A-Za-z.' ’]{0,12}\))?\^?\Z")


@_SETTINGS
@given(_CUE_LIKE | _TEXT.map(_stripped))
@example("McGINTY (cont'd)")
@example("MARY (V.O.)")
@example("A" * 49)
def test_is_cue_is_the_full_rule(s: str) -> None:
    assert is_cue(s) == screen_cue_rule(s)


@_SETTINGS
@given(_CUE_LIKE | _TEXT, st.booleans())
@example("  @bob", True)
@example("bob (V.O.)", True)
@example("林晚", True)
@example("BOB ^", False)
def test_read_cue_is_the_full_rule(line: str, has_next: bool) -> None:
    assert read_cue(line, has_next) == cue_rule(line, has_next)


@_SETTINGS
@given(_matching(HEADING) | _matching(SCENE_NUMBERS) | _CUE_LIKE | _TEXT)
@example("12  ANGLE ON NICK  12")
@example("A12 INT. HOUSE - DAY")
@example("INTERIOR - KITCHEN")
def test_write_heading_guards_refuse_only_what_it_refuses(s: str) -> None:
    s = s.strip()
    if not s:
        return
    w = FountainLines()
    wrote = write_heading(s, 1, w)
    if wrote:
        # The guard the export reader puts in front of write_heading lets every such line through.
        c, c2 = s[0], s[1:2]
        assert c == "." or c.isdecimal() or c2.isdecimal() or (c in HEADING_FIRST and c2 in HEADING_SECOND)


@_SETTINGS
@given(_matching(HEADING) | _matching(SCENE_NUMBERS) | _matching(EXPORT_HEADING) | _TEXT)
@example("12  ANGLE ON NICK  12")
@example("I don't know.")
@example("4EXT. FIELD - DAY")
def test_write_heading_early_refusal_is_what_the_full_path_says(s: str) -> None:
    # write_heading refuses a line with no leading scene number that is no heading before it
    # strips numbers or looks for a numbered shot: both would come to nothing.
    s = s.strip()
    if not s:
        return
    c = s[0]
    if not (c.isdecimal() or ("A" <= c <= "Z" and s[1:2].isdecimal())) and not is_heading(s):
        rest, number = strip_scene_numbers(s)
        assert number is None and not is_heading(rest) and not numbered_shot(s)


@_SETTINGS
@given(_matching(REVISION_HEADER) | _TEXT)
@example("THE LONG NIGHT - Pink Rev. 11/20/26")
@example("DRAFT 3.2")
def test_revision_headers_hold_rev_or_draft(s: str) -> None:
    if REVISION_HEADER.search(s):
        low = s.lower()
        assert "rev" in low or "draft" in low
