"""Saturation a strategist can trust (issue 10): a minimum number of works before a label, plays
normalised by time on the platform, month-over-month growth of supply and of effective plays
with intervals, and labels that follow from the figures shown beside them. The catalogue is a
fixture with known release dates and plays."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dramalens.analysis.tropes import TropeHit
from dramalens.catalog import Catalog, Document, Work, saturation, saturation_html
from dramalens.catalog.fingerprint import fingerprint
from dramalens.catalog.saturation import WINDOW, SaturationRow, label
from dramalens.errors import ConfigError
from dramalens.settings import load_settings

_n = iter(range(10**6))


def _rec(trope: str, track: str, released: date, plays: tuple[tuple[date, int], ...] = ()):
    i = next(_n)
    doc = Document(Work(f"w{i:04d}", f"t{i}", "en", synopsis=f"story {i}", track=track, release_date=released, plays=plays))
    rec = fingerprint(doc, semantic=False)
    return replace(rec, tropes=(TropeHit(trope, trope, trope, 0.9),), work=replace(rec.work, track=track))


def _months(start: date, n: int) -> list[date]:
    return [date(start.year + (start.month - 1 + k) // 12, (start.month - 1 + k) % 12 + 1, 1) for k in range(n)]


MONTHS = _months(date(2025, 1, 1), 6)  # January to June 2025: two 3-month windows


def _monthly(released: date, per_month: int) -> tuple[tuple[date, int], ...]:
    return tuple((m, per_month) for m in MONTHS if m >= released)


@pytest.fixture()
def catalogue() -> Catalog:
    """Each title earns its plays in its release month (plays fade fast; a flow like releases):

    - "ceo" / urban: 2 releases a month in Jan-Mar, 6 a month in Apr-Jun, sharing a flat 12,000
      plays a month: releases triple, plays do not grow → crowded;
    - "rebirth" / period: 3 releases a month, plays per title doubling every month: plays
      outgrow releases → under-served (its share is below the median);
    - "mid" / family: 4 releases a month, 800 plays each: both flat → balanced;
    - "rare" / scifi: 2 works with huge plays → too few works, whatever the plays."""
    recs = []
    for k, m in enumerate(MONTHS):
        ceo = 2 if k < 3 else 6
        day = m.replace(day=15)  # released mid-month; the monthly series is keyed by the month
        recs += [_rec("ceo", "urban", day, ((m, 12_000 // ceo),)) for _ in range(ceo)]
        recs += [_rec("rebirth", "period", day, ((m, 1000 * 2**k),)) for _ in range(3)]
        recs += [_rec("mid", "family", day, ((m, 800),)) for _ in range(4)]
    recs += [_rec("rare", "scifi", MONTHS[0], _monthly(MONTHS[0], 10**7)) for _ in range(2)]
    cat = Catalog("sqlite://")
    cat.upsert(recs)
    return cat


def _by_name(rows: tuple[SaturationRow, ...]) -> dict[tuple[str, str], SaturationRow]:
    return {(r.kind, r.name): r for r in rows}


def test_labels_on_a_catalogue_with_known_trends(catalogue: Catalog) -> None:
    result = saturation(catalogue)
    rows = _by_name(result.rows)
    assert result.periods == tuple(f"2025-{m:02d}" for m in range(1, 7)) and result.as_of == "2025-06"
    ceo = rows[("trope", "ceo")]
    assert ceo.works == 24 and ceo.status == "crowded", ceo.reason
    assert dict(ceo.supply)["2025-06"] == 6
    assert ceo.supply_growth == pytest.approx(3 ** (1 / WINDOW) - 1, abs=1e-3)  # 6 → 18 releases a window
    assert ceo.plays_growth is not None and abs(ceo.plays_growth) < 0.01  # 12,000 a month throughout
    assert ceo.per_title_interval is not None and ceo.per_title_interval[1] < 0
    assert ceo.supply_interval is not None and ceo.supply_interval[0] < ceo.supply_growth < ceo.supply_interval[1]
    assert rows[("trope", "rebirth")].status == "under-served", rows[("trope", "rebirth")].reason
    assert rows[("trope", "mid")].status == "balanced", rows[("trope", "mid")].reason
    rare = rows[("trope", "rare")]
    assert rare.status == "too few works" and rare.supply_growth is None and rare.plays_growth is None
    assert rows[("track", "urban")].status == "crowded"
    page = saturation_html(result)
    assert "<script" not in page and "crowded" in page and "%/mo [" in page


def test_minimum_works_is_a_setting(catalogue: Catalog) -> None:
    assert load_settings(env={"DRAMALENS_SATURATION_MIN_WORKS": "30"}, toml_path=False).saturation_min_works == 30
    strict = _by_name(saturation(catalogue, min_works=25).rows)
    assert strict[("trope", "ceo")].status == "too few works"  # 24 works < 25
    assert _by_name(saturation(catalogue, min_works=6).rows)[("trope", "ceo")].status == "crowded"  # 6 releases in Jan-Mar
    with pytest.raises(ConfigError):
        saturation(catalogue, min_works=0)
    with pytest.raises(Exception, match="SATURATION_MIN_WORKS"):
        load_settings(env={"DRAMALENS_SATURATION_MIN_WORKS": "many"}, toml_path=False)


def test_a_single_total_is_spread_over_the_months_since_release() -> None:
    # Two titles with the same 1.2M total: one released in January, one in May. Counted as plays
    # per month on the platform up to June, the new one earns 600,000 a month, the old 200,000.
    cat = Catalog("sqlite://")
    old, new = date(2025, 1, 10), date(2025, 5, 3)
    cat.upsert([_rec("x", "t", old, ((old, 1_200_000),)), _rec("x", "t", new, ((new, 1_200_000),))])
    row = _by_name(saturation(cat, min_works=1, as_of=date(2025, 6, 30)).rows)[("trope", "x")]
    per_month = dict(row.plays_per_work)
    assert per_month["2025-01"] == pytest.approx(200_000)  # only the old title is live
    assert per_month["2025-06"] == pytest.approx((200_000 + 600_000) / 2)


def test_one_to_eight_works_is_not_seven_hundred_percent() -> None:
    cat = Catalog("sqlite://")
    recs = [_rec("y", "t", MONTHS[0])] + [_rec("y", "t", MONTHS[3]) for _ in range(8)]
    cat.upsert(recs)
    row = _by_name(saturation(cat).rows)[("trope", "y")]
    assert row.supply_growth is None and row.status == "too few works"


def _follows(r: SaturationRow, median: float, min_works: int) -> bool:
    """The documented rule, written again from the row's own fields."""
    if r.works < min_works or r.supply_growth is None or r.supply_interval is None:
        return r.status == "too few works"
    t = r.per_title_interval
    if t is None:
        want = "crowded" if r.supply_interval[0] > 0 and r.share >= 1.5 * median else "balanced"
    elif r.share >= median and r.supply_growth >= 0 and t[1] < 0:
        want = "crowded"
    elif r.share <= median and t[0] > 0:
        want = "under-served"
    else:
        want = "balanced"
    return r.status == want


def test_every_label_follows_from_the_figures_shown(catalogue: Catalog) -> None:
    result = saturation(catalogue)
    medians = dict(result.median_share)
    for r in result.rows:
        assert _follows(r, medians[r.kind], result.min_works), r
        if r.supply_growth is not None and r.supply_interval is not None:
            assert r.supply_interval[0] <= r.supply_growth <= r.supply_interval[1]
        for g, iv in ((r.plays_growth, r.plays_interval), (r.per_title_growth, r.per_title_interval)):
            if g is not None and iv is not None:
                assert iv[0] <= g <= iv[1]


_growth = st.tuples(st.floats(-0.9, 2.0), st.floats(0.0, 1.0), st.floats(0.0, 1.0)).map(
    lambda t: (round(t[0], 4), (round(t[0] - t[1], 4), round(t[0] + t[2], 4))))


@settings(max_examples=200, deadline=None)
@given(works=st.integers(0, 50), share=st.floats(0, 1), median=st.floats(0.001, 1), supply=st.one_of(st.none(), _growth),
       per_title=st.one_of(st.none(), _growth), min_works=st.integers(1, 10))
def test_the_rule_agrees_with_its_restatement(works, share, median, supply, per_title, min_works) -> None:
    status, reason = label(works, share, median, supply, per_title, min_works)
    row = SaturationRow("trope", "x", "x", works, share, (), (), None if supply is None else supply[0], None, status,
                        None if supply is None else supply[1], None, reason,
                        None if per_title is None else per_title[0], None if per_title is None else per_title[1])
    assert _follows(row, median, min_works) and reason
