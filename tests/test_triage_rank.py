"""Gates before the score, weights applied at query time, ``dramalens triage rank`` (issue 10).

Every script here is written for these tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dramalens import parse
from dramalens.analysis import analyze
from dramalens.cli import main
from dramalens.triage.gates import GateParams, gates_for
from dramalens.triage.intake import SubmissionInput
from dramalens.triage.pipeline import analyse_submission
from dramalens.triage.rank import order, parse_weights, rank_paths
from dramalens.triage.result import TriageResult
from dramalens.triage.scoring import Features, Weights, rescore, score

EPISODE = ("第{n}集\n1-1 日 内 总裁办公室\n△林晚推门而入，手里攥着一份离婚协议。\n林晚：顾总，这份协议我签了，从今天起我们两清。\n"
           "顾言（冷笑）：你以为走得掉？\n△他一把抓住她的手腕，门外突然传来急促的脚步声。\n林晚：放手！你欠我的，我会一样一样拿回来。\n"
           "△门被撞开，一个陌生女人冲了进来。\n女人：顾言，她肚子里的孩子是你的！\n【卡点】\n")


def micro_drama(episodes: int = 8) -> str:
    return "\n".join(EPISODE.format(n=n) for n in range(1, episodes + 1))


def feature_film(scenes: int = 90) -> str:
    out = []
    for sc in range(scenes):
        out.append(f"INT. HARBOUR OFFICE {sc} - NIGHT\n")
        for _ in range(10):
            out.append("MARA\nThe manifest was forged, and the cargo left port two days before the inspector came.\n")
            out.append("Tom studies the rain on the window and says nothing for a long time.\n")
    return "\n".join(out)


def _gates(text: str, **kw: object) -> list[str]:
    s = parse(text)
    return [g.code for g in gates_for(s, analyze(s), **kw)]  # type: ignore[arg-type]


def test_a_feature_film_is_not_a_micro_drama() -> None:
    assert _gates(feature_film()) == ["not_micro_drama"]


def test_a_tiny_file_is_too_short() -> None:
    assert "too_short" in _gates("Hi there.\n")


def test_an_unreadable_file_is_gated() -> None:
    garbled = micro_drama().replace("林", "\ufffd").replace("顾", "\ufffd").replace("的", "\x07")
    assert "unreadable" in _gates(garbled)


def test_a_micro_drama_passes_every_gate() -> None:
    assert _gates(micro_drama()) == []


def test_a_near_copy_is_gated_with_its_evidence(tmp_path: Path) -> None:
    from dramalens.catalog import Catalog, import_paths
    from dramalens.triage.catalogs import open_catalog

    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "source.txt").write_text(micro_drama(10), encoding="utf-8")
    (tmp_path / "lib" / "other.txt").write_text(micro_drama(2).replace("离婚协议", "遗嘱").replace("孩子", "账本"), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'cat.sqlite'}"
    import_paths(Catalog(url), [tmp_path / "lib"])
    result = analyse_submission(SubmissionInput(1, "copy.txt", micro_drama(9).encode()), catalog=open_catalog(url))
    (gate,) = [g for g in result.gates if g.code == "near_copy"]
    assert gate.work_id == "source" and "shares text with" in gate.text
    assert result.score.evidence[0].criterion == "gate"  # the page shows why first
    assert any(m.shared_passages for m in result.similar if m.work_id == "source")
    # below the threshold it is evidence, not a gate
    s = parse(micro_drama(9))
    weaker = [m for m in result.similar if m.scores.text < 0.99]
    assert not [g for g in gates_for(s, analyze(s), weaker, GateParams(near_copy=0.99)) if g.code == "near_copy"]


def test_weights_rerank_at_query_time() -> None:
    a = TriageResult(score(Features(episodes=4, hook_endings=4, novelty=0.1, pacing_fit=1.0)))
    b = TriageResult(score(Features(episodes=4, hook_endings=0, novelty=0.95, pacing_fit=0.2)))
    batch = [("a.txt", a), ("b.txt", b)]
    assert [r.file for r in order(batch, Weights(originality=1, craft=0, risk=0))] == ["b.txt", "a.txt"]
    assert [r.file for r in order(batch, Weights(originality=0, craft=1, risk=0))] == ["a.txt", "b.txt"]
    assert rescore(a.score, Weights(0, 1, 0)).total == a.score.craft


def test_gated_scripts_are_never_above_ungated_ones() -> None:
    from dramalens.triage.gates import Gate

    good = TriageResult(score(Features(episodes=4, hook_endings=1, novelty=0.1)))
    gated = TriageResult(score(Features(episodes=4, hook_endings=4, novelty=1.0, pacing_fit=1, agency=1)),
                         gates=(Gate("not_micro_drama", "one episode of 120 min"),))
    ranked = order([("film.fountain", gated), ("ok.txt", good)])
    assert [r.file for r in ranked] == ["ok.txt", "film.fountain"] and ranked[1].score is None


def test_parse_weights() -> None:
    assert parse_weights("originality=0,craft=1,risk=0") == Weights(0, 1, 0)
    with pytest.raises(Exception, match="NAME=NUMBER"):
        parse_weights("craft")


def test_rank_paths_and_cli_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "micro.txt").write_text(micro_drama(), encoding="utf-8")
    (batch / "film.fountain").write_text(feature_film(), encoding="utf-8")
    (batch / "tiny.txt").write_text("Hi there.\n", encoding="utf-8")
    ranked = rank_paths([batch])
    assert [r.file for r in ranked][0] == "batch/micro.txt"
    assert main(["triage", "rank", str(batch), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["file"] for r in rows][0] == "batch/micro.txt" and rows[0]["score"] is not None
    by_file = {r["file"]: r for r in rows}
    assert by_file["batch/film.fountain"]["score"] is None and by_file["batch/film.fountain"]["gates"][0].startswith("not_micro_drama")
    # 11 bytes: the reader's quality gate (issue 9) or too_short, whichever closes first
    assert by_file["batch/tiny.txt"]["score"] is None and any(g.startswith(("too_short", "unreadable")) for g in by_file["batch/tiny.txt"]["gates"])
    assert all(isinstance(r["flags"], list) for r in rows)


def test_an_unread_script_is_gated_not_ranked_at_zero() -> None:
    from dramalens.triage.result import Unread

    unread = TriageResult(score(Features()), unread=Unread(0.2, 0.5, ("nobody speaks in 40 body lines",)))
    good = TriageResult(score(Features(episodes=4, hook_endings=1, novelty=0.1)))
    ranked = order([("a.txt", unread), ("b.txt", good)])
    assert [r.file for r in ranked] == ["b.txt", "a.txt"] and ranked[1].score is None
    assert str(ranked[1].gates[0]).startswith("unreadable: read quality 0.20 under 0.50: nobody speaks")


def test_rank_keeps_a_broken_file_in_the_output_and_names_a_missing_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "micro.txt").write_text(micro_drama(), encoding="utf-8")
    (batch / "junk.txt").write_bytes(bytes(range(256)) * 40)
    assert main(["triage", "rank", str(batch), "--json"]) == 0
    rows = {r["file"]: r for r in json.loads(capsys.readouterr().out)}
    assert set(rows) == {"batch/micro.txt", "batch/junk.txt"}  # nothing dropped
    assert rows["batch/junk.txt"]["score"] is None and rows["batch/junk.txt"]["gates"]
    assert main(["triage", "rank", str(tmp_path / "nowhere")]) == 2
    assert "nowhere" in capsys.readouterr().err
