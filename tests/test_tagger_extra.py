"""Without the learn extra: training is one ConfigError naming it, while a stored tagger still
tags (NumPy only). Runs with or without scikit-learn installed (it is hidden here)."""

from __future__ import annotations

import sys

import pytest

from dramalens.catalog import Catalog
from dramalens.catalog.tagger import MODEL_NAME, TaggerModel
from dramalens.catalog.tagger_catalog import tag_text, train_catalog_tagger
from dramalens.errors import ConfigError


def test_without_scikit_learn_training_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sklearn", None)  # `import sklearn` now raises ImportError
    with pytest.raises(ConfigError, match=r"dramalens\[learn\]"):
        train_catalog_tagger(Catalog("sqlite://"), folds=3)


def test_a_stored_tagger_tags_without_scikit_learn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sklearn", None)
    cat = Catalog("sqlite://")
    cat.set_model(MODEL_NAME, TaggerModel.empty(("mafia",)).to_bytes(), {})
    tagged = tag_text(cat, "A quiet story about a baker.", "en")
    assert tagged.model and [t.trope for t in tagged.learned] == ["mafia"]  # p = 0.5 ≥ 0.5 in the empty model
