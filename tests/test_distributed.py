"""Dask scale-out (catalog/distributed.py): same signatures and clusters as one machine."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("dask.distributed")  # the optional dask extra

from dramalens.catalog import Catalog, Document, Work, dedupe, import_paths  # noqa: E402
from dramalens.catalog.distributed import DaskMapper, fingerprint_many  # noqa: E402
from dramalens.cluster import dask_client  # noqa: E402
from dramalens.errors import ConfigError  # noqa: E402

BASE = "A maid named {n} finds the {o} that proves the heir lied about the fire at the old mill, then she {v}."


def _docs():
    objs = ["letter", "ring", "photo", "key", "diary", "contract"]
    verbs = ["runs to the police", "burns it", "hides it in the chapel", "sells it to his rival"]
    docs = []
    for i in range(40):
        text = " ".join(BASE.format(n=f"Name{i}", o=objs[(i + j) % 6], v=verbs[(i * j) % 4]) for j in range(6))
        if i % 10 == 1:  # a near-duplicate of the previous work
            text = docs[-1].work.synopsis + " The end."
        docs.append(Document(Work(f"d{i:02d}", f"T{i}", "en", synopsis=text)))
    return docs


@pytest.fixture(scope="module")
def client():
    with dask_client("local", processes=False) as c:
        yield c


def test_fingerprints_identical_to_single_machine(client):
    docs = _docs()
    local = fingerprint_many(docs)
    remote = fingerprint_many(docs, client, partition=7)
    assert [r.work.id for r in remote] == [r.work.id for r in local]
    for a, b in zip(local, remote):
        assert a.minhash == b.minhash and a.passages == b.passages and a.content_hash == b.content_hash


def test_import_and_dedupe_identical_through_dask(client, tmp_path):
    path = tmp_path / "m.jsonl"
    path.write_text("\n".join(json.dumps({"id": d.work.id, "title": d.work.title, "language": "en", "synopsis": d.work.synopsis}) for d in _docs()), encoding="utf-8")
    single, spread = Catalog("sqlite://"), Catalog("sqlite://")
    import_paths(single, [path])
    import_paths(spread, [path], mapper=DaskMapper(client))
    assert np.array_equal(single.index().signatures, spread.index().signatures)
    a = dedupe(single, 0.5, measure="jaccard")
    b = dedupe(spread, 0.5, measure="jaccard", mapper=DaskMapper(client))
    assert a.clusters and a.clusters == b.clusters and a.pairs == b.pairs


def test_bad_address_is_a_config_error():
    with pytest.raises(ConfigError, match="--dask"):
        with dask_client("http://nowhere"):
            pass
