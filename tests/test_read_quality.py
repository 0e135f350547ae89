"""Read quality: every parse says how well it read its file (dramalens.parsing.quality), the
builder keeps what it holds back, and the desk routes a script it could not read to a person.

The texts here are written for these tests, in the shapes real files take.
"""

from __future__ import annotations

import json
import random

import pytest

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from dramalens.analysis import analyze
from dramalens.cli import main
from dramalens.model import ElementType, ReadQuality, Script
from dramalens.parsing import parse_text
from dramalens.parsing.builder import ScriptBuilder
from dramalens.parsing.quality import WEIGHTS
from dramalens.report import render_html
from dramalens.serial import to_jsonable
from dramalens.settings import load_settings
from dramalens.triage import jobs as q
from dramalens.triage.intake import SubmissionInput, SubmissionMeta, ensure_desk, submit
from dramalens.triage.listing import STATES
from dramalens.triage.models import contents, submissions
from dramalens.triage.pipeline import analyse_submission, pipeline_for, read_gate
from dramalens.triage.result import NEEDS_HUMAN
from triage_support import make_script, new_engine

T = ElementType

FOUNTAIN = """Title: Night Ferry
Author: Kit Lowe

INT. FERRY CABIN - NIGHT

Rain on the portholes. MARA counts coins.

MARA
Two more crossings and we're out.

JONAH (O.S.)
You said that last winter.

She pockets the coins.
"""

ZH = """第1集
1-1 日 内 渡口小屋
人物：阿梅、老周
△阿梅把铜钱一枚一枚排在桌上。
阿梅：再跑两趟，我们就走。
老周（冷笑）：去年冬天你也这么说。
"""


# -- the score ---------------------------------------------------------------------------------


def test_a_well_read_script_scores_one_and_counts_its_lines() -> None:
    s = parse_text(FOUNTAIN)
    q_ = s.quality
    assert q_.measured and q_.score == 1.0 and not [r for r in q_.reasons if r.penalty > 0]
    assert q_.lines == sum(1 for ln in FOUNTAIN.split("\n") if ln.strip())
    assert q_.front_matter_lines == 2 and q_.unplaced_lines == 0 and q_.speakers == 2
    assert [(h.line, h.why) for h in s.held] == [(1, "title page"), (2, "title page")]


def test_a_chinese_script_with_its_cast_line_is_read_whole() -> None:
    s = parse_text(ZH)
    assert s.quality.score == 1.0 and s.quality.unplaced_lines == 0 and s.quality.speakers == 2


def test_fallback_lines_lower_the_score_by_their_share() -> None:
    b = ScriptBuilder(source_format="chinese")
    b.start_episode(1, line=1)
    b.add_new(T.DIALOGUE, "走。", 2, character="甲")
    b.add_new(T.ACTION, "不知道是什么", 3, evidence="fallback", why="no rule matched: taken as action")
    b.add_new(T.ACTION, "也不知道", 4, evidence="fallback", why="no rule matched: taken as action")
    s = b.build(text="第1集\n甲：走。\n不知道是什么\n也不知道", language="zh")
    q_ = s.quality
    assert (q_.strong_lines, q_.fallback_lines) == (2, 2)
    (reason,) = [r for r in q_.reasons if r.code == "fallback"]
    assert reason.lines == (3, 4) and "taken as action" in reason.message
    assert reason.penalty == WEIGHTS["fallback"] * 0.5 and q_.score == 1.0 - reason.penalty


def test_held_lines_are_kept_and_counted_and_lost_lines_cost_the_most() -> None:
    b = ScriptBuilder(source_format="fountain")
    b.start_scene(heading="INT. A - DAY", line=1)
    b.add_new(T.HEADING, "INT. A - DAY", 1)
    b.hold(2, "page furniture")
    b.add_new(T.ACTION, "Ann waits.", 3)
    s = b.build(text="INT. A - DAY\nCONTINUED: (2)\nAnn waits.\nA line nobody took.")
    assert [(h.line, h.why) for h in s.held] == [(2, "page furniture")]
    assert s.quality.held_lines == 1 and s.quality.unplaced_lines == 1
    (lost,) = [r for r in s.quality.reasons if r.code == "unplaced"]
    assert lost.lines == (4,) and lost.penalty == WEIGHTS["unplaced"] * 0.25


def test_a_script_without_line_breaks_and_without_speakers_is_flagged() -> None:
    one_line = "第一集 " + "阿梅推门进来看见老周坐在桌边两人都没有说话窗外的雨一直下" * 80
    q_ = parse_text(one_line).quality
    assert q_.score < 0.5 and "no_line_breaks" in {r.code for r in q_.reasons}


def test_speech_read_as_action_is_flagged() -> None:
    # A cue glued to its speech by a misread export: the speaker never speaks.
    lines = ["INT. GARAGE - NIGHT", ""]
    for k in range(15):
        lines += [f"RUSTY Hand me the wrench, will you{'?' if k % 2 else '.'}", "", "Sparks fly.", ""]
    q_ = parse_text("\n".join(lines), format="fountain").quality
    assert q_.score < 0.5
    assert {"speech_as_action", "no_speaker"} <= {r.code for r in q_.reasons}


def test_text_before_the_body_is_front_matter_and_too_much_of_it_costs() -> None:
    front = "\n".join(f"第{n}场的剧情梗概写在这里，还没有开始正文" for n in range(1, 30))
    s = parse_text(front + "\n第1集\n1-1 日 内 客厅\n阿梅：走吧。\n")
    assert s.quality.front_matter_lines == 29
    assert "front_matter" in {r.code for r in s.quality.reasons}


def test_a_script_built_in_code_is_not_measured() -> None:
    s = Script()
    assert not s.quality.measured and not s.quality.needs_human(0.5)


# -- where it shows -------------------------------------------------------------------------------


def test_analysis_json_and_html_carry_the_read_quality() -> None:
    a = analyze(parse_text(FOUNTAIN))
    data = json.loads(json.dumps(to_jsonable(a)))
    assert data["read_quality"]["score"] == 1.0 and data["read_quality"]["lines"] > 0
    page = render_html(analyze(parse_text("第1集 " + "没有换行的一整段文字" * 300)), "en")
    assert 'id="read-quality"' in page and "Read quality" in page
    assert "读取质量" in render_html(analyze(parse_text("第1集 " + "没有换行的一整段文字" * 300)))


def test_stats_and_analyze_print_it(tmp_path, capsys) -> None:
    path = tmp_path / "s.fountain"
    path.write_text(FOUNTAIN, encoding="utf-8")
    assert main(["stats", str(path)]) == 0
    assert "read quality 1.00" in capsys.readouterr().out
    assert main(["stats", "--json", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["read_quality"]["score"] == 1.0
    assert main(["analyze", str(path)]) == 0
    assert "read quality 1.00" in capsys.readouterr().out


def test_the_threshold_is_a_setting() -> None:
    assert load_settings(env={}, toml_path=False).read_quality_threshold == 0.5
    assert load_settings(env={"DRAMALENS_READ_QUALITY_THRESHOLD": "0.7"}, toml_path=False).read_quality_threshold == 0.7
    try:
        load_settings(env={"DRAMALENS_READ_QUALITY_THRESHOLD": "1.5"}, toml_path=False)
    except Exception as exc:  # noqa: BLE001 - the message is what is checked
        assert "DRAMALENS_READ_QUALITY_THRESHOLD" in str(exc) and "0 to 1" in str(exc)
    else:
        raise AssertionError("1.5 was accepted")


# -- the desk ------------------------------------------------------------------------------------

UNREADABLE = ("第一集 " + "阿梅推门进来看见老周坐在桌边两人都没有说话窗外的雨一直下" * 80).encode()


def test_the_desk_sends_an_unreadable_script_to_a_person_with_the_reasons(tmp_path) -> None:
    sub = SubmissionInput(1, "blob.txt", UNREADABLE, SubmissionMeta())
    result = analyse_submission(sub)
    assert result.unread is not None and result.unread.quality < 0.5
    assert any("line breaks" in r for r in result.unread.reasons)
    assert result.score.total == 0.0 and {e.criterion for e in result.score.evidence} == {"read_quality"}
    assert read_gate(parse_text(FOUNTAIN), 0.5) is None
    # A threshold of 0 turns the gate off: the same file is scored.
    assert pipeline_for(None, 0.0)(sub, weights=result.score.weights, catalog=None).unread is None

    engine = new_engine(tmp_path)
    desk = q.run_tx(engine, lambda c: ensure_desk(c, "d1"))
    files = [("blob.txt", UNREADABLE), ("good.txt", make_script(3).encode())]
    submit(engine, files, SubmissionMeta(), desk_id=desk, by="tester")
    for _ in range(2):
        claim = q.claim(engine, "w")
        assert claim is not None
        with engine.connect() as conn:
            row = conn.execute(select(submissions.c.filename, contents.c.content)
                               .join(contents, contents.c.submission_id == submissions.c.id)
                               .where(submissions.c.id == claim.submission_id)).one()
        q.complete(engine, claim, analyse_submission(SubmissionInput(claim.submission_id, row.filename, row.content, SubmissionMeta())))
    with engine.connect() as conn:
        rows = {r.filename: r for r in conn.execute(select(submissions.c.filename, submissions.c.score, submissions.c.analysis_state))}
    assert rows["blob.txt"].analysis_state == NEEDS_HUMAN and rows["blob.txt"].score is None
    assert rows["good.txt"].analysis_state == "done" and rows["good.txt"].score is not None
    assert NEEDS_HUMAN in STATES


# -- properties ----------------------------------------------------------------------------------

PIECES = [
    "第1集", "第二集", "1-1 日 内 渡口小屋", "2-3 夜 外 码头", "人物：阿梅、老周", "△阿梅把铜钱排在桌上。", "阿梅：走吧。",
    "老周（冷笑）：你去年也这么说。", "阿梅（OS）：别回头。", "【闪回】", "【闪回结束】", "【卡点】", "剧名：渡口",
    "简介：一个关于离开的故事", "INT. FERRY - NIGHT", "EXT. DOCK - DAY", "MARA", "JONAH (O.S.)", "(quietly)",
    "Two more crossings.", "She pockets the coins.", "CUT TO:", "Title: Night Ferry", "Author: Kit", "[[check this]]",
    "/* an old scene */", "# Act One", "= the ferry leaves", "> THE END <", "~la la", "!SHOUTING", ".ENGINE ROOM",
    "                         MARA", "          You said that.", "          CONTINUED:", "2.", "", "", "",
]


def _accounted(script: Script) -> bool:
    return script.quality.unplaced_lines == 0


@pytest.mark.parametrize("text", ["/* x */\n【闪回】\n第1集", "/* x */\n【卡点】\n第1集", "人物：阿梅、老周\n/* x */\nMARA\n第1集"])
def test_a_line_after_a_comment_in_chinese_front_matter_is_held(text: str) -> None:
    # A /* */ note before the first episode starts the body early; the front-matter lines after
    # it (a bracketed mark, a bare name read as a section head) are held, not lost.
    script = parse_text(text)
    assert script.quality.unplaced_lines == 0
    assert [h.why for h in script.held if h.line == text.count("\n")] == ["front matter"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=40), st.randoms(use_true_random=False))
@example(["/* an old", "scene */", "INT. FERRY - NIGHT", "", "MARA", "Hi."], random.Random(0))
def test_no_line_of_a_generated_script_is_lost(pieces: list[str], rng: random.Random) -> None:
    text = "\n".join(pieces)
    script = parse_text(text) if text.strip() else None
    if script is None:
        return
    q_ = script.quality
    assert 0.0 <= q_.score <= 1.0
    # Every non-blank line landed in an element or the structure, or is held (front matter,
    # title page, furniture) with its text kept in Script.text.
    assert _accounted(script), [r for r in q_.reasons if r.code == "unplaced"]
    assert q_.strong_lines + q_.fallback_lines + q_.held_lines >= q_.lines
    held = {h.line for h in script.held}
    for line in held:
        assert script.line_text(line).strip()


@settings(max_examples=150, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=400), st.sampled_from([None, "fountain", "chinese"]))
def test_read_quality_stays_in_bounds_on_any_text(text: str, fmt: str | None) -> None:
    script = parse_text(text, format=fmt)
    q_ = script.quality
    assert isinstance(q_, ReadQuality) and 0.0 <= q_.score <= 1.0
    assert all(r.penalty >= 0 for r in q_.reasons) and q_.lines >= 0
    assert 0 <= q_.dialogue_share <= 1 and q_.unplaced_lines <= q_.lines
    assert _accounted(script)  # no text is lost, whatever the text


def _literal_whys() -> set[str]:
    """Every fallback reason written as a literal in ``parsing/``: ``why=``/``fallback=``
    arguments, ``mark_fallback(line, "…")``, ``….fallback[n] = "…"``, the builder's default, and
    names assigned a literal (or a choice of literals) that a function then passes as ``why=``."""
    import ast
    from pathlib import Path

    def consts(node: ast.AST) -> list[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value] if node.value else []
        if isinstance(node, ast.IfExp):
            return consts(node.body) + consts(node.orelse)
        if isinstance(node, ast.BoolOp):
            return [c for v in node.values for c in consts(v)]
        return []

    found: set[str] = set()
    root = Path(__file__).resolve().parents[1] / "src" / "dramalens" / "parsing"
    for path in root.rglob("*.py"):
        for fn in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            passed: set[str] = set()
            for node in ast.walk(fn):
                if isinstance(node, ast.Call):
                    for kw in node.keywords:
                        if kw.arg in ("why", "fallback"):
                            found.update(consts(kw.value))
                            if isinstance(kw.value, ast.Name):
                                passed.add(kw.value.id)
                    f = node.func
                    if isinstance(f, ast.Attribute) and f.attr in ("mark_fallback", "setdefault") and len(node.args) > 1 \
                            and (f.attr == "mark_fallback" or "fallback" in ast.unparse(f.value)):
                        found.update(consts(node.args[1]))
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        if isinstance(target, ast.Subscript) and "fallback" in ast.unparse(target.value):
                            found.update(consts(node.value))
            for node in ast.walk(fn):
                if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id in passed for t in node.targets):
                    found.update(consts(node.value))
    return found


def test_every_fallback_reason_of_the_parsers_has_a_catalogue_key() -> None:
    from dramalens.i18n import catalogue
    from dramalens.parsing.fallbacks import FALLBACK_KEYS

    whys = _literal_whys()
    # The scan finds each kind of site: a why= literal, a choice of literals, a name passed on, a subscript.
    assert {"unknown paragraph style taken as action", "very long line taken as action",
            "untagged line taken as more of the speech above", "indented text with no cue above it, taken as action",
            "no scene heading or cue anywhere: taken as action", "classified by fallback"} <= whys
    assert sorted(whys - set(FALLBACK_KEYS)) == []
    # The English of each key is the parser's sentence itself, and Chinese has its own.
    for why, key in FALLBACK_KEYS.items():
        assert catalogue("en")[key] == why and catalogue("zh")[key] != why


def test_a_chinese_reader_sees_the_fallback_reasons_in_chinese() -> None:
    # A colon whose "speaker" is a whole clause: no one is speaking, so the line is action by fallback.
    text = "第1集\n1-1 日 内 客厅\n林晚：你来了。\n顾沉：嗯。\n他回头说了一句很长很长的话然后停下：好吧\n林晚：好。\n"
    a = analyze(parse_text(text))
    (reason,) = [r for r in a.read_quality.reasons if r.code == "fallback"]
    assert reason.message.endswith("colon line taken as action")  # the JSON's English is unchanged
    assert ("why_key", "why.colon_action") in reason.params
    assert "带冒号的行按动作处理" in render_html(a, "zh")
    assert "colon line taken as action" in render_html(a, "en")
