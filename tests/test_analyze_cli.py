"""``dramalens analyze`` and ``dramalens calibrate`` end to end."""

from __future__ import annotations

import csv
import json

import pytest

from dramalens.cli import main
from support import ZH_TWO_EPISODES

# The shared two-episode sample plus a third episode: --free-episodes 2 then leaves one episode
# behind the paywall, and --free-episodes 3 leaves none.
ZH = ZH_TWO_EPISODES + "第3集\n3-1 日 内 公司\n林晚：再见。\n"


@pytest.fixture
def zh_file(tmp_path):
    p = tmp_path / "剧本.txt"
    p.write_text(ZH, encoding="utf-8")
    return p


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_summary(zh_file, capsys):
    code, out, err = run(capsys, "analyze", zh_file)  # a Chinese script: the summary is in Chinese
    assert code == 0, err
    assert "类型：竖屏" in out and "3 集" in out and "◆ 付费卡点" in out and "主要人物" in out and "合规：" in out
    code, out, err = run(capsys, "analyze", zh_file, "--lang", "en")
    assert code == 0, err
    assert "vertical" in out and "episodes" in out
    assert "◆ paywall" in out  # episode 1 (the only one before the last with a hook) carries the marker
    assert "林晚" in out  # top characters
    assert "compliance" in out
    assert "outside the vertical band" in out  # tiny episodes are short of 1 min
    assert "drive:" in out and "drive index" in out  # the script-level agency label and its numbers


def test_json(zh_file, capsys):
    code, out, _ = run(capsys, "analyze", zh_file, "--json", "--free-episodes", "2", "--budget", "500000")
    assert code == 0
    d = json.loads(out)
    assert d["episode_count"] == 3 and d["language"] == "zh"
    assert d["paywall"]["chosen"] == 2 and d["paywall"]["warning"]
    assert d["hooks"]["episodes"][0]["ending_cues"][0]["line"] > 0
    assert d["runtime"]["total_seconds"] > 0


def test_tropes_and_skeleton_in_json_and_summary(zh_file, capsys):
    code, out, _ = run(capsys, "analyze", zh_file, "--json")
    assert code == 0
    d = json.loads(out)
    assert set(d["tropes"]) == {"hits", "track"} and d["tropes"]["track"]
    assert set(d["skeleton"]) == {"functions", "steps", "roles", "language"}
    code, out, _ = run(capsys, "analyze", zh_file, "--lang", "en")
    assert code == 0 and "tropes: " in out and "; track: " in out
    code, out, _ = run(capsys, "analyze", zh_file)
    assert code == 0 and "套路：" in out and "；赛道：" in out


def test_csv(zh_file, tmp_path, capsys):
    out_dir = tmp_path / "tables"
    code, _, err = run(capsys, "analyze", zh_file, "--csv", out_dir, "--format", "vertical")
    assert code == 0
    assert (out_dir / "episodes.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # BOM, for Excel
    with (out_dir / "episodes.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["episode"] for r in rows] == ["1", "2", "3"]
    assert {r["band"] for r in rows} == {"short"}
    with (out_dir / "scenes.csv").open(encoding="utf-8-sig") as fh:
        scenes = list(csv.DictReader(fh))
    assert scenes[0]["location"] == "客厅" and scenes[0]["cast"] == "林晚、顾沉"
    assert "wrote" in err


def test_html(zh_file, tmp_path, capsys):
    out = tmp_path / "r.html"
    code, _, err = run(capsys, "analyze", zh_file, "--html", out)
    assert code == 0, err
    assert "<html" in out.read_text(encoding="utf-8").lower() and "情绪弧线" in out.read_text(encoding="utf-8")
    code, _, err = run(capsys, "analyze", zh_file, "--html", out, "--lang", "en")
    assert code == 0, err
    assert "Emotional arc" in out.read_text(encoding="utf-8")
    code, _, err = run(capsys, "analyze", zh_file, "--lang", "fr")
    assert code == 2 and "zh, en" in err and err.count("\n") == 1


@pytest.mark.parametrize(
    "args,message",
    [
        (["--format", "square"], "vertical, horizontal"),
        (["--free-episodes", "3"], "nothing behind the paywall"),
        (["--budget", "-5"], "budget"),
    ],
)
def test_errors_are_one_line(zh_file, capsys, args, message):
    code, out, err = run(capsys, "analyze", zh_file, *args)
    assert code == 2
    assert message in err and err.count("\n") == 1


def test_missing_file(tmp_path, capsys):
    code, _, err = run(capsys, "analyze", tmp_path / "nope.txt")
    assert code == 2 and "not found" in err


def test_calibrate_then_analyze_with_params(zh_file, tmp_path, capsys):
    (tmp_path / "t.csv").write_text(f"path,minutes\n{zh_file.name},1.5\n", encoding="utf-8")
    params = tmp_path / "p.json"
    code, out, err = run(capsys, "calibrate", tmp_path / "t.csv", "--out", params)
    assert code == 0, err
    assert "RMSE" in out
    fitted = json.loads(params.read_text(encoding="utf-8"))
    code, out, _ = run(capsys, "analyze", zh_file, "--json", "--params", params)
    assert code == 0
    d = json.loads(out)
    assert d["runtime"]["params"] == pytest.approx(fitted["params"])
    # One script cannot pin four rates, but the fit moves the total toward the 1.5 minutes given.
    assert abs(d["runtime"]["total_minutes"] - 1.5) < abs(fitted["rows"][0]["predicted_before"] - 1.5)


def test_bad_params_file(zh_file, tmp_path, capsys):
    p = tmp_path / "p.json"
    p.write_text('{"words_per_hour": 3}', encoding="utf-8")
    code, _, err = run(capsys, "analyze", zh_file, "--params", p)
    assert code == 2 and "allowed" in err
    code, _, err = run(capsys, "analyze", zh_file, "--params", tmp_path / "missing.json")
    assert code == 2 and "not found" in err


def test_rules_option_extends_compliance(zh_file, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("DRAMALENS_COMPLIANCE_RULES", raising=False)
    rules = tmp_path / "platform.toml"
    rules.write_text('[[rule]]\nid = "platform.door"\ntext = "No doors."\nseverity = "low"\nscope = "action"\n'
                     'terms = ["推门"]\n', encoding="utf-8")
    code, out, err = run(capsys, "analyze", zh_file, "--json")
    assert code == 0, err
    assert "platform.door" not in out
    code, out, err = run(capsys, "analyze", zh_file, "--json", "--rules", rules)
    assert code == 0, err
    findings = json.loads(out)["compliance"]["findings"]
    assert [f["line"] for f in findings if f["rule_id"] == "platform.door"] == [4]


@pytest.mark.parametrize("content, message", [
    (None, "not found"),
    ("[[rule]\n", "not valid TOML"),
    ('rule = 3\n', "malformed"),
    ('rule = ["x"]\n', "malformed"),
    ('[[rule]]\nid = "x"\ntext = "t"\nseverity = "fatal"\nterms = ["a"]\n', "severity"),
    (b"\xff\xfe\x00bad", "UTF-8"),
])
def test_bad_rules_file_is_one_clear_error(zh_file, tmp_path, capsys, content, message):
    rules = tmp_path / "rules.toml"
    if isinstance(content, bytes):
        rules.write_bytes(content)
    elif content is not None:
        rules.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "analyze", zh_file, "--rules", rules)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) <= 2  # the message (and at most a hint line)
