"""Catalog quality on a generated 2,000-work corpus with planted relations (dramalens.synth).

Near-copies (10%, 30%, 60% of scenes reused, names changed) must be found at recall and
precision ≥ 0.95; renamed retellings must rank the source in the top 5 for ≥ 80% of queries.
A detected pair counts as correct when both works descend from the same planted source
(two copies of one source share its passages too). Prints the precision/recall curve.
"""

from __future__ import annotations

import pytest

from dramalens.analysis.tracks import canonical_track
from dramalens.catalog import Catalog, dedupe, import_paths, saturation, similar_to_work
from dramalens.synth import TRACK_TRENDS, generate_corpus

THRESHOLD = 0.08  # the documented default of `dramalens catalog dedupe`


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    root = tmp_path_factory.mktemp("synth")
    truth = generate_corpus(root, works=2000, languages=("zh", "en"), episodes=(2, 4), seed=5, plant_rate=0.2, scenes_per_episode=(1, 2), full_text_ratio=1.0)
    cat = Catalog(f"sqlite:///{root / 'cat.sqlite'}")
    report = import_paths(cat, [root])
    assert report.errors == [] and cat.count() == 2000
    return cat, truth


def _families(truth):
    parent: dict[str, str] = {}

    def find(x):
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for rel in truth.of_kind("near_copy"):
        a, b = find(rel.source_id), find(rel.copy_id)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return find


@pytest.mark.slow
def test_near_copies_recall_and_precision(planted):
    cat, truth = planted
    planted_pairs = {tuple(sorted((r.source_id, r.copy_id))) for r in truth.of_kind("near_copy")}
    assert {r.fraction for r in truth.of_kind("near_copy")} == {0.1, 0.3, 0.6}
    family = _families(truth)
    scored = {tuple(sorted((a, b))): p for a, b, _j, p, _t in dedupe(cat, 0.02, measure="passages").pairs}
    print("\nthreshold  recall  precision  pairs")
    curve = {}
    for t in (0.03, 0.05, 0.08, 0.1, 0.12, 0.15, 0.2, 0.3):
        found = {k for k, v in scored.items() if v >= t}
        recall = len(found & planted_pairs) / len(planted_pairs)
        precision = sum(family(a) == family(b) for a, b in found) / max(len(found), 1)
        curve[t] = (recall, precision)
        print(f"{t:9.2f}  {recall:6.3f}  {precision:9.3f}  {len(found):5d}")
    by_fraction = {}
    for r in truth.of_kind("near_copy"):
        hit = scored.get(tuple(sorted((r.source_id, r.copy_id))), 0.0) >= THRESHOLD
        by_fraction.setdefault(r.fraction, []).append(hit)
    print("recall by reuse:", {f: round(sum(v) / len(v), 3) for f, v in sorted(by_fraction.items())})
    works = truth.by_id()
    for r in truth.of_kind("near_copy"):
        score = scored.get(tuple(sorted((r.source_id, r.copy_id))), 0.0)
        if score < THRESHOLD:
            print(f"missed {r.source_id}→{r.copy_id}: planted {r.fraction}, scenes copied {works[r.copy_id].copied_share}, containment {score:.3f}")
    recall, precision = curve[THRESHOLD]
    assert recall >= 0.95 and precision >= 0.95


@pytest.mark.slow
def test_renamed_retellings_rank_in_the_top_five(planted):
    cat, truth = planted
    retellings = truth.of_kind("retelling")
    assert len(retellings) >= 20
    ranks = []
    for rel in retellings:
        ids = [m.work_id for m in similar_to_work(cat, rel.copy_id, k=5, evidence=False)]
        ranks.append(ids.index(rel.source_id) + 1 if rel.source_id in ids else None)
    top5 = sum(r is not None for r in ranks) / len(ranks)
    top1 = sum(r == 1 for r in ranks) / len(ranks)
    print(f"\nretellings: {len(ranks)} queries, top-1 {top1:.3f}, top-5 {top5:.3f}")
    assert top5 >= 0.8


@pytest.mark.slow
def test_saturated_tracks_are_never_called_under_served(planted):
    cat, _truth = planted
    # Rows are named by canonical track id (one vocabulary for 都市 and urban); the generator
    # plants its trends per written track, and the saturated ones (都市, romance) merge with no other.
    rows = {t: r for r in saturation(cat).rows if r.kind == "track" for t in TRACK_TRENDS if canonical_track(t) == r.name}
    # Tracks the generator made saturated: supply rising while plays per work fall. Their trends
    # (about +3% and -1.5% a month) lie inside the 90% intervals of 3-month windows over a few
    # hundred works, so an honest label may be "balanced" (issue 10: labels that agree with the
    # numbers beside them); what it must never be is "under-served", and "crowded" only with a
    # per-title interval below zero.
    saturated = [t for t, (supply, demand) in TRACK_TRENDS.items() if supply >= 0.7 and demand <= -0.5 and t in rows]
    assert saturated
    for track in saturated:
        r = rows[track]
        print(f"{track}: {r.status}, {r.reason}")
        assert r.status in ("crowded", "balanced")
        assert r.status != "crowded" or (r.per_title_interval is not None and r.per_title_interval[1] < 0)
