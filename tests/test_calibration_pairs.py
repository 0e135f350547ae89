"""The same story in Chinese and in English scores alike on hooks and craft (issue 10): pairs
written for this test, each episode translated line by line."""

from __future__ import annotations

from dramalens import parse
from dramalens.analysis import analyze
from dramalens.triage.pipeline import features_from_analysis
from dramalens.triage.scoring import score

ZH = [
    ("1-1 日 内 医院走廊", "△林晚攥着化验单，站在走廊尽头。\n林晚：医生说孩子很健康。\n顾言：这个孩子不能留。", "△病房的门被猛地撞开，顾母冲了进来。"),
    ("2-1 夜 内 顾家客厅", "△顾母把一份合同摔在桌上。\n顾母：签了它，拿钱走人。\n林晚：我不要你们顾家一分钱。", "顾母：你父亲的死，不是意外。"),
    ("3-1 日 外 墓园", "△林晚跪在父亲墓前，雨越下越大。\n林晚：爸，我一定会查清楚。", "△一把黑伞遮在她头顶——撑伞的人，竟是顾言。"),
]
EN = [
    ("INT. HOSPITAL CORRIDOR - DAY", "Lin Wan grips the lab report at the end of the corridor.\n\nLIN WAN\nThe doctor says the baby is healthy.\n\nGU YAN\nThis child cannot stay.", "The ward door bursts open. Madam Gu storms in."),
    ("INT. GU FAMILY LIVING ROOM - NIGHT", "Madam Gu slams a contract on the table.\n\nMADAM GU\nSign it, take the money and go.\n\nLIN WAN\nI don't want a cent of Gu money.", "MADAM GU\nYour father's death was no accident."),
    ("EXT. CEMETERY - DAY", "Lin Wan kneels at her father's grave. The rain grows heavier.\n\nLIN WAN\nDad, I will find out the truth.", "A black umbrella shields her - the man holding it is none other than Gu Yan."),
]


def _zh() -> str:
    return "\n".join(f"第{i}集\n{head}\n{body}\n{end}\n" for i, (head, body, end) in enumerate(ZH, 1))


def _en() -> str:
    return "Title: The Ward\n\n" + "\n".join(f"# Episode {i}\n\n{head}\n\n{body}\n\n{end}\n" for i, (head, body, end) in enumerate(EN, 1))


def test_translated_endings_are_hooks_in_both_languages() -> None:
    zh, en = analyze(parse(_zh(), format="chinese")), analyze(parse(_en(), format="fountain"))
    assert zh.language == "zh" and en.language == "en"
    assert zh.hooks.weak_endings == en.hooks.weak_endings == ()
    for a, b in zip(zh.hooks.episodes, en.hooks.episodes):
        assert abs(a.ending_strength - b.ending_strength) <= 0.25, (a.number, a.ending_strength, b.ending_strength)


def test_translated_pair_craft_scores_alike() -> None:
    zh, en = analyze(parse(_zh(), format="chinese")), analyze(parse(_en(), format="fountain"))
    fz, fe = features_from_analysis(zh), features_from_analysis(en)
    assert fz.hook_rate == fe.hook_rate == 1.0
    assert abs(score(fz).craft - score(fe).craft) <= 10
