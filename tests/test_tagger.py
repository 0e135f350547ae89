"""The catalog's learned trope tagger: training, the cross-validated report, storage in the
catalog database, retagging untagged works and submissions, and the missing-extra error.

The fixture catalogue is written here: 27 tagged synopses in four platform tags, two works
tagged with a trope too rare to learn, and three untagged works. The "Mafia" synopses never use
the vocabulary's mafia cue words (mafia, mob, cartel, gangster …): they speak of a syndicate and
its don, so a mafia tag on an untagged work can only come from what the tagger learned.
"""

from __future__ import annotations

import csv
import io
import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from dramalens.catalog import Catalog, import_catalog
from dramalens.catalog.probe import probe_text
from dramalens.catalog.tagger import MODEL_NAME, TaggerModel
from dramalens.catalog.tagger_catalog import apply_tagger, stored_tagger, tag_text, train_catalog_tagger
from dramalens.errors import ConfigError

sklearn = pytest.importorskip("sklearn", reason="the learn extra (scikit-learn) is not installed")

from dramalens.catalog.tagger_train import cross_validate, fit_tagger  # noqa: E402  (after the skip)

NAMES = ["Ava", "Mia", "Lena", "Rosa", "Nora", "Ivy", "June", "Cleo", "Tess"]
PLOTS = {
    "Mafia": [
        "{n} owes a debt to the syndicate, and the don sends his nephew to collect it.",
        "The don of the harbour syndicate takes {n} as a hostage to silence her father.",
        "{n} testifies against the syndicate; the don's consigliere swears to find her.",
        "A waitress, {n}, witnesses a syndicate killing and the don offers her a deal.",
        "{n} marries the heir of a syndicate family to end a war between two dons.",
        "Smuggling routes, a ruthless don and {n}, the accountant who knows the syndicate's books.",
        "The syndicate's don falls for {n}, the nurse who stitched his wounds in secret.",
    ],
    "Billionaire": [
        "{n} spills coffee on a billionaire in the lobby of his skyscraper and loses her job.",
        "A billionaire tycoon hires {n} to pose as his date at the gala on his yacht.",
        "{n} discovers her blind date is the billionaire who owns her company.",
        "The billionaire heir wakes in a hospital and {n} is the only one he remembers.",
        "{n}, a florist, delivers roses to a billionaire's penthouse every morning.",
        "A cold billionaire signs {n} as his assistant after she beats him at chess.",
        "{n} inherits a debt to a billionaire and must work at his private jet company.",
    ],
    "Revenge": [
        "Betrayed by her husband and her sister, {n} plans her revenge from the ashes.",
        "{n} was framed for a theft she never did; now she returns for payback.",
        "After her fiancé stole her designs, {n} vows revenge on him and his new wife.",
        "{n} fakes her own death and comes back to make her betrayers pay.",
        "Her family ruined her; {n} takes revenge one board seat at a time.",
        "{n} watched her mother lose everything; her revenge starts at the wedding.",
    ],
    "Werewolf": [
        "{n} is rejected by her alpha on the night of the full moon and leaves the pack.",
        "An omega, {n}, finds she is the lost daughter of the pack's fallen alpha.",
        "{n} runs from her pack, and a rival alpha scents her at the border.",
        "The alpha king chooses {n}, a human, and the whole pack turns against her.",
        "{n} shifts for the first time and the alpha realises she is his luna.",
        "A lone wolf, {n}, hides her scent from the pack that killed her parents.",
        "{n} and the alpha share a bond the pack elders call forbidden.",
    ],
}
RARE = [("Vampire", "{n} works the night shift at a blood bank that a vampire visits."),
        ("Vampire", "A vampire prince offers {n} eternal youth for one favour.")]
UNTAGGED = {
    "u-mafia": "Lucia keeps the ledgers of the syndicate until the don asks her to lie in court.",
    "u-wolf": "Under the full moon the alpha of the northern pack claims Rhea in front of everyone.",
    "u-plain": "A baker opens a shop across from her old school and finds an old friend.",
}


def _rows() -> list[dict[str, str]]:
    rows = []
    for tag, plots in PLOTS.items():
        for i, plot in enumerate(plots):
            rows.append({"id": f"{tag.lower()}-{i}", "title": f"{tag} story {i}", "language": "en",
                         "synopsis": plot.format(n=NAMES[i % len(NAMES)]), "tags": f"{tag}|Female"})
    for i, (tag, plot) in enumerate(RARE):
        rows.append({"id": f"rare-{i}", "title": f"Night {i}", "language": "en", "synopsis": plot.format(n=NAMES[i]), "tags": tag})
    for wid, text in UNTAGGED.items():
        rows.append({"id": wid, "title": f"Untitled {len(rows)}", "language": "en", "synopsis": text, "tags": ""})
    return rows


@pytest.fixture()
def catalog(tmp_path: Path) -> Catalog:
    meta = tmp_path / "works.csv"
    with meta.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["id", "title", "language", "synopsis", "tags"])
        writer.writeheader()
        writer.writerows(_rows())
    cat = Catalog(f"sqlite:///{tmp_path / 'cat.sqlite'}")
    import_catalog(cat, metadata=[meta])
    return cat


def _tropes(cat: Catalog, work_id: str) -> set[str]:
    return {t.trope for t in cat.get(work_id).tropes}


def test_train_reports_cross_validated_figures_per_trope(catalog: Catalog) -> None:
    report = train_catalog_tagger(catalog, folds=3)
    assert report.works == 32 and report.tagged_works == 29  # the two vampire works are tagged too
    # Each trope tagged often enough is learned, unless the vocabulary did better on held-out
    # works; mafia cannot be left to it (the synopses never use its cue words).
    assert set(report.labels) | set(report.vocabulary_kept) == {"mafia", "ceo", "revenge", "werewolf"}
    assert "mafia" in report.labels and not set(report.labels) & set(report.vocabulary_kept)
    assert ("vampire", 2) in report.not_learned  # below MIN_SUPPORT: stays with the vocabulary
    cv = report.cv
    assert cv.folds == 3 and cv.works == 29
    assert {t.trope for t in cv.per_tag} == set(report.labels)
    assert {t.trope: t.support for t in cv.per_tag} == {"mafia": 7, "ceo": 7, "revenge": 6, "werewolf": 7}
    for t in cv.per_tag:
        assert 0.0 <= t.precision <= 1.0 and 0.0 <= t.recall <= 1.0
    # Four well-separated tropes: held-out works are tagged far better than chance.
    assert cv.micro_f1 >= 0.6, cv
    assert 0.05 <= report.threshold <= 0.95


def test_model_is_stored_with_the_catalog_as_plain_arrays(catalog: Catalog) -> None:
    train_catalog_tagger(catalog, folds=3, apply=False)
    stored = catalog.get_model(MODEL_NAME)
    assert stored is not None and stored[0]
    blob, meta = stored
    assert "mafia" in meta["labels"] and set(meta["labels"]) | set(meta["vocabulary"]) == {"ceo", "revenge", "mafia", "werewolf"}
    with np.load(io.BytesIO(blob), allow_pickle=False) as z:  # no object arrays: loading runs no code
        assert all(z[k].dtype != object for k in z.files)
    model = stored_tagger(Catalog(str(catalog.engine.url)))  # a fresh handle reads the same model
    assert model is not None
    again = TaggerModel.from_bytes(model.to_bytes())
    assert again.labels == model.labels and again.cap == model.cap
    assert np.array_equal(again.coef, model.coef) and np.array_equal(again.thresholds, model.thresholds)
    text = "The don of the syndicate calls in a favour."
    assert np.allclose(again.probabilities(text, "en"), model.probabilities(text, "en"))


def test_a_damaged_model_is_one_clear_error(catalog: Catalog) -> None:
    catalog.set_model(MODEL_NAME, b"PK\x03\x04 not an npz", {})
    with pytest.raises(ConfigError, match="tagger train"):
        stored_tagger(catalog)


def test_untagged_works_get_learned_tags_with_their_evidence(catalog: Catalog) -> None:
    assert "mafia" not in _tropes(catalog, "u-mafia")  # the vocabulary has no cue in that synopsis
    report = train_catalog_tagger(catalog, folds=3)
    assert report.retagged >= 1
    assert "mafia" in _tropes(catalog, "u-mafia")
    assert "werewolf" in _tropes(catalog, "u-wolf")
    assert "mafia" not in _tropes(catalog, "u-plain")
    # Tagged works keep the tags' evidence; a second run changes nothing more.
    assert "ceo" in _tropes(catalog, "billionaire-0")
    assert apply_tagger(catalog) == 0
    tagged = tag_text(catalog, UNTAGGED["u-mafia"], "en")
    mafia = next(t for t in tagged.learned if t.trope == "mafia")
    assert mafia.probability >= mafia.threshold
    assert any("syndicate" in f or "don" in f for f in mafia.features)
    assert tagged.model


def test_submissions_are_compared_with_the_learned_tropes(catalog: Catalog) -> None:
    text = "Marco, the don's son, hides from the syndicate in a quiet village."
    assert "mafia" not in {t.trope for t in probe_text(catalog, text, "en").tropes}
    train_catalog_tagger(catalog, folds=3)
    assert "mafia" in {t.trope for t in probe_text(catalog, text, "en").tropes}


def test_too_few_tagged_works_is_one_clear_error(tmp_path: Path) -> None:
    cat = Catalog("sqlite://")
    with pytest.raises(ConfigError, match="tags on at least"):
        train_catalog_tagger(cat, folds=3)
    with pytest.raises(ConfigError, match="no trope tagger"):
        apply_tagger(cat)


def test_cli_train_json_and_tag(catalog: Catalog) -> None:
    from dramalens.cli import app

    url = str(catalog.engine.url)
    runner = CliRunner()
    out = runner.invoke(app, ["catalog", "tagger", "train", "--db", url, "--folds", "3", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["cv"]["folds"] == 3 and data["tagged_works"] == 29
    assert {"trope", "precision", "recall", "f1", "support", "predicted"} <= set(data["cv"]["per_tag"][0])
    out = runner.invoke(app, ["catalog", "tagger", "tag", "--db", url, "--text", UNTAGGED["u-wolf"], "--json"])
    assert out.exit_code == 0, out.output
    assert "werewolf" in {t["trope"] for t in json.loads(out.output)["learned"]}
    out = runner.invoke(app, ["catalog", "tagger", "train", "--db", url, "--folds", "3"])
    assert out.exit_code == 0 and "micro P" in out.output


# -- the model on its own ------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _small_model() -> TaggerModel:
    rows = [r for r in _rows() if r["tags"] and not r["id"].startswith("rare")]
    labels = sorted(PLOTS)
    gold = np.array([[r["tags"].split("|")[0] == lab for lab in labels] for r in rows], bool)
    return fit_tagger([r["synopsis"] for r in rows], ["en"] * len(rows), gold, labels)


def test_cross_validate_scores_every_label() -> None:
    rows = [r for r in _rows() if r["tags"] and not r["id"].startswith("rare")]
    labels = sorted(PLOTS)
    gold = np.array([[r["tags"].split("|")[0] == lab for lab in labels] for r in rows], bool)
    cv = cross_validate([r["synopsis"] for r in rows], ["en"] * len(rows), gold, labels, folds=3)
    assert [t.trope for t in sorted(cv.per_tag, key=lambda t: t.trope)] == labels
    assert sum(t.support for t in cv.per_tag) == len(rows)
    with pytest.raises(ConfigError, match="folds"):
        cross_validate(["a", "b"], ["en", "en"], np.zeros((2, 1), bool), ["x"], folds=5)


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=300), language=st.sampled_from(["en", "zh", "ja", ""]))
def test_tagging_never_raises_and_probabilities_are_probabilities(text: str, language: str) -> None:
    model = _small_model()
    probs = model.probabilities(text, language)
    assert probs.shape == (len(model.labels),)
    assert np.all((probs >= 0.0) & (probs <= 1.0))
    for tag in model.tag(text, language):
        assert 0.0 <= tag.probability <= 1.0 and tag.probability >= tag.threshold


def test_the_desk_lists_a_submission_under_its_learned_tropes(catalog: Catalog) -> None:
    from dramalens.triage.catalogs import CatalogRef
    from dramalens.triage.intake import SubmissionInput, SubmissionMeta
    from dramalens.triage.pipeline import analyse_submission

    script = ("INT. HARBOUR WAREHOUSE - NIGHT\n\nMARCO\nThe syndicate wants the ledger. The don wants it tonight.\n\n"
              "LUCIA\nThen the don can come and ask me himself.\n").encode()
    sub = SubmissionInput(1, "harbour.fountain", script, SubmissionMeta(title="Harbour"))
    before = analyse_submission(sub, catalog=CatalogRef(str(catalog.engine.url)))
    train_catalog_tagger(catalog, folds=3)
    after = analyse_submission(sub, catalog=CatalogRef(str(catalog.engine.url)))
    assert "mafia" not in before.tropes and "mafia" in after.tropes


ZH = {
    "赘婿": ["入赘三年，他在岳家受尽白眼，今天终于亮出身份。", "上门女婿被丈母娘赶出家门，转身成了集团董事。",
             "他是全城笑话的上门女婿，岳父寿宴上却无人敢坐主位。", "入赘的第五年，他决定不再隐忍，岳家人慌了。",
             "丈母娘嫌他窝囊，却不知上门女婿一句话就能救公司。", "岳家逼他离婚，入赘三年的他只笑了笑。"],
    "宫斗": ["冷宫里的废妃重回后宫，贵妃和皇后都坐不住了。", "她入宫为妃，一步步斗倒皇后，成为太后。",
             "后宫争宠，贵妃设局，她在冷宫里等一个翻身的机会。", "皇上独宠一人，后宫众妃联手陷害她。",
             "她被贵妃陷害打入冷宫，三年后凤袍加身。", "选秀入宫的少女，在后宫学会了不再天真。"],
}


def test_a_chinese_catalogue_is_learned_from_characters() -> None:
    texts = [t for plots in ZH.values() for t in plots]
    # Platform labels the vocabulary does not know: whatever is found is learned from characters.
    labels = ["platform_a", "platform_b"]
    gold = np.array([[tag == "赘婿", tag == "宫斗"] for tag, plots in ZH.items() for _ in plots], bool)
    cv = cross_validate(texts, ["zh"] * len(texts), gold, labels, folds=3)
    assert cv.micro_f1 >= 0.8, cv
    model = fit_tagger(texts, ["zh"] * len(texts), gold, labels)
    assert model.labels == ("platform_a", "platform_b")
    # Traditional characters are read as simplified.
    found = {t.trope for t in model.tag("他入贅到岳家，丈母娘天天罵他是上門女婿。", "zh")}
    assert found == {"platform_a"}
