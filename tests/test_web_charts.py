"""The saturation page's chart: supply growth against plays growth per track and per trope."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from dramalens.catalog import SaturationRow
from dramalens.errors import ConfigError
from dramalens.triage import desk
from dramalens.triage.auth import add_user
from dramalens.web import charts
from dramalens.web.app import create_app
from dramalens.web.charts import CLIP, growth_chart
from triage_support import fast_hash, login  # noqa: F401

_growth = st.one_of(st.none(), st.floats(-1.0, 500.0, allow_nan=False))


def _row(kind, label, works, status, supply_growth, plays_growth, name="", share=0.0):
    """A catalog saturation row with only what the chart and the page read."""
    return SaturationRow(kind=kind, name=name or label, label=label, works=works, share=share, supply=(),
                         plays_per_work=(), supply_growth=supply_growth, plays_growth=plays_growth, status=status)


@st.composite
def _rows(draw):
    n = draw(st.integers(1, 12))
    return [_row(draw(st.sampled_from(["track", "trope"])), f"x{i}", draw(st.integers(1, 99)),
                 draw(st.sampled_from(["crowded", "balanced", "under-served"])), draw(_growth), draw(_growth))
            for i in range(n)]


@settings(max_examples=60, deadline=None)
@given(rows=_rows(), kind=st.sampled_from(["track", "trope"]))
def test_bars_start_at_zero_stay_inside_and_keep_the_sign(rows, kind):
    chart = growth_chart(rows, kind)
    mine = [r for r in rows if r.kind == kind]
    if not mine:
        assert chart is None
        return
    assert [r.label for r in chart.rows] == [r.label for r in mine]
    left, right = chart.plot_x, chart.plot_x + chart.plot_w
    for row, src in zip(chart.rows, mine):
        assert chart.height >= row.y + charts.ROW_H
        for bar, value in ((row.supply, src.supply_growth), (row.plays, src.plays_growth)):
            assert left - 0.1 <= bar.x and bar.x + bar.width <= right + 0.1
            if value is None:
                assert bar.width == 0 and bar.text == "—"
                continue
            # a growing series is drawn right of the zero line, a shrinking one left of it
            assert (bar.x >= chart.zero_x - 0.1) if value >= 0 else (bar.x + bar.width <= chart.zero_x + 0.1)
            assert bar.clipped == (abs(value) > CLIP)
            assert bar.text == f"{value * 100:+.0f}%"


def test_longer_growth_draws_a_longer_bar_until_the_clip():
    rows = [_row("track", str(v), 1, "balanced", v, -v) for v in (0.1, 0.5, 1.5, 2.0, 9.0)]
    widths = [r.supply.width for r in growth_chart(rows, "track").rows]
    assert widths[:4] == sorted(widths[:4]) and len(set(widths[:4])) == 4
    assert widths[3] == widths[4]  # clipped at CLIP
    assert growth_chart(rows, "track").rows[4].plays.clipped


def test_kind_is_validated():
    with pytest.raises(ConfigError):
        growth_chart([], "genre")


HOSTILE = '<script>alert(1)</script>"&'


@pytest.mark.usefixtures("fast_hash")
def test_saturation_page_embeds_an_escaped_chart_and_translated_statuses(tmp_path, monkeypatch):
    rows = (
        _row("track", HOSTILE, 9, "crowded", 0.6, -0.2, name="t1", share=0.3),
        _row("track", "古装", 2, "under-served", -0.4, None, name="t2", share=0.05),
        _row("trope", "复仇 / revenge", 5, "balanced", 4.0, 0.1, name="revenge", share=0.2),
    )
    monkeypatch.setattr(desk, "saturation_rows", lambda db_url: rows)
    app = create_app(f"sqlite:///{tmp_path / 's.sqlite'}", workers=0)
    add_user(app.state.desk.engine, "ann", "password-a", desk="都市")
    with TestClient(app) as client:
        login(client, "ann", "password-a")
        page = client.get("/saturation").text
        client.cookies.set("dl_lang", "zh")
        zh = client.get("/saturation").text
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;&#34;&amp;" in page
    svgs = re.findall(r"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"growth\".*?</svg>", page, re.S)
    assert len(svgs) == 2  # one per kind
    track_svg = svgs[0]
    assert track_svg.count('class="bar-supply"') == 2 and "+60%" in track_svg and "-20%" in track_svg
    assert "古装" in track_svg and "—" in track_svg  # no play data: no bar, a dash
    assert "+400%" in svgs[1] and "»" in svgs[1]  # clipped and marked
    assert 'id="chart-track"' in page and 'id="chart-trope"' in page
    assert ">crowded<" in page and ">under-served<" in page
    for zh_label in ("拥挤", "供给不足", "均衡", "供给增长", "单部播放增长"):
        assert zh_label in zh
    assert ">crowded<" not in zh and ">under-served<" not in zh


@pytest.mark.usefixtures("fast_hash")
def test_saturation_page_without_a_catalog_has_no_chart(tmp_path, monkeypatch):
    monkeypatch.setattr(desk, "saturation_rows", lambda db_url: None)
    app = create_app(f"sqlite:///{tmp_path / 's.sqlite'}", workers=0)
    add_user(app.state.desk.engine, "ann", "password-a", desk="都市")
    with TestClient(app) as client:
        login(client, "ann", "password-a")
        page = client.get("/saturation")
    assert page.status_code == 200 and 'class="growth"' not in page.text
