"""The episode planner on novels with planted structure, its JSON contract, CLI and outline."""

from __future__ import annotations

import json

import pytest
from adaptation_fixtures import EN_TURNS, ZH_LATE, ZH_TURNS, en_novel, zh_novel

from dramalens.adaptation import adapt, outline_text
from dramalens.cli import main
from dramalens.errors import ConfigError
from dramalens.parsing import parse_text
from dramalens.parsing.novel import read_novel


@pytest.fixture(scope="module")
def zh_plan():
    return adapt(read_novel(zh_novel()), episodes=4, span="all")


def test_aliases_of_the_lead_are_one_person(zh_plan):
    lead = zh_plan.characters[0]
    assert lead.name == "林晚" and set(lead.aliases) >= {"阿晚", "林小姐"}
    assert zh_plan.protagonist == "林晚"


def test_english_aliases_and_titles():
    plan = adapt(read_novel(en_novel()), episodes=3, span="all")
    names = {c.name: set(c.aliases) for c in plan.characters}
    assert {"Elizabeth", "Lizzy", "Miss Bennet"} <= names["Elizabeth Bennet"]
    assert "Mr. Darcy" in names and "Longbourn" not in names
    assert [e.chapters[-1] for e in plan.episodes][:2] == list(EN_TURNS)


def test_cuts_fall_on_the_planted_turns(zh_plan):
    ends = [e.end for e in zh_plan.episodes]
    assert [e.chapter for e in ends[:3]] == list(ZH_TURNS)
    # ... on the turn's own paragraph, the chapter's last, with the reveal as the cliffhanger
    assert all("凶手" in e.cliffhanger.text and e.cliffhanger.strength > 0.5 for e in zh_plan.episodes[:3])
    # A uniform split of 12 chapters into 4 would end at 3, 6, 9: the planner does not.
    assert [e.chapter for e in ends] != [3, 6, 9, 12]


def test_late_character_is_flagged(zh_plan):
    late = [c for c in zh_plan.checks if c.rule == "late_character"]
    assert late and "沈墨" in late[0].message
    assert next(c for c in zh_plan.characters if c.name == "沈墨").first_chapter == ZH_LATE


def test_paywall_on_a_major_turn():
    plan = adapt(read_novel(zh_novel(chapters=40, turns=(3, 10, 14, 25))), episodes=20, span="all")
    assert 8 <= plan.paywall.episode <= 16
    ending = plan.episodes[plan.paywall.episode - 1]
    assert ending.cliffhanger.strength > 0.5 and "凶手" in ending.cliffhanger.text


def test_span_leaves_the_rest_for_later():
    plan = adapt(read_novel(zh_novel()), episodes=2, span="3-8")
    assert plan.span == (3, 8)
    assert plan.left_for_later == (1, 2, 9, 10, 11, 12)
    assert [c for e in plan.episodes for c in e.chapters] == [3, 4, 5, 6, 7, 8]


def test_auto_span_fits_the_budget_and_defaults_come_from_the_format():
    novel = read_novel(zh_novel(chapters=300, turns=tuple(range(5, 300, 7)), repeat=12))
    plan = adapt(novel, "vertical")
    assert 60 <= len(plan.episodes) <= 100
    assert plan.span[0] == 1 and plan.span[1] < 300 and plan.left_for_later[0] == plan.span[1] + 1
    lo, hi = plan.band_s
    assert all(lo <= e.runtime_s <= hi for e in plan.episodes)
    horizontal = adapt(novel, "horizontal")
    assert 12 <= len(horizontal.episodes) <= 40


def test_json_contract_keys(zh_plan):
    data = json.loads(json.dumps(zh_plan.to_dict(), ensure_ascii=False))
    assert {"title", "format", "chapters", "span", "characters", "episodes", "paywall", "left_for_later", "checks"} <= set(data)
    assert set(data["characters"][0]) >= {"name", "aliases", "chapters"}
    ep = data["episodes"][0]
    assert set(ep) >= {"number", "chapters", "from", "to", "beats", "characters", "runtime_s", "hook", "cliffhanger"}
    assert set(ep["from"]) == {"chapter", "paragraph"} and set(ep["to"]) == {"chapter", "paragraph"}
    assert set(ep["beats"][0]) >= {"text", "chapter", "paragraph", "kind"}
    assert set(ep["hook"]) == {"text", "chapter", "paragraph"}
    assert set(ep["cliffhanger"]) == {"text", "strength", "chapter", "paragraph"}
    assert set(data["paywall"]) >= {"episode", "reason"}
    assert set(data["checks"][0]) == {"rule", "episodes", "message"}
    assert data["span"] == [1, 12] and data["left_for_later"] == []


@pytest.mark.parametrize("style", ["chinese", "fountain"])
def test_outline_reads_back_as_a_script(zh_plan, style):
    script = parse_text(outline_text(zh_plan, style), format=style)
    assert [e.number for e in script.episodes] == [1, 2, 3, 4]
    assert zh_plan.score is not None and zh_plan.score.paywall_recommended is not None


def test_cli_json_and_outline(tmp_path, capsys):
    path = tmp_path / "novel.txt"
    path.write_text(zh_novel(), encoding="gb18030")
    assert main(["adapt", str(path), "--episodes", "4", "--span", "all", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [e["to"]["chapter"] for e in data["episodes"]][:3] == list(ZH_TURNS)
    out = tmp_path / "plan.txt"
    assert main(["adapt", str(path), "--episodes", "4", "--span", "all", "--outline", str(out)]) == 0
    assert main(["parse", str(out), "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["episodes"]) == 4


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [({"span": "9-3"}, "outside"), ({"span": "x"}, "FIRST-LAST"), ({"minutes": 30}, "band"), ({"episodes": 500, "span": "all"}, "paragraphs")],
)
def test_bad_parameters_say_what_is_allowed(kwargs, fragment):
    with pytest.raises(ConfigError, match=fragment):
        adapt(read_novel(zh_novel()), **kwargs)


def test_cli_error_is_one_line(tmp_path, capsys):
    path = tmp_path / "n.txt"
    path.write_text(zh_novel(), encoding="utf-8")
    assert main(["adapt", str(path), "--format", "square"]) == 2
    assert "allowed: vertical, horizontal" in capsys.readouterr().err


def test_html_page_is_self_contained(tmp_path):
    path = tmp_path / "n.txt"
    path.write_text(zh_novel(), encoding="utf-8")
    out = tmp_path / "plan.html"
    assert main(["adapt", str(path), "--episodes", "4", "--span", "all", "--html", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in page
    assert "<script" not in page and "http://" not in page and "https://" not in page
    assert page.count("<svg") >= 3 and "林晚" in page and "凶手" in page


@pytest.mark.parametrize("content", [bytes(range(256)) * 40, b""])
def test_cli_refuses_a_broken_novel_in_one_line(tmp_path, capsys, content):
    path = tmp_path / "broken.txt"
    path.write_bytes(content)
    assert main(["adapt", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "broken.txt" in err[0]


def test_cli_names_a_missing_novel(tmp_path, capsys):
    assert main(["adapt", str(tmp_path / "nowhere.txt")]) == 2
    assert "nowhere.txt" in capsys.readouterr().err
