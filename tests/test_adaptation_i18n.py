"""The adaptation plan in the reader's language (issue 11, part 6): the plan's page, its checks
and its paywall reason come from the message catalogue in zh or en, while the JSON contract of
``dramalens adapt --json`` keeps its keys and its English sentences."""

from __future__ import annotations

import json
import re
from html import escape

import pytest
from adaptation_fixtures import en_novel, zh_novel

from dramalens.adaptation import AdaptationPlan, adapt, plan_html
from dramalens.adaptation.events import EVENT_KINDS
from dramalens.cli import main
from dramalens.errors import ConfigError
from dramalens.i18n import catalogue, translator
from dramalens.parsing.novel import read_novel

HAN = re.compile(r"[\u3400-\u9fff]")
WORD = re.compile(r"[A-Za-z]{3,}")
RULES = ("no_conflict", "protagonist_absent", "protagonist_passive", "late_character", "dropped_thread",
         "runtime_band", "episode_count", "compliance")


def _zh_with_flag() -> str:
    # A money-worship payoff in chapter 1 makes a compliance check with its chapter.
    return zh_novel().replace("送来一篮青菜", "甩出一张黑卡", 1)


@pytest.fixture(scope="module")
def zh_plan() -> AdaptationPlan:
    return adapt(read_novel(_zh_with_flag()), episodes=4, span="all")


@pytest.fixture(scope="module")
def en_plan() -> AdaptationPlan:
    return adapt(read_novel(en_novel()), episodes=3, span="all")


def _shown(page: str, plan: AdaptationPlan) -> str:
    """What a reader sees of ``page`` (text, tooltips, accessible names), less the novel's own
    words (names, sentences, matched terms), which stay in the novel's language."""
    page = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    labels = " ".join(re.findall(r'aria-label="([^"]*)"', page))
    text = re.sub(r"<[^>]+>", " ", page) + " " + labels
    data = {plan.title, *(c.name for c in plan.characters), *(a for c in plan.characters for a in c.aliases)}
    for e in plan.episodes:
        data |= {e.hook.text, e.cliffhanger.text, *(b.text for b in e.beats), *e.characters}
    data |= {dict(c.note.params).get("matched", "") for c in plan.checks} - {""}
    for item in sorted(data, key=len, reverse=True):  # longest first: a name inside a sentence goes with it
        text = text.replace(escape(str(item), quote=True), " ")
    return text.replace("dramalens", " ")


def test_a_chinese_plan_page_has_no_english_labels(zh_plan):
    assert {c.rule.split(":")[0] for c in zh_plan.checks} >= {"late_character", "compliance", "episode_count"}
    page = plan_html(zh_plan)  # the plan's own language by default
    assert '<html lang="zh-CN"' in page and "原著到分集" in page and "付费卡点在第" in page
    assert "主要人物沈墨在共4集中第3集才首次出场" in page and "（第1章）" in page and "（揭秘）" in page
    shown = _shown(page, zh_plan)
    assert WORD.findall(shown) == []
    # The measure fails on the English page of the same plan.
    assert len(WORD.findall(_shown(plan_html(zh_plan, "en"), zh_plan))) > 50


def test_an_english_plan_page_has_no_chinese_labels(zh_plan, en_plan):
    page = plan_html(en_plan)
    assert '<html lang="en"' in page and "Book to episodes" in page and HAN.findall(_shown(page, en_plan)) == []
    shown = _shown(plan_html(zh_plan, "en"), zh_plan)  # a Chinese novel's plan for an English reader
    assert "Paywall after episode" in shown and "a major character, first appears in episode 3 of 4" in shown
    assert HAN.findall(shown) == []
    assert len(HAN.findall(_shown(plan_html(en_plan, "zh"), en_plan))) > 100


def test_the_json_contract_keeps_its_keys_and_english_sentences(zh_plan):
    data = json.loads(json.dumps(zh_plan.to_dict(), ensure_ascii=False))
    assert set(data["paywall"]) == {"episode", "reason", "strength"}
    assert all(set(c) == {"rule", "episodes", "message"} for c in data["checks"])
    late = next(c for c in data["checks"] if c["rule"] == "late_character")
    assert late["message"] == "沈墨, a major character, first appears in episode 3 of 4"
    flag = next(c for c in data["checks"] if c["rule"].startswith("compliance:"))
    assert flag["message"].startswith("No payoff built on worship of money") and "(chapter 1): “" in flag["message"]
    assert re.fullmatch(r"strongest ending in the free window \d+-\d+: strength \d\.\d\d \(reveal\)", data["paywall"]["reason"])


def test_each_check_is_the_catalogues_sentence(zh_plan, en_plan):
    en, zh = translator("en"), translator("zh")
    for plan in (zh_plan, en_plan):
        for c in plan.checks:
            assert c.note.key.startswith("ap.check.")
            if not c.rule.startswith("compliance:"):  # a compliance check's JSON keeps the rule's full text
                assert en.say(c.note.key, c.note.params) == c.message
            assert not WORD.findall(_shown(zh.say(c.note.key, c.note.params), plan))
        p = plan.paywall
        assert p.reason.startswith(en.say(p.note.key, p.note.params))


def test_every_rule_and_turn_has_a_label_in_both_languages():
    for lang in ("en", "zh"):
        table = catalogue(lang)
        assert [r for r in RULES if f"ap.rule.{r}" not in table] == []
        assert [k for k in EVENT_KINDS if f"beat.{k}" not in table] == []


def test_too_few_episodes_for_a_paywall_is_said_in_chinese():
    plan = adapt(read_novel(zh_novel()), episodes=1, span="1-2")
    assert plan.paywall.reason == "too few episodes for a paywall: everything is free"
    assert "集数太少，不设付费卡点" in plan_html(plan, "zh")


def test_an_unknown_language_is_refused():
    with pytest.raises(ConfigError, match="zh, en"):
        plan_html(adapt(read_novel(zh_novel()), episodes=2, span="1-4"), "fr")


def test_cli_writes_the_page_in_the_language_asked(tmp_path, capsys):
    path = tmp_path / "novel.txt"
    path.write_text(zh_novel(), encoding="utf-8")
    out = tmp_path / "plan.html"
    assert main(["adapt", str(path), "--episodes", "4", "--span", "all", "--html", str(out), "--lang", "en"]) == 0
    assert "Tension and cut points" in out.read_text(encoding="utf-8")
    assert main(["adapt", str(path), "--episodes", "4", "--span", "all", "--html", str(out)]) == 0
    assert "张力与切分点" in out.read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["adapt", str(path), "--episodes", "4", "--span", "all", "--html", str(out), "--lang", "fr"]) == 2
    assert "zh, en" in capsys.readouterr().err
