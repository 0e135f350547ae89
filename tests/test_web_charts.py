"""The saturation page's chart: supply growth against plays growth per track and per trope."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from dramalens.errors import ConfigError
from dramalens.triage.auth import add_user
from dramalens.web import charts, routes_admin
from dramalens.web.app import create_app
from dramalens.web.charts import CLIP, growth_chart
from triage_support import fast_hash, login  # noqa: F401

_growth = st.one_of(st.none(), st.floats(-1.0, 500.0, allow_nan=False))


@st.composite
def _rows(draw):
    n = draw(st.integers(1, 12))
    return [{"kind": draw(st.sampled_from(["track", "trope"])), "label": f"x{i}", "works": draw(st.integers(1, 99)),
             "status": draw(st.sampled_from(["crowded", "balanced", "under-served"])),
             "supply_growth": draw(_growth), "plays_growth": draw(_growth)} for i in range(n)]


@settings(max_examples=60, deadline=None)
@given(rows=_rows(), kind=st.sampled_from(["track", "trope"]))
def test_bars_start_at_zero_stay_inside_and_keep_the_sign(rows, kind):
    chart = growth_chart(rows, kind)
    mine = [r for r in rows if r["kind"] == kind]
    if not mine:
        assert chart is None
        return
    assert [r.label for r in chart.rows] == [r["label"] for r in mine]
    left, right = chart.plot_x, chart.plot_x + chart.plot_w
    for row, src in zip(chart.rows, mine):
        assert chart.height >= row.y + charts.ROW_H
        for bar, value in ((row.supply, src["supply_growth"]), (row.plays, src["plays_growth"])):
            assert left - 0.1 <= bar.x and bar.x + bar.width <= right + 0.1
            if value is None:
                assert bar.width == 0 and bar.text == "—"
                continue
            # a growing series is drawn right of the zero line, a shrinking one left of it
            assert (bar.x >= chart.zero_x - 0.1) if value >= 0 else (bar.x + bar.width <= chart.zero_x + 0.1)
            assert bar.clipped == (abs(value) > CLIP)
            assert bar.text == f"{value * 100:+.0f}%"


def test_longer_growth_draws_a_longer_bar_until_the_clip():
    rows = [{"kind": "track", "label": str(v), "works": 1, "status": "balanced", "supply_growth": v, "plays_growth": -v}
            for v in (0.1, 0.5, 1.5, 2.0, 9.0)]
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
    rows = [
        {"kind": "track", "name": "t1", "label": HOSTILE, "works": 9, "share": 0.3, "supply_growth": 0.6,
         "plays_growth": -0.2, "status": "crowded"},
        {"kind": "track", "name": "t2", "label": "古装", "works": 2, "share": 0.05, "supply_growth": -0.4,
         "plays_growth": None, "status": "under-served"},
        {"kind": "trope", "name": "revenge", "label": "复仇 / revenge", "works": 5, "share": 0.2, "supply_growth": 4.0,
         "plays_growth": 0.1, "status": "balanced"},
    ]
    monkeypatch.setattr(routes_admin, "saturation_rows", lambda db_url: rows)
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
    monkeypatch.setattr(routes_admin, "saturation_rows", lambda db_url: None)
    app = create_app(f"sqlite:///{tmp_path / 's.sqlite'}", workers=0)
    add_user(app.state.desk.engine, "ann", "password-a", desk="都市")
    with TestClient(app) as client:
        login(client, "ann", "password-a")
        page = client.get("/saturation")
    assert page.status_code == 200 and 'class="growth"' not in page.text
