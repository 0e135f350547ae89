"""The catalog store (catalog/store.py) and its migrations."""

from __future__ import annotations

import os
from datetime import date

import numpy as np
import pytest
from sqlalchemy import inspect, text

from dramalens.catalog.fingerprint import fingerprint
from dramalens.catalog.records import Document, Work, WorkRecord
from dramalens.catalog.store import Catalog
from dramalens.errors import NotFoundError, StoreError


def _record(work_id: str, synopsis: str, **kw) -> WorkRecord:
    return fingerprint(Document(Work(work_id, f"title {work_id}", "en", synopsis=synopsis, **kw)), semantic=False)


def test_migrations_create_tables_and_their_own_version_table(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    Catalog(url).close()
    cat = Catalog(url)  # a second open finds the schema current and changes nothing
    names = set(inspect(cat.engine).get_table_names())
    assert {"catalog_works", "catalog_plays", "catalog_import_runs", "catalog_import_done", "catalog_models", "alembic_version_catalog"} <= names
    with cat.engine.connect() as conn:
        assert conn.execute(text("select version_num from alembic_version_catalog")).scalar_one() == "catalog_0002"
        assert conn.execute(text("pragma journal_mode")).scalar_one() == "wal"


def test_upsert_inserts_then_updates_and_keeps_fingerprints():
    cat = Catalog("sqlite://")
    ins, upd = cat.upsert([_record("a", "a maid marries the heir"), _record("b", "a ghost opens a shop")])
    assert (ins, upd) == (2, 0)
    stored = cat.get("a")
    assert np.frombuffer(stored.minhash, np.uint32).size == 128
    assert stored.work.title == "title a" and stored.text is None
    ins, upd = cat.upsert([_record("a", "a maid marries the heir twice")])
    assert (ins, upd) == (0, 1)
    assert cat.get("a").work.synopsis == "a maid marries the heir twice"
    assert cat.count() == 2 and cat.ids() == ["a", "b"]


def test_bulk_insert_of_many_rows_in_batches():
    cat = Catalog("sqlite://")
    records = [_record(f"w{i:04d}", f"story number {i} about {i % 7} heirs") for i in range(1203)]
    assert cat.upsert(records) == (1203, 0)
    assert cat.count() == 1203
    assert len(cat.list_works(limit=50, offset=1200)) == 3


def test_plays_are_a_separate_table_replaced_on_update():
    cat = Catalog("sqlite://")
    plays = ((date(2025, 1, 1), 100), (date(2025, 2, 1), 80))
    cat.upsert([_record("a", "x y z", plays=plays)])
    assert cat.get("a").work.plays == plays
    cat.upsert([_record("a", "x y z w", plays=((date(2025, 3, 1), 5),))])
    assert cat.plays() == [("a", date(2025, 3, 1), 5)]
    cat.delete(["a"])
    assert cat.plays() == [] and cat.count() == 0


def test_index_holds_arrays_row_by_id():
    cat = Catalog("sqlite://")
    cat.upsert([_record("b", "two"), _record("a", "one")])
    idx = cat.index()
    assert idx.ids == ["a", "b"] and idx.signatures.shape == (2, 128)
    assert cat.index() is idx  # cached …
    cat.upsert([_record("c", "three")])
    assert len(cat.index()) == 3  # … until a write


def test_models_round_trip():
    cat = Catalog("sqlite://")
    assert cat.get_model("x") is None
    cat.set_model("x", b"\x00\x01", {"works": 3})
    assert cat.get_model("x") == (b"\x00\x01", {"works": 3})


def test_missing_work_and_bad_url():
    with pytest.raises(NotFoundError, match="no work 'zz'"):
        Catalog("sqlite://").get("zz")
    with pytest.raises(StoreError):
        Catalog("nosuchdialect://x")


@pytest.mark.pg
@pytest.mark.skipif(not os.environ.get("DRAMALENS_TEST_PG"), reason="set DRAMALENS_TEST_PG to a PostgreSQL URL")
def test_postgresql_round_trip():  # pragma: no cover - needs a server
    cat = Catalog(os.environ["DRAMALENS_TEST_PG"])
    cat.delete(["pg-a"])
    cat.upsert([_record("pg-a", "a maid marries the heir")])
    assert cat.get("pg-a").work.title == "title pg-a"
    cat.delete(["pg-a"])
