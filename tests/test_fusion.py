"""The topic fusion (catalog/fusion.py): invariants of the z-score fusion of the lexical and
embedding cosines, and its background estimate."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dramalens.catalog.fusion import (
    PRIOR,
    PRIOR_ROWS,
    STANDOUT_FLOOR,
    TOPIC_WEIGHTS,
    Background,
    background,
    fused_z,
    guarded,
    query_weights,
    standout,
    strongest,
    topic_score,
)
from dramalens.catalog import fusion
from dramalens.catalog import Catalog, import_paths
from dramalens.catalog.lexical import catalog_lexical
from dramalens.catalog.probe import probe_work
from dramalens.catalog.ranking import Scores, rank

_cos = st.floats(0.0, 1.0)
_bg = st.builds(Background, st.tuples(st.floats(0.0, 0.5), st.floats(0.001, 0.3)), st.tuples(st.floats(0.0, 0.5), st.floats(0.001, 0.3)))


@settings(max_examples=300, deadline=None)
@given(lex=_cos, emb=_cos, more=st.floats(0.0, 0.5), bg=_bg)
def test_topic_score_is_monotone_bounded_and_ordered_like_the_fused_z(lex, emb, more, bg) -> None:
    base = float(topic_score(fused_z(lex, emb, bg))[()])
    assert 0.0 <= base < 1.0
    assert float(topic_score(fused_z(min(lex + more, 1.0), emb, bg))[()]) >= base - 1e-12
    assert float(topic_score(fused_z(lex, min(emb + more, 1.0), bg))[()]) >= base - 1e-12


@settings(max_examples=100, deadline=None)
@given(lex=_cos, bg=_bg)
def test_a_missing_signal_leaves_the_other_alone(lex, bg) -> None:
    alone = float(fused_z(lex, np.nan, bg)[()])
    assert math.isclose(alone, (lex - bg.lexical[0]) / bg.lexical[1], rel_tol=1e-9, abs_tol=1e-9)
    assert math.isnan(float(fused_z(np.nan, np.nan, bg)[()]))
    assert math.isnan(float(topic_score(np.nan)[()]))


def test_background_is_shrunk_towards_the_prior_by_catalog_size() -> None:
    few = background(np.full(PRIOR_ROWS, 0.2, np.float32), None)
    many = background(np.full(100 * PRIOR_ROWS, 0.2, np.float32), None)
    assert math.isclose(few.lexical[0], (0.2 + PRIOR.lexical[0]) / 2, rel_tol=1e-6)  # half the weight each
    assert abs(many.lexical[0] - 0.2) < abs(few.lexical[0] - 0.2)
    assert few.embedding == PRIOR.embedding and background(None, None) == PRIOR


def test_same_cosines_score_higher_against_a_quieter_background() -> None:
    # the point of the fusion: 0.3 lexical cosine means more where unrelated works score 0.01
    quiet = Background((0.01, 0.01), PRIOR.embedding)
    noisy = Background((0.10, 0.05), PRIOR.embedding)
    assert topic_score(fused_z(0.3, 0.2, quiet)) > topic_score(fused_z(0.3, 0.2, noisy))


def test_weights_sum_to_one_and_a_pair_scored_alone_uses_the_prior() -> None:
    assert math.isclose(sum(TOPIC_WEIGHTS.values()), 1.0)
    s = Scores(0.0, 0.0, 0.0, 0.4, None, None, lexical=0.2)
    assert s.topic is None and s.combined() == round(float(topic_score(fused_z(0.2, 0.4, PRIOR))[()]), 4) > 0
    assert Scores(1.0, 1.0, 1.0, 1.0, None, None, lexical=1.0).combined() == 1.0  # identical: the text score


# --------------------------------------------------------------- never below its best part
def _planted(n: int = 200, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """One query's cosines with a catalog of ``n`` works, planted: work 0 is the query's true
    partner, which the lexical signal singles out (0.11 against a background of 0.02 ± 0.015,
    its runner-up near 0.06) and the embedding barely sees (0.06 against 0.05 ± 0.02, like any
    distractor); the embedding's own top ten are bunched (0.15-0.17) around a distractor, work 1,
    which the lexical signal finds unremarkable (0.05). The shape of ReelShort queries the
    second pass's fixed shares got wrong (docs/catalog.md)."""
    rng = np.random.default_rng(seed)
    lex = np.clip(rng.normal(0.02, 0.015, n), 0.0, 1.0)
    emb = np.clip(rng.normal(0.05, 0.02, n), 0.0, 1.0)
    lex[0], emb[0] = 0.11, 0.06
    emb[1:11] = np.linspace(0.17, 0.15, 10)  # a bunched top ten, work 1 first
    lex[1] = 0.05
    return lex.astype(np.float32), emb.astype(np.float32)


def _fused(lex: np.ndarray, emb: np.ndarray, power: float | None = None) -> np.ndarray:
    bg = background(lex, emb)
    w = query_weights(lex, emb) if power is None else query_weights(lex, emb, power=power)
    return fused_z(lex, emb, bg, w)


def test_a_signal_that_singles_out_the_partner_is_not_outvoted() -> None:
    lex, emb = _planted()
    assert int(np.argmax(lex)) == 0 and int(np.argmax(emb)) == 1  # the lexical signal alone is right
    assert int(np.argmax(_fused(lex, emb))) == 0  # and so is the combination
    # the fusion with fixed shares (power 0, the second pass) ranked the partner below the
    # embedding's bunched top: the failure this guards against
    assert int(np.argmax(_fused(lex, emb, power=0.0))) != 0


def test_standout_is_bounded_and_scale_free() -> None:
    lex, emb = _planted()
    for v in (lex, emb):
        s = standout(v)
        assert STANDOUT_FLOOR <= s <= 1.0
        assert math.isclose(standout(3.0 * v + 0.2), s, rel_tol=1e-5)
    assert standout(lex) > 0.8 > 0.2 > standout(emb)
    assert standout([0.4]) == 1.0 and standout(np.full(20, 0.1)) == STANDOUT_FLOOR
    assert standout([np.nan, 0.3, 0.1]) == 1.0  # NaN (a work without the signal) is left out


@settings(max_examples=200, deadline=None)
@given(n=st.integers(2, 60), seed=st.integers(0, 10_000), power=st.sampled_from([0.0, 0.5, 1.0, 2.0]))
def test_a_work_first_on_both_signals_is_first_in_the_combination(n: int, seed: int, power: float) -> None:
    rng = np.random.default_rng(seed)
    lex = rng.random(n).astype(np.float32) * 0.5
    emb = rng.random(n).astype(np.float32) * 0.5
    lex[0], emb[0] = 0.9, 0.9  # first on both
    fused = _fused(lex, emb, power)
    assert int(np.argmax(fused)) == 0
    assert float(fused[0]) > float(np.max(fused[1:]))


_PEOPLE = ["a nurse", "a widowed baker", "a young lawyer", "a street racer", "a shy violinist", "a fisherman's daughter",
           "a disgraced surgeon", "a village teacher", "a pop idol", "a night-shift cabbie"]
_WANTS = ["wins back the family restaurant", "exposes a corrupt mayor", "finds her missing twin", "pays off a loan shark",
          "enters a national cooking contest", "clears her father's name", "escapes an arranged marriage", "rebuilds a burned theatre"]
_TWISTS = ["with help from a rival", "before the winter flood", "while hiding a pregnancy", "after losing her memory",
           "against her own brother", "with a stolen diary as proof", "on a northern island", "after a sailor drowned"]


def _lighthouse_catalog(tmp_path: Path):
    """A catalog of a lighthouse-keeper story, its retelling ("keeper2") and 100 distractors
    made of the same stock phrases; the catalog, its index and lexical index, the probe of
    "keeper" and the number of works."""
    rows = [{"id": "keeper", "title": "", "language": "en",
             "synopsis": "A lighthouse keeper on a northern island finds a drowned sailor's logbook naming the ship owner "
                         "who scuttled his own schooner for the insurance, and rows to the mainland to expose him."},
            {"id": "keeper2", "title": "", "language": "en",
             "synopsis": "Years after her husband's schooner went down, a widow who tends a lighthouse reads his "
                         "logbook, washed up on the rocks, and goes to court."}]
    rows += [{"id": f"d{i:02d}", "title": "", "language": "en",
              "synopsis": f"{_PEOPLE[i % 10].capitalize()} {_WANTS[(i * 3) % 8]} {_TWISTS[(i * 5) % 8]}, "
                          f"and {_PEOPLE[(i + 4) % 10]} {_WANTS[(i + 1) % 8]} {_TWISTS[(i * 3 + 2) % 6]}."} for i in range(100)]
    meta = tmp_path / "works.jsonl"
    meta.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    cat = Catalog(f"sqlite:///{tmp_path / 'c.sqlite'}")
    assert import_paths(cat, metadata=[meta]).imported == len(rows)
    index, lexical = cat.index(), catalog_lexical(cat)
    q = probe_work(cat, "keeper")
    n = len(index)
    return cat, index, lexical, q, n


def test_the_catalog_ranks_a_planted_partner_as_its_decisive_signal_does(tmp_path: Path) -> None:
    """Through the catalog's own ranking (real import, real lexical index): the partner shares
    three distinctive words with the query (lighthouse, logbook, schooner), so the lexical signal
    singles it out (cosine 0.15; the distractors, some sharing "northern island" or "sailor", reach
    0.10); the embedding is planted to have nothing decisive (a bunched top ten around other works,
    the partner at the background). The combination must rank the partner first, as its best
    single signal does; with fixed shares (``STANDOUT_POWER = 0``, the second pass) a distractor
    from the embedding's bunch came first (0.38 vs 0.25)."""

    cat, index, lexical, q, n = _lighthouse_catalog(tmp_path)
    rng = np.random.default_rng(3)
    cosines = np.clip(rng.normal(0.05, 0.02, n), 0.0, 0.09)
    bunched = [index.position[f"d{i:02d}"] for i in range(10)]
    cosines[bunched] = np.linspace(0.17, 0.15, 10)
    cosines[index.position["keeper2"]] = 0.06
    cosines[index.position["keeper"]] = 1.0
    # unit vectors with exactly these cosines to the query's: the query along axis 0, each work
    # adding its own orthogonal axis
    emb = np.zeros((n, n + 1), np.float32)
    emb[:, 0] = cosines
    emb[np.arange(n), np.arange(n) + 1] = np.sqrt(1.0 - cosines**2)
    index.embeddings, index.has_embedding = emb, np.ones(n, bool)
    q.embedding = emb[index.position["keeper"]].copy()

    ranked = rank(index, q, k=5, ann=False, lexical=lexical)
    by_lexical = max(ranked, key=lambda r: r.scores.lexical or 0.0)
    by_embedding = max(ranked, key=lambda r: r.scores.embedding or 0.0)
    assert index.ids[by_lexical.row] == "keeper2"  # the decisive signal
    assert index.ids[by_embedding.row] == "d00"  # the planted, undecided one
    assert index.ids[ranked[0].row] == "keeper2", [(index.ids[r.row], r.score) for r in ranked[:3]]


# ------------------------------------------------------- the strongest evidence stays in sight
@settings(max_examples=300, deadline=None)
@given(n=st.integers(2, 40), seed=st.integers(0, 10_000), depth=st.sampled_from([0, 1, 2, 3, 5]))
def test_the_guard_lifts_only_the_strongest_work_and_keeps_every_other_order(n: int, seed: int, depth: int) -> None:
    rng = np.random.default_rng(seed)
    lex = rng.random(n) * 0.3
    emb = rng.random(n) * 0.3
    fused = fused_z(lex, emb, PRIOR, {"lexical": 0.3, "embedding": 0.7})
    out = guarded(fused, lex, emb, PRIOR, depth=depth)
    target = strongest(lex, emb, PRIOR)
    assert target is not None
    others = np.arange(n) != target
    assert np.array_equal(out[others], fused[others])  # nobody else's value moves
    place = int(np.count_nonzero(out[others] > out[target])) + 1
    before = int(np.count_nonzero(fused[others] > fused[target])) + 1
    if depth == 0 or before <= depth:
        assert np.array_equal(out, fused)
    else:
        assert place <= depth and out[target] >= fused[target]
    if depth >= 2:  # the fusion's own first choice keeps the first place: hit@1 cannot change
        assert int(np.argmax(out)) == int(np.argmax(fused)) or out[target] == fused[target]


def test_strongest_reads_both_signals_on_the_fusions_own_scale() -> None:
    bg = Background((0.02, 0.01), (0.05, 0.05))
    assert strongest([0.10, 0.02], [0.05, 0.30], bg) == 0  # lexical z 8 against embedding z 5
    assert strongest([0.04, 0.02], [0.05, 0.30], bg) == 1  # lexical z 2 against embedding z 5
    assert strongest([np.nan, 0.05], [0.9, np.nan], bg, valid=np.array([False, True])) == 1  # the query's own row left out
    assert strongest(None, None, bg) is None


def test_the_catalog_keeps_the_strongest_signals_first_choice_in_sight(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the catalog's own ranking: the lexical signal finds the partner (three shared
    distinctive words: cosine 0.146, its runner-up 0.099; z about 7, the query's strongest
    observation), the embedding, planted, is confident about something else: one distractor at
    0.22 (z about 5) over nine bunched at 0.17-0.15 (standout 0.7), the partner at its background
    (0.05). The standout then gives the embedding four fifths of the weight, and without the guard
    the partner is 7th, out of the top 5 (``GUARD_RANK = 0``). With it, the partner is 2nd and the
    fusion's own first choice keeps the first place. When the embedding's pick is the stronger
    observation (0.26, z about 7.5, above the lexical peak) the guard has nothing to do."""
    cat, index, lexical, q, n = _lighthouse_catalog(tmp_path)

    def plant(peak: float) -> None:
        cosines = np.clip(np.random.default_rng(3).normal(0.05, 0.02, n), 0.0, 0.09)
        cosines[[index.position[f"d{i:02d}"] for i in range(10)]] = [peak, *np.linspace(0.17, 0.15, 9)]
        cosines[index.position["keeper2"]] = 0.05
        cosines[index.position["keeper"]] = 1.0
        emb = np.zeros((n, n + 1), np.float32)  # unit vectors with exactly these cosines to the query's
        emb[:, 0] = cosines
        emb[np.arange(n), np.arange(n) + 1] = np.sqrt(1.0 - cosines**2)
        index.embeddings, index.has_embedding = emb, np.ones(n, bool)
        q.embedding = emb[index.position["keeper"]].copy()

    def places(guard: int) -> list[str]:
        monkeypatch.setattr(fusion, "GUARD_RANK", guard)
        return [index.ids[r.row] for r in rank(index, q, k=10, ann=False, lexical=lexical)]

    plant(0.22)
    unguarded, kept = places(0), places(2)
    assert max(rank(index, q, k=10, ann=False, lexical=lexical), key=lambda r: r.scores.lexical or 0.0).row == index.position["keeper2"]
    assert unguarded.index("keeper2") + 1 > 5, unguarded[:8]  # the failure the guard is for
    assert kept.index("keeper2") + 1 == 2 and kept[0] == unguarded[0], kept[:3]
    assert [w for w in kept if w != "keeper2"] == [w for w in unguarded if w != "keeper2"]  # nobody else moves
    plant(0.26)
    assert places(2) == places(0)  # the embedding's pick is the strongest observation and already first
