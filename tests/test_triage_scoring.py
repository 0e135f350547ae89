"""The rubric: originality, craft and risk, weights, evidence."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

import dramalens
from dramalens.analysis.compliance import Finding
from dramalens.analysis.episode_format import EpisodeOutside
from dramalens.analysis.hooks import EndingCue
from dramalens.catalog import Match, Scores
from dramalens.errors import ConfigError
from dramalens.triage.jobs import run_tx
from dramalens.triage.intake import SubmissionInput, SubmissionMeta
from dramalens.triage.pipeline import features_from_analysis
from dramalens.triage.scoring import DEFAULT_WEIGHTS, Features, Flag, Weights, load_weights, save_weights, score
from triage_support import REAL_PIPELINE, make_script, new_engine

ratio = st.one_of(st.none(), st.floats(0, 1))
flag = st.builds(Flag, rule=st.sampled_from(["a", "b"]), severity=st.sampled_from(["high", "medium", "low", "info"]))
features = st.builds(
    lambda eps, hooks, nov, pace, ag, flags: Features(episodes=eps, hook_endings=min(hooks, eps), novelty=nov,
                                                      pacing_fit=pace, agency=ag, flags=tuple(flags)),
    st.integers(0, 120), st.integers(0, 120), ratio, ratio, ratio, st.lists(flag, max_size=6))
weights = st.builds(Weights, st.floats(0, 5), st.floats(0.01, 5), st.floats(0, 5))


@given(features, weights)
def test_scores_stay_in_range(f, w):
    s = score(f, w)
    assert 0 <= s.total <= 100 and 0 <= s.craft <= 100 and 0 <= s.risk <= 100
    assert s.originality is None or 0 <= s.originality <= 100


@given(features, st.floats(0, 0.5))
def test_more_novelty_never_lowers_the_total(f, lower):
    low = score(Features(**{**_fields(f), "novelty": lower}))
    high = score(Features(**{**_fields(f), "novelty": lower + 0.5}))
    assert high.total >= low.total


def _fields(f):
    return {name: getattr(f, name) for name in Features.__slots__}


def test_risk_adds_severities_and_caps():
    flags = tuple(Flag(rule="r", severity="high", text="t", line=3, episode=1) for _ in range(4))
    s = score(Features(episodes=1, hook_endings=1, flags=flags))
    assert s.risk == 100.0
    assert sum(e.criterion == "risk" and e.line == 3 for e in s.evidence) == 4
    assert score(Features(flags=(Flag("flag", "info"),))).risk == 0.0


def test_unknown_originality_redistributes_its_weight():
    f = Features(episodes=10, hook_endings=10, pacing_fit=1, agency=1)
    s = score(f)
    assert s.originality is None and s.total == 100.0
    assert any("no catalog" in e.text for e in s.evidence)


def test_evidence_names_similar_works_and_weak_endings():
    f = Features(episodes=4, hook_endings=2, novelty=0.3, similar=(Match("w1", "霸道总裁爱上我", 0.8, Scores(0.8, 0.8, 0.8, None, None, None)),),
                 weak_endings=((2, 40), (3, 77)))
    s = score(f)
    assert s.originality == 30.0
    assert any(e.work == "霸道总裁爱上我" for e in s.evidence)
    assert [(e.episode, e.line) for e in s.evidence if e.episode] == [(2, 40), (3, 77)]


@pytest.mark.parametrize("bad", [{"originality": -1}, {"craft": float("nan")}, {"originality": 0, "craft": 0, "risk": 0}])
def test_bad_weights_refused(bad):
    with pytest.raises(ConfigError):
        Weights(**bad)
    with pytest.raises(ConfigError, match="unknown weight"):
        Weights.from_mapping({"beauty": 1})


def test_weights_from_toml_then_settings_row(tmp_path):
    toml = tmp_path / "triage.toml"
    toml.write_text("[weights]\noriginality = 1\ncraft = 2\nrisk = 3\n", encoding="utf-8")
    assert load_weights(path=toml) == Weights(1, 2, 3)
    toml.write_text("[weights]\nbogus = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_weights(path=toml)
    engine = new_engine(tmp_path)
    with engine.connect() as c:
        assert load_weights(c, path=tmp_path / "none.toml") == DEFAULT_WEIGHTS
    run_tx(engine, lambda c: save_weights(c, Weights(0.2, 0.7, 0.1)))
    with engine.connect() as c:
        assert load_weights(c, path=toml) == Weights(0.2, 0.7, 0.1)  # the row wins over the file


def test_features_from_analysis():
    base = dramalens.analyze(dramalens.parse(make_script(1, episodes=2)))
    ep1, ep2 = base.hooks.episodes

    def cue(line):
        return EndingCue("cliffhanger_mark", "【卡点】", line, "", 0.0, 1.0)

    hooks = replace(base.hooks, weak_threshold=0.5, weak_endings=(2,), episodes=(
        replace(ep1, number=1, ending_strength=0.9, ending_cues=(cue(10),)),
        replace(ep2, number=2, ending_strength=0.1, ending_cues=(cue(20),))))
    fmt = replace(base.format, format="vertical", outside=(EpisodeOutside(2, 30.0, "short", 0),))
    chars = replace(base.characters, mean_primary_agency=0.5, drive="mixed")
    comp = replace(base.compliance, budget=None, findings=(Finding("title.x", "t", "high", 0, 0, "", "", ""),))
    f = features_from_analysis(replace(base, hooks=hooks, format=fmt, characters=chars, compliance=comp))
    assert (f.episodes, f.hook_endings, f.weak_endings) == (2, 1, ((2, 20),))
    assert f.pacing_fit == 0.5 and f.agency == 0.75 and f.flags[0].rule == "title.x"


def test_real_pipeline_scores_with_evidence():
    text = make_script(5, episodes=4, title="霸总的契约娇妻")
    out = REAL_PIPELINE(SubmissionInput(1, "a.txt", text.encode(), SubmissionMeta(title="霸总的契约娇妻")),
                        weights=DEFAULT_WEIGHTS)
    assert 0 <= out.score.total <= 100 and out.language == "zh"
    assert any(e.criterion == "craft" for e in out.score.evidence)
    assert out.score.risk > 0 and any("badao" in e.text or "霸总" in e.text for e in out.score.evidence if e.criterion == "risk")
