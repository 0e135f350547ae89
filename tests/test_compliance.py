"""Compliance lint: title rules, content cues with their lines, children's rules, budget tiers,
platform rule files, and parameter validation."""

from __future__ import annotations

import pytest

from dramalens.analysis.compliance import NOTE, budget_tier, lint_compliance, load_rules
from dramalens.errors import ConfigError, InputError
from dramalens.settings import load_settings
from dramalens.model import ElementType as T, Script
from dramalens.parsing.builder import ScriptBuilder
from dramalens.serial import to_jsonable


def script(*lines: tuple[str, str | None], title: str = "归途", language: str = "zh") -> Script:
    """Episode 1 scene 1-1 holds the first two lines, episode 2 scene 2-1 the rest; line = 10 + index."""
    b = ScriptBuilder(source_format="chinese")
    for i, (text, who) in enumerate(lines):
        if i in (0, 2):
            ep = 1 if i == 0 else 2
            b.start_episode(ep, line=i + 1)
            b.start_scene(heading=f"{ep}-1 日 内 客厅", number=f"{ep}-1", line=i + 2)
        if who:
            b.add_new(T.DIALOGUE, text, 10 + i, character=who)
        else:
            b.add_new(T.ACTION, text, 10 + i)
    return b.build(language=language, title=title)


def _ids(report):
    return [(f.rule_id, f.line, f.episode, f.matched) for f in report.findings]


def test_title_rules():
    r = lint_compliance(script(("你好。", "A"), title="霸道总裁爱上我"))
    assert _ids(r) == [("title.badao_zongcai", 0, 0, "霸道总裁")]
    f = r.findings[0]
    assert f.severity == "high" and f.note == NOTE and "霸总" in f.rule_text and f.context == "霸道总裁爱上我"
    r = lint_compliance(script(("你好。", "A"), title="疯批王爷的娇妻"))
    assert [x[0] for x in _ids(r)] == ["title.vulgar_sensational"] * 2
    assert lint_compliance(script(("你好。", "A"), title="归途")).findings == ()


def test_wealth_power_and_anti_intellectual_cues_point_at_lines():
    r = lint_compliance(
        script(
            ("他从怀里甩出一张黑卡。", None),
            ("给你五百万，离开我儿子。", "王母"),
            ("读书有什么用？大学生又怎样！", "王总"),
            ("给我跪下！我一句话就能让你在江城混不下去。", "王总"),
        )
    )
    assert _ids(r) == [
        ("content.wealth_worship", 10, 1, "黑卡"),
        ("content.wealth_worship", 11, 1, "给你五百万，离开"),
        ("content.anti_intellectual", 12, 2, "读书有什么用"),
        ("content.anti_intellectual", 12, 2, "大学生又怎样"),
        ("content.power_worship", 13, 2, "给我跪下"),
        ("content.power_worship", 13, 2, "我一句话"),
        ("content.power_worship", 13, 2, "让你在江城混不下去"),  # the pattern starts earlier than the term
    ]
    assert r.findings[1].scene == "1-1" and r.findings[2].scene == "2-1"
    assert dict(r.counts)["medium"] == 7 and all(f.note == NOTE for f in r.findings)


def test_children_rules_only_for_children():
    s = script(("他一巴掌扇过去，两人接吻。", None), ("我们去玩火吧！", "小明"), title="小明的暑假")
    assert lint_compliance(s).findings == ()
    r = lint_compliance(s, audience="children")
    assert [(f.rule_id, f.matched) for f in r.findings] == [
        ("children.violence", "一巴掌"),
        ("children.romance", "接吻"),
        ("children.dangerous_imitation", "玩火"),
    ]
    assert "children.violence" in r.rules_checked and r.audience == "children"


def test_english_terms_match_whole_words():
    b = ScriptBuilder(source_format="fountain")
    b.start_scene(heading="INT. ROOM - DAY", line=1)
    b.add_new(T.ACTION, "She shows her skill. He flashes a black card.", 2)
    b.add_new(T.DIALOGUE, "I will kill you.", 3, character="BOB")
    s = b.build(language="en", title="The Domineering CEO's Bride")
    r = lint_compliance(s, audience="children")
    assert [(f.rule_id, f.matched) for f in r.findings] == [
        ("title.badao_zongcai", "Domineering CEO"),
        ("content.wealth_worship", "black card"),
        ("children.violence", "kill"),  # "skill" on line 2 does not count
    ]
    assert r.findings[2].line == 3


@pytest.mark.parametrize(
    "budget, tier, label",
    [(1_000_000, "key", "重点"), (5e6, "key", "重点"), (999_999, "ordinary", "普通"), (300_000, "ordinary", "普通"),
     (299_999.99, "platform", "平台自审"), (0, "platform", "平台自审")],
)
def test_budget_tiers(budget, tier, label):
    t = budget_tier(budget)
    assert (t.tier, t.label) == (tier, label)
    assert lint_compliance(Script(), budget_yuan=budget).budget == t


@pytest.mark.parametrize("bad", [-1, "100万", True, float("nan")])
def test_budget_is_validated(bad):
    with pytest.raises(ConfigError, match="budget_yuan"):
        lint_compliance(Script(), budget_yuan=bad)


def test_audience_is_validated():
    with pytest.raises(ConfigError, match="allowed: general, children"):
        lint_compliance(Script(), audience="teens")


def test_platform_rules_extend_and_override(tmp_path):
    extra = tmp_path / "platform.toml"
    extra.write_text(
        '[[rule]]\nid = "platform.smoking"\ntext = "No smoking on screen."\nseverity = "low"\nscope = "action"\n'
        'terms = ["抽烟"]\n\n'
        '[[rule]]\nid = "title.badao_zongcai"\ntext = "Overridden."\nseverity = "info"\nscope = "title"\nterms = ["总裁"]\n',
        encoding="utf-8",
    )
    s = script(("他点了根烟，抽烟。", None), ("抽烟有害。", "A"), title="总裁")
    r = lint_compliance(s, rules_path=extra)
    assert _ids(r) == [("title.badao_zongcai", 0, 0, "总裁"), ("platform.smoking", 10, 1, "抽烟")]  # dialogue: not in scope
    assert r.findings[0].severity == "info" and r.findings[0].rule_text == "Overridden."
    assert len(load_rules(extra)) == len(load_rules()) + 1


def test_bad_rule_files(tmp_path):
    with pytest.raises(InputError):
        load_rules(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[[rule]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_rules(bad)
    bad.write_text('[[rule]]\nid = "x"\ntext = "t"\nseverity = "fatal"\nterms = ["a"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="allowed: high, medium, low, info"):
        load_rules(bad)
    bad.write_text('[[rule]]\nid = "x"\ntext = "t"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="neither terms nor patterns"):
        load_rules(bad)


def test_report_to_dict():
    d = to_jsonable(lint_compliance(script(("黑卡", None)), budget_yuan=500_000))
    assert d["budget"]["label"] == "普通" and d["findings"][0]["rule_id"] == "content.wealth_worship"
    assert d["counts"] == {"high": 0, "medium": 1, "low": 0, "info": 0} and d["note"] == NOTE


def test_rules_file_from_environment(tmp_path, monkeypatch):
    extra = tmp_path / "platform.toml"
    extra.write_text('[[rule]]\nid = "platform.smoking"\ntext = "No smoking."\nscope = "text"\nterms = ["抽烟"]\n',
                     encoding="utf-8")
    monkeypatch.setenv("DRAMALENS_COMPLIANCE_RULES", str(extra))
    # The library reads no environment: the variable reaches the lint through the settings.
    assert [f.rule_id for f in lint_compliance(script(("抽烟。", None))).findings] == []
    rules = load_settings(toml_path=False).compliance_rules
    assert [f.rule_id for f in lint_compliance(script(("抽烟。", None)), rules_path=rules).findings] == ["platform.smoking"]
