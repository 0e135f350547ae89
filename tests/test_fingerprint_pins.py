"""Pinned fingerprints of fixed texts, and the fast paths against their reference formulations.

The catalog stores fingerprints (MinHash signatures, passage prints, embeddings, tropes,
skeletons); a change that moves any of them silently invalidates every stored catalog. The
digests below were taken before the performance pass of catalog/shingles.py, minhash.py,
embed.py, tropes.py, skeleton.py and t2s.py and held unchanged after it: a failure here means
stored fingerprints would change (re-import, or bump the engine/version notes in docs/catalog.md).

Each text is pinned three ways: as a parsed script (``zh``: what a script file gets), as its
own lines (``zh/lines``: how any text is normalised) and as a one-line synopsis. The script
entries changed once, on purpose, when the catalog came to read scripts through the parsers
(parse once): passage prints point at lines of the stored text instead of the file, and an
English script's cues and parentheticals are no longer shingled. The text entries held.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dramalens.analysis import skeleton
from dramalens.catalog import shingles
from dramalens.catalog.documents import script_document
from dramalens.catalog.embed import HashedTfidfEmbedder
from dramalens.catalog.fingerprint import fingerprint_batch
from dramalens.catalog.records import Document, Work
from dramalens.catalog.shingles import shingle_lines_multi
from dramalens.parsing import parse_text

TEXTS = {
    "zh": (
        "第1集\n1-1 日 内 顾氏集团总裁办公室\n出场人物：林晚、顾沉舟\n△林晚推门而入，手里攥着一份离婚协议。\n"
        "林晚（冷笑）：顾沉舟，你签了它，我们从此两清。\n顾沉舟：你以为离开我，你还能去哪？\n"
        "林晚：三年前你为了白月光当众羞辱我，今天我要你付出代价！\n【卡点】\n"
        "第2集\n2-1 夜 外 医院走廊\n△她重生回到十八岁，发誓这一世要复仇。\n林晚：孩子是你的，可你不配知道。"
    ),
    "zh_traditional": (
        "第1集\n林晚（冷笑）：顧沉舟，你簽了它，我們從此兩清。\n顧沉舟：你以為離開我，你還能去哪？\n"
        "△她重生回到十八歲，發誓這一世要復仇。答覆他：打坏了就賠。"
    ),
    "en": (
        "INT. PENTHOUSE - NIGHT\n\nANNA\nYou signed the contract marriage papers, Bob.\n\nBOB\n"
        "I'm the alpha of this pack. Don't test me.\n\nAnna slaps him. She swears revenge.\n"
        "They first met in the rain. He betrayed her. The billionaire heir regrets everything."
    ),
}
NAMES = {"zh": ("林晚", "顾沉舟"), "zh_traditional": ("林晚", "顧沉舟"), "en": ("Anna", "Bob")}

# sha256 (first 16 hex digits) of each fingerprint of the texts above; see the module docstring.
PINNED = {
    "zh": {
        # The parsed script: passage prints point at lines of the stored text now (was: file lines).
        "minhash": "9856b3965f8ff47f",
        "passages": "d9a4386e98309e3e",
        "tropes": "95305cdfc19220d2",
        "skeleton": "1e3d65f5eb1310ac",
        "shingles": 83,
        "minhash/lines": "9856b3965f8ff47f",
        "passages/lines": "399bb5a15e8691ed",
        "tropes/lines": "95305cdfc19220d2",
        "skeleton/lines": "1e3d65f5eb1310ac",
        "shingles/lines": 83,
        "minhash/synopsis": "4a56818f240e599b",
        "passages/synopsis": "ebf80458934c7c51",
        "tropes/synopsis": "95305cdfc19220d2",
        "skeleton/synopsis": "1e3d65f5eb1310ac",
        "shingles/synopsis": 135,
    },
    "zh_traditional": {
        "minhash": "1015ee7592ab32f2",
        "passages": "43ae57e13e1a6317",
        "tropes": "95e5dfb671c2d89a",
        "skeleton": "793ef70cf1374e19",
        "shingles": 42,
        "minhash/lines": "1015ee7592ab32f2",
        "passages/lines": "13c8cfc2ae1732e3",
        "tropes/lines": "95e5dfb671c2d89a",
        "skeleton/lines": "793ef70cf1374e19",
        "shingles/lines": 42,
        "minhash/synopsis": "74f493b87501dffa",
        "passages/synopsis": "efa9942a8230b229",
        "tropes/synopsis": "95e5dfb671c2d89a",
        "skeleton/synopsis": "793ef70cf1374e19",
        "shingles/synopsis": 54,
    },
    "en": {
        # The parsed script: character cues (masked names) and parentheticals are no longer
        # shingled, and passage prints point at lines of the stored text.
        "minhash": "1e447c2f4c55ffe1",
        "passages": "b70044daab895ea9",
        "tropes": "18432dd4d013f068",
        "skeleton": "198f719e5d37fa77",
        "shingles": 34,
        "minhash/lines": "6621060f6db5e75d",
        "passages/lines": "cd39f92c1d09fe60",
        "tropes/lines": "18432dd4d013f068",
        "skeleton/lines": "198f719e5d37fa77",
        "shingles/lines": 36,
        "minhash/synopsis": "1de13850b8e448b3",
        "passages/synopsis": "2600e977b3701467",
        "tropes/synopsis": "18432dd4d013f068",
        "skeleton/synopsis": "198f719e5d37fa77",
        "shingles/synopsis": 40,
    },
}

# The embedding of the texts above (each repeated three times) as values, not a digest of their
# bytes: the last bits of a float32 matrix product depend on the BLAS kernel that computes it.
# On one machine OpenBLAS's Haswell kernel (OPENBLAS_CORETYPE=Haswell, set on this project's
# machines and CI) and its own choice differ by up to 4e-7, so the digest 4caf0a7078219dc6
# pinned here before held only with the latter, whatever the numpy version (2.2 to 2.4).
# With jieba words (``words=True``): the embedding every catalog fitted before the default
# changed keeps, since a stored embedder tokenises queries as it was fitted.
PINNED_EMBEDDING = np.array([
    (0.848473, -0.059360, -0.525899, 0.0),
    (0.849390, -0.036927, 0.526473, 0.0),
    (0.082013, 0.996561, -0.011818, 0.0),
] * 3, dtype=np.float32)
# The default of issue 10's speed pass: Chinese as character bigrams alone (jieba cost ~50 ms
# a script for no measured gain, docs/catalog.md); kept by embedders stored with zh_features 0.
PINNED_EMBEDDING_BIGRAMS = np.array([
    (0.840685, -0.069349, -0.537065, 0.0),
    (0.841905, -0.043695, 0.537854, 0.0),
    (0.095534, 0.995330, -0.013809, 0.0),
] * 3, dtype=np.float32)
# The default since (zh_features 1): Chinese character unigrams and bigrams without function
# characters (docs/catalog.md, "Chinese real-data set"). Moved on purpose: the Chinese rows changed.
PINNED_EMBEDDING_ZH1 = np.array([
    (0.855713, -0.058672, -0.514113, 0.0),
    (0.852566, -0.103969, 0.512174, 0.0),
    (0.140272, 0.989838, 0.023323, 0.0),
] * 3, dtype=np.float32)


def _h(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _docs() -> list[Document]:
    """Per text: the parsed script (how a script file is fingerprinted), the text's own lines with
    the cast's names (how a text is normalised), and a one-line synopsis (a metadata-only work)."""
    docs = []
    for key, text in TEXTS.items():
        lang = "en" if key == "en" else "zh"
        script = script_document(parse_text(text), Work(key, f"title {key}", lang))
        docs.append(replace(script, content_hash="pinned"))
        lines = Work(key + "/lines", f"title {key}", lang, names=NAMES[key])
        docs.append(Document(lines, tuple(text.split("\n")), content_hash="pinned"))
        blurb = ("简介：" if lang == "zh" else "Synopsis: ") + text.replace("\n", " ")
        docs.append(Document(Work(key + "/synopsis", "", lang, synopsis=blurb), content_hash="pinned"))
    return docs


def _digests() -> dict:
    out: dict = {}
    for record in fingerprint_batch(_docs()):
        key, _, part = record.work.id.partition("/")
        entry = out.setdefault(key, {})
        suffix = "/" + part if part else ""
        tropes = [{"trope": t.trope, "label_zh": t.label_zh, "label_en": t.label_en, "confidence": t.confidence} for t in record.tropes]
        sk = record.skeleton
        skeleton = {"functions": list(sk.functions), "roles": [], "language": sk.language} if sk is not None else None
        entry["minhash" + suffix] = _h(record.minhash)
        entry["passages" + suffix] = _h(record.passages + record.passage_lines)
        entry["tropes" + suffix] = _h(json.dumps(tropes, ensure_ascii=False, sort_keys=True).encode())
        entry["skeleton" + suffix] = _h(json.dumps(skeleton, ensure_ascii=False, sort_keys=True).encode())
        entry["shingles" + suffix] = record.shingles
    return out


def test_pinned_fingerprints_are_unchanged():
    assert _digests() == PINNED


def test_pinned_embedding_is_unchanged():
    texts = list(TEXTS.values()) * 3
    langs = ["zh", "zh", "en"] * 3
    vectors = HashedTfidfEmbedder(dim=4, buckets=1024, words=True).fit_embed(texts, langs)
    np.testing.assert_allclose(vectors, PINNED_EMBEDDING, rtol=0, atol=1e-5)
    vectors = HashedTfidfEmbedder(dim=4, buckets=1024, zh_features=0).fit_embed(texts, langs)
    np.testing.assert_allclose(vectors, PINNED_EMBEDDING_BIGRAMS, rtol=0, atol=1e-5)
    vectors = HashedTfidfEmbedder(dim=4, buckets=1024).fit_embed(texts, langs)
    np.testing.assert_allclose(vectors, PINNED_EMBEDDING_ZH1, rtol=0, atol=1e-5)


def test_an_embedder_stored_before_the_choice_keeps_jieba_words():
    import io

    e = HashedTfidfEmbedder(dim=2, buckets=64).fit(["重生复仇", "总裁"], ["zh", "zh"])
    assert not e.words and not HashedTfidfEmbedder.from_bytes(e.to_bytes()).words
    with np.load(io.BytesIO(e.to_bytes())) as z:
        old = {k: z[k] for k in z.files}
    old["config"] = old["config"][:4]  # the four-entry config of the earlier format
    buf = io.BytesIO()
    np.savez(buf, **old)
    assert HashedTfidfEmbedder.from_bytes(buf.getvalue()).words


# ---------------------------------------------------------------- fast paths = reference forms
_ZH_ALPHABET_FOR_NGRAMS = "的一是不了人我總裁說這個們林晚坏覆ABCabc 123，。！？：𠀀㐀\t"
@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=_ZH_ALPHABET_FOR_NGRAMS, max_size=120))
def test_vectorised_chinese_bigram_features_match_the_token_formulation(text):
    """The embedding's NumPy feature counter equals counting ``"\x01" + pair`` tokens over the
    text with everything but Han, a-z and 0-9 dropped (its reference formulation); with
    zh_features 1, besides every character as a token, and no token holding a function character."""
    from collections import Counter

    from dramalens.catalog.embed import ZH_FUNCTION_CHARS
    from dramalens.catalog.shingles import mix64
    from dramalens.text import to_simplified
    from dramalens.text.han import HAN_CLASS

    for zh_features in (0, 1):
        e = HashedTfidfEmbedder(dim=2, buckets=256, zh_features=zh_features)
        cols, counts, length = e._hashed(text, "zh")
        compact = re.sub(rf"[^{HAN_CLASS}a-z0-9]+", "", to_simplified(text[: e.max_chars].lower()))
        tokens = Counter("\x01" + compact[i : i + 2] for i in range(len(compact) - 1))
        if zh_features:
            tokens.update(compact)
            tokens = Counter({t: n for t, n in tokens.items() if not set(t) & set(ZH_FUNCTION_CHARS)})
        ref: Counter[int] = Counter()
        for token, n in tokens.items():
            crc = np.array([zlib.crc32(token.encode("utf-8"))], np.uint64)
            ref[int(mix64(crc)[0] & np.uint64(255))] += n
        assert length == sum(tokens.values())
        assert dict(zip(cols.tolist(), counts.tolist())) == {k: float(v) for k, v in ref.items()}


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=_ZH_ALPHABET_FOR_NGRAMS, max_size=120))
def test_vectorised_lexical_counts_match_the_token_formulation(text):
    """The lexical row's NumPy Han counter equals counting every Han character, every pair of
    adjacent Han characters and every Latin word of the text (its reference formulation)."""
    from collections import Counter

    from dramalens.catalog.lexical import BUCKETS, lexical_row
    from dramalens.text import to_simplified
    from dramalens.text.han import HAN_CLASS

    row = lexical_row(text, "zh")
    t = to_simplified(text.lower())
    tokens: list[str] = []
    for run in re.findall(rf"[{HAN_CLASS}]+", t):
        tokens.extend(run)
        tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
    tokens.extend(re.findall(r"[a-z0-9]+", t))
    ref = Counter(zlib.crc32(x.encode("utf-8")) & (BUCKETS - 1) for x in tokens)
    assert dict(zip(row.cols.tolist(), row.counts.tolist())) == {k: float(v) for k, v in ref.items()}

_ZH_ALPHABET = "的一是不了人我在有他總裁說這個們會來為開門囗林晚坏覆沈ABCabcKİΣ 123，。！？：:（）()「」…—第集-日内【卡点】𠀀㐀\t"


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet=_ZH_ALPHABET, max_size=40), max_size=8),
       st.sampled_from([(), ("林晚",), ("林晚", "總裁", "囗囗"), ("晚",)]))
def test_vectorised_chinese_normalisation_matches_per_line(lines, names):
    masked = shingles._prepare_names(names, "zh")
    from dramalens.text import to_simplified

    codes, unit_lines = shingles._zh_units(lines, masked)
    ref_codes, ref_lines = shingles._zh_units_per_line([to_simplified(x) for x in lines], masked)
    assert np.array_equal(codes, ref_codes) and np.array_equal(unit_lines, ref_lines)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(1, 0x10FFFF), max_size=60), st.integers(1, 32))
def test_prefix_sum_ngrams_match_the_rolling_hash(values, k):
    codes = np.array(values, dtype=np.uint64)
    got = shingles._ngrams(codes, np.arange(1, codes.size + 1, dtype=np.int32), k)
    if codes.size == 0:
        assert len(got) == 0
        return
    k = min(k, codes.size)
    n = codes.size - k + 1
    h = np.zeros(n, dtype=np.uint64)
    for j in range(k):  # the textbook formulation the ids were defined by
        h = h * np.uint64(0x100000001B3) + codes[j : j + n]
    assert np.array_equal(got.ids, (shingles.mix64(h) >> np.uint64(32)).astype(np.uint32))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["两人初遇", "当众", "羞辱", "复仇", "离婚协议", "。", "！", "\n", " ", ".", ". ",
                                 "They first met", "betrayed", "revenge", "A", "x", "\u3000"]), max_size=30),
       st.sampled_from(["zh", "en"]))
def test_whole_text_cue_scan_matches_unit_by_unit(parts, language):
    text = "".join(parts)
    units = (u for u in skeleton._SPLIT.split(text) if u and u.strip())
    reference = [(i, f) for i, u in enumerate(units, start=1) if (f := skeleton._unit_functions(u, language))]
    assert skeleton._functions_by_unit(text, language) == reference


def test_shingles_of_traditional_text_equal_those_of_its_simplified_form():
    lines = TEXTS["zh_traditional"].split("\n")
    from dramalens.text import to_simplified

    a = shingle_lines_multi(lines, "zh", ks=(5,))[0]
    b = shingle_lines_multi([to_simplified(x) for x in lines], "zh", ks=(5,))[0]
    assert len(a) > 0 and np.array_equal(a.ids, b.ids)
