"""Calibration: least squares recovers known rates; the CSV reader checks its input."""

from __future__ import annotations

import pytest

from dramalens.analysis.calibrate import calibrate, fit_params
from dramalens.analysis.runtime import DEFAULT_PARAMS, RuntimeParams, estimate_runtime
from dramalens.errors import ConfigError, InputError
from dramalens.model import ElementType
from dramalens.parsing.builder import ScriptBuilder
from dramalens.serial import jsonable_dict, to_jsonable

E = ElementType

TRUE = RuntimeParams(
    zh_chars_per_min=200, zh_action_chars_per_min=150, pause_per_punct=0.45, pause_per_line=0.75, scene_change_seconds=3
)


def zh_script(scenes: int, dialogue: int, action: int, punct: int):
    """``scenes`` headed scenes, each with one line of ``dialogue`` characters (``punct`` of
    them sentence ends) and one action line of ``action`` characters."""
    b = ScriptBuilder(source_format="chinese")
    b.start_episode(1, line=1)
    line = 2
    for i in range(scenes):
        b.start_scene(heading=f"1-{i + 1} 日 内 客厅", line=line)
        b.add_new(E.ACTION, "走" * action, line + 1)
        b.add_new(E.DIALOGUE, "好" * (dialogue - punct) + "好！" * punct, line + 2, character="林晚")
        line += 3
    return b.build(language="zh")


SHAPES = [(1, 300, 40, 2), (3, 120, 200, 9), (5, 80, 30, 1), (2, 500, 100, 20), (8, 60, 120, 4), (4, 200, 10, 0)]


def samples(params=TRUE):
    out = []
    for shape in SHAPES:
        s = zh_script(*shape)
        out.append((str(shape), s, estimate_runtime(s, params).total_seconds / 60))
    return out


def test_recovers_known_rates_exactly_without_ridge():
    r = fit_params(samples(), ridge=0)
    p = r.params
    assert p.zh_chars_per_min == pytest.approx(200, rel=1e-6)
    assert p.zh_action_chars_per_min == pytest.approx(150, rel=1e-6)
    assert p.scene_change_seconds == pytest.approx(3, rel=1e-6)
    # Both pauses scale by one factor (0.45/0.3 = 0.75/0.5 = 1.5).
    assert p.pause_per_punct == pytest.approx(0.45, rel=1e-6)
    assert p.pause_per_line == pytest.approx(0.75, rel=1e-6)
    assert r.rmse_after == pytest.approx(0, abs=1e-6)
    assert r.rmse_before > 0.1
    # Features absent from every sample keep their defaults.
    assert p.en_words_per_min == DEFAULT_PARAMS.en_words_per_min
    assert p.en_action_words_per_min == DEFAULT_PARAMS.en_action_words_per_min
    assert {k for k, _ in r.multipliers} == {"zh_dialogue", "zh_action", "pauses", "scenes"}


def test_default_ridge_stays_close_and_improves_the_fit():
    r = fit_params(samples())
    assert r.params.zh_chars_per_min == pytest.approx(200, rel=0.03)
    assert r.rmse_after < r.rmse_before / 10
    assert r.scripts == len(SHAPES)
    assert len(r.rows) == len(SHAPES)
    assert to_jsonable(r)["rmse_minutes_after"] <= to_jsonable(r)["rmse_minutes_before"]


def test_one_sample_is_pulled_toward_defaults():
    # One script cannot determine four rates: the ridge keeps the answer finite and near the defaults.
    name, s, minutes = samples()[0]
    r = fit_params([(s, minutes)])
    assert r.rmse_after < r.rmse_before
    assert all(v >= 0 for v in jsonable_dict(r.params).values())
    assert 0.05 * 240 <= r.params.zh_chars_per_min <= 20 * 240


def test_multipliers_are_clipped_to_sane_rates():
    s = zh_script(1, 300, 40, 2)
    r = fit_params([(s, 1000.0)])  # 1000 minutes for 300 characters: bad data
    assert r.params.zh_chars_per_min >= DEFAULT_PARAMS.zh_chars_per_min / 20 - 1e-9


@pytest.mark.parametrize("bad", [[], [(zh_script(1, 10, 1, 0), 0)], [(zh_script(1, 10, 1, 0), float("inf"))]])
def test_fit_params_validates(bad):
    with pytest.raises(ConfigError):
        fit_params(bad)


ZH_TEXT = "第1集\n1-1 日 内 客厅\n△{action}\n林晚：{line}\n"


def test_calibrate_from_csv(tmp_path):
    rows = ["path,minutes"]
    for i, (scenes, d, a, _) in enumerate(SHAPES):
        text = "".join(
            f"第{ep}集\n{ep}-1 日 内 客厅\n△{'走' * a}\n林晚：{'好' * d}\n" for ep in range(1, scenes + 1)
        )
        (tmp_path / f"s{i}.txt").write_text(text, encoding="utf-8")
        from dramalens import parse

        minutes = estimate_runtime(parse(tmp_path / f"s{i}.txt"), TRUE).total_seconds / 60
        rows.append(f"s{i}.txt,{minutes:.6f}")
    (tmp_path / "t.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    r = calibrate(tmp_path / "t.csv")
    assert r.scripts == len(SHAPES)
    assert r.params.zh_chars_per_min == pytest.approx(200, rel=0.05)
    assert r.rmse_after < r.rmse_before
    assert [row[0] for row in r.rows] == [f"s{i}.txt" for i in range(len(SHAPES))]


def test_calibrate_errors(tmp_path):
    with pytest.raises(InputError, match="not found"):
        calibrate(tmp_path / "missing.csv")
    (tmp_path / "h.csv").write_text("file,duration\na.txt,1\n")
    with pytest.raises(InputError, match="path and minutes"):
        calibrate(tmp_path / "h.csv")
    (tmp_path / "n.csv").write_text("path,minutes\na.txt,abc\n")
    with pytest.raises(InputError, match="line 2"):
        calibrate(tmp_path / "n.csv")
    (tmp_path / "z.csv").write_text("path,minutes\na.txt,-1\n")
    with pytest.raises(InputError, match="> 0"):
        calibrate(tmp_path / "z.csv")
    (tmp_path / "e.csv").write_text("path,minutes\n")
    with pytest.raises(InputError, match="no rows"):
        calibrate(tmp_path / "e.csv")
    (tmp_path / "m.csv").write_text("path,minutes\nnope.txt,2\n")
    with pytest.raises(InputError):
        calibrate(tmp_path / "m.csv")
