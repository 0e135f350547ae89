"""The synthetic corpus generator: files, metadata, planted relations, determinism, parsing."""

from __future__ import annotations

import json
import random
import re
import statistics
from pathlib import Path

import pytest

from dramalens.synth import RELATION_KINDS, PlantedRelation, generate_corpus
from dramalens.cli import main
from dramalens.errors import ConfigError
from dramalens.parsing import parse

_KEEP = re.compile(r"[^\u4e00-\u9fffa-z0-9 ]+")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    return generate_corpus(out, works=50, episodes=(5, 7), seed=4, plant_rate=0.4)


def _meta(truth) -> dict[str, dict]:
    with open(Path(truth.out_dir) / "metadata.jsonl", encoding="utf-8") as fh:
        return {r["id"]: r for r in map(json.loads, fh)}


def _text(truth, work) -> str:
    return (Path(truth.out_dir) / work.path).read_text(encoding="utf-8")


def _shingles(text: str, language: str, names) -> set:
    """Names masked, punctuation dropped: char 5-grams (zh) or word 3-grams (en)."""
    for name in sorted(names, key=len, reverse=True):
        text = re.sub(re.escape(name), "囗", text, flags=re.IGNORECASE)
    text = _KEEP.sub(" ", text.lower())
    if language == "zh":
        text = text.replace(" ", "")
        return {text[i : i + 5] for i in range(len(text) - 4)}
    words = text.split()
    return {" ".join(words[i : i + 3]) for i in range(len(words) - 2)}


def test_files_and_metadata(corpus):
    meta = _meta(corpus)
    assert len(meta) == len(corpus.works) == 50
    for w in corpus.works:
        record = meta[w.id]
        assert set(record) >= {"id", "title", "language", "synopsis", "tags", "episodes", "format", "track", "release_date", "plays"}
        assert record["episodes"] == w.episodes and 5 <= w.episodes <= 7
        assert record["format"] in ("vertical", "horizontal")
        assert record["synopsis"] and record["title"]
        assert w.path.endswith(".txt" if w.language == "zh" else ".fountain")
        text = _text(corpus, w)
        if w.language == "zh":
            assert len(re.findall(r"^第\d+集$", text, re.M)) == w.episodes
            assert len(re.findall(r"^\d+-\d+ [日夜] [内外] \S+$", text, re.M)) == w.scenes
            assert re.search(r"^人物：", text, re.M) and re.search(r"^△", text, re.M) and "【卡点】" in text
            assert re.search(r"^\S{2,3}（[^）]+）：", text, re.M)
            # every episode ends on its hook, near-copies included
            assert text.count("【卡点】") == w.episodes
            assert all(block.rstrip().endswith("【卡点】") for block in re.split(r"^第\d+集$", text, flags=re.M)[1:])
        else:
            assert len(re.findall(r"^# Episode \d+$", text, re.M)) == w.episodes
            assert len(re.findall(r"^(?:INT|EXT)\. .+ - (?:DAY|NIGHT)$", text, re.M)) == w.scenes
            assert re.search(r"^[A-Z]{2,}$", text, re.M)
            assert text.count("CUT TO:") == w.episodes
        # monthly plays: consecutive months from the release month to the corpus' end
        months = [p["date"] for p in record["plays"]]
        assert months[0] == record["release_date"][:7]
        for a, b in zip(months, months[1:]):
            ya, ma = map(int, a.split("-"))
            yb, mb = map(int, b.split("-"))
            assert yb * 12 + mb == ya * 12 + ma + 1
        assert all(p["plays"] >= 0 for p in record["plays"])


def test_horizontal_episodes_hold_more_scenes(corpus):
    meta = _meta(corpus)
    per_episode = {"vertical": [], "horizontal": []}
    for w in corpus.works:
        per_episode[meta[w.id]["format"]].append(w.scenes / w.episodes)
    assert per_episode["vertical"] and per_episode["horizontal"]
    assert min(per_episode["horizontal"]) > max(per_episode["vertical"]) - 1


def test_all_relation_kinds_are_planted(corpus):
    kinds = {r.kind for r in corpus.relations}
    assert kinds == set(RELATION_KINDS)
    assert {r.fraction for r in corpus.of_kind("near_copy")} == {0.1, 0.3, 0.6}
    ids = {w.id for w in corpus.works}
    for r in corpus.relations:
        kind, source, copy, fraction = r  # unpacks as the contract says
        assert isinstance(r, PlantedRelation) and source in ids and copy in ids and source < copy
    truth = json.loads((Path(corpus.out_dir) / "truth.json").read_text(encoding="utf-8"))
    assert [tuple(r.values()) for r in truth["relations"]] == [tuple(r) for r in corpus.relations]


def test_near_copies_reuse_passages_under_new_names(corpus):
    works = corpus.by_id()
    shingles = {w.id: _shingles(_text(corpus, w), w.language, dict(w.cast).values()) for w in corpus.works}

    def containment(a, b):
        return len(shingles[a] & shingles[b]) / min(len(shingles[a]), len(shingles[b]))

    by_fraction: dict[float, list[float]] = {}
    for r in corpus.of_kind("near_copy"):
        copy, source = works[r.copy_id], works[r.source_id]
        assert abs(copy.copied_share - r.fraction) < 0.2
        by_fraction.setdefault(r.fraction, []).append(containment(r.source_id, r.copy_id))
        # renamed: the source's protagonist is not named in the copy unless the copy's cast reuses the name
        source_name = dict(source.cast)["P"]
        if source_name not in dict(copy.cast).values():
            assert source_name not in _text(corpus, copy)
    related = {frozenset((r.source_id, r.copy_id)) for r in corpus.relations}
    rng = random.Random(0)
    unrelated = []
    ids = sorted(works)
    while len(unrelated) < 150:
        a, b = rng.sample(ids, 2)
        if works[a].language == works[b].language and frozenset((a, b)) not in related and not corpus.shares_text(a, b):
            unrelated.append(containment(a, b))
    # two copies of one source share its text: the implied relation text_groups() names
    groups = corpus.text_groups()
    siblings = [(a.copy_id, b.copy_id) for a in corpus.of_kind("near_copy") for b in corpus.of_kind("near_copy")
                if a.source_id == b.source_id and a.copy_id < b.copy_id]
    for a, b in siblings:
        assert groups[a] == groups[b] and corpus.shares_text(a, b)
    means = {f: statistics.mean(v) for f, v in by_fraction.items()}
    assert means[0.6] > means[0.3] > means[0.1] > statistics.mean(unrelated)
    # unrelated works are not near-copies of each other: few shared shingles
    assert statistics.mean(unrelated) < 0.5 * means[0.1]


def test_retellings_and_twins_share_story_not_text(corpus):
    works = corpus.by_id()
    for r in corpus.of_kind("retelling"):
        source, copy = works[r.source_id], works[r.copy_id]
        assert copy.functions == source.functions and copy.tropes == source.tropes
        assert dict(copy.cast) != dict(source.cast)
    for r in corpus.of_kind("trope_twin"):
        source, copy = works[r.source_id], works[r.copy_id]
        assert copy.tropes == source.tropes and copy.track == source.track


def test_deterministic_per_seed(tmp_path):
    kwargs = dict(works=12, episodes=(2, 3), plant_rate=0.4)
    a = generate_corpus(tmp_path / "a", seed=9, **kwargs)
    b = generate_corpus(tmp_path / "b", seed=9, **kwargs)
    c = generate_corpus(tmp_path / "c", seed=10, **kwargs)
    assert a.relations == b.relations and a.works == b.works
    for name in ("metadata.jsonl", "truth.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    for w in a.works:
        assert (tmp_path / "a" / w.path).read_bytes() == (tmp_path / "b" / w.path).read_bytes()
    assert (tmp_path / "a" / "metadata.jsonl").read_bytes() != (tmp_path / "c" / "metadata.jsonl").read_bytes()


def test_synopsis_only_works(tmp_path):
    truth = generate_corpus(tmp_path, works=40, episodes=(60, 80), seed=2, full_text_ratio=0.0, plant_rate=0.3)
    assert not any((tmp_path / "works").iterdir())
    meta = _meta(truth)
    assert all(r["path"] is None and r["synopsis"] for r in meta.values())
    assert all(60 <= r["episodes"] <= 80 for r in meta.values())
    for r in truth.of_kind("near_copy"):  # the blurb carries the lifted share
        assert truth.by_id()[r.copy_id].copied_share > 0


def test_languages_and_ratio(tmp_path):
    truth = generate_corpus(tmp_path, works=20, languages="en", episodes=(1, 2), seed=1, full_text_ratio=0.5, plant_rate=0)
    assert {w.language for w in truth.works} == {"en"}
    with_text = sum(w.path is not None for w in truth.works)
    assert 0 < with_text < 20


def test_plays_trend_differs_by_track(tmp_path):
    """Per-track demand trends: a growing track's late releases open higher than a saturated one's."""
    truth = generate_corpus(tmp_path, works=1500, languages="zh", episodes=(1, 1), seed=5, full_text_ratio=0.0, plant_rate=0)
    opening: dict[str, dict[bool, list[float]]] = {}
    for record in _meta(truth).values():
        late = record["release_date"] >= "2025-06"
        second = record["plays"][1]["plays"] if len(record["plays"]) > 1 else None
        if second:
            opening.setdefault(record["track"], {True: [], False: []})[late].append(second)

    def growth(track):
        d = opening[track]
        return statistics.median(d[True]) / statistics.median(d[False])

    assert growth("年代") > growth("都市")
    # supply: the saturated track releases more in its later half
    dates = sorted(r["release_date"] for r in _meta(truth).values() if r["track"] == "都市")
    assert sum(d >= "2024-12" for d in dates) > len(dates) / 2


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"works": 0}, "works"),
        ({"languages": ("zh", "fr")}, "languages"),
        ({"episodes": (5, 2)}, "episodes"),
        ({"scenes_per_episode": (0, 2)}, "scenes_per_episode"),
        ({"plant_rate": 1.5}, "plant_rate"),
        ({"full_text_ratio": -0.1}, "full_text_ratio"),
    ],
)
def test_parameters_are_validated(tmp_path, kwargs, message):
    with pytest.raises(ConfigError, match=message):
        generate_corpus(tmp_path, **kwargs)


def test_generated_scripts_parse_into_the_generated_structure(corpus):
    for w in corpus.works:
        script = parse(Path(corpus.out_dir) / w.path)
        assert script.source_format == ("chinese" if w.language == "zh" else "fountain")
        assert script.language == w.language
        assert [e.number for e in script.episodes] == list(range(1, w.episodes + 1))
        assert sum(len(e.scenes) for e in script.episodes) == w.scenes
        assert not script.warnings, script.warnings[:3]
        speakers = {n.lower() for n in script.characters}
        assert dict(w.cast)["P"].lower() in speakers
        if w.language == "zh":
            assert any(e.type.value == "cliffhanger_mark" for _, _, e in script.iter_elements())


def test_cli_writes_a_corpus(tmp_path, capsys):
    assert main(["synth", str(tmp_path / "c"), "--works", "6", "--episodes", "2-3", "--lang", "zh", "--seed", "3"]) == 0
    assert "wrote 6 works" in capsys.readouterr().out
    lines = (tmp_path / "c" / "metadata.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 6 and all(json.loads(line)["language"] == "zh" for line in lines)
    assert main(["synth", str(tmp_path / "d"), "--lang", "fr"]) == 2
    assert main(["synth", str(tmp_path / "d"), "--episodes", "x"]) == 2
    assert "MIN-MAX" in capsys.readouterr().err


@pytest.mark.parametrize("language", ["zh", "en"])
def test_word_pools_carry_no_story_function(language):
    """Only the story cores may read as story events, so the planted skeleton is what a reader finds."""
    from dramalens.synth import en as synth_en, zh as synth_zh
    from dramalens.analysis.skeleton import functions_in

    lex = synth_zh if language == "zh" else synth_en
    pools = ("INTERJECTIONS", "SUBJECTS", "ADVERBS", "VERBS", "MODIFIERS", "OBJECTS", "TAILS", "PARENS", "MANNERS", "ACTIONS",
             "REACTIONS", "SETTING", "HOOKS", "PLACES", "TROPE_WHO", "TROPE_VERB", "TROPE_TAIL", "CORE_LEADS", "HOOK_LEADS",
             "SYN_TROPE", "IDENTITIES", "HOOK_SYN", "SUBTITLES", "PARTICLES")
    for pool in pools:
        for item in getattr(lex, pool, ()):
            assert functions_in(item, language) == [], (pool, item)
    for function, cores in lex.FUNCTION_CORES.items():
        for core in cores:
            text = core.replace("⟨a⟩", "X").replace("⟨b⟩", "Y").replace("{obj}", "key").replace("{loc}", "room")
            assert functions_in(text, language) == [function], (function, core)
