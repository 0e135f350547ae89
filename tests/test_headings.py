"""Scene headings and episode markers (parsing/headings.py), shared by every parser."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dramalens.parsing.headings import normalize_time, parse_episode_marker, parse_heading


@pytest.mark.parametrize(
    "text, expected",
    [
        ("INT. RADIO STUDIO", ("INT", None, "RADIO STUDIO", None)),
        ("EXT. ALLEY - CONTINUOUS", ("EXT", "CONTINUOUS", "ALLEY", None)),
        ("INT./EXT. CAR - MOVING - NIGHT", ("INT/EXT", "NIGHT", "CAR - MOVING", None)),
        ("I/E HOUSE - DAY", ("INT/EXT", "DAY", "HOUSE", None)),
        ("int. kitchen - morning", ("INT", "MORNING", "kitchen", None)),
        ("INT HOUSE-DAY", ("INT", "DAY", "HOUSE", None)),
        ("EXT. X-RAY LAB", ("EXT", None, "X-RAY LAB", None)),
        ("INT. LAB - MOMENTS LATER #12A#", ("INT", "LATER", "LAB", "12A")),
        ("EXT. PARK - AFTERNOON", ("EXT", "AFTERNOON", "PARK", None)),
        (".FLASHBACK", (None, None, "FLASHBACK", None)),
        ("1-1 日 内 客厅", ("INT", "DAY", "客厅", "1-1")),
        ("1-1 客厅 日内", ("INT", "DAY", "客厅", "1-1")),
        ("场景：夜 内 堂屋", ("INT", "NIGHT", "堂屋", None)),
        ("1-1：日 外 地点", ("EXT", "DAY", "地点", "1-1")),
        ("12-3 夜/外 江边", ("EXT", "NIGHT", "江边", "12-3")),
        ("", (None, None, None, None)),
    ],
)
def test_parse_heading(text, expected):
    assert parse_heading(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [("EPISODE 3", (3, "")), ("Episode 12: The Deal", (12, "The Deal")), ("EP. 4", (4, "")), ("第3集", (3, "")),
     ("第十二集 重逢", (12, "重逢")), ("第２集：反转", (2, "反转")), ("Episode three", None), ("He said EPISODE 3", None), ("第3场", None)],
)
def test_episode_marker(text, expected):
    assert parse_episode_marker(text) == expected


def test_normalize_time():
    assert [normalize_time(t) for t in ("Night", "SUNSET", "夜", "黄昏", "  ", "LATER THAT DAY")] == ["NIGHT", "DUSK", "NIGHT", "DUSK", None, "LATER THAT DAY"]


@given(st.text(max_size=200))
def test_never_raises_and_returns_strings_or_none(text):
    fields = parse_heading(text)
    assert len(fields) == 4 and all(f is None or isinstance(f, str) for f in fields)
    assert fields[0] in (None, "INT", "EXT", "INT/EXT")
    marker = parse_episode_marker(text)
    assert marker is None or (isinstance(marker[0], int) and marker[0] >= 0)
