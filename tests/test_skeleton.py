"""Plot skeletons: extraction, role mapping, alignment similarity and shingles."""

from __future__ import annotations

import json
import random
import statistics

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dramalens.analysis.skeleton import (
    FUNCTION_CUES,
    FUNCTIONS,
    Skeleton,
    character_roles,
    extract_skeleton,
    functions_in,
    skeleton_from_text,
    skeleton_shingles,
    skeleton_similarity,
)
from dramalens.synth import generate_corpus
from dramalens.errors import ConfigError
from dramalens.model import Element, ElementType, Episode, Scene, Script
from dramalens.parsing import parse
from dramalens.serial import to_jsonable

functions = st.lists(st.sampled_from(FUNCTIONS[:8]), max_size=40)


def _dp_lcs(a, b) -> int:
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            table[i + 1][j + 1] = table[i][j] + 1 if x == y else max(table[i][j + 1], table[i + 1][j])
    return table[-1][-1]


def test_every_function_has_cues_in_both_languages():
    for function, (zh, en) in FUNCTION_CUES.items():
        assert zh and en, function
        for cue in zh:
            assert function in functions_in(cue, "zh"), (function, cue)
        for cue in en:
            assert function in functions_in(cue, "en"), (function, cue)


def test_skeleton_from_text_reads_a_synopsis_in_each_language():
    zh = "她与他在雨夜初遇。订婚宴上，她被继妹当众羞辱。未婚夫背叛了她。三年后她身份曝光，开始复仇。"
    assert skeleton_from_text(zh, "zh").functions == ("meet", "humiliation", "betrayal", "reveal", "revenge")
    en = "They first met at a gala. Her fiance betrayed her. Years later she comes back for revenge. He begs for one more chance."
    assert skeleton_from_text(en, "en").functions == ("meet", "betrayal", "revenge", "pursuit")


def test_traditional_chinese_reads_like_simplified():
    simplified = "她被当众羞辱，丈夫背叛了她，她发誓报仇。"
    traditional = "她被當眾羞辱，丈夫背叛了她，她發誓報仇。"
    assert skeleton_from_text(traditional, "zh").functions == skeleton_from_text(simplified, "zh").functions != ()


def test_english_cues_need_whole_words():
    assert functions_in("The undeath of kings and a tournamentless year.", "en") == []
    assert functions_in("He DIED at dawn.", "en") == ["death"]


def test_repeated_function_is_one_step_and_units_keep_two_functions():
    s = skeleton_from_text("她被羞辱。又被嘲笑。再被看不起。", "zh")
    assert s.functions == ("humiliation",)
    busy = skeleton_from_text("He betrayed her, mocked her, kidnapped her and she died.", "en")
    assert len(busy.functions) == 2


def test_unknown_language_is_refused():
    with pytest.raises(ConfigError, match="allowed: zh, en"):
        skeleton_from_text("x", "fr")
    with pytest.raises(ConfigError):
        skeleton_shingles(["meet"], k=0)


@settings(max_examples=150, deadline=None)
@given(functions, functions)
def test_similarity_is_symmetric_bounded_and_matches_dp(a, b):
    ab, ba = skeleton_similarity(a, b), skeleton_similarity(b, a)
    assert ab.score == ba.score
    assert 0.0 <= ab.score <= 1.0
    lcs = _dp_lcs(a, b)
    assert len(ab.alignment) == lcs
    assert skeleton_similarity(a, b, alignment=False).score == ab.score
    # the alignment is a common subsequence: increasing on both sides, equal functions
    for (i1, j1, f1), (i2, j2, f2) in zip(ab.alignment, ab.alignment[1:]):
        assert i1 < i2 and j1 < j2
    for i, j, f in ab.alignment:
        assert a[i] == b[j] == f


@settings(max_examples=100, deadline=None)
@given(functions)
def test_identical_skeletons_score_one(a):
    assert skeleton_similarity(a, list(a)).score == 1.0
    skeleton = Skeleton(tuple(a))
    assert skeleton_similarity(skeleton, skeleton).score == 1.0


def test_similarity_edges():
    assert skeleton_similarity([], []).score == 1.0
    assert skeleton_similarity(["meet"], []).score == 0.0
    assert skeleton_similarity(["meet", "death"], ["rescue", "wedding"]).score == 0.0


@settings(max_examples=100, deadline=None)
@given(functions, st.integers(min_value=1, max_value=5))
def test_shingles_cover_the_sequence(a, k):
    shingles = skeleton_shingles(a, k=k)
    if not a:
        assert shingles == set()
    elif len(a) < k:
        assert shingles == {">".join(a)}
    else:
        assert all(len(s.split(">")) == k for s in shingles)
        assert shingles == skeleton_shingles(Skeleton(tuple(a)), k=k)


def _scene(*lines):
    return Scene(heading="1-1 日 内 客厅", elements=[Element(ElementType.DIALOGUE, text, character=who) for who, text in lines])


def test_extract_skeleton_maps_names_to_roles():
    script = Script(
        language="zh",
        episodes=[
            Episode(1, scenes=[_scene(("林晚", "我们在雨里初遇。"), ("陆深", "第一次见你就记住了。"), ("林晚", "是吗？"))]),
            Episode(2, scenes=[_scene(("王浩", "你这个废物，也配？"), ("林晚", "你会后悔的。"), ("林晚", "走着瞧。"))]),
            Episode(3, scenes=[_scene(("陆深", "我喜欢你。"), ("林晚", "我也是。"))]),
        ],
    )
    skeleton = extract_skeleton(script)
    assert skeleton.functions == ("meet", "humiliation", "confession")
    roles = character_roles(script)
    assert roles == {"林晚": "protagonist", "陆深": "love_interest", "王浩": "antagonist"}
    dumped = json.dumps(to_jsonable(skeleton), ensure_ascii=False)
    assert not any(name in dumped for name in roles)
    assert skeleton.steps[1].roles == ("protagonist", "antagonist")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("skeleton-corpus")
    truth = generate_corpus(out, works=60, episodes=(6, 8), seed=21, plant_rate=0.35)
    skeletons = {w.id: extract_skeleton(parse(out / w.path)) for w in truth.works}
    return truth, skeletons


def test_extracted_skeleton_follows_the_planned_plot(corpus):
    truth, skeletons = corpus  # near-copies included: their truth counts the lifted scenes
    scores = [skeleton_similarity(skeletons[w.id], w.functions).score for w in truth.works]
    assert statistics.mean(scores) >= 0.95
    assert min(scores) >= 0.8


def test_renamed_retelling_is_closer_than_unrelated_works(corpus):
    truth, skeletons = corpus
    retellings = truth.of_kind("retelling")
    assert retellings
    related = {frozenset((r.source_id, r.copy_id)) for r in truth.relations}
    language = {w.id: w.language for w in truth.works}
    rng = random.Random(0)
    ids = sorted(skeletons)
    unrelated = []
    while len(unrelated) < 200:
        a, b = rng.sample(ids, 2)
        if language[a] == language[b] and frozenset((a, b)) not in related:
            unrelated.append(skeleton_similarity(skeletons[a], skeletons[b]).score)
    threshold = statistics.mean(unrelated) + 2 * statistics.pstdev(unrelated)
    for r in retellings:
        assert skeleton_similarity(skeletons[r.source_id], skeletons[r.copy_id]).score > threshold
        # names differ, so the story is the same without sharing a single character
        works = truth.by_id()
        assert set(dict(works[r.source_id].cast).values()) != set(dict(works[r.copy_id].cast).values())


def test_roles_find_the_planted_protagonist(corpus):
    from dramalens.parsing import parse

    truth, _ = corpus
    copies = {r.copy_id for r in truth.of_kind("near_copy")}
    hits = total = 0
    for w in truth.works:
        if w.id in copies:
            continue
        roles = character_roles(parse(f"{truth.out_dir}/{w.path}"))
        name = dict(w.cast)["P"]
        total += 1
        hits += roles.get(name, roles.get(name.upper())) == "protagonist"
    assert hits / total >= 0.9
