"""The README's main job: ``dramalens demo`` builds a usable site once and reuses it after."""

from __future__ import annotations

from sqlalchemy import func, select

from dramalens.catalog import Catalog
from dramalens.cli import main
from dramalens.db import make_engine
from dramalens.demo import prepare_demo, sample_paths
from dramalens.triage.auth import authenticate
from dramalens.triage.models import init_db, submissions


def test_samples_are_bundled_in_both_languages():
    from dramalens import parse

    languages = {parse(p).language for p in sample_paths()}
    assert languages == {"zh", "en"}


def test_prepare_demo_builds_then_reuses(tmp_path):
    site = prepare_demo(tmp_path / "demo", works=12, submissions=3, log=lambda _m: None)
    assert site.catalog_works == 12 and site.queued == 3
    assert all(p.exists() and p.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html") for p in site.reports)
    engine = init_db(make_engine(site.db_url))
    assert authenticate(engine, site.user, site.password) is not None

    again = prepare_demo(tmp_path / "demo", works=12, submissions=3, log=lambda _m: None)
    assert again.password == site.password  # same account, not a second one
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(submissions)).scalar_one() == 3
    assert Catalog(site.db_url).count() == 12


def test_demo_cli_without_server(tmp_path, capsys):
    assert main(["demo", "--dir", str(tmp_path / "d"), "--works", "10", "--submissions", "2", "--no-serve"]) == 0
    assert (tmp_path / "d" / "admin-password.txt").exists()


def test_demo_rejects_a_too_small_catalog(tmp_path, capsys):
    assert main(["demo", "--dir", str(tmp_path / "d"), "--works", "3", "--no-serve"]) == 2
    assert "at least 10 catalog works" in capsys.readouterr().err
