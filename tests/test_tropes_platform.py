"""The vocabulary grown to what platforms tag: each new trope fires on a synopsis of its own (in
English and in Chinese), the platforms' tag names map to it in both languages, and the cues
that used to misfire on American dramas no longer do. Every example is written here."""

from __future__ import annotations

import pytest

from dramalens.analysis.tropes import tag_tropes, tropes_named_by

NEW = {
    "one_night_stand": ("After a drunken night in Vegas she wakes up next to a stranger: a one-night stand she wants to forget.",
                        "一次醉酒后的一夜情，让她和陌生男人有了交集。"),
    "love_triangle": ("Torn between her loyal fiancé and his charming brother, June must choose: a love triangle at the vineyard.",
                      "她夹在两个男人之间，情敌竟是自己的闺蜜，一场三角恋就此开始。"),
    "age_gap": ("She falls for her father's best friend, an older man twenty years older than her.",
                "她爱上了大她十岁的小舅舅，这段年龄差的恋情注定坎坷。"),
    "mistaken_identity": ("He is mistaken for the new butler, and she never asks who he really is: a comedy of mistaken identity.",
                          "他认错人了，把她当成了那晚救他的女孩。"),
    "fated_mates": ("On her eighteenth birthday the mate bond tells Ivy that her fated mate is her worst enemy.",
                    "命中注定的伴侣出现了，她却不肯承认这段命定之缘。"),
    "enemies_to_lovers": ("Two rival lawyers, sworn enemies since law school, are forced to share one case: enemies to lovers.",
                          "她和他是商场上的死对头，针锋相对多年，却在一次合作后相爱相杀。"),
    "heiress": ("The heiress of a shipping fortune hides from the paparazzi and every socialite in town.",
                "豪门千金隐姓埋名，只为找到真心爱她的人。"),
    "second_chance": ("Years after he left, her first love is back in town: a second chance they both swore they would not take.",
                      "多年后，初恋重逢，两人破镜重圆。"),
}


@pytest.mark.parametrize("trope", sorted(NEW))
def test_each_new_trope_fires_on_its_own_example(trope: str) -> None:
    en, zh = NEW[trope]
    assert trope in {h.trope for h in tag_tropes(en, language="en")}
    assert trope in {h.trope for h in tag_tropes(zh, language="zh")}


@pytest.mark.parametrize(("tag", "trope"), [
    ("One Night Stand", "one_night_stand"), ("一夜情", "one_night_stand"),
    ("Love Triangle", "love_triangle"), ("三角恋", "love_triangle"),
    ("Age Gap", "age_gap"), ("年龄差", "age_gap"), ("Hot Daddy/DILF", "age_gap"),
    ("Mistaken Identity", "mistaken_identity"), ("认错人", "mistaken_identity"),
    ("Fated Lovers", "fated_mates"), ("命中注定", "fated_mates"),
    ("Enemies to Lovers", "enemies_to_lovers"), ("欢喜冤家", "enemies_to_lovers"), ("Love-Hate", "enemies_to_lovers"),
    ("Heiress/Socialite", "heiress"), ("豪门千金", "heiress"),
    ("Second Chance", "second_chance"), ("破镜重圆", "second_chance"), ("Reunion", "second_chance"),
    ("Comeback Story", "underdog"), ("Rags to Riches", "underdog"), ("逆袭", "underdog"),
    ("Flash Marriage", "contract_marriage"), ("Contract Lovers", "contract_marriage"), ("Love After Marriage", "contract_marriage"), ("先婚后爱", "contract_marriage"),
    ("Genius Babies", "genius_baby"), ("萌宝", "genius_baby"),
    ("Love After Divorce", "divorce"), ("离婚后", "divorce"),
    ("Tear-Jerker", "abuse_romance"), ("虐恋", "abuse_romance"),
    ("Sweet Romance", "sweet_romance"), ("甜宠", "sweet_romance"),
    ("Strong Heroine", "strong_heroine"), ("Independent Woman", "strong_heroine"), ("大女主", "strong_heroine"),
])
def test_platform_tags_name_tropes_in_both_languages(tag: str, trope: str) -> None:
    assert trope in tropes_named_by([tag])


def test_second_chance_is_not_rebirth() -> None:
    assert tropes_named_by(["Second Chance"]) == ("second_chance",)
    hits = {h.trope for h in tag_tropes("Life gave them a second chance at love.", language="en")}
    assert "second_chance" in hits and "rebirth" not in hits
    assert "rebirth" not in {h.trope for h in tag_tropes("She was given a second chance by her ex.", language="en")}


@pytest.mark.parametrize(("text", "wrong"), [
    ("Her stepsister steals her prom date in a small Ohio town.", "household_intrigue"),
    ("Her stepmother throws her out of the house in Texas.", "household_intrigue"),
    ("He was her first love back in high school.", "substitute"),
    ("A struggling student meets a Sugar Daddy who pays her rent.", "genius_baby"),
    ("Her family throws a birthday party at the lake house.", "family"),
])
def test_cues_that_misfired_on_american_dramas_do_not(text: str, wrong: str) -> None:
    assert wrong not in {h.trope for h in tag_tropes(text, language="en")}


def test_sweet_romance_and_strong_heroine_fire_on_english_synopses() -> None:
    sweet = "It was love at first sight: a sweet, romantic summer by the sea."
    strong = "Strong-willed and ambitious, Nora fights back against the board that fired her."
    assert "sweet_romance" in {h.trope for h in tag_tropes(sweet, language="en")}
    assert "strong_heroine" in {h.trope for h in tag_tropes(strong, language="en")}
