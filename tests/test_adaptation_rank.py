"""The adaptation zone: a library ranked with reasons, the same on a Dask LocalCluster."""

from __future__ import annotations

import json

import pytest
from adaptation_fixtures import zh_novel

from dramalens.adaptation import rank_library, rank_paths
from dramalens.catalog.distributed import DaskMapper
from dramalens.catalog.store import Catalog
from dramalens.cli import main
from dramalens.cluster import dask_client

_CALM = "第{c}章 日常\n" + "\n".join(["她在院子里晒太阳，喝了一杯茶。", "林晚道：“今天天气真好。”", "林晚看着窗外的树，想起小时候。"] * 4)
_ACTIVE = "第{c}章 对决\n" + "\n".join(["林晚冷笑：“你敢！”她一巴掌打了过去。", "原来顾沉竟然是当年的凶手！", "林晚决定报仇，拔出刀冲了上去。"] * 4)


@pytest.fixture()
def library(tmp_path):
    (tmp_path / "calm.txt").write_text("\n\n".join(_CALM.format(c=c) for c in range(1, 9)), encoding="utf-8")
    (tmp_path / "active.txt").write_text("\n\n".join(_ACTIVE.format(c=c) for c in range(1, 9)), encoding="utf-8")
    (tmp_path / "planted.txt").write_text(zh_novel(), encoding="gb18030")
    (tmp_path / "broken.txt").write_bytes(b"\x00\x01\x02" * 10)
    return tmp_path


def test_rank_orders_by_conflict_and_agency_with_reasons(library):
    ranking = rank_paths([library])
    names = [r.profile.path.rsplit("/", 1)[-1] for r in ranking.novels]
    assert names[0] == "active.txt" and names[-1] == "broken.txt"
    assert names.index("active.txt") < names.index("calm.txt")
    top = ranking.novels[0]
    assert top.profile.protagonist == "林晚" and top.profile.protagonist_agency > 0
    assert any("conflict" in r for r in top.reasons) and any("agency" in r for r in top.reasons)
    assert "unreadable" in ranking.novels[-1].reasons[0]


def test_rank_with_a_catalog_reports_novelty(library):
    ranking = rank_paths([library / "active.txt", library / "calm.txt"], catalog_url="sqlite://")
    assert all(r.novelty is not None for r in ranking.novels)


def test_dask_local_cluster_gives_the_same_ranking(library):
    files = sorted(str(p) for p in library.iterdir())
    here = rank_library(files)
    with dask_client("local", processes=False) as client:
        there = rank_library(files, mapper=DaskMapper(client))
    assert here == there


def test_cli_rank_json(library, capsys):
    assert main(["adapt", "rank", str(library), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [n["rank"] for n in data["novels"]] == [1, 2, 3, 4]
    assert "premise" not in data["novels"][0]["profile"]


def test_empty_catalog_is_fine():
    assert rank_library([], catalog=Catalog("sqlite://")).novels == ()
