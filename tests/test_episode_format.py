"""Episode format: classification from the median, checks against a chosen format."""

from __future__ import annotations

import pytest

from dramalens.analysis.episode_format import FormatParams, classify_format
from dramalens.analysis.runtime import RuntimeParams, estimate_runtime
from dramalens.errors import ConfigError
from dramalens.model import ElementType
from dramalens.parsing.builder import ScriptBuilder
from dramalens.serial import to_jsonable

# Action only, no headings, at 200 Han characters a minute: an episode of n×200 characters runs n minutes.
PARAMS = RuntimeParams(zh_action_chars_per_min=200)


def series(minutes: list[float]):
    b = ScriptBuilder(source_format="chinese")
    for n, m in enumerate(minutes, start=1):
        b.start_episode(n, line=n * 10)
        b.add_new(ElementType.ACTION, "走" * round(m * 200), n * 10 + 1)
    return b.build(language="zh")


def fmt(minutes, format=None, params=FormatParams()):
    return classify_format(estimate_runtime(series(minutes), PARAMS), format, params)


def test_vertical_from_median_lists_outliers():
    # Median 2 min → vertical (1-3 min); the 0.5 min and 4 min episodes fall outside.
    r = fmt([2, 2, 0.5, 4, 1.5])
    assert r.format == "vertical" and not r.chosen
    assert r.median_seconds == pytest.approx(120)
    assert [(o.number, o.side) for o in r.outside] == [(3, "short"), (4, "long")]
    assert r.outside[0].line == 30  # points back at the episode marker
    assert r.status(4) == "long" and r.status(1) == "ok"
    assert r.over_nrta == ()


def test_horizontal_from_median_and_nrta_ceiling():
    r = fmt([8, 10, 16, 12])
    assert r.format == "horizontal"
    assert r.band == (300.0, 1200.0)
    assert r.outside == ()  # 16 min is inside 5-20 ...
    assert r.over_nrta == (3,)  # ... but over the ~15 min NRTA ceiling


def test_between_bands_picks_the_nearer_and_says_so():
    # Geometric midpoint of 3 and 5 min is ~3.87 min.
    low, high = fmt([3.5]), fmt([4.2])
    assert low.format == "vertical" and high.format == "horizontal"
    assert "between" in low.note and "between" in high.note
    assert [o.side for o in low.outside] == ["long"] and [o.side for o in high.outside] == ["short"]


def test_chosen_format_is_checked_not_classified():
    r = fmt([2, 2, 2], format="horizontal")
    assert r.format == "horizontal" and r.chosen
    assert [o.side for o in r.outside] == ["short"] * 3


def test_custom_bands():
    # 150 s is between 120 s and 300 s, under their geometric midpoint (~190 s): vertical, both long.
    r = fmt([2.5, 2.5], params=FormatParams(vertical=(60, 120)))
    assert r.format == "vertical" and [o.number for o in r.outside] == [1, 2]
    r2 = fmt([2.5, 2.5], format="vertical", params=FormatParams(vertical=(60, 120)))
    assert [o.side for o in r2.outside] == ["long", "long"]


def test_validation():
    with pytest.raises(ConfigError, match="vertical, horizontal"):
        fmt([2], format="square")
    with pytest.raises(ConfigError):
        FormatParams(vertical=(180, 60))
    with pytest.raises(ConfigError):
        FormatParams(nrta_ceiling_seconds=0)


def test_empty_script_and_to_dict():
    r = fmt([])
    assert r.format == "vertical" and r.outside == () and r.note == "no episodes"
    d = to_jsonable(fmt([2, 6]))
    assert set(d) >= {"format", "median_seconds", "band_seconds", "outside", "over_nrta"}
