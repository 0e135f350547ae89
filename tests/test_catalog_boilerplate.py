"""Shared boilerplate is not evidence of copying (issue 10): five works that carry the same
credit paragraph under unrelated stories are not near-copies of each other, while a real copy
among them still is, and re-uploads of one text are still duplicates. Fixtures written for
these tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dramalens.catalog import Catalog, dedupe, import_paths, similar_to_work
from dramalens.catalog.boilerplate import DUPLICATE_JACCARD, Overlap, discounted

CREDIT = ("This episode of Harbour Lights Audio Drama was recorded at Pier Nine Studios with the support of the "
          "Coastal Arts Fund. Music by the Saltmarsh Quartet, sound design by Ida Brennan, produced and edited by "
          "Tomas Reyes. Follow the show wherever you listen, leave us a review, and write to the cast at the "
          "address in the notes below.")

STORIES = {
    "tide": "A ferry captain loses her licence after a storm crossing she still believes was sabotaged. She takes a job "
            "gutting fish on the quay, keeps a notebook of every boat that left port that night, and slowly works out "
            "that the harbour master sold the weather reports to a rival line.",
    "orchard": "Three brothers return to their father's apple orchard for the harvest after ten years apart. The youngest "
               "has promised the land to a developer, the eldest has been secretly paying its debts, and the middle one "
               "finds letters proving their father never meant to leave it to any of them.",
    "signal": "A night-shift radio operator at a mountain observatory hears a distress call in a language nobody has "
              "spoken for a century. Her supervisor calls it interference, but each night the caller gives one more "
              "coordinate, and the last one points at the observatory's own sealed basement.",
    "ledger": "An accountant at a provincial theatre discovers that the company has been paying a salary to an actor who "
              "died in the nineteen-seventies. Following the money leads her to the director's estranged daughter, who "
              "has been living under the stage and writing every play the theatre has staged since.",
    "glass": "A glassblower's apprentice breaks the commissioned window meant for the cathedral's anniversary and has "
             "three weeks to remake it alone. Working nights, he copies the old master's notes and realises the master "
             "never made the original windows at all; his mother did, and was never paid.",
}
# A pirated retelling of "tide": the story lifted almost word for word, a new name, and the credits pasted too.
COPY = ("A ferry captain loses her licence after a storm crossing she still believes was sabotaged. She takes a job "
        "gutting fish on the quay, keeps a notebook of every boat that left port that night, and slowly works out "
        "that the harbour master sold the weather reports to a rival shipping line run by her own cousin.")


def _catalog(tmp_path: Path, rows: list[dict[str, object]]) -> Catalog:
    meta = tmp_path / "works.jsonl"
    meta.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    cat = Catalog(f"sqlite:///{tmp_path / 'c.sqlite'}")
    report = import_paths(cat, metadata=[meta])
    assert report.errors == []
    return cat


@pytest.fixture()
def credited(tmp_path: Path) -> Catalog:
    rows: list[dict[str, object]] = [{"id": k, "title": "", "synopsis": f"{v}\n\n{CREDIT}", "language": "en"} for k, v in STORIES.items()]
    rows.append({"id": "tide_copy", "title": "", "synopsis": f"{COPY}\n\n{CREDIT}", "language": "en"})
    return _catalog(tmp_path, rows)


def test_a_shared_credit_paragraph_is_not_a_near_copy(credited: Catalog) -> None:
    index = credited.index()
    assert index.shared_prints.size >= 3  # the credit paragraph's prints are seen as shared boilerplate
    for measure, threshold in (("passages", 0.08), ("text", 0.08), ("jaccard", 0.5)):
        found = dedupe(credited, threshold, measure=measure)
        assert [c.ids for c in found.clusters] == [("tide", "tide_copy")], (measure, found.pairs)


def test_similar_works_show_no_text_evidence_for_boilerplate(credited: Catalog) -> None:
    for wid in ("orchard", "signal", "ledger", "glass"):
        for m in similar_to_work(credited, wid, k=5, evidence=False):
            assert m.scores.passages == 0.0 and m.scores.text < 0.1, (wid, m.work_id, m.scores)
    top = similar_to_work(credited, "tide", k=1)[0]
    assert top.work_id == "tide_copy" and top.scores.text >= 0.5 and top.scores.passages >= 0.5


def test_without_the_discount_the_credit_paragraph_would_have_counted(credited: Catalog) -> None:
    # The fixture is a real test of the discount: the credit paragraph alone shares enough
    # prints between two unrelated works to pass the default dedupe threshold if counted.
    index = credited.index()
    a, b = index.position["orchard"], index.position["signal"]
    shared = set(index.passage_keys[a].tolist()) & set(index.passage_keys[b].tolist())
    size = min(index.passage_keys[a].size, index.passage_keys[b].size)
    assert len(shared) >= 3 and len(shared) / size >= 0.08
    assert shared <= set(index.shared_prints.tolist())


def test_re_uploads_stay_duplicates_though_every_print_is_shared(tmp_path: Path) -> None:
    text = f"{STORIES['glass']}\n\n{CREDIT}"
    rows: list[dict[str, object]] = [{"id": f"glass{i}", "title": "", "synopsis": text, "language": "en"} for i in range(3)]
    rows += [{"id": k, "title": "", "synopsis": v, "language": "en"} for k, v in STORIES.items() if k != "glass"]
    cat = _catalog(tmp_path, rows)
    assert [c.ids for c in dedupe(cat).clusters] == [("glass0", "glass1", "glass2")]
    assert similar_to_work(cat, "glass0", k=1)[0].scores.text == 1.0


def test_discount_is_monotone_and_keeps_duplicates() -> None:
    # more shared boilerplate never raises the evidence; a whole-text duplicate keeps its Jaccard
    for distinct in (0, 5, 20):
        previous = (2.0, 2.0)
        for boiler in (0, 10, 20, 40):
            j, c = discounted(0.3, Overlap(distinct, boiler, 80))
            assert j <= previous[0] and (c <= previous[1] or j >= DUPLICATE_JACCARD)
            previous = (j, c)
    assert discounted(0.95, Overlap(0, 60, 80))[0] >= DUPLICATE_JACCARD


def test_three_synopses_sharing_a_credit_paragraph_are_not_copies(tmp_path: Path) -> None:
    # the podcast case: three unrelated episode descriptions end with the same credits
    keep = ("orchard", "signal", "ledger")
    rows: list[dict[str, object]] = [{"id": k, "title": "", "synopsis": f"{STORIES[k]}\n\n{CREDIT}", "language": "en"} for k in keep]
    rows += [{"id": k, "title": "", "synopsis": v, "language": "en"} for k, v in STORIES.items() if k not in keep]
    cat = _catalog(tmp_path, rows)
    assert dedupe(cat).clusters == ()
    assert all(m.scores.text < 0.1 for m in similar_to_work(cat, "orchard", k=5, evidence=False))
