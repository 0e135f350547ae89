"""Trope tagging: vocabulary, confidence, hand-written blurbs, traditional Chinese, tracks."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dramalens.synth import generate_corpus
from dramalens.analysis.tropes import (
    TRACKS,
    TropeHit,
    infer_track,
    load_vocabulary,
    tag_script,
    tag_tropes,
)
from dramalens.errors import ConfigError, InputError
from dramalens.parsing import parse_text
from dramalens.serial import jsonable_dict
from dramalens.text import to_simplified

REQUIRED = (
    "ceo", "rebirth", "time_travel", "underdog", "son_in_law", "war_god", "sweet_romance", "revenge", "substitute",
    "genius_baby", "switched_heiress", "contract_marriage", "system", "hidden_identity", "chasing_wife", "secret_baby",
    "werewolf", "mafia", "household_intrigue", "family", "strong_heroine", "miracle_doctor", "abuse_romance", "campus",
    "period",
)

# Blurbs written the way platforms write them (not from the generator's templates), with the
# tropes a reader would tag. Precision/recall over all of them must stay high.
ZH_BLURBS = [
    ("她是苏家抱错的真千金，被接回豪门后受尽假千金的陷害。这一次她不再忍让。", {"switched_heiress", "ceo"}),
    ("上一世被渣男和闺蜜害死，重生回到十八岁，她发誓要让他们血债血偿。", {"rebirth", "revenge"}),
    ("入赘三年，他被丈母娘骂作废物女婿。没人知道，他是北境战神，麾下十万大军。", {"son_in_law", "war_god"}),
    ("为了给母亲治病，她和千亿总裁协议结婚。契约到期那天，霸总却不肯放手。", {"contract_marriage", "ceo"}),
    ("一夜之后她怀孕了，带球跑五年。再回国，身边跟着一对天才宝宝，萌宝帮妈咪虐渣爹地。", {"secret_baby", "genius_baby"}),
    ("离婚后，前夫才发现她是神秘大佬，马甲一个接一个掉。追妻火葬场，他跪求原谅。", {"divorce", "hidden_identity", "chasing_wife"}),
    ("七十年代，知青林晚下乡到生产队，凭一手好厨艺在供销社站稳脚跟。", {"period"}),
    ("侯府嫡女被庶妹和姨娘联手陷害，冷宫归来，她步步为营。", {"household_intrigue", "palace_intrigue"}),
    ("废柴少年觉醒灵根，进入宗门修炼，一路逆袭成为仙尊。", {"cultivation", "underdog"}),
    ("他宠妻宠上天，她撒娇他就投降，一部甜到齁的甜宠剧。", {"sweet_romance"}),
]
EN_BLURBS = [
    ("Rejected by her alpha on the night of the full moon, Ava leaves the pack. Five years later the lycan king wants his fated mate back.", {"werewolf"}),
    ("She signed a marriage contract with a cold billionaire to save her family's company. Fake marriage, real feelings.", {"contract_marriage", "ceo"}),
    ("Betrayed by her husband and her stepsister, she died in the fire. Reborn three years earlier, she will make them pay.", {"rebirth", "revenge"}),
    ("Switched at birth, the true heiress returns to a family that adores the fake heiress.", {"switched_heiress"}),
    ("The mafia don's daughter falls for the undercover cop sent to bring down her crime family.", {"mafia"}),
    ("After the divorce, her ex-husband learns she is secretly the hacker who owns half the city. Now he wants to win her back.", {"divorce", "hidden_identity", "chasing_wife"}),
    ("One night stand, one secret baby, and a billionaire CEO who has no idea he is a father.", {"secret_baby", "ceo"}),
    ("A genius son with a hacker's brain sets out to find his billionaire daddy for his mommy.", {"genius_baby", "ceo"}),
    ("Mocked as a useless son-in-law for three years, he was a legendary war god all along.", {"son_in_law", "war_god"}),
    ("A small-town nurse is in fact a miracle doctor whose acupuncture saves the tycoon's grandfather.", {"miracle_doctor", "ceo"}),
]
# The same blurbs in traditional characters (as Taiwanese and Hong Kong platforms write them).
TRADITIONAL = [
    ("她是蘇家抱錯的真千金，被接回豪門後受盡假千金的陷害。", {"switched_heiress", "ceo"}),
    ("上一世被渣男害死，重生回到十八歲，她發誓要讓他們血債血償。", {"rebirth", "revenge"}),
    ("為了給母親治病，她和千億總裁協議結婚。契約到期那天，霸總卻不肯放手。", {"contract_marriage", "ceo"}),
    ("入贅三年，他被丈母娘罵作廢物女婿。沒人知道，他是北境戰神。", {"son_in_law", "war_god"}),
]


def _precision_recall(blurbs, language, threshold=0.45):
    tp = fp = fn = 0
    for text, expected in blurbs:
        found = {h.trope for h in tag_tropes(text, language=language) if h.confidence >= threshold}
        tp += len(found & expected)
        fp += len(found - expected)
        fn += len(expected - found)
    return tp / max(1, tp + fp), tp / max(1, tp + fn)


def test_vocabulary_has_the_genre_tropes():
    vocab = load_vocabulary()
    assert set(REQUIRED) <= set(vocab.ids)
    assert len(vocab.ids) == len(set(vocab.ids))
    for t in vocab.tropes:
        assert t.cues_zh and t.cues_en, t.id
        assert t.track_zh in TRACKS["zh"] and t.track_en in TRACKS["en"], t.id
    assert vocab.get("son_in_law").label_zh == "赘婿"
    with pytest.raises(ConfigError, match="unknown trope"):
        vocab.get("nope")


@pytest.mark.parametrize("blurbs,language", [(ZH_BLURBS, "zh"), (EN_BLURBS, "en"), (TRADITIONAL, "zh")])
def test_hand_written_blurbs(blurbs, language):
    precision, recall = _precision_recall(blurbs, language)
    assert precision >= 0.85, precision
    assert recall >= 0.85, recall


def test_traditional_and_simplified_give_the_same_tropes():
    for trad, _ in TRADITIONAL:
        simp = to_simplified(trad)
        assert simp != trad
        assert [(h.trope, h.confidence) for h in tag_tropes(trad, language="zh")] == [
            (h.trope, h.confidence) for h in tag_tropes(simp, language="zh")
        ]


def test_hits_are_sorted_and_cues_come_from_the_text():
    text = "重生回到十年前，她发誓复仇，要让仇人付出代价。"
    hits = tag_tropes(text, language="zh")
    assert hits == sorted(hits, key=lambda h: -h.confidence)
    assert hits[0].trope in ("rebirth", "revenge")
    for hit in hits:
        assert isinstance(hit, TropeHit) and 0 < hit.confidence <= 1
        assert all(cue in text for cue in hit.cues)
        assert set(jsonable_dict(hit)) == {"trope", "label_zh", "label_en", "confidence", "cues"}


def test_more_evidence_means_more_confidence():
    one = tag_tropes("他是总裁。", language="zh")
    two = tag_tropes("他是霸道总裁，千亿集团的首富。", language="zh")
    c1 = next(h.confidence for h in one if h.trope == "ceo")
    c2 = next(h.confidence for h in two if h.trope == "ceo")
    assert c2 > c1
    tagged = next(h.confidence for h in tag_tropes("他是总裁。", language="zh", tags=["霸总"]) if h.trope == "ceo")
    assert tagged > c1


def test_tags_alone_name_a_trope_in_any_spelling():
    for tag in ("赘婿", "贅婿", "son-in-law", "Son_In_Law", "#上门女婿"):
        hits = tag_tropes("", language="zh", tags=[tag])
        assert [h.trope for h in hits] == ["son_in_law"], tag
        assert math.isclose(hits[0].confidence, 1 - math.exp(-2.0 / 1.5), abs_tol=1e-4)


def test_a_single_passing_word_in_a_long_script_is_not_a_trope():
    filler = "他推开门走进来，放下杯子，看着窗外。" * 300
    assert "revenge" not in {h.trope for h in tag_tropes(filler + "报复", language="zh")}
    assert "revenge" in {h.trope for h in tag_tropes(filler + "报复。复仇！" * 30, language="zh")}


def test_english_matching_is_whole_word_with_plurals():
    assert not tag_tropes("The alpha-male moboid can't stop.", language="en", min_confidence=0)
    hits = {h.trope for h in tag_tropes("Two billionaires and the mob's werewolves.", language="en")}
    assert {"ceo", "werewolf", "mafia"} <= hits
    assert not tag_tropes("The packaging is flawless.", language="en", min_confidence=0)


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["zh", "en"]), st.lists(st.text(max_size=8), max_size=3))
def test_tagging_never_fails_and_stays_in_range(text, language, tags):
    hits = tag_tropes(text, language=language, tags=tags)
    assert all(0.3 <= h.confidence <= 1.0 for h in hits)
    assert [h.confidence for h in hits] == sorted((h.confidence for h in hits), reverse=True)
    assert infer_track(hits, text, language) in TRACKS[language]


def test_parameters_are_validated():
    with pytest.raises(ConfigError, match="allowed: zh, en"):
        tag_tropes("x", language="jp")
    with pytest.raises(ConfigError, match="min_confidence"):
        tag_tropes("x", language="en", min_confidence=2)


def test_infer_track_from_setting_words_and_tropes():
    def track(text, language):
        return infer_track(tag_tropes(text, language=language), text, language)

    assert track("王爷冷笑，本宫今日便要你跪在朝堂之上。", "zh") == "古装"
    assert track("知青下乡，粮票和供销社的年月。", "zh") == "年代"
    assert track("宗门大比，他以灵力碾压众人。", "zh") == "玄幻"
    assert track("The alpha claims his luna before the pack.", "en") == "werewolf"
    assert track("The cartel boss and the mafia princess.", "en") == "mafia"
    assert track("", "zh") == "都市" and track("", "en") == "romance"


def test_custom_vocabulary_file_and_extension(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(
        '[[trope]]\nid = "space_opera"\nzh = "星际"\nen = "space opera"\ntrack_zh = "玄幻"\ntrack_en = "fantasy"\n'
        'cues_zh = { "星舰" = 1.5 }\ncues_en = { "starship" = 1.5 }\n',
        encoding="utf-8",
    )
    own = load_vocabulary(path)
    assert own.ids == ("space_opera",)
    extended = load_vocabulary(path, extend=True)
    assert "space_opera" in extended.ids and "ceo" in extended.ids
    hits = tag_tropes("The starship belongs to a billionaire.", language="en", vocabulary=extended)
    assert {"space_opera", "ceo"} <= {h.trope for h in hits}
    assert [h.trope for h in tag_tropes("星舰启航", language="zh", vocabulary=own)] == ["space_opera"]
    with pytest.raises(InputError):
        load_vocabulary(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[[trope]]\nzh = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="malformed"):
        load_vocabulary(bad)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("trope-corpus")
    return generate_corpus(out, works=60, episodes=(6, 9), seed=13, plant_rate=0.2)


def test_planted_trope_stacks_are_tagged_in_scripts_and_synopses(corpus):
    import json

    meta = {}
    with open(f"{corpus.out_dir}/metadata.jsonl", encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            meta[record["id"]] = record
    copies = {r.copy_id for r in corpus.of_kind("near_copy")}  # they carry their source's tropes too
    for source in ("script", "synopsis"):
        tp = fp = fn = 0
        track_hits = total = 0
        for w in corpus.works:
            if w.id in copies:
                continue
            if source == "script":
                with open(f"{corpus.out_dir}/{w.path}", encoding="utf-8") as fh:
                    text = fh.read()
            else:
                text = meta[w.id]["synopsis"]
            hits = tag_tropes(text, language=w.language)
            found = {h.trope for h in hits if h.confidence >= 0.5}
            tp += len(found & set(w.tropes))
            fp += len(found - set(w.tropes))
            fn += len(set(w.tropes) - found)
            track_hits += infer_track(hits, text, w.language) == w.track
            total += 1
        assert tp / (tp + fp) >= 0.9, (source, tp, fp)
        assert tp / (tp + fn) >= 0.9, (source, tp, fn)
        assert track_hits / total >= 0.8, (source, track_hits, total)


def test_tag_script_uses_title_and_all_text():
    script = parse_text("剧名：赘婿归来\n\n第1集\n1-1 日 内 客厅\n人物：林凡\n△林凡站在门口。\n丈母娘：废物女婿，滚出去！\n")
    assert "son_in_law" in {h.trope for h in tag_script(script)}


def test_a_generated_script_in_traditional_characters_tags_the_same(corpus):
    import opencc

    from dramalens.analysis.skeleton import skeleton_from_text

    to_traditional = opencc.OpenCC("s2t")
    work = next(w for w in corpus.works if w.language == "zh")
    with open(f"{corpus.out_dir}/{work.path}", encoding="utf-8") as fh:
        simplified = fh.read()
    traditional = to_traditional.convert(simplified)
    assert traditional != simplified
    assert {h.trope for h in tag_tropes(traditional, language="zh")} == {h.trope for h in tag_tropes(simplified, language="zh")}
    assert skeleton_from_text(traditional, "zh").functions == skeleton_from_text(simplified, "zh").functions
