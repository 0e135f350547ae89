"""The import's faster hot paths against the formulations they replaced, and the lexical counts
kept per work (catalog/lexical.py, catalog/prepare.py).

Each fast path must return exactly what the old code returned: a stored catalog's fingerprints
would otherwise change under it. The old formulations are written out here as references.
"""

from __future__ import annotations

import io
import re
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dramalens.analysis import tropes
from dramalens.analysis.skeleton import skeleton_from_text
from dramalens.catalog import Catalog, import_paths
from dramalens.catalog.lexical import (
    BUCKETS,
    LEXICAL_CHARS,
    catalog_lexical,
    lexical_row,
    lexical_text,
    pack_row,
    refresh_lexical,
    unpack_row,
)
from dramalens.parsing.chinese.lexicon import MATCH_TABLE, fold_match
from dramalens.parsing.source import _is_binary
from dramalens.text import count_han, fold_width, to_simplified
from dramalens.text.han import HAN
from dramalens.text.normalise import WIDTH_TABLE, translator

# Characters that fold case in surprising ways (Kelvin sign, long s, dotted capital I, the
# Turkish dotless i, the German sharp s) beside plain letters, Han and sentence marks.
ODD = "KkſsSİıißẞ"
ALPHABET = "abcsSAB离婚协议婚离 '-.\n。" + ODD


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=[chr(c) for c in WIDTH_TABLE] + list("ab 第集\t\n中") + ["\U00020000"], max_size=40))
def test_width_fold_equals_str_translate(text):
    assert fold_width(text) == text.translate(WIDTH_TABLE)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=[chr(c) for c in MATCH_TABLE] + list("场景人物：ab 1\n"), max_size=40))
def test_match_fold_equals_str_translate(text):
    assert fold_match(text) == text.translate(MATCH_TABLE)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.characters(max_codepoint=0x3000).map(ord),
                       st.one_of(st.none(), st.text(max_size=3), st.integers(0x20, 0x7E)), max_size=8),
       st.text(max_size=40))
def test_translator_equals_str_translate_for_any_table(table, text):
    assert translator(table)(text) == text.translate(table)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="林晚a ，。\U00020000\u3400\uf900々〇ㄅ", max_size=60))
def test_han_count_equals_counting_each_character(text):
    assert count_han(text) == sum(1 for ch in text if HAN.fullmatch(ch))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=[chr(i) for i in range(0, 40)] + ["\ufffd", "a", "中"], max_size=60))
def test_binary_check_equals_the_character_loop(text):
    sample = text[:20000]
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f\v\x1b") or ch == "\ufffd")
    assert _is_binary(text) == (bool(sample) and bad / len(sample) > 0.05)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="abcs离婚协议'- ", min_size=1, max_size=6), min_size=1, max_size=12),
       st.text(alphabet=ALPHABET, max_size=80))
def test_cue_tree_with_its_lookahead_matches_the_sorted_alternation_under_case_folding(cues, text):
    cues = [c.lower() for c in cues]
    plain = "|".join(re.escape(c) for c in sorted(set(cues), key=len, reverse=True))
    for wrap in ("{}", r"(?<![a-z0-9])(?:{})(?:es|s)?(?![a-z0-9-])(?!['’](?!s(?![a-z])))"):
        a = re.compile(wrap.format(plain), re.IGNORECASE)
        b = re.compile(wrap.format(tropes.cue_alternation(cues)), re.IGNORECASE)
        assert [m.span() for m in a.finditer(text)] == [m.span() for m in b.finditer(text)]


def test_repeated_conversion_and_unit_counts_give_what_fresh_ones_give():
    """to_simplified and the trope unit count keep the last large text's answer: a different
    text (even an equal one) must never get another text's answer."""
    long_a = "霸道總裁愛上我，離婚協議。" * 1000
    long_b = "重生復仇，她發誓讓渣男付出代價。" * 1000
    assert to_simplified(long_a) == to_simplified(long_a) == "霸道总裁爱上我，离婚协议。" * 1000
    assert to_simplified(long_b) == "重生复仇，她发誓让渣男付出代价。" * 1000
    assert to_simplified("".join([long_a])) == "霸道总裁爱上我，离婚协议。" * 1000
    for lang, text in (("zh", long_a), ("en", "She swore revenge on the CEO. " * 800)):
        first = tropes.tag_tropes(text, language=lang)
        track = tropes.infer_track(first, text, lang)
        other = tropes.tag_tropes(text[: len(text) // 2], language=lang)  # another text in between
        assert tropes.tag_tropes(text, language=lang) == first and tropes.infer_track(first, text, lang) == track
        assert other == tropes.tag_tropes(text[: len(text) // 2] + "", language=lang)
        assert skeleton_from_text(text, lang) == skeleton_from_text(str(text), lang)


# ------------------------------------------------------------------------- lexical counts
SCRIPT_ZH = "第{n}集\n{n}-1 夜 内 客厅\n△林晚推门而入，手里攥着一份离婚协议。\n林晚：{line}\n"
SCRIPT_EN = "INT. HOUSE - NIGHT\n\nMARA climbs the stairs with a lantern.\n\nMARA\n{line}\n"
LINES = ["你签了它，我们从此两清。", "我回来拿回属于我的东西。", "Nobody leaves this island.", "I kept every promise."]


def _folder(tmp_path, n=4):
    for i in range(n):
        (tmp_path / f"zh{i}.txt").write_text(SCRIPT_ZH.format(n=i + 1, line=LINES[i % 4]) * 40, encoding="utf-8")
        (tmp_path / f"en{i}.fountain").write_text(SCRIPT_EN.format(line=LINES[(i + 2) % 4]) * 40, encoding="utf-8")
    return tmp_path


def _index_arrays(cat):
    lx = catalog_lexical(cat)
    return lx.ids, lx.indptr.tolist(), lx.indices.tolist(), lx.data.tolist(), lx.idf.tolist()


def test_each_work_stores_the_counts_of_its_lexical_text(tmp_path):
    cat = Catalog("sqlite://")
    import_paths(cat, [_folder(tmp_path)])
    assert refresh_lexical(cat) == 0  # the workers counted every work: nothing left to count here
    records = {work_id: cat.get(work_id) for work_id, _blob in cat.work_blobs("lexical")}
    # The texts as the database reads them back (SQL substr), once the stored counts are set aside.
    cat.set_work_blobs("lexical", [(work_id, None) for work_id in records])
    ids, texts, langs = cat.texts_missing("lexical", LEXICAL_CHARS)
    assert len(ids) == 8
    for work_id, text, lang in zip(ids, texts, langs):
        rec = records[work_id]
        assert lexical_text(rec.work.title, rec.work.synopsis, rec.text) == text
        row, expected = unpack_row(rec.lexical), lexical_row(text, lang)
        assert row.cols.tolist() == expected.cols.tolist() and row.counts.tolist() == expected.counts.tolist()


def _legacy_blob(ids, rows):
    """The one-blob model catalogs stored before the counts were kept per work (the former _pack)."""
    buf = io.BytesIO()
    np.savez(buf, ids=np.array(ids, dtype=str), keys=np.zeros(len(ids), np.int64), sizes=np.array([r.cols.size for r in rows], np.int64),
             cols=np.concatenate([r.cols for r in rows]), counts=np.concatenate([r.counts for r in rows]))
    return buf.getvalue()


def test_a_catalog_stored_before_reads_its_blob_then_moves_the_counts_into_the_rows(tmp_path):
    cat = Catalog("sqlite://")
    import_paths(cat, [_folder(tmp_path)])
    current = _index_arrays(cat)
    ids = cat.ids()
    rows = [unpack_row(cat.get(w).lexical) for w in ids]
    # As a catalog from before: no counts in the rows, every work's counts in one blob.
    cat.set_work_blobs("lexical", [(w, None) for w in ids])
    cat.set_model("lexical", _legacy_blob(ids, rows), {"works": len(ids), "buckets": BUCKETS})
    assert all(cat.get(w).lexical is None for w in ids)
    assert _index_arrays(cat) == current
    assert refresh_lexical(cat) == len(ids)  # counted from the stored texts, a batch at a time
    stored = cat.get_model("lexical")
    assert stored is not None and stored[0] is None and stored[1]["per_work"]
    assert _index_arrays(cat) == current
    assert all(cat.get(w).lexical is not None for w in ids)


def test_a_work_without_counts_is_left_out_of_the_index_until_the_refresh(tmp_path):
    cat = Catalog("sqlite://")
    import_paths(cat, [_folder(tmp_path)])
    current = _index_arrays(cat)
    cat.set_work_blobs("lexical", [("en0", None)])
    assert "en0" not in catalog_lexical(cat).ids
    assert refresh_lexical(cat) == 1
    assert _index_arrays(cat) == current


def test_stored_counts_round_trip_for_empty_and_full_rows():
    for text, lang in (("", "en"), ("The heir, the maid.", "en"), ("重生复仇 CEO", "zh")):
        row = lexical_row(text, lang)
        back = unpack_row(pack_row(row))
        assert back.cols.dtype == np.int32 and back.counts.dtype == np.float32
        assert back.cols.tolist() == row.cols.tolist() and back.counts.tolist() == row.counts.tolist()
    assert zlib.crc32(pack_row(lexical_row("", "en"))) == zlib.crc32(b"")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="。！？!?；;.\n \t\r\x0b\x0c\x1c\u3000\u2028\u0085ab", max_size=30))
def test_sentence_breaks_found_by_their_characters_are_the_rules_own(text):
    from dramalens.text.sentences import SENTENCE_BREAK, sentence_breaks

    assert sentence_breaks(text) == [(m.start(), m.end()) for m in SENTENCE_BREAK.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="abcsik'- ", min_size=1, max_size=6), min_size=1, max_size=12),
       st.text(alphabet="abcsikABCSIK'’-. \n1" + ODD + "\u212aΣσς", min_size=1, max_size=60))
def test_cue_scan_over_lower_case_text_gives_the_ignorecase_spans(cues, text):
    text = text * (1000 // len(text) + 1)  # long enough for the lower-case scan
    cues = [c.lower() for c in cues]
    for language in ("en", "zh"):
        pattern = tropes._cue_regex(cues, language)
        fast = [(m.span(), m.group(0).lower()) for m in tropes.cue_matches(pattern, text)]
        assert fast == [(m.span(), m.group(0).lower()) for m in pattern.finditer(text)]


# ------------------------------------------------------------------ embedding features
def test_the_embedder_fitted_from_stored_features_is_the_one_fitted_from_the_texts(tmp_path):
    """The import's workers keep each work's hashed features; the refit reads them a block at a
    time instead of the texts: the same model and the same vectors, bit for bit."""
    from dramalens.catalog.embed import HashedTfidfEmbedder, catalog_embedder, refresh_embeddings

    cat = Catalog("sqlite://")
    import_paths(cat, [_folder(tmp_path)])
    ids, texts, langs, _has = cat.texts_for_embedding()
    reference = HashedTfidfEmbedder()
    vectors = reference.fit_embed(texts, langs)
    index = cat.index()
    assert all(cat.get(w).features for w in ids)
    assert np.array_equal(np.stack([index.embeddings[index.position[w]] for w in ids]), vectors)
    fitted = catalog_embedder(cat)
    assert fitted.to_bytes() == reference.to_bytes()
    # A catalog stored before the features were kept: counted from the texts, then the same.
    cat.set_work_blobs("features", [(w, None) for w in ids])
    assert refresh_embeddings(cat, refit=True) == len(ids)
    index = cat.index()
    assert np.array_equal(np.stack([index.embeddings[index.position[w]] for w in ids]), vectors)
    assert all(cat.get(w).features for w in ids)


def test_fitting_and_embedding_block_by_block_equals_all_at_once():
    from dramalens.catalog import embed

    rng = np.random.default_rng(3)
    words = [f"w{i}" for i in range(400)]
    texts = [" ".join(rng.choice(words, size=int(rng.integers(1, 30)))) for _ in range(2 * embed._BLOCK + 300)]
    e = embed.HashedTfidfEmbedder(dim=16, buckets=1 << 12)
    rows = e._rows(texts, ["en"] * len(texts))
    whole = e.fit_embed(texts, ["en"] * len(texts))
    blocks = [rows[s : s + embed._BLOCK] for s in range(0, len(rows), embed._BLOCK)]
    f = embed.HashedTfidfEmbedder(dim=16, buckets=1 << 12)
    f._fit_blocks(len(rows), lambda: iter(blocks))
    assert f.to_bytes() == e.to_bytes()
    assert np.array_equal(np.concatenate([f._project(b) for b in blocks]), whole)
    assert [embed._unpack_features(e.features(t, "en"))[2] for t in texts[:5]] == [r[2] for r in rows[:5]]


# ------------------------------------------------------------------ blob versions
@pytest.mark.parametrize("field", ["lexical", "features"])
def test_blobs_counted_by_another_version_are_all_counted_again(tmp_path, field):
    """A catalog whose per-work counts came from another version of the counting code is counted
    again whole at the next refresh, never left half old and half new."""
    from dramalens.catalog import blobs, embed, lexical

    cat = Catalog("sqlite://")
    import_paths(cat, [_folder(tmp_path)])
    ids = cat.ids()
    good = {w: getattr(cat.get(w), field) for w in ids}
    assert cat.get_model(blobs.VERSIONS_MODEL)[1] == {"lexical": 1, "features": 1}
    # As if an older version had counted the first work differently and recorded version 0.
    cat.set_work_blobs(field, [(ids[0], b"stale")])
    versions = cat.get_model(blobs.VERSIONS_MODEL)[1]
    cat.set_model(blobs.VERSIONS_MODEL, None, {**versions, field: 0})
    refresh = (lambda: lexical.refresh_lexical(cat)) if field == "lexical" else (lambda: embed.refresh_embeddings(cat, refit=True))
    assert refresh() == len(ids)
    assert {w: getattr(cat.get(w), field) for w in ids} == good
    assert cat.get_model(blobs.VERSIONS_MODEL)[1][field] == 1
    # The same version: nothing is counted again, and a stale blob would stay (the version is the promise).
    cat.set_work_blobs(field, [(ids[0], None)])
    before = len(ids) if field == "features" else 1
    assert refresh() == before


def test_a_refreshed_catalog_that_records_no_version_was_counted_by_the_first(tmp_path):
    from dramalens.catalog import blobs, lexical

    cat = Catalog("sqlite://")
    import_paths(cat, [_folder(tmp_path)])
    cat.set_model(blobs.VERSIONS_MODEL, None, {})  # as a catalog refreshed before versions were kept
    assert lexical.refresh_lexical(cat) == 0  # version 1 is today's: nothing to count
    original = lexical.LEXICAL_VERSION
    try:
        lexical.LEXICAL_VERSION = 2
        assert lexical.refresh_lexical(cat) == len(cat.ids())
        assert cat.get_model(blobs.VERSIONS_MODEL)[1]["lexical"] == 2
    finally:
        lexical.LEXICAL_VERSION = original


# ------------------------------------------------------------------ the collector
def test_a_chunk_runs_with_the_collector_off_and_leaves_it_as_it_found_it():
    import gc

    from dramalens.catalog import prepare
    from dramalens.catalog.records import Work

    seen = []
    original = prepare.task_document

    def spy(task):
        seen.append(gc.isenabled())
        if task.work.id == "boom":
            raise RuntimeError("a bug in a parser")
        return original(task)

    prepare.task_document = spy
    try:
        assert gc.isenabled()
        prepare.prepare_batch([prepare.ImportTask(Work("a", "A", "en", synopsis="x y z"))])
        assert seen == [False] and gc.isenabled()
        with pytest.raises(RuntimeError):
            prepare.prepare_batch([prepare.ImportTask(Work("boom", "B", "en", synopsis="x"))])
        assert gc.isenabled()  # back on after a failure too
        gc.disable()
        prepare.prepare_batch([prepare.ImportTask(Work("c", "C", "en", synopsis="x"))])
        assert not gc.isenabled()  # a caller that turned it off keeps it off
    finally:
        gc.enable()
        prepare.task_document = original
